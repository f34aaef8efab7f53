/* fletcher32.c - HDF5's Fletcher-32 checksum filter (id 3).
 *
 * The checksum runs over 16-bit words formed big-endian (first byte is the
 * high half); with an odd length the last byte is the high half of a final
 * word. Both 16-bit sums are reduced modulo 65535 the way HDF5 does (end
 * around carry, so a sum may end as 0xffff), and the result is
 * (sum2 << 16) | sum1, stored little-endian after the data. */
#include "filters.h"

uint32_t h5c_fletcher32(const uint8_t *p, size_t len)
{
    uint32_t s1 = 0, s2 = 0;
    size_t words = len / 2;
    while (words) {
        /* 360 words keep both sums below 2^32 before folding */
        size_t n = words > 360 ? 360 : words;
        words -= n;
        for (size_t i = 0; i < n; i++) {
            s1 += (uint32_t)p[0] << 8 | p[1];
            s2 += s1;
            p += 2;
        }
        s1 = (s1 & 0xffff) + (s1 >> 16);
        s2 = (s2 & 0xffff) + (s2 >> 16);
    }
    if (len & 1) {
        s1 += (uint32_t)p[0] << 8;
        s2 += s1;
        s1 = (s1 & 0xffff) + (s1 >> 16);
        s2 = (s2 & 0xffff) + (s2 >> 16);
    }
    s1 = (s1 & 0xffff) + (s1 >> 16);
    s2 = (s2 & 0xffff) + (s2 >> 16);
    return s2 << 16 | s1;
}

int h5c_fletcher32_check(const uint8_t *buf, size_t len, size_t *data_len, h5c_error *err)
{
    if (len < 4)
        return H5C_FMT(err, "filter 3 (fletcher32): %zu bytes cannot hold the 4-byte checksum", len);
    size_t n = len - 4;
    uint32_t stored = (uint32_t)buf[n] | (uint32_t)buf[n + 1] << 8 | (uint32_t)buf[n + 2] << 16 |
                      (uint32_t)buf[n + 3] << 24;
    uint32_t sum = h5c_fletcher32(buf, n);
    /* HDF5 before 1.6.3 stored the value with the bytes of each half swapped */
    uint32_t swapped = ((sum & 0x00ff00ffu) << 8) | ((sum >> 8) & 0x00ff00ffu);
    if (stored != sum && stored != swapped)
        return h5c_fail(err, H5C_ERR_CHECKSUM,
                        "filter 3 (fletcher32): checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, sum);
    *data_len = n;
    return 0;
}

int h5c_decode_fletcher32(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                          const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl, (void)dst, (void)cap;
    *out = in;  /* the data stays where it is, minus the checksum */
    return h5c_fletcher32_check(in, len, out_len, err);
}

/* lz4.c - the registered lz4 filter (id 32004) with HDF5's lz4 framing:
 * an 8-byte big-endian decoded size, a 4-byte big-endian block size, then
 * per block a 4-byte big-endian compressed size and the block; a block
 * whose compressed size equals its decoded size is stored as is. Every
 * block decodes to the block size except the last (the remainder). */
#ifdef H5C_HAVE_LZ4
#include "filters.h"

#include <limits.h>
#include <lz4.h>
#include <string.h>

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

int h5c_decode_lz4(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                   const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    if (len < 12) return H5C_FMT(err, "filter 32004 (lz4): %zu bytes cannot hold the 12-byte header", len);
    uint64_t total = be(in, 8), block = be(in + 8, 4);
    if (total > cap)
        return H5C_FMT(err, "filter 32004 (lz4): chunk claims %llu decoded bytes, more than the chunk's %zu",
                       (unsigned long long)total, cap);
    if (block == 0 && total) return H5C_FMT(err, "filter 32004 (lz4): block size 0");
    size_t ip = 12, op = 0;
    while (op < total) {
        size_t want = total - op < block ? (size_t)(total - op) : (size_t)block;
        if (len - ip < 4) return H5C_FMT(err, "filter 32004 (lz4): block at output byte %zu cut off", op);
        uint64_t csize = be(in + ip, 4);
        ip += 4;
        if (csize > len - ip)
            return H5C_FMT(err, "filter 32004 (lz4): block of %llu bytes passes the end of the chunk",
                           (unsigned long long)csize);
        if (csize == want) {
            memcpy(dst + op, in + ip, want);
        } else {
            if (csize > INT_MAX || want > INT_MAX)
                return H5C_FMT(err, "filter 32004 (lz4): block too large");
            int r = LZ4_decompress_safe((const char *)in + ip, (char *)dst + op, (int)csize, (int)want);
            if (r < 0 || (size_t)r != want)
                return H5C_FMT(err, "filter 32004 (lz4): corrupt block at output byte %zu", op);
        }
        ip += csize;
        op += want;
    }
    *out_len = op;
    return 0;
}
#endif

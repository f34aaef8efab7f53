/* checksum.c - Jenkins lookup3 hashlittle() and the v2 metadata checksum.
 *
 * HDF5 checksums every v2 structure (B-tree v2 nodes, fractal heap blocks,
 * OHDR chunks, ...) with Bob Jenkins' lookup3 "hashlittle" and an initial
 * value of 0. The input is read one byte at a time, little-endian, so the
 * result does not depend on host byte order or alignment. */
#include "format.h"

static inline uint32_t rot32(uint32_t x, unsigned k)
{
    return (x << k) | (x >> (32 - k));
}

/* Little-endian 32-bit word from 4 bytes (no unaligned access). */
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reversible mixing of three 32-bit values (lookup3 "mix"). */
static inline void mix3(uint32_t *a, uint32_t *b, uint32_t *c)
{
    *a -= *c; *a ^= rot32(*c, 4);  *c += *b;
    *b -= *a; *b ^= rot32(*a, 6);  *a += *c;
    *c -= *b; *c ^= rot32(*b, 8);  *b += *a;
    *a -= *c; *a ^= rot32(*c, 16); *c += *b;
    *b -= *a; *b ^= rot32(*a, 19); *a += *c;
    *c -= *b; *c ^= rot32(*b, 4);  *b += *a;
}

/* Final avalanche of three values into c (lookup3 "final"). */
static inline void final3(uint32_t *a, uint32_t *b, uint32_t *c)
{
    *c ^= *b; *c -= rot32(*b, 14);
    *a ^= *c; *a -= rot32(*c, 11);
    *b ^= *a; *b -= rot32(*a, 25);
    *c ^= *b; *c -= rot32(*b, 16);
    *a ^= *c; *a -= rot32(*c, 4);
    *b ^= *a; *b -= rot32(*a, 14);
    *c ^= *b; *c -= rot32(*b, 24);
}

uint32_t h5c_lookup3(const void *data, size_t len, uint32_t initval)
{
    const uint8_t *k = (const uint8_t *)data;
    /* The length enters the seed as a 32-bit value, as in the reference. */
    uint32_t a, b, c;
    a = b = c = 0xdeadbeefu + (uint32_t)len + initval;

    /* All but the last block: the last 1..12 bytes go through final3. */
    while (len > 12) {
        a += le32(k);
        b += le32(k + 4);
        c += le32(k + 8);
        mix3(&a, &b, &c);
        len -= 12;
        k += 12;
    }
    if (len == 0) return c;  /* zero-length tail: no final mixing */

    /* Tail: missing bytes count as zero, so pad a copy. */
    uint8_t tail[12] = {0};
    for (size_t i = 0; i < len; i++) tail[i] = k[i];
    a += le32(tail);
    b += le32(tail + 4);
    c += le32(tail + 8);
    final3(&a, &b, &c);
    return c;
}

int h5c_check_sum(const uint8_t *buf, size_t len, uint64_t addr, const char *what,
                  h5c_error *err)
{
    uint32_t stored = (uint32_t)h5c_le(buf + len, 4);
    uint32_t computed = h5c_lookup3(buf, len, 0);
    if (stored != computed)
        return h5c_fail(err, H5C_ERR_CHECKSUM,
                        "%s at 0x%llx: checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        what ? what : "metadata", (unsigned long long)addr, stored, computed);
    return 0;
}

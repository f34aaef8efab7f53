/* cursor.h - bounds-checked little-endian reads over a byte buffer.
 *
 * A read past the end returns 0 and sets c->bad; parsers read a whole
 * structure and then test h5c_cur_ok() once, so every field is checked
 * without an if after each read. */
#ifndef H5C_CURSOR_H
#define H5C_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define H5C_UNDEF UINT64_MAX /* the "undefined address" (all bits set) */

typedef struct h5c_cur {
    const uint8_t *start, *p, *end;
    uint64_t addr;   /* file address of start (for error messages) */
    uint8_t so, sl;  /* size of offsets and of lengths */
    int bad;
} h5c_cur;

static inline void h5c_cur_init(h5c_cur *c, const uint8_t *buf, size_t len,
                                uint64_t addr, uint8_t so, uint8_t sl)
{
    c->start = c->p = buf;
    c->end = buf + len;
    c->addr = addr;
    c->so = so;
    c->sl = sl;
    c->bad = 0;
}

static inline int h5c_cur_ok(const h5c_cur *c) { return !c->bad; }
static inline size_t h5c_cur_left(const h5c_cur *c) { return (size_t)(c->end - c->p); }
static inline uint64_t h5c_cur_pos(const h5c_cur *c) { return c->addr + (uint64_t)(c->p - c->start); }

/* Unsigned little-endian integer of n (0..8) bytes. */
static inline uint64_t h5c_cur_uint(h5c_cur *c, unsigned n)
{
    if (n > 8 || h5c_cur_left(c) < n) {
        c->bad = 1;
        c->p = c->end;
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)c->p[i] << (8 * i);
    c->p += n;
    return v;
}

static inline uint8_t h5c_cur_u8(h5c_cur *c) { return (uint8_t)h5c_cur_uint(c, 1); }
static inline uint16_t h5c_cur_u16(h5c_cur *c) { return (uint16_t)h5c_cur_uint(c, 2); }
static inline uint32_t h5c_cur_u32(h5c_cur *c) { return (uint32_t)h5c_cur_uint(c, 4); }
static inline uint64_t h5c_cur_u64(h5c_cur *c) { return h5c_cur_uint(c, 8); }

/* An address of `so` bytes; all bits set maps to H5C_UNDEF. */
static inline uint64_t h5c_cur_addr(h5c_cur *c)
{
    uint64_t v = h5c_cur_uint(c, c->so);
    if (c->so < 8 && v == ((uint64_t)1 << (8 * c->so)) - 1) return H5C_UNDEF;
    return v;
}

static inline uint64_t h5c_cur_len(h5c_cur *c) { return h5c_cur_uint(c, c->sl); }

/* Pointer to the next n bytes (and skip them), or NULL past the end. */
static inline const uint8_t *h5c_cur_take(h5c_cur *c, size_t n)
{
    if (h5c_cur_left(c) < n) {
        c->bad = 1;
        c->p = c->end;
        return NULL;
    }
    const uint8_t *r = c->p;
    c->p += n;
    return r;
}

static inline void h5c_cur_skip(h5c_cur *c, size_t n) { (void)h5c_cur_take(c, n); }

/* Little-endian helpers for raw buffers already bounds-checked. */
static inline uint64_t h5c_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Bytes needed to store values up to max (at least 1): used by chunk
 * indexes for encoded sizes. */
static inline unsigned h5c_bytes_for(uint64_t max)
{
    unsigned n = 1;
    while (n < 8 && (max >> (8 * n)) != 0) n++;
    return n;
}

static inline unsigned h5c_log2_floor(uint64_t v)
{
    unsigned r = 0;
    while (v >>= 1) r++;
    return r;
}

#endif

/* fractal_heap.c - fractal heaps ("FRHP"): storage of dense links, dense
 * attributes and shared messages.
 *
 * An object is named by a heap ID whose first byte gives its kind:
 *  - managed: offset + length in the heap's linear address space, stored in
 *    a direct block found through the doubling table (root direct block, or
 *    a tree of indirect blocks);
 *  - tiny: the bytes are inside the ID itself;
 *  - huge: stored on its own in the file, at an address held in the ID or
 *    found in the heap's huge-object B-tree v2.
 * Filtered heaps (compressed blocks) are not read: only their tiny objects. */
#include "fheap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ULL(x) ((unsigned long long)(x))

enum { ID_MANAGED = 0, ID_HUGE = 1, ID_TINY = 2 };

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

/* An address of `so` bytes from a checked buffer; all ones -> UNDEF. */
static uint64_t addr_at(const uint8_t *p, unsigned so)
{
    uint64_t v = h5c_le(p, so);
    if (so < 8 && v == ((uint64_t)1 << (8 * so)) - 1) return H5C_UNDEF;
    return v;
}

/* relative [addr, addr+len) lies inside the file */
static int range_in_file(const h5c_file *f, uint64_t addr, uint64_t len)
{
    if (addr == H5C_UNDEF || f->base > f->eof) return 0;
    uint64_t room = f->eof - f->base;
    return addr <= room && len <= room - addr;
}

/* ---- header ------------------------------------------------------------ */

/* Bytes of the header, checksum included. */
static size_t hdr_size(const h5c_file *f, uint16_t filter_len)
{
    size_t n = 14 + 12 * (size_t)f->sl + 3 * (size_t)f->so + 8 + 4;
    if (filter_len) n += (size_t)f->sl + 4 + filter_len;
    return n;
}

static int hdr_fields(h5c_file *f, h5c_fheap *h, const uint8_t *buf, size_t len, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, h->addr);
    h5c_cur_skip(&c, 5);                   /* signature, version: checked */
    h->id_len = h5c_cur_u16(&c);
    h->filter_len = h5c_cur_u16(&c);
    h->flags = h5c_cur_u8(&c);
    h->max_man = h5c_cur_u32(&c);
    (void)h5c_cur_len(&c);                 /* next huge object ID */
    h->huge_bt2 = h5c_cur_addr(&c);
    (void)h5c_cur_len(&c);                 /* free space in managed blocks */
    (void)h5c_cur_addr(&c);                /* free-space manager */
    for (int i = 0; i < 8; i++) (void)h5c_cur_len(&c);  /* space/object statistics */
    h->width = h5c_cur_u16(&c);
    h->start_block = h5c_cur_len(&c);
    h->max_dblock = h5c_cur_len(&c);
    h->max_heap_bits = h5c_cur_u16(&c);
    (void)h5c_cur_u16(&c);                 /* starting rows of the root indirect block */
    h->root_addr = h5c_cur_addr(&c);
    h->cur_rows = h5c_cur_u16(&c);
    if (!h5c_cur_ok(&c))
        return H5C_FMT(err, "fractal heap at 0x%llx: header truncated", ULL(h->addr));
    return 0;
}

/* Check the doubling-table parameters and derive the field widths. */
static int hdr_derive(h5c_file *f, h5c_fheap *h, h5c_error *err)
{
    if (h->id_len == 0)
        return H5C_FMT(err, "fractal heap at 0x%llx: heap ID length is 0", ULL(h->addr));
    if (!is_pow2(h->width) || !is_pow2(h->start_block) || !is_pow2(h->max_dblock) ||
        h->max_dblock < h->start_block)
        return H5C_FMT(err, "fractal heap at 0x%llx: bad doubling table (width %u, start block %llu, max direct block %llu)",
                       ULL(h->addr), h->width, ULL(h->start_block), ULL(h->max_dblock));
    unsigned lw = h5c_log2_floor(h->width), ls = h5c_log2_floor(h->start_block);
    unsigned lm = h5c_log2_floor(h->max_dblock), bits = h->max_heap_bits;
    if (bits == 0 || bits > 64 || lw + ls > bits || lw + ls >= 64 || lm > bits)
        return H5C_FMT(err, "fractal heap at 0x%llx: bad maximum heap size (%u bits)", ULL(h->addr), bits);
    h->max_dblock_rows = lm - ls + 2;
    /* rows the root may have before its blocks pass the heap address space */
    unsigned max_root_rows = bits - (lw + ls) + 1;
    if (h->cur_rows > max_root_rows)
        return H5C_FMT(err, "fractal heap at 0x%llx: root indirect block has %u rows (at most %u)",
                       ULL(h->addr), h->cur_rows, max_root_rows);
    h->off_size = (bits + 7) / 8;
    unsigned by_block = (lm + 7) / 8;
    unsigned by_obj = h5c_log2_floor(h->max_man) / 8 + 1;
    h->len_size = by_block < by_obj ? by_block : by_obj;
    h->dblock_prefix = 5 + (size_t)f->so + h->off_size + ((h->flags & 2) ? 4 : 0);
    return 0;
}

int h5c_fheap_open(h5c_file *f, uint64_t addr, h5c_fheap *h, h5c_error *err)
{
    memset(h, 0, sizeof *h);
    h->addr = addr;
    if (addr == H5C_UNDEF) return H5C_FMT(err, "fractal heap with an undefined address");

    size_t len = hdr_size(f, 0);
    uint8_t *buf = h5c_meta_read(f, addr, len, "fractal heap header", err);
    if (!buf) return -1;
    if (memcmp(buf, "FRHP", 4) != 0) {
        free(buf);
        return H5C_FMT(err, "fractal heap at 0x%llx: bad signature", ULL(addr));
    }
    if (buf[4] != 0) {
        unsigned v = buf[4];
        free(buf);
        return H5C_UNSUP(err, "fractal heap version %u at 0x%llx", v, ULL(addr));
    }
    uint16_t filter_len = (uint16_t)h5c_le(buf + 7, 2);
    if (filter_len) {                      /* the pipeline sits before the checksum */
        free(buf);
        len = hdr_size(f, filter_len);
        buf = h5c_meta_read(f, addr, len, "fractal heap header", err);
        if (!buf) return -1;
    }
    int rc = h5c_check_sum(buf, len - 4, addr, "fractal heap", err);
    if (rc == 0) rc = hdr_fields(f, h, buf, len, err);
    free(buf);
    if (rc == 0) rc = hdr_derive(f, h, err);
    return rc;
}

/* ---- verified block cache ---------------------------------------------- */

static const uint8_t *blk_find(const h5c_fheap *h, uint8_t kind, uint64_t addr, size_t size,
                               uint64_t block_off)
{
    for (unsigned i = 0; i < H5C_FHEAP_CACHE_SLOTS; i++) {
        const struct h5c_fheap_blk *b = &h->blk[i];
        if (b->buf && b->kind == kind && b->addr == addr && b->size == size &&
            b->block_off == block_off)
            return b->buf;
    }
    return NULL;
}

static void blk_drop(h5c_fheap *h, struct h5c_fheap_blk *b)
{
    if (!b->buf) return;
    h->blk_bytes -= b->size;
    free(b->buf);
    b->buf = NULL;
}

/* Take ownership of a verified block; evict round-robin to stay within the
 * slot count and the byte budget. */
static void blk_keep(h5c_fheap *h, uint8_t kind, uint64_t addr, size_t size, uint64_t block_off,
                     uint8_t *buf)
{
    const unsigned n = H5C_FHEAP_CACHE_SLOTS;
    struct h5c_fheap_blk *b = &h->blk[h->blk_next];
    blk_drop(h, b);
    for (unsigned i = 1; i < n && h->blk_bytes + size > H5C_FHEAP_CACHE_BYTES; i++)
        blk_drop(h, &h->blk[(h->blk_next + i) % n]);
    h->blk_next = (h->blk_next + 1) % n;
    *b = (struct h5c_fheap_blk){kind, addr, block_off, size, buf};
    h->blk_bytes += size;
}

void h5c_fheap_close(h5c_fheap *h)
{
    if (!h) return;
    for (unsigned i = 0; i < H5C_FHEAP_CACHE_SLOTS; i++) blk_drop(h, &h->blk[i]);
}

/* Common prefix of direct and indirect blocks: signature, version 0, owning
 * heap, and the block's offset in the heap address space. */
static int blk_prefix(h5c_file *f, const h5c_fheap *h, const uint8_t *buf, const char *sig,
                      const char *what, uint64_t addr, uint64_t block_off, h5c_error *err)
{
    if (memcmp(buf, sig, 4) != 0)
        return H5C_FMT(err, "fractal heap at 0x%llx: %s at 0x%llx: bad signature", ULL(h->addr),
                       what, ULL(addr));
    if (buf[4] != 0)
        return H5C_UNSUP(err, "fractal heap %s version %u at 0x%llx", what, buf[4], ULL(addr));
    uint64_t owner = addr_at(buf + 5, f->so);
    uint64_t off = h5c_le(buf + 5 + f->so, h->off_size);
    if (owner != h->addr)
        return H5C_FMT(err, "fractal heap at 0x%llx: %s at 0x%llx: belongs to the heap at 0x%llx",
                       ULL(h->addr), what, ULL(addr), ULL(owner));
    if (off != block_off)
        return H5C_FMT(err, "fractal heap at 0x%llx: %s at 0x%llx: block offset %llu, expected %llu",
                       ULL(h->addr), what, ULL(addr), ULL(off), ULL(block_off));
    return 0;
}

static const uint8_t *dblock_load(h5c_file *f, h5c_fheap *h, uint64_t addr, size_t size,
                                  uint64_t block_off, h5c_error *err)
{
    const uint8_t *hit = blk_find(h, 'D', addr, size, block_off);
    if (hit) return hit;
    if (size < h->dblock_prefix) {
        H5C_FMT(err, "fractal heap at 0x%llx: direct block size %zu is below its %zu-byte prefix",
                ULL(h->addr), size, h->dblock_prefix);
        return NULL;
    }
    uint8_t *buf = h5c_meta_read(f, addr, size, "fractal heap direct block", err);
    if (!buf) {
        h5c_err_context(err, "fractal heap at 0x%llx", ULL(h->addr));
        return NULL;
    }
    int rc = blk_prefix(f, h, buf, "FHDB", "direct block", addr, block_off, err);
    if (rc == 0 && (h->flags & 2)) {
        /* The checksum covers the whole block with its own field zeroed. */
        uint8_t *field = buf + h->dblock_prefix - 4;
        uint32_t stored = (uint32_t)h5c_le(field, 4);
        memset(field, 0, 4);
        uint32_t computed = h5c_lookup3(buf, size, 0);
        if (stored != computed)
            rc = h5c_fail(err, H5C_ERR_CHECKSUM,
                          "fractal heap at 0x%llx: direct block at 0x%llx: checksum mismatch (stored 0x%08x, computed 0x%08x)",
                          ULL(h->addr), ULL(addr), stored, computed);
    }
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    blk_keep(h, 'D', addr, size, block_off, buf);
    return buf;
}

/* Entries of an indirect block with nrows rows: K direct, N indirect. */
static void iblock_counts(const h5c_fheap *h, unsigned nrows, size_t *ndirect, size_t *nindirect)
{
    unsigned drows = nrows < h->max_dblock_rows ? nrows : h->max_dblock_rows;
    *ndirect = (size_t)drows * h->width;
    *nindirect = (size_t)(nrows - drows) * h->width;
}

static size_t iblock_size(const h5c_file *f, const h5c_fheap *h, unsigned nrows)
{
    size_t k, n;
    iblock_counts(h, nrows, &k, &n);
    return 5 + (size_t)f->so + h->off_size + (k + n) * f->so + 4;
}

static const uint8_t *iblock_load(h5c_file *f, h5c_fheap *h, uint64_t addr, unsigned nrows,
                                  uint64_t block_off, h5c_error *err)
{
    size_t size = iblock_size(f, h, nrows);
    const uint8_t *hit = blk_find(h, 'I', addr, size, block_off);
    if (hit) return hit;
    uint8_t *buf = h5c_meta_read(f, addr, size, "fractal heap indirect block", err);
    if (!buf) {
        h5c_err_context(err, "fractal heap at 0x%llx", ULL(h->addr));
        return NULL;
    }
    int rc = blk_prefix(f, h, buf, "FHIB", "indirect block", addr, block_off, err);
    if (rc == 0) {
        char name[64];
        snprintf(name, sizeof name, "fractal heap at 0x%llx: indirect block", ULL(h->addr));
        rc = h5c_check_sum(buf, size - 4, addr, name, err);
    }
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    blk_keep(h, 'I', addr, size, block_off, buf);
    return buf;
}

/* ---- managed objects --------------------------------------------------- */

/* Block size of row r: rows 0 and 1 hold starting-size blocks, then each
 * row doubles. Rows are bounded by the header checks, so no overflow. */
static uint64_t row_size(const h5c_fheap *h, unsigned r)
{
    return r == 0 ? h->start_block : h->start_block << (r - 1);
}

/* Heap offset of row r relative to the start of its indirect block. */
static uint64_t row_start(const h5c_fheap *h, unsigned r)
{
    return r == 0 ? 0 : ((uint64_t)h->width * h->start_block) << (r - 1);
}

typedef struct dblock_ref {
    uint64_t addr, size, block_off;
} dblock_ref;

/* Find the direct block holding heap offset `off` by walking the indirect
 * blocks. Each child has fewer rows than its parent, so the walk always
 * ends; its depth is bounded as well. */
static int man_locate(h5c_file *f, h5c_fheap *h, uint64_t off, dblock_ref *out, h5c_error *err)
{
    if (h->root_addr == H5C_UNDEF)
        return H5C_FMT(err, "fractal heap at 0x%llx: object at heap offset %llu, but the heap has no blocks",
                       ULL(h->addr), ULL(off));
    if (h->cur_rows == 0) {
        *out = (dblock_ref){h->root_addr, h->start_block, 0};
        return 0;
    }
    uint64_t ib_addr = h->root_addr, ib_off = 0;
    unsigned nrows = h->cur_rows;
    for (int depth = 0; depth < H5C_MAX_TREE_DEPTH; depth++) {
        const uint8_t *ib = iblock_load(f, h, ib_addr, nrows, ib_off, err);
        if (!ib) return -1;
        uint64_t rel = off - ib_off;           /* off >= ib_off by construction */
        unsigned r = 0;
        while (r < nrows && rel - row_start(h, r) >= (uint64_t)h->width * row_size(h, r)) r++;
        if (r == nrows)
            return H5C_FMT(err, "fractal heap at 0x%llx: heap offset %llu lies past indirect block at 0x%llx",
                           ULL(h->addr), ULL(off), ULL(ib_addr));
        uint64_t rs = row_size(h, r);
        uint64_t col = (rel - row_start(h, r)) / rs;
        uint64_t child_off = ib_off + row_start(h, r) + col * rs;
        size_t k, n;
        iblock_counts(h, nrows, &k, &n);
        const uint8_t *entries = ib + 5 + f->so + h->off_size;
        uint64_t child;
        if (r < h->max_dblock_rows) {
            child = addr_at(entries + ((size_t)r * h->width + col) * f->so, f->so);
            if (child == H5C_UNDEF)
                return H5C_FMT(err, "fractal heap at 0x%llx: heap offset %llu is in an unallocated direct block",
                               ULL(h->addr), ULL(off));
            *out = (dblock_ref){child, rs, child_off};
            return 0;
        }
        size_t idx = k + ((size_t)(r - h->max_dblock_rows) * h->width + col);
        child = addr_at(entries + idx * f->so, f->so);
        if (child == H5C_UNDEF)
            return H5C_FMT(err, "fractal heap at 0x%llx: heap offset %llu is in an unallocated indirect block",
                           ULL(h->addr), ULL(off));
        /* A child spans one block of row r, so it has log2(rs) -
         * log2(width * start) + 1 = r - log2(width) rows: fewer than its
         * parent, which bounds the walk. (The library's rule; the spec's
         * formula omits the width.) */
        unsigned lw = h5c_log2_floor(h->width);
        if (r <= lw)
            return H5C_FMT(err, "fractal heap at 0x%llx: indirect block in row %u is smaller than one row",
                           ULL(h->addr), r);
        ib_addr = child;
        ib_off = child_off;
        nrows = r - lw;
    }
    return H5C_FMT(err, "fractal heap at 0x%llx: indirect blocks nested too deep", ULL(h->addr));
}

static int man_read(h5c_file *f, h5c_fheap *h, const uint8_t *id, size_t idlen, uint8_t **obj,
                    size_t *len, uint64_t *obj_addr, h5c_error *err)
{
    if (h->filter_len)
        return H5C_UNSUP(err, "filtered fractal heap (at 0x%llx)", ULL(h->addr));
    if (idlen < 1 + (size_t)h->off_size + h->len_size)
        return H5C_FMT(err, "fractal heap at 0x%llx: managed heap ID of %zu bytes is too short",
                       ULL(h->addr), idlen);
    uint64_t off = h5c_le(id + 1, h->off_size);
    uint64_t olen = h5c_le(id + 1 + h->off_size, h->len_size);
    if (olen == 0 || (h->max_heap_bits < 64 && (off >> h->max_heap_bits) != 0))
        return H5C_FMT(err, "fractal heap at 0x%llx: bad managed heap ID (offset %llu, length %llu)",
                       ULL(h->addr), ULL(off), ULL(olen));

    dblock_ref d = {0, 0, 0};
    if (man_locate(f, h, off, &d, err) < 0) return -1;
    if (d.size > H5C_MAX_META_BLOCK)
        return h5c_fail(err, H5C_ERR_LIMIT, "fractal heap at 0x%llx: direct block of %llu bytes is too large",
                        ULL(h->addr), ULL(d.size));
    const uint8_t *blk = dblock_load(f, h, d.addr, (size_t)d.size, d.block_off, err);
    if (!blk) return -1;

    uint64_t inner = off - d.block_off;
    if (inner < h->dblock_prefix || inner > d.size || olen > d.size - inner)
        return H5C_FMT(err, "fractal heap at 0x%llx: object at heap offset %llu (length %llu) lies outside direct block at 0x%llx (size %llu)",
                       ULL(h->addr), ULL(off), ULL(olen), ULL(d.addr), ULL(d.size));
    uint8_t *p = malloc((size_t)olen);
    if (!p) return H5C_NOMEM(err);
    memcpy(p, blk + inner, (size_t)olen);
    *obj = p;
    *len = (size_t)olen;
    if (obj_addr) *obj_addr = d.addr + inner;
    return 0;
}

/* ---- tiny objects ------------------------------------------------------ */

static int tiny_read(h5c_fheap *h, const uint8_t *id, size_t idlen, uint8_t **obj, size_t *len,
                     uint64_t *obj_addr, h5c_error *err)
{
    /* IDs longer than 18 bytes spend a second byte on the length. */
    int ext = h->id_len > 18;
    size_t avail = idlen < h->id_len ? idlen : h->id_len;
    size_t hb = ext ? 2 : 1;
    if (avail < hb)
        return H5C_FMT(err, "fractal heap at 0x%llx: tiny heap ID too short", ULL(h->addr));
    size_t olen = ext ? (((size_t)(id[0] & 0x0F) << 8) | id[1]) + 1 : (size_t)(id[0] & 0x0F) + 1;
    if (olen > avail - hb)
        return H5C_FMT(err, "fractal heap at 0x%llx: tiny object of %zu bytes does not fit its %zu-byte heap ID",
                       ULL(h->addr), olen, avail);
    uint8_t *p = malloc(olen);
    if (!p) return H5C_NOMEM(err);
    memcpy(p, id + hb, olen);
    *obj = p;
    *len = olen;
    if (obj_addr) *obj_addr = h->addr;
    return 0;
}

/* ---- huge objects ------------------------------------------------------ */

typedef struct huge_find {
    h5c_file *f;
    uint64_t heap_addr;
    uint64_t key;
    uint64_t addr, len;
} huge_find;

/* B-tree v2 callback: type 1 records are (address, length, ID). */
static int huge_rec(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *err)
{
    huge_find *q = ud;
    if (type == 2 || type == 4)
        return H5C_UNSUP(err, "filtered huge objects in fractal heap at 0x%llx", ULL(q->heap_addr));
    if (type != 1)
        return H5C_FMT(err, "fractal heap at 0x%llx: huge object B-tree has record type %u",
                       ULL(q->heap_addr), type);
    size_t so = q->f->so, sl = q->f->sl;
    if (len < so + 2 * sl)
        return H5C_FMT(err, "fractal heap at 0x%llx: huge object record of %zu bytes is too short",
                       ULL(q->heap_addr), len);
    if (h5c_le(rec + so + sl, (unsigned)sl) != q->key) return 0;
    q->addr = addr_at(rec, (unsigned)so);
    q->len = h5c_le(rec + so, (unsigned)sl);
    return 1;                                  /* found: stop */
}

static int huge_read(h5c_file *f, h5c_fheap *h, const uint8_t *id, size_t idlen, uint8_t **obj,
                     size_t *len, uint64_t *obj_addr, h5c_error *err)
{
    if (h->filter_len)
        return H5C_UNSUP(err, "filtered fractal heap (huge object in heap at 0x%llx)", ULL(h->addr));
    uint64_t addr, olen;
    if ((size_t)h->id_len - 1 >= (size_t)f->so + f->sl) {
        /* Directly accessed: the ID holds the address and length. */
        if (idlen < 1 + (size_t)f->so + f->sl)
            return H5C_FMT(err, "fractal heap at 0x%llx: huge heap ID too short", ULL(h->addr));
        addr = addr_at(id + 1, f->so);
        olen = h5c_le(id + 1 + f->so, f->sl);
    } else {
        /* Indirectly accessed: the ID is a key into the huge-object B-tree. */
        size_t klen = (size_t)h->id_len - 1 < 8 ? (size_t)h->id_len - 1 : 8;
        if (idlen < 1 + klen)
            return H5C_FMT(err, "fractal heap at 0x%llx: huge heap ID too short", ULL(h->addr));
        huge_find q = {f, h->addr, h5c_le(id + 1, (unsigned)klen), 0, 0};
        if (h->huge_bt2 == H5C_UNDEF)
            return H5C_FMT(err, "fractal heap at 0x%llx: huge object ID but no huge object B-tree",
                           ULL(h->addr));
        int rc = h5c_bt2_iterate(f, h->huge_bt2, huge_rec, &q, err);
        if (rc < 0) {
            h5c_err_context(err, "fractal heap at 0x%llx: huge object B-tree", ULL(h->addr));
            return -1;
        }
        if (rc == 0)
            return h5c_fail(err, H5C_ERR_NOT_FOUND, "fractal heap at 0x%llx: no huge object with ID %llu",
                            ULL(h->addr), ULL(q.key));
        addr = q.addr;
        olen = q.len;
    }
    if (olen == 0 || !range_in_file(f, addr, olen))
        return H5C_FMT(err, "fractal heap at 0x%llx: huge object at 0x%llx (length %llu) lies outside the file",
                       ULL(h->addr), ULL(addr), ULL(olen));
    uint8_t *p = malloc((size_t)olen);
    if (!p) return H5C_NOMEM(err);
    if (h5c_raw_read(f, addr, (size_t)olen, p, err) < 0) {
        free(p);
        return -1;
    }
    *obj = p;
    *len = (size_t)olen;
    if (obj_addr) *obj_addr = addr;
    return 0;
}

/* ---- entry points ------------------------------------------------------ */

int h5c_fheap_read(h5c_file *f, h5c_fheap *h, const uint8_t *id, size_t idlen,
                   uint8_t **obj, size_t *len, uint64_t *obj_addr, h5c_error *err)
{
    *obj = NULL;
    *len = 0;
    if (!id || idlen == 0)
        return H5C_FMT(err, "fractal heap at 0x%llx: empty heap ID", ULL(h->addr));
    unsigned version = id[0] >> 6, type = (id[0] >> 4) & 3;
    if (version != 0)
        return H5C_UNSUP(err, "fractal heap ID version %u (heap at 0x%llx)", version, ULL(h->addr));
    switch (type) {
    case ID_MANAGED: return man_read(f, h, id, idlen, obj, len, obj_addr, err);
    case ID_TINY: return tiny_read(h, id, idlen, obj, len, obj_addr, err);
    case ID_HUGE: return huge_read(f, h, id, idlen, obj, len, obj_addr, err);
    default:
        return H5C_FMT(err, "fractal heap at 0x%llx: heap ID of unknown type %u", ULL(h->addr), type);
    }
}

int h5c_fheap_get(h5c_file *f, uint64_t heap_addr, const uint8_t *id, size_t idlen,
                  uint8_t **obj, size_t *len, h5c_error *err)
{
    h5c_fheap h;
    *obj = NULL;
    *len = 0;
    int rc = h5c_fheap_open(f, heap_addr, &h, err);
    if (rc == 0) rc = h5c_fheap_read(f, &h, id, idlen, obj, len, NULL, err);
    h5c_fheap_close(&h);
    return rc;
}

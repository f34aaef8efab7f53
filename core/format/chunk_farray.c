/* chunk_farray.c - fixed array chunk index (layout v4, index type 3).
 *
 * Header "FAHD": version 0, client ID (0 unfiltered, 1 filtered chunks),
 * entry size, page bits, number of entries (length), data block address,
 * checksum.
 * Data block "FADB": version, client ID, header address, then either the
 * entries and a checksum (entries <= 2^page_bits), or a page-init bitmap
 * (one bit per page, most significant bit first) and a checksum, followed
 * by the pages: each page holds 2^page_bits entries (the last one the rest)
 * and its own checksum.
 * Entry: chunk address; filtered: address, chunk size (entry size - offset
 * size - 4 bytes), filter mask (u32).
 * Chunk i is the row-major linear index over the grid of the *maximum*
 * dimensions (HDF5's max_down_chunks). */
#include "chunk_index.h"

#include <stdlib.h>
#include <string.h>

#define FA_RUN_BYTES (1u << 20) /* pages read together when the box is contiguous */

typedef struct fa {
    h5c_cidx *x;
    uint64_t hdr_addr, dblk_addr;
    unsigned client, esize, cs_len;
    uint64_t nelmts;
    uint64_t down[H5C_MAX_RANK];
    /* paging */
    int paged;
    uint64_t page_nelmts, npages;
    size_t page_size;         /* full page: entries + checksum */
    size_t prefix;            /* data block bytes before the entries / first page */
    uint8_t *dblk;            /* unpaged: whole data block; paged: prefix */
    int contiguous;           /* candidates form one index range */
    uint64_t last_page;       /* page of the last candidate */
    /* loaded pages [win_lo, win_hi) */
    uint8_t *win;
    uint64_t win_lo, win_hi;
} fa;

static uint64_t page_entries(const fa *a, uint64_t p)
{
    return p + 1 == a->npages ? a->nelmts - p * a->page_nelmts : a->page_nelmts;
}

static int page_init(const fa *a, uint64_t p)
{
    const uint8_t *bm = a->dblk + 4 + 1 + 1 + a->x->f->so;
    return (bm[p / 8] >> (7 - p % 8)) & 1;
}

/* Load pages starting at p (initialized), as a run when that helps. */
static int load_pages(fa *a, uint64_t p, h5c_error *err)
{
    uint64_t q = p + 1;
    if (a->contiguous) {
        while (q < a->npages && q <= a->last_page && page_init(a, q) &&
               (q + 1 - p) * a->page_size <= FA_RUN_BYTES)
            q++;
    }
    /* The last page may be shorter than the others. */
    size_t len = (size_t)(q - p) * a->page_size;
    if (q == a->npages) len -= (size_t)(a->page_nelmts - page_entries(a, q - 1)) * a->esize;
    free(a->win);
    a->win = NULL;
    a->win_lo = a->win_hi = 0;
    uint64_t at = a->dblk_addr + a->prefix + p * a->page_size;
    uint8_t *buf = h5c_meta_read(a->x->f, at, len, "fixed array data block page", err);
    if (!buf) {
        h5c_err_context(err, "fixed array at 0x%llx", (unsigned long long)a->hdr_addr);
        return -1;
    }
    for (uint64_t i = p; i < q; i++) {
        size_t off = (size_t)(i - p) * a->page_size;
        size_t n = (size_t)page_entries(a, i) * a->esize;
        if (h5c_check_sum(buf + off, n, at + off, "fixed array data block page", err) != 0) {
            h5c_err_context(err, "fixed array at 0x%llx: data block at 0x%llx: page %llu",
                            (unsigned long long)a->hdr_addr, (unsigned long long)a->dblk_addr,
                            (unsigned long long)i);
            free(buf);
            return -1;
        }
    }
    a->win = buf;
    a->win_lo = p;
    a->win_hi = q;
    return 0;
}

/* Pointer to entry idx, NULL if its page was never initialized (*skip). */
static const uint8_t *entry(fa *a, uint64_t idx, h5c_error *err, int *fail)
{
    *fail = 0;
    if (!a->paged) return a->dblk + a->prefix + (size_t)idx * a->esize;
    uint64_t p = idx / a->page_nelmts;
    if (p < a->win_lo || p >= a->win_hi) {
        if (!page_init(a, p)) return NULL;
        if (load_pages(a, p, err) != 0) {
            *fail = 1;
            return NULL;
        }
    }
    return a->win + (size_t)(p - a->win_lo) * a->page_size + (size_t)(idx % a->page_nelmts) * a->esize;
}

static int fa_one(h5c_cidx *x, const uint64_t *scaled, void *ud, h5c_error *err)
{
    fa *a = ud;
    uint64_t idx = 0;
    for (int i = 0; i < x->rank; i++) idx += scaled[i] * a->down[i];
    if (idx >= a->nelmts)
        return H5C_FMT(err, "fixed array at 0x%llx: chunk index %llu is beyond its %llu entries",
                       (unsigned long long)a->hdr_addr, (unsigned long long)idx,
                       (unsigned long long)a->nelmts);
    int fail;
    const uint8_t *e = entry(a, idx, err, &fail);
    if (fail) return -1;
    if (!e) return 0; /* page never written: chunks read as fill value */
    h5c_cur c;
    h5c_file_cur(x->f, &c, e, a->esize, 0);
    uint64_t addr = h5c_cur_addr(&c);
    uint64_t size = x->chunk_bytes;
    uint32_t mask = 0;
    if (a->client == 1) {
        size = h5c_cur_uint(&c, a->cs_len);
        mask = h5c_cur_u32(&c);
    }
    return h5c_cidx_emit(x, addr, size, mask, scaled, "fixed array", a->hdr_addr, err);
}

static int read_header(fa *a, h5c_error *err)
{
    h5c_cidx *x = a->x;
    h5c_file *f = x->f;
    size_t len = 8 + (size_t)f->sl + f->so + 4;
    uint8_t *buf = h5c_meta_read(f, a->hdr_addr, len, "fixed array header", err);
    if (!buf) return -1;
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, a->hdr_addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    unsigned version = h5c_cur_u8(&c);
    a->client = h5c_cur_u8(&c);
    a->esize = h5c_cur_u8(&c);
    unsigned page_bits = h5c_cur_u8(&c);
    a->nelmts = h5c_cur_len(&c);
    a->dblk_addr = h5c_cur_addr(&c);
    int rc = h5c_cidx_check_header(buf, len, h5c_cur_ok(&c) && sig, "FAHD", version, "fixed array", a->hdr_addr, err);
    free(buf);
    if (rc != 0) return rc;

    unsigned cs_len;
    if (h5c_cidx_check_client(x, "fixed array", a->hdr_addr, a->client, a->esize, &cs_len, err) != 0) return -1;
    a->cs_len = cs_len;
    if (page_bits > 32)
        return H5C_FMT(err, "fixed array at 0x%llx: page bits %u out of range", (unsigned long long)a->hdr_addr,
                       page_bits);
    a->page_nelmts = (uint64_t)1 << page_bits;
    /* Every entry takes space in the file, initialized or not. */
    if (a->nelmts > f->eof / a->esize + 1)
        return H5C_FMT(err, "fixed array at 0x%llx: %llu entries cannot fit in a file of %llu bytes",
                       (unsigned long long)a->hdr_addr, (unsigned long long)a->nelmts,
                       (unsigned long long)f->eof);
    return 0;
}

static int read_dblock(fa *a, h5c_error *err)
{
    h5c_file *f = a->x->f;
    size_t head = 4 + 1 + 1 + (size_t)f->so;
    size_t len;
    a->paged = a->nelmts > a->page_nelmts;
    if (a->paged) {
        a->npages = a->nelmts / a->page_nelmts + (a->nelmts % a->page_nelmts != 0);
        len = head + (size_t)((a->npages + 7) / 8) + 4;
        a->prefix = len;
        a->page_size = (size_t)a->page_nelmts * a->esize + 4;
    } else {
        a->prefix = head;
        len = head + (size_t)a->nelmts * a->esize + 4;
    }
    uint8_t *buf = h5c_meta_read(f, a->dblk_addr, len, "fixed array data block", err);
    if (!buf) {
        h5c_err_context(err, "fixed array at 0x%llx", (unsigned long long)a->hdr_addr);
        return -1;
    }
    a->dblk = buf;
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, a->dblk_addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    unsigned version = h5c_cur_u8(&c), client = h5c_cur_u8(&c);
    uint64_t owner = h5c_cur_addr(&c);
    if (!h5c_cur_ok(&c) || memcmp(sig, "FADB", 4) != 0)
        return H5C_FMT(err, "fixed array at 0x%llx: data block at 0x%llx: bad signature",
                       (unsigned long long)a->hdr_addr, (unsigned long long)a->dblk_addr);
    if (h5c_check_sum(buf, len - 4, a->dblk_addr, "fixed array data block", err) != 0) {
        h5c_err_context(err, "fixed array at 0x%llx", (unsigned long long)a->hdr_addr);
        return -1;
    }
    if (version != 0 || client != a->client || owner != a->hdr_addr)
        return H5C_FMT(err, "fixed array at 0x%llx: data block at 0x%llx: version %u, client %u or header "
                            "address 0x%llx does not match the header",
                       (unsigned long long)a->hdr_addr, (unsigned long long)a->dblk_addr, version, client,
                       (unsigned long long)owner);
    return 0;
}

int h5c_chunks_farray(h5c_cidx *x, h5c_error *err)
{
    fa a;
    memset(&a, 0, sizeof a);
    a.x = x;
    a.hdr_addr = x->d->layout.addr;
    if (a.hdr_addr == H5C_UNDEF) return 0;
    uint64_t total;
    for (int i = 0; i < x->rank; i++)
        if (x->mgrid[i] == UINT64_MAX)
            return H5C_FMT(err, "fixed array at 0x%llx: dimension %d is unlimited",
                           (unsigned long long)a.hdr_addr, i);
    if (h5c_cidx_down(x->mgrid, x->rank, a.down, &total) != 0)
        return H5C_FMT(err, "fixed array at 0x%llx: chunk grid is too large", (unsigned long long)a.hdr_addr);
    if (read_header(&a, err) != 0) return -1;
    if (a.dblk_addr == H5C_UNDEF) return 0; /* nothing written yet */
    int rc = read_dblock(&a, err);
    if (rc == 0) {
        a.contiguous = 1;
        uint64_t last = 0;
        for (int i = 0; i < x->rank; i++) {
            last += x->shi[i] * a.down[i];
            if (i > 0 && (x->slo[i] != 0 || x->shi[i] + 1 != x->mgrid[i])) a.contiguous = 0;
        }
        a.last_page = a.paged ? last / a.page_nelmts : 0;
        int order[H5C_MAX_RANK];
        for (int i = 0; i < x->rank; i++) order[i] = i;
        rc = h5c_cidx_box_walk(x, order, fa_one, &a, err);
    }
    free(a.dblk);
    free(a.win);
    return rc;
}

/* chunk_earray.c - extensible array chunk index (layout v4, index type 4).
 *
 * Header "EAHD": version 0, client ID (0 unfiltered, 1 filtered), element
 * size, max element bits, index block elements, data block min elements,
 * super block min data block pointers, max data block page element bits,
 * six statistics (lengths: super blocks, their size, data blocks, their
 * size, max index set, elements), index block address, checksum.
 *
 * Elements 0..(index block elements - 1) live in the index block "EAIB".
 * The rest are grouped in super blocks s = 0, 1, ...: super block s has
 * 2^(s/2) data blocks of 2^((s+1)/2) * (data block min elements) elements.
 * The first 2*log2(min pointers) super blocks are not stored: their data
 * block addresses (2 * (min pointers - 1) of them) sit in the index block,
 * followed by the addresses of the remaining super blocks "EASB". A super
 * block holds a block offset, a page-init bitmap (when its data blocks are
 * paged: one bit per page, most significant bit first) and its data block
 * addresses. A data block "EADB" holds a block offset and its elements, or,
 * when it has more than 2^(page bits) elements, is followed by pages of
 * 2^(page bits) elements, each with its own checksum. Block offsets take
 * (max element bits + 7) / 8 bytes.
 *
 * The array index of a chunk is its row-major linear index over the chunk
 * grid of the maximum dimensions with the unlimited dimension moved first
 * (slowest), as HDF5 swizzles it. */
#include "chunk_index.h"

#include <stdlib.h>
#include <string.h>

#define EA_MAX_SBLKS 66
#define EA_MAX_BITS 48

typedef struct ea_sinfo {
    uint64_t ndblks;          /* data blocks in the super block */
    uint64_t dblk_nelmts;     /* elements per data block */
    uint64_t start_idx;       /* first element (after the index block's) */
    uint64_t start_dblk;      /* data blocks in earlier super blocks */
} ea_sinfo;

typedef struct ea {
    h5c_cidx *x;
    uint64_t hdr_addr, iblk_addr;
    unsigned client, esize, cs_len;
    unsigned max_bits, idx_elmts, min_elmts, min_ptrs, page_bits;
    uint64_t max_idx_set;
    uint64_t page_nelmts;
    unsigned off_size;        /* block offset bytes */
    unsigned nsblks;
    ea_sinfo sinfo[EA_MAX_SBLKS];
    /* index block */
    uint8_t *iblk;
    const uint8_t *ib_elmts, *ib_dblk_addrs, *ib_sblk_addrs;
    unsigned ib_nsblks;       /* super blocks whose data blocks are in the index block */
    size_t ib_ndblks, ib_nsblk_addrs;
    /* current super block */
    uint8_t *sblk;
    unsigned sblk_idx;        /* valid when sblk != NULL */
    uint64_t sblk_addr;
    const uint8_t *sb_bitmap, *sb_dblk_addrs;
    uint64_t sb_npages;       /* pages per data block (0: unpaged) */
    /* current element window: indices [w_first, w_first + w_count) at w_data
     * (NULL: none of them is stored) */
    uint8_t *wbuf;
    const uint8_t *w_data;
    uint64_t w_first, w_count;
    int done;                 /* walk stopped: no later index is stored */
    /* swizzled strides */
    int order[H5C_MAX_RANK];
    uint64_t down[H5C_MAX_RANK];  /* by swizzled position */
} ea;

static uint64_t ea_addr(const ea *a, const uint8_t *p)
{
    h5c_cur c;
    h5c_file_cur(a->x->f, &c, p, a->x->f->so, 0);
    return h5c_cur_addr(&c);
}

static int bad_block(const ea *a, const char *what, uint64_t addr, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "extensible array at 0x%llx: %s at 0x%llx: %s", (unsigned long long)a->hdr_addr, what,
                   (unsigned long long)addr, why);
}

/* Read a block, check signature, checksum (over all but the last 4 bytes),
 * version, client ID and owner; returns the buffer or NULL. */
static uint8_t *read_block(ea *a, uint64_t addr, size_t len, const char *sig, const char *what,
                           h5c_error *err)
{
    h5c_file *f = a->x->f;
    uint8_t *buf = h5c_meta_read(f, addr, len, what, err);
    if (!buf) {
        h5c_err_context(err, "extensible array at 0x%llx", (unsigned long long)a->hdr_addr);
        return NULL;
    }
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, addr);
    const uint8_t *s = h5c_cur_take(&c, 4);
    unsigned version = h5c_cur_u8(&c), client = h5c_cur_u8(&c);
    uint64_t owner = h5c_cur_addr(&c);
    if (!h5c_cur_ok(&c) || len < 4 || memcmp(s, sig, 4) != 0) {
        bad_block(a, what, addr, "bad signature", err);
    } else if (h5c_check_sum(buf, len - 4, addr, what, err) != 0) {
        h5c_err_context(err, "extensible array at 0x%llx", (unsigned long long)a->hdr_addr);
    } else if (version != 0 || client != a->client || owner != a->hdr_addr) {
        bad_block(a, what, addr, "version, client ID or header address does not match the header", err);
    } else {
        return buf;
    }
    free(buf);
    return NULL;
}

static int read_header(ea *a, h5c_error *err)
{
    h5c_file *f = a->x->f;
    size_t len = 12 + 6 * (size_t)f->sl + f->so + 4;
    uint8_t *buf = h5c_meta_read(f, a->hdr_addr, len, "extensible array header", err);
    if (!buf) return -1;
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, a->hdr_addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    unsigned version = h5c_cur_u8(&c);
    a->client = h5c_cur_u8(&c);
    a->esize = h5c_cur_u8(&c);
    a->max_bits = h5c_cur_u8(&c);
    a->idx_elmts = h5c_cur_u8(&c);
    a->min_elmts = h5c_cur_u8(&c);
    a->min_ptrs = h5c_cur_u8(&c);
    a->page_bits = h5c_cur_u8(&c);
    for (int i = 0; i < 4; i++) h5c_cur_len(&c); /* super/data block counts and sizes */
    a->max_idx_set = h5c_cur_len(&c);
    h5c_cur_len(&c); /* elements realized */
    a->iblk_addr = h5c_cur_addr(&c);
    int rc = h5c_cidx_check_header(buf, len, h5c_cur_ok(&c) && sig, "EAHD", version, "extensible array", a->hdr_addr, err);
    free(buf);
    if (rc != 0) return rc;

    const h5c_cidx *x = a->x;
    unsigned cs_len;
    if (h5c_cidx_check_client(x, "extensible array", a->hdr_addr, a->client, a->esize, &cs_len, err) != 0) return -1;
    a->cs_len = cs_len;
    /* parameters must be powers of two; sizes derive from them */
    if (a->min_elmts == 0 || (a->min_elmts & (a->min_elmts - 1)) || a->min_ptrs == 0 ||
        (a->min_ptrs & (a->min_ptrs - 1)) || a->max_bits > EA_MAX_BITS ||
        a->max_bits < h5c_log2_floor(a->min_elmts) || a->page_bits > 32)
        return H5C_FMT(err, "extensible array at 0x%llx: bad creation parameters (max bits %u, data block "
                            "min elements %u, super block min pointers %u, page bits %u)",
                       (unsigned long long)a->hdr_addr, a->max_bits, a->min_elmts, a->min_ptrs, a->page_bits);
    a->page_nelmts = (uint64_t)1 << a->page_bits;
    a->off_size = (a->max_bits + 7) / 8;
    a->nsblks = 1 + a->max_bits - h5c_log2_floor(a->min_elmts);
    uint64_t start_idx = 0, start_dblk = 0;
    for (unsigned s = 0; s < a->nsblks; s++) {
        a->sinfo[s].ndblks = (uint64_t)1 << (s / 2);
        a->sinfo[s].dblk_nelmts = ((uint64_t)1 << ((s + 1) / 2)) * a->min_elmts;
        a->sinfo[s].start_idx = start_idx;
        a->sinfo[s].start_dblk = start_dblk;
        start_idx += a->sinfo[s].ndblks * a->sinfo[s].dblk_nelmts;
        start_dblk += a->sinfo[s].ndblks;
    }
    a->ib_nsblks = 2 * h5c_log2_floor(a->min_ptrs);
    if (a->ib_nsblks > a->nsblks)
        return H5C_FMT(err, "extensible array at 0x%llx: super block min pointers %u too large for %u bits",
                       (unsigned long long)a->hdr_addr, a->min_ptrs, a->max_bits);
    a->ib_ndblks = 2 * ((size_t)a->min_ptrs - 1);
    a->ib_nsblk_addrs = a->nsblks - a->ib_nsblks;
    /* max index set can not exceed the array's capacity */
    if (a->max_idx_set > a->idx_elmts + start_idx)
        return H5C_FMT(err, "extensible array at 0x%llx: max index set %llu exceeds the array capacity",
                       (unsigned long long)a->hdr_addr, (unsigned long long)a->max_idx_set);
    return 0;
}

static int read_iblock(ea *a, h5c_error *err)
{
    size_t so = a->x->f->so;
    size_t head = 4 + 1 + 1 + so;
    size_t len = head + (size_t)a->idx_elmts * a->esize + (a->ib_ndblks + a->ib_nsblk_addrs) * so + 4;
    a->iblk = read_block(a, a->iblk_addr, len, "EAIB", "index block", err);
    if (!a->iblk) return -1;
    a->ib_elmts = a->iblk + head;
    a->ib_dblk_addrs = a->ib_elmts + (size_t)a->idx_elmts * a->esize;
    a->ib_sblk_addrs = a->ib_dblk_addrs + a->ib_ndblks * so;
    return 0;
}

static int load_sblock(ea *a, unsigned s, uint64_t addr, h5c_error *err)
{
    size_t so = a->x->f->so;
    const ea_sinfo *si = &a->sinfo[s];
    uint64_t npages = si->dblk_nelmts > a->page_nelmts ? si->dblk_nelmts / a->page_nelmts : 0;
    /* one bitmap of ndblks * npages bits, sized as whole bytes per data block */
    uint64_t bm_len = npages ? si->ndblks * ((npages + 7) / 8) : 0;
    uint64_t len64 = 4 + 1 + 1 + so + a->off_size + bm_len + si->ndblks * so + 4;
    if (len64 > H5C_MAX_META_BLOCK)
        return h5c_fail(err, H5C_ERR_LIMIT, "extensible array at 0x%llx: super block %u at 0x%llx is too large",
                        (unsigned long long)a->hdr_addr, s, (unsigned long long)addr);
    free(a->sblk);
    a->sblk = read_block(a, addr, (size_t)len64, "EASB", "super block", err);
    if (!a->sblk) return -1;
    a->sblk_idx = s;
    a->sblk_addr = addr;
    a->sb_npages = npages;
    a->sb_bitmap = a->sblk + 4 + 1 + 1 + so + a->off_size;
    a->sb_dblk_addrs = a->sb_bitmap + bm_len;
    return 0;
}

static void set_window(ea *a, uint8_t *buf, const uint8_t *data, uint64_t first, uint64_t count)
{
    if (a->wbuf != buf) free(a->wbuf);
    a->wbuf = buf;
    a->w_data = data;
    a->w_first = first;
    a->w_count = count;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* Make the window cover array index idx. */
static int locate(ea *a, uint64_t idx, h5c_error *err)
{
    size_t so = a->x->f->so;
    if (idx < a->idx_elmts) {
        set_window(a, NULL, a->ib_elmts, 0, a->idx_elmts);
        return 0;
    }
    uint64_t rel = idx - a->idx_elmts;
    unsigned s = h5c_log2_floor(rel / a->min_elmts + 1);
    if (s >= a->nsblks)
        return H5C_FMT(err, "extensible array at 0x%llx: index %llu is beyond the array",
                       (unsigned long long)a->hdr_addr, (unsigned long long)idx);
    const ea_sinfo *si = &a->sinfo[s];
    uint64_t in_sblk = rel - si->start_idx;
    uint64_t d = in_sblk / si->dblk_nelmts;       /* data block within the super block */
    uint64_t dfirst = a->idx_elmts + si->start_idx + d * si->dblk_nelmts;
    uint64_t dblk_addr;
    const uint8_t *bitmap = NULL;                  /* page-init bits of this data block's pages */
    if (s < a->ib_nsblks) {
        dblk_addr = ea_addr(a, a->ib_dblk_addrs + (size_t)(si->start_dblk + d) * so);
    } else {
        if (!a->sblk || a->sblk_idx != s) {
            uint64_t sa = ea_addr(a, a->ib_sblk_addrs + (size_t)(s - a->ib_nsblks) * so);
            if (sa == H5C_UNDEF) { /* whole super block unwritten */
                set_window(a, NULL, NULL, a->idx_elmts + si->start_idx, si->ndblks * si->dblk_nelmts);
                return 0;
            }
            if (load_sblock(a, s, sa, err) != 0) return -1;
        }
        dblk_addr = ea_addr(a, a->sb_dblk_addrs + (size_t)d * so);
        bitmap = a->sb_npages ? a->sb_bitmap : NULL;
    }
    if (dblk_addr == H5C_UNDEF) {
        set_window(a, NULL, NULL, dfirst, si->dblk_nelmts);
        return 0;
    }
    size_t head = 4 + 1 + 1 + so + a->off_size;
    if (si->dblk_nelmts <= a->page_nelmts) {
        uint64_t len = head + si->dblk_nelmts * a->esize + 4;
        if (len > H5C_MAX_META_BLOCK)
            return h5c_fail(err, H5C_ERR_LIMIT, "extensible array at 0x%llx: data block at 0x%llx is too large",
                            (unsigned long long)a->hdr_addr, (unsigned long long)dblk_addr);
        uint8_t *buf = read_block(a, dblk_addr, (size_t)len, "EADB", "data block", err);
        if (!buf) return -1;
        set_window(a, buf, buf + head, dfirst, si->dblk_nelmts);
        return 0;
    }
    /* paged data block: prefix (with its checksum), then pages */
    uint64_t npages = si->dblk_nelmts / a->page_nelmts;
    uint64_t p = (idx - dfirst) / a->page_nelmts;
    uint64_t pfirst = dfirst + p * a->page_nelmts;
    if (bitmap) {
        uint64_t bit = d * npages + p;
        if (!((bitmap[bit / 8] >> (7 - bit % 8)) & 1)) {
            set_window(a, NULL, NULL, pfirst, a->page_nelmts);
            return 0;
        }
    }
    size_t psize = (size_t)a->page_nelmts * a->esize;
    uint64_t paddr = dblk_addr + head + 4 + p * (psize + 4);
    uint8_t *buf = h5c_meta_read(a->x->f, paddr, psize + 4, "extensible array data block page", err);
    if (!buf) {
        h5c_err_context(err, "extensible array at 0x%llx: data block at 0x%llx", (unsigned long long)a->hdr_addr,
                        (unsigned long long)dblk_addr);
        return -1;
    }
    /* Pages of data blocks listed in the index block have no init bits: a
     * page never written reads back as zeros. */
    if (!bitmap && all_zero(buf, psize + 4)) {
        free(buf);
        set_window(a, NULL, NULL, pfirst, a->page_nelmts);
        return 0;
    }
    if (h5c_check_sum(buf, psize, paddr, "extensible array data block page", err) != 0) {
        h5c_err_context(err, "extensible array at 0x%llx: data block at 0x%llx", (unsigned long long)a->hdr_addr,
                        (unsigned long long)dblk_addr);
        free(buf);
        return -1;
    }
    set_window(a, buf, buf, pfirst, a->page_nelmts);
    return 0;
}

static int ea_one(h5c_cidx *x, const uint64_t *scaled, void *ud, h5c_error *err)
{
    ea *a = ud;
    uint64_t idx = 0;
    for (int k = 0; k < x->rank; k++) {
        uint64_t v = scaled[a->order[k]];
        if (v && a->down[k] > (UINT64_MAX - idx) / v) { /* beyond anything stored */
            a->done = 1;
            return 1;
        }
        idx += v * a->down[k];
    }
    /* indices only grow along the walk: past the highest one set, stop */
    if (idx >= a->max_idx_set) {
        a->done = 1;
        return 1;
    }
    if (idx < a->w_first || idx - a->w_first >= a->w_count) {
        if (locate(a, idx, err) != 0) return -1;
    }
    if (!a->w_data) return 0;
    h5c_cur c;
    h5c_file_cur(x->f, &c, a->w_data + (size_t)(idx - a->w_first) * a->esize, a->esize, 0);
    uint64_t addr = h5c_cur_addr(&c);
    uint64_t size = x->chunk_bytes;
    uint32_t mask = 0;
    if (a->client == 1) {
        size = h5c_cur_uint(&c, a->cs_len);
        mask = h5c_cur_u32(&c);
    }
    return h5c_cidx_emit(x, addr, size, mask, scaled, "extensible array", a->hdr_addr, err);
}

int h5c_chunks_earray(h5c_cidx *x, h5c_error *err)
{
    ea a;
    memset(&a, 0, sizeof a);
    a.x = x;
    a.hdr_addr = x->d->layout.addr;
    if (a.hdr_addr == H5C_UNDEF) return 0;

    /* the single unlimited dimension goes first */
    int unlim = -1;
    for (int i = 0; i < x->rank; i++) {
        if (x->mgrid[i] != UINT64_MAX) continue;
        if (unlim >= 0)
            return H5C_FMT(err, "extensible array at 0x%llx: more than one unlimited dimension",
                           (unsigned long long)a.hdr_addr);
        unlim = i;
    }
    if (unlim < 0)
        return H5C_FMT(err, "extensible array at 0x%llx: dataset has no unlimited dimension",
                       (unsigned long long)a.hdr_addr);
    uint64_t counts[H5C_MAX_RANK];
    a.order[0] = unlim;
    for (int i = 0, k = 1; i < x->rank; i++)
        if (i != unlim) a.order[k++] = i;
    counts[0] = 1; /* the unlimited count never enters a stride */
    for (int k = 1; k < x->rank; k++) counts[k] = x->mgrid[a.order[k]];
    if (h5c_cidx_down(counts, x->rank, a.down, NULL) != 0)
        return H5C_FMT(err, "extensible array at 0x%llx: chunk grid is too large", (unsigned long long)a.hdr_addr);

    if (read_header(&a, err) != 0) return -1;
    if (a.iblk_addr == H5C_UNDEF || a.max_idx_set == 0) return 0;
    int rc = read_iblock(&a, err);
    if (rc == 0) {
        a.w_first = a.w_count = 0;
        rc = h5c_cidx_box_walk(x, a.order, ea_one, &a, err);
        if (a.done && rc == 1) rc = 0; /* stopped past the last index set */
    }
    free(a.iblk);
    free(a.sblk);
    free(a.wbuf);
    return rc;
}

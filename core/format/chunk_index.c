/* chunk_index.c - h5c_chunks_iterate(): validate the chunk geometry of a
 * dataset, then walk its chunk index. The single-chunk and implicit indexes
 * are handled here; the others live in chunk_btree1.c, chunk_farray.c,
 * chunk_earray.c and chunk_btree2.c. */
#include "chunk_index.h"

#include <stdio.h>

#include <string.h>

/* a * b, saturating at UINT64_MAX. */
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    if (a && b > UINT64_MAX / a) return UINT64_MAX;
    return a * b;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

int h5c_cidx_down(const uint64_t *counts, int n, uint64_t *down, uint64_t *total)
{
    uint64_t acc = 1;
    for (int i = n - 1; i >= 0; i--) {
        down[i] = acc;
        if (counts[i] && acc > UINT64_MAX / counts[i]) return -1; /* caller reports */
        acc *= counts[i];
    }
    if (total) *total = acc;
    return 0;
}

int h5c_cidx_emit(h5c_cidx *x, uint64_t addr, uint64_t size, uint32_t mask,
                  const uint64_t *scaled, const char *what, uint64_t where, h5c_error *err)
{
    if (addr == H5C_UNDEF) return 0;
    if (!h5c_cidx_in_box(x, scaled)) return 0;
    h5c_chunk c;
    memset(&c, 0, sizeof c);
    c.addr = addr;
    c.size = size;
    c.mask = mask;
    for (int i = 0; i < x->rank; i++) c.coord[i] = scaled[i] * x->chunk[i]; /* < dims: no overflow */
    if (size == 0)
        return H5C_FMT(err, "%s at 0x%llx: chunk at 0x%llx has a stored size of 0", what,
                       (unsigned long long)where, (unsigned long long)addr);
    /* A filter may grow a chunk a little (checksums, incompressible data);
     * anything far beyond the decoded size cannot decode to one chunk. */
    uint64_t cap = sat_mul(x->chunk_bytes, 2);
    cap = cap > UINT64_MAX - (1u << 20) ? UINT64_MAX : cap + (1u << 20);
    if (size > cap)
        return H5C_FMT(err, "%s at 0x%llx: chunk at 0x%llx has an implausible stored size %llu "
                            "(decoded chunk is %llu bytes)",
                       what, (unsigned long long)where, (unsigned long long)addr,
                       (unsigned long long)size, (unsigned long long)x->chunk_bytes);
    h5c_file *f = x->f;
    if (addr > UINT64_MAX - f->base || f->base + addr > f->eof || size > f->eof - (f->base + addr))
        return H5C_FMT(err, "%s at 0x%llx: chunk at 0x%llx (%llu bytes) runs past the end of the file "
                            "(size %llu)",
                       what, (unsigned long long)where, (unsigned long long)addr,
                       (unsigned long long)size, (unsigned long long)f->eof);
    return x->fn(&c, x->ud, err);
}

int h5c_cidx_box_walk(h5c_cidx *x, const int *order, h5c_cidx_box_fn fn, void *ud,
                      h5c_error *err)
{
    if (x->empty) return 0;
    uint64_t cur[H5C_MAX_RANK];
    memcpy(cur, x->slo, sizeof cur);
    for (;;) {
        int rc = fn(x, cur, ud, err);
        if (rc != 0) return rc;
        int k = x->rank - 1;
        for (; k >= 0; k--) {
            int dim = order[k];
            if (cur[dim] < x->shi[dim]) {
                cur[dim]++;
                break;
            }
            cur[dim] = x->slo[dim];
        }
        if (k < 0) return 0;
    }
}

/* ---- single chunk ------------------------------------------------------- */

static int single_chunk(h5c_cidx *x, h5c_error *err)
{
    const h5c_layout *l = &x->d->layout;
    uint64_t scaled[H5C_MAX_RANK] = {0};
    if (l->addr == H5C_UNDEF) return 0;
    for (int i = 0; i < x->rank; i++)
        if (x->grid[i] > 1)
            return H5C_FMT(err, "single-chunk index at 0x%llx: dataset dimension %d (%llu) is larger "
                                "than the chunk (%llu)",
                           (unsigned long long)l->addr, i, (unsigned long long)x->dims[i],
                           (unsigned long long)x->chunk[i]);
    if (l->flags & 2) /* filtered single chunk: size and mask in the layout message */
        return h5c_cidx_emit(x, l->addr, l->single_size, l->single_mask, scaled, "single-chunk index",
                             l->addr, err);
    return h5c_cidx_emit(x, l->addr, x->chunk_bytes, 0, scaled, "single-chunk index", l->addr, err);
}

/* ---- implicit index ----------------------------------------------------- */

typedef struct implicit_ud {
    uint64_t down[H5C_MAX_RANK];
    uint64_t base;
} implicit_ud;

static int implicit_one(h5c_cidx *x, const uint64_t *scaled, void *ud, h5c_error *err)
{
    implicit_ud *u = ud;
    uint64_t idx = 0;
    for (int i = 0; i < x->rank; i++) idx += scaled[i] * u->down[i];
    /* idx * chunk_bytes < total size, checked in implicit_index() */
    return h5c_cidx_emit(x, u->base + idx * x->chunk_bytes, x->chunk_bytes, 0, scaled,
                         "implicit chunk index", u->base, err);
}

static int implicit_index(h5c_cidx *x, h5c_error *err)
{
    const h5c_layout *l = &x->d->layout;
    implicit_ud u;
    uint64_t total;
    if (l->addr == H5C_UNDEF) return 0;
    if (x->filtered)
        return H5C_FMT(err, "implicit chunk index at 0x%llx: dataset has a filter pipeline",
                       (unsigned long long)l->addr);
    for (int i = 0; i < x->rank; i++)
        if (x->mgrid[i] == UINT64_MAX)
            return H5C_FMT(err, "implicit chunk index at 0x%llx: dimension %d is unlimited",
                           (unsigned long long)l->addr, i);
    /* Chunks are laid out for the maximum dimensions, row-major. */
    if (h5c_cidx_down(x->mgrid, x->rank, u.down, &total) != 0 ||
        sat_mul(total, x->chunk_bytes) == UINT64_MAX)
        return H5C_FMT(err, "implicit chunk index at 0x%llx: chunk grid is too large",
                       (unsigned long long)l->addr);
    uint64_t span = total * x->chunk_bytes;
    h5c_file *f = x->f;
    if (l->addr > UINT64_MAX - f->base || f->base + l->addr > f->eof ||
        span > f->eof - (f->base + l->addr))
        return H5C_FMT(err, "implicit chunk index at 0x%llx: %llu chunks of %llu bytes run past the "
                            "end of the file (size %llu)",
                       (unsigned long long)l->addr, (unsigned long long)total,
                       (unsigned long long)x->chunk_bytes, (unsigned long long)f->eof);
    u.base = l->addr;
    int order[H5C_MAX_RANK];
    for (int i = 0; i < x->rank; i++) order[i] = i;
    return h5c_cidx_box_walk(x, order, implicit_one, &u, err);
}

/* ---- entry point -------------------------------------------------------- */

static int setup(h5c_cidx *x, const h5c_dataset *d, const uint64_t *lo, const uint64_t *hi,
                 h5c_error *err)
{
    const h5c_layout *l = &d->layout;
    memset(x, 0, sizeof *x);
    x->d = d;
    x->f = d->f;
    x->rank = l->ndims;
    if (x->rank < 1 || x->rank > H5C_MAX_RANK)
        return H5C_FMT(err, "chunked layout of dataset at 0x%llx: bad chunk rank %d",
                       (unsigned long long)d->addr, x->rank);
    if (d->space.rank != x->rank)
        return H5C_FMT(err, "chunked layout of dataset at 0x%llx: chunk rank %d does not match the "
                            "dataspace rank %d",
                       (unsigned long long)d->addr, x->rank, d->space.rank);
    uint64_t esize = l->elem_size ? l->elem_size : (d->type ? d->type->size : 0);
    if (esize == 0)
        return H5C_FMT(err, "chunked layout of dataset at 0x%llx: element size of 0",
                       (unsigned long long)d->addr);
    x->chunk_bytes = esize;
    x->ncandidates = 1;
    x->grid_chunks = 1;
    for (int i = 0; i < x->rank; i++) {
        if (l->chunk[i] == 0)
            return H5C_FMT(err, "chunked layout of dataset at 0x%llx: chunk dimension %d is 0",
                           (unsigned long long)d->addr, i);
        x->chunk[i] = l->chunk[i];
        x->chunk_bytes = sat_mul(x->chunk_bytes, x->chunk[i]);
        x->dims[i] = d->space.dims[i];
        x->grid[i] = ceil_div(x->dims[i], x->chunk[i]);
        uint64_t md = d->space.maxdims[i];
        if (md < x->dims[i])
            return H5C_FMT(err, "dataset at 0x%llx: dimension %d is %llu, above its maximum %llu",
                           (unsigned long long)d->addr, i, (unsigned long long)x->dims[i],
                           (unsigned long long)md);
        x->mgrid[i] = md == UINT64_MAX ? UINT64_MAX : ceil_div(md, x->chunk[i]);
        x->grid_chunks = sat_mul(x->grid_chunks, x->grid[i]);

        uint64_t a = lo ? lo[i] : 0;
        uint64_t b = hi ? hi[i] : UINT64_MAX;
        if (x->dims[i] == 0 || a > b || a >= x->dims[i]) {
            x->empty = 1;
            continue;
        }
        if (b >= x->dims[i]) b = x->dims[i] - 1;
        x->slo[i] = a / x->chunk[i];
        x->shi[i] = b / x->chunk[i];
        x->ncandidates = sat_mul(x->ncandidates, x->shi[i] - x->slo[i] + 1);
    }
    /* HDF5 keeps chunk sizes in 32 bits. */
    if (x->chunk_bytes > UINT32_MAX)
        return H5C_FMT(err, "chunked layout of dataset at 0x%llx: chunk of %llu bytes exceeds 4 GiB",
                       (unsigned long long)d->addr, (unsigned long long)x->chunk_bytes);
    if (x->empty) x->ncandidates = 0;
    x->filtered = d->pline.n > 0;
    return 0;
}

int h5c_chunks_iterate(const h5c_dataset *d, const uint64_t *lo, const uint64_t *hi,
                       h5c_chunk_fn fn, void *ud, h5c_error *err)
{
    if (!d || !d->f || !fn) return h5c_fail(err, H5C_ERR_ARG, "chunk iteration: missing dataset or callback");
    if (d->layout.cls != H5C_LAYOUT_CHUNKED)
        return h5c_fail(err, H5C_ERR_ARG, "dataset at 0x%llx is not chunked", (unsigned long long)d->addr);
    h5c_cidx x;
    if (setup(&x, d, lo, hi, err) != 0) return -1;
    x.fn = fn;
    x.ud = ud;
    if (x.empty) return 0;
    switch (d->layout.index) {
    case H5C_INDEX_BTREE1: return h5c_chunks_btree1(&x, err);
    case H5C_INDEX_SINGLE: return single_chunk(&x, err);
    case H5C_INDEX_IMPLICIT: return implicit_index(&x, err);
    case H5C_INDEX_FIXED_ARRAY: return h5c_chunks_farray(&x, err);
    case H5C_INDEX_EXT_ARRAY: return h5c_chunks_earray(&x, err);
    case H5C_INDEX_BTREE2: return h5c_chunks_btree2(&x, err);
    case H5C_INDEX_NONE: break;
    }
    return H5C_UNSUP(err, "chunk index type %d (dataset at 0x%llx)", (int)d->layout.index,
                     (unsigned long long)d->addr);
}

int h5c_cidx_check_client(const h5c_cidx *x, const char *what, uint64_t hdr_addr, unsigned client,
                          unsigned esize, unsigned *cs_len, h5c_error *err)
{
    unsigned so = x->f->so;
    if (client > 1)
        return H5C_FMT(err, "%s at 0x%llx: unknown client ID %u", what, (unsigned long long)hdr_addr, client);
    if (client == 0 && x->filtered)
        return H5C_FMT(err, "%s at 0x%llx: entries without chunk sizes for a filtered dataset", what,
                       (unsigned long long)hdr_addr);
    if (client == 0 ? esize != so : (esize < so + 5 || esize > so + 12))
        return H5C_FMT(err, "%s at 0x%llx: entry size %u does not fit client ID %u", what,
                       (unsigned long long)hdr_addr, esize, client);
    *cs_len = client == 1 ? esize - so - 4 : 0;
    return 0;
}

int h5c_cidx_check_header(const uint8_t *buf, size_t len, int parsed_ok, const char *sig, unsigned version,
                          const char *what, uint64_t hdr_addr, h5c_error *err)
{
    char label[64];
    snprintf(label, sizeof label, "%s header", what);
    if (!parsed_ok || len < 8 || memcmp(buf, sig, 4) != 0)
        return H5C_FMT(err, "%s at 0x%llx: bad header signature", what, (unsigned long long)hdr_addr);
    if (h5c_check_sum(buf, len - 4, hdr_addr, label, err) != 0) return -1;
    if (version != 0) return H5C_UNSUP(err, "%s version %u (at 0x%llx)", what, version, (unsigned long long)hdr_addr);
    return 0;
}

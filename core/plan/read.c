/* read.c - h5c_read: a hyperslab of any layout into a caller buffer.
 *
 * Every layout is read as a set of blocks (chunks; contiguous data as row
 * blocks; compact data as one block): list the blocks that meet the
 * selection, let read_many.c fetch and decode them on worker threads, and
 * scatter each one's share into the output in file byte order; one
 * conversion pass then makes it native. */
#include "plan.h"
#include "../util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_BLOCK_BYTES (8u << 20) /* contiguous data is read in blocks of rows */

typedef h5c_sel sel;
typedef h5c_job job;

/* ---- selection ------------------------------------------------------------ */

static int make_sel(const h5c_dataset *d, const h5c_slice *sl, sel *s, h5c_error *err)
{
    memset(s, 0, sizeof *s);
    s->rank = d->space.rank > 0 ? d->space.rank : 1;
    for (int i = 0; i < s->rank; i++) s->dims[i] = d->space.rank > 0 ? d->space.dims[i] : 1;
    if (sl && sl->rank != (d->space.rank > 0 ? d->space.rank : 0))
        return h5c_fail(err, H5C_ERR_ARG, "slice has rank %d, dataset has rank %d", sl->rank, d->space.rank);
    s->nelem = 1;
    for (int i = s->rank - 1; i >= 0; i--) {
        int whole = !sl || d->space.rank == 0;
        s->start[i] = whole ? 0 : sl->start[i];
        s->count[i] = whole ? s->dims[i] : sl->count[i];
        s->stride[i] = whole || sl->stride[i] == 0 ? 1 : sl->stride[i];
        if (s->count[i] &&
            (s->start[i] >= s->dims[i] || (s->count[i] - 1) > (s->dims[i] - 1 - s->start[i]) / s->stride[i]))
            return h5c_fail(err, H5C_ERR_ARG, "slice of dimension %d (start %llu, count %llu, stride %llu) exceeds extent %llu",
                            i, (unsigned long long)s->start[i], (unsigned long long)s->count[i],
                            (unsigned long long)s->stride[i], (unsigned long long)s->dims[i]);
        s->ostride[i] = s->nelem;
        if (s->count[i] && s->nelem > UINT64_MAX / s->count[i]) return h5c_fail(err, H5C_ERR_ARG, "slice too large");
        s->nelem *= s->count[i];
    }
    return 0;
}

/* Selected indices j with start + j*stride in [lo, lo+len): [*j0, *j1). */
static void sel_range(const sel *s, int i, uint64_t lo, uint64_t len, uint64_t *j0, uint64_t *j1)
{
    uint64_t st = s->start[i], sd = s->stride[i];
    uint64_t a = lo <= st ? 0 : (lo - st + sd - 1) / sd;
    uint64_t hi = lo + len; /* exclusive */
    uint64_t b = hi <= st ? 0 : (hi - st + sd - 1) / sd;
    if (b > s->count[i]) b = s->count[i];
    *j0 = a;
    *j1 = a < b ? b : a;
}

/* ---- scatter -------------------------------------------------------------- */

/* Copy the selected elements of one decoded block (origin `org`, shape
 * `shape`, row-major) into the output. */
static void scatter(const job *jb, const uint8_t *blk, const uint64_t *org, const uint32_t *shape)
{
    const sel *s = &jb->s;
    int r = s->rank;
    size_t es = jb->esize;
    uint64_t j0[H5C_MAX_RANK], j1[H5C_MAX_RANK], bstride[H5C_MAX_RANK], idx[H5C_MAX_RANK];
    uint64_t bs = 1;
    for (int i = r - 1; i >= 0; i--) {
        bstride[i] = bs;
        bs *= shape[i];
        sel_range(s, i, org[i], shape[i], &j0[i], &j1[i]);
        if (j0[i] >= j1[i]) return;
        idx[i] = j0[i];
    }
    int last = r - 1;
    uint64_t run = j1[last] - j0[last];
    for (;;) {
        uint64_t src = 0, dst = 0;
        for (int i = 0; i < r; i++) {
            src += (s->start[i] + idx[i] * s->stride[i] - org[i]) * bstride[i];
            dst += idx[i] * s->ostride[i];
        }
        if (s->stride[last] == 1) {
            memcpy(jb->dst + dst * es, blk + src * es, run * es);
        } else {
            uint64_t step = s->stride[last] * es;
            for (uint64_t k = 0; k < run; k++) memcpy(jb->dst + (dst + k) * es, blk + src * es + k * step, es);
        }
        int i = last - 1;
        while (i >= 0 && ++idx[i] == j1[i]) {
            idx[i] = j0[i];
            i--;
        }
        if (i < 0) return;
    }
}

/* ---- fetching one block --------------------------------------------------- */

/* Layout v4 flag bit 0: partial edge chunks are stored without filters. */
static int unfiltered_edge(const job *jb, const h5c_chunk *c)
{
    if (!(jb->d->layout.flags & 1)) return 0;
    for (int i = 0; i < jb->s.rank; i++)
        if (c->coord[i] + jb->cdims[i] > jb->s.dims[i]) return 1;
    return 0;
}

static int is_filtered(const job *jb, const h5c_chunk *c)
{
    return jb->d->pline.n > 0 && !unfiltered_edge(jb, c);
}

static uint8_t *raw_buf(h5c_wbufs *w, size_t n)
{
    if (w->raw_cap < n) {
        uint8_t *nb = realloc(w->raw, n);
        if (!nb) return NULL;
        w->raw = nb;
        w->raw_cap = n;
    }
    return w->raw;
}

void h5c_wbufs_free(h5c_wbufs *w)
{
    free(w->raw);
    h5c_scratch_free(&w->scratch);
    memset(w, 0, sizeof *w);
}

/* Stored bytes of a chunk (checked before anything is fetched). */
static int chunk_len(const job *jb, const h5c_chunk *c, size_t *len, h5c_error *err)
{
    int filtered = is_filtered(jb, c);
    if (c->size > ((uint64_t)1 << 34) || c->size == 0)
        return H5C_FMT(err, "chunk at 0x%llx: stored size %llu is implausible", (unsigned long long)c->addr,
                       (unsigned long long)c->size);
    if (!filtered && c->size < jb->chunk_bytes)
        return H5C_FMT(err, "chunk at 0x%llx: %llu bytes stored, %zu expected", (unsigned long long)c->addr,
                       (unsigned long long)c->size, jb->chunk_bytes);
    *len = filtered ? (size_t)c->size : jb->chunk_bytes;
    return 0;
}

/* Contiguous row block: the rows present in the file (a short last block
 * leaves the rest of the buffer unused: scatter only reads rows < dims). */
static size_t rows_len(const job *jb, const h5c_chunk *c)
{
    uint64_t rows = jb->s.dims[0] - c->coord[0];
    if (rows > jb->block_rows) rows = jb->block_rows;
    return (size_t)(rows * (jb->chunk_bytes / jb->block_rows));
}

int h5c_job_extent(const job *jb, const h5c_chunk *c, uint64_t *off, size_t *len, h5c_error *err)
{
    const h5c_file *f = jb->d->f;
    *off = 0;
    *len = 0;
    if (jb->mem_block) return 0;
    if (jb->block_rows) *len = rows_len(jb, c);
    else if (chunk_len(jb, c, len, err) != 0) return -1;
    if (c->addr == H5C_UNDEF || c->addr > UINT64_MAX - f->base || f->base + c->addr > f->eof ||
        *len > f->eof - (f->base + c->addr))
        return H5C_FMT(err, "raw data at 0x%llx: %zu bytes would run past the end of the file (size %llu)",
                       (unsigned long long)c->addr, *len, (unsigned long long)f->eof);
    *off = f->base + c->addr;
    return 0;
}

/* The stored bytes of c: raw if fetched already, else read into w->raw. */
static int stored_bytes(job *jb, h5c_wbufs *w, const h5c_chunk *c, const uint8_t **raw, size_t *n,
                        h5c_error *err)
{
    uint64_t off;
    if (h5c_job_extent(jb, c, &off, n, err) != 0) return -1;
    if (*raw) return 0;
    /* a short contiguous block still gets a whole block's buffer */
    uint8_t *b = raw_buf(w, jb->block_rows && jb->chunk_bytes > *n ? jb->chunk_bytes : *n ? *n : 1);
    if (!b) return H5C_NOMEM(err);
    h5c_io *io = h5c_file_data_io(jb->d->f);
    if (*n && io->read(io, off, *n, b, err) != 0) return -1;
    *raw = b;
    return 0;
}

static int decode_block(job *jb, h5c_wbufs *w, const h5c_chunk *c, const uint8_t **blk, h5c_error *err)
{
    size_t n;
    if (stored_bytes(jb, w, c, blk, &n, err) != 0) return -1;
    if (jb->block_rows || !is_filtered(jb, c)) return 0;
    return h5c_filters_run(&jb->d->pline, c->mask, *blk, n, jb->chunk_bytes, &w->scratch, blk, err);
}

void h5c_job_chunk_context(const job *jb, const h5c_chunk *c, h5c_error *err)
{
    char at[128];
    int n = 0;
    for (int i = 0; i < jb->s.rank && n < (int)sizeof at - 24; i++)
        n += snprintf(at + n, sizeof at - (size_t)n, "%s%llu", i ? "," : "", (unsigned long long)c->coord[i]);
    h5c_err_context(err, "chunk at element [%s]", at);
}

int h5c_job_process(job *jb, h5c_wbufs *w, const h5c_chunk *c, const uint8_t *raw, h5c_error *err)
{
    if (jb->mem_block) {
        scatter(jb, jb->mem_block, c->coord, jb->cdims);
        return 0;
    }
    const uint8_t *blk = raw;
    if (decode_block(jb, w, c, &blk, err) != 0) {
        h5c_job_chunk_context(jb, c, err);
        return -1;
    }
    scatter(jb, blk, c->coord, jb->cdims);
    return 0;
}

/* ---- listing blocks per layout -------------------------------------------- */

static int add_chunk(const h5c_chunk *c, void *ud, h5c_error *err)
{
    job *jb = ud;
    if (h5c_grow((void **)&jb->chunks, &jb->cap, jb->nchunks, sizeof *jb->chunks) != 0) return H5C_NOMEM(err);
    jb->chunks[jb->nchunks++] = *c;
    return 0;
}

static void sel_box(const sel *s, uint64_t *lo, uint64_t *hi)
{
    for (int i = 0; i < s->rank; i++) {
        lo[i] = s->start[i];
        hi[i] = s->start[i] + (s->count[i] - 1) * s->stride[i];
    }
}

static int plan_chunked(job *jb, h5c_error *err)
{
    const h5c_dataset *d = jb->d;
    uint64_t lo[H5C_MAX_RANK], hi[H5C_MAX_RANK];
    size_t cb = jb->esize;
    for (int i = 0; i < d->layout.ndims; i++) {
        jb->cdims[i] = d->layout.chunk[i];
        cb *= d->layout.chunk[i];
    }
    jb->chunk_bytes = cb;
    sel_box(&jb->s, lo, hi);
    if (d->layout.addr == H5C_UNDEF) return 0;
    return h5c_chunks_iterate(d, lo, hi, add_chunk, jb, err);
}

static int plan_contiguous(job *jb, h5c_error *err)
{
    const h5c_dataset *d = jb->d;
    const sel *s = &jb->s;
    uint64_t row = jb->esize;
    for (int i = 1; i < s->rank; i++) row *= s->dims[i];
    uint64_t total = row * s->dims[0];
    if (d->layout.cls == H5C_LAYOUT_COMPACT) {
        if (d->layout.size < total)
            return H5C_FMT(err, "compact data of '%s' holds %llu bytes, %llu needed", d->path,
                           (unsigned long long)d->layout.size, (unsigned long long)total);
        jb->mem_block = d->layout.compact;
        for (int i = 0; i < s->rank; i++) jb->cdims[i] = (uint32_t)s->dims[i];
        h5c_chunk c = {0};
        return s->dims[0] <= UINT32_MAX ? add_chunk(&c, jb, err) : H5C_UNSUP(err, "compact dataset this large");
    }
    if (d->layout.addr == H5C_UNDEF) return 0; /* never written: all fill */
    if (d->layout.size < total)
        return H5C_FMT(err, "contiguous data of '%s' holds %llu bytes, %llu needed", d->path,
                       (unsigned long long)d->layout.size, (unsigned long long)total);
    for (int i = 1; i < s->rank; i++) {
        if (s->dims[i] > UINT32_MAX) return H5C_UNSUP(err, "contiguous dimension above 2^32");
        jb->cdims[i] = (uint32_t)s->dims[i];
    }
    jb->block_rows = row ? ROW_BLOCK_BYTES / row : 1;
    if (jb->block_rows == 0) jb->block_rows = 1;
    if (jb->block_rows > s->dims[0]) jb->block_rows = s->dims[0];
    if (row > ((uint64_t)1 << 34)) return h5c_fail(err, H5C_ERR_LIMIT, "contiguous row of more than 16 GiB");
    jb->cdims[0] = (uint32_t)jb->block_rows;
    jb->chunk_bytes = (size_t)(jb->block_rows * row);
    uint64_t first = s->start[0] / jb->block_rows;
    uint64_t last = (s->start[0] + (s->count[0] - 1) * s->stride[0]) / jb->block_rows;
    for (uint64_t b = first; b <= last; b++) {
        h5c_chunk c = {0};
        c.coord[0] = b * jb->block_rows;
        c.addr = d->layout.addr + c.coord[0] * row;
        if (add_chunk(&c, jb, err) != 0) return -1;
    }
    return 0;
}

/* ---- fill and conversion -------------------------------------------------- */

/* Whether the listed blocks hold every selected element, so the output
 * needs no fill first: each chunk-grid cell the selection box meets (with
 * unit strides) must be present. */
static int blocks_cover(const job *jb)
{
    const sel *s = &jb->s;
    if (jb->nchunks == 0) return 0;
    if (jb->mem_block) return 1;
    uint64_t first[H5C_MAX_RANK], span[H5C_MAX_RANK], cells = 1;
    for (int i = 0; i < s->rank; i++) {
        if (s->stride[i] != 1) return 0;
        first[i] = s->start[i] / jb->cdims[i];
        span[i] = (s->start[i] + s->count[i] - 1) / jb->cdims[i] - first[i] + 1;
        cells *= span[i];
        if (cells > jb->nchunks) return 0;
    }
    /* mark each cell once: a corrupt index listing a chunk twice must not
     * pass for full coverage */
    uint8_t *seen = calloc((size_t)cells, 1);
    if (!seen) return 0;
    uint64_t present = 0;
    for (size_t k = 0; k < jb->nchunks; k++) {
        uint64_t cell = 0;
        int in = 1;
        for (int i = 0; i < s->rank && in; i++) {
            uint64_t c = jb->chunks[k].coord[i];
            in = c % jb->cdims[i] == 0 && c / jb->cdims[i] >= first[i] && c / jb->cdims[i] < first[i] + span[i];
            cell = cell * span[i] + (c / jb->cdims[i] - first[i]);
        }
        if (in && !seen[cell]) {
            seen[cell] = 1;
            present++;
        }
    }
    free(seen);
    return present == cells;
}

static void fill_output(const h5c_dataset *d, uint8_t *dst, uint64_t n, size_t es)
{
    if (!d->info.has_fill) {
        memset(dst, 0, (size_t)n * es);
        return;
    }
    for (uint64_t i = 0; i < n; i++) memcpy(dst + i * es, d->fill.value, es);
}

static int check_read(const h5c_dataset *d, const sel *s, size_t out_len, h5c_error *err)
{
    size_t ms = h5c_dtype_mem_size(d->type);
    if (d->layout.cls == H5C_LAYOUT_VIRTUAL) return H5C_UNSUP(err, "virtual dataset layout ('%s')", d->path);
    if (s->nelem && ms > SIZE_MAX / s->nelem) return h5c_fail(err, H5C_ERR_ARG, "selection too large");
    if (out_len < s->nelem * ms)
        return h5c_fail(err, H5C_ERR_ARG, "output buffer of %zu bytes is smaller than the %llu needed", out_len,
                        (unsigned long long)(s->nelem * ms));
    return 0;
}

int h5c_job_prepare(job *jb, const h5c_dataset *d, const h5c_slice *slice, void *out, size_t out_len,
                    h5c_error *err)
{
    memset(jb, 0, sizeof *jb);
    jb->d = d;
    jb->out = out;
    if (!d || (!out && out_len)) return h5c_fail(err, H5C_ERR_ARG, "h5c_read: no dataset or buffer");
    if (d->space.rank < 0) return 0; /* null dataspace: no elements */
    if (make_sel(d, slice, &jb->s, err) != 0 || check_read(d, &jb->s, out_len, err) != 0) return -1;
    if (jb->s.nelem == 0) return 0;
    size_t es = d->type->size, ms = h5c_dtype_mem_size(d->type);
    jb->esize = es;
    jb->in_place = h5c_dtype_is_fixed(d->type) && ms == es;
    /* file-order staging for types whose memory form differs: bounded, as
     * an element's file size comes from the file (fuzzing found 6 GiB) */
    if (!jb->in_place && (es > H5C_MAX_STAGING / jb->s.nelem || jb->s.nelem * es > H5C_MAX_STAGING))
        return h5c_fail(err, H5C_ERR_LIMIT,
                        "reading '%s': %llu elements of %zu bytes need more than %llu MiB of staging; read a smaller slice",
                        d->path, (unsigned long long)jb->s.nelem, es, (unsigned long long)(H5C_MAX_STAGING >> 20));
    jb->dst = jb->in_place ? out : malloc((size_t)jb->s.nelem * es);
    if (!jb->dst) return H5C_NOMEM(err);
    int rc = d->layout.cls == H5C_LAYOUT_CHUNKED ? plan_chunked(jb, err) : plan_contiguous(jb, err);
    if (rc != 0) {
        h5c_err_context(err, "reading '%s'", d->path);
        return -1;
    }
    if (!blocks_cover(jb)) fill_output(d, jb->dst, jb->s.nelem, es);
    return 0;
}

int h5c_job_finish(job *jb, h5c_error *err)
{
    int rc = jb->failed ? -1 : 0;
    if (jb->failed && err) *err = jb->err;
    if (!jb->failed && jb->s.nelem) {
        rc = h5c_convert(jb->d->f, jb->d->type, jb->dst, jb->out, (size_t)jb->s.nelem, err);
        if (rc != 0) h5c_err_context(err, "reading '%s'", jb->d->path);
    }
    if (!jb->in_place) free(jb->dst);
    free(jb->chunks);
    jb->dst = NULL;
    jb->chunks = NULL;
    return rc;
}

int h5c_read(h5c_dataset *d, const h5c_slice *slice, void *out, size_t out_len, h5c_error *err)
{
    h5c_err_clear(err);
    job jb;
    if (h5c_job_prepare(&jb, d, slice, out, out_len, err) != 0) {
        if (!jb.in_place) free(jb.dst);
        free(jb.chunks);
        return -1;
    }
    job *one = &jb;
    if (jb.nchunks) h5c_jobs_run(d->f, &one, 1);
    return h5c_job_finish(&jb, err);
}

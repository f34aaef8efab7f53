/* plan.h - shared by read.c (one request: selection, blocks, decode,
 * scatter) and read_many.c (all requests: sort, merge, fetch, workers). */
#ifndef H5C_PLAN_H
#define H5C_PLAN_H

#include "../format/format.h"

typedef struct h5c_sel {
    int rank;
    uint64_t dims[H5C_MAX_RANK];
    uint64_t start[H5C_MAX_RANK], count[H5C_MAX_RANK], stride[H5C_MAX_RANK];
    uint64_t ostride[H5C_MAX_RANK]; /* output element strides */
    uint64_t nelem;
} h5c_sel;

/* One request being read: the blocks (chunks, contiguous row blocks or the
 * compact data) that meet its selection, and where their elements go. */
typedef struct h5c_job {
    const h5c_dataset *d;
    h5c_sel s;
    void *out;
    uint8_t *dst;             /* file-order output (out itself when in place) */
    int in_place;
    size_t esize;
    uint32_t cdims[H5C_MAX_RANK];
    size_t chunk_bytes;
    const uint8_t *mem_block; /* compact data */
    uint64_t block_rows;      /* contiguous: rows per block */
    h5c_chunk *chunks;
    size_t nchunks, cap;
    int failed;               /* err holds the error of the first failing block */
    const h5c_chunk *fail_at; /* that block in element order (NULL: not a block's) */
    h5c_error err;
} h5c_job;

/* Buffers a worker keeps across chunks: allocating and faulting in fresh
 * chunk-sized buffers for every chunk cost more than inflating them. */
typedef struct h5c_wbufs {
    uint8_t *raw;
    size_t raw_cap;
    h5c_scratch scratch;
} h5c_wbufs;

/* Check the request, list its blocks, fill the output where no block
 * covers it. 0, or -1 with err (job then needs h5c_job_finish too). */
int h5c_job_prepare(h5c_job *jb, const h5c_dataset *d, const h5c_slice *slice, void *out, size_t out_len,
                    h5c_error *err);

/* The absolute file range block c is fetched from (len 0: nothing to fetch,
 * compact data). Checks the range lies in the file. */
int h5c_job_extent(const h5c_job *jb, const h5c_chunk *c, uint64_t *off, size_t *len, h5c_error *err);

/* Decode block c and scatter it into the output. raw holds its stored
 * bytes (h5c_job_extent's range), or is NULL: read them from the data io. */
int h5c_job_process(h5c_job *jb, h5c_wbufs *w, const h5c_chunk *c, const uint8_t *raw, h5c_error *err);

/* Convert to the memory representation (unless failed) and release. */
int h5c_job_finish(h5c_job *jb, h5c_error *err);

/* Annotate err with the element position of block c. */
void h5c_job_chunk_context(const h5c_job *jb, const h5c_chunk *c, h5c_error *err);

void h5c_wbufs_free(h5c_wbufs *w);

/* Fetch, decode and scatter the blocks of every job (read_many.c); a job's
 * failure is recorded in it and does not stop the others. */
void h5c_jobs_run(h5c_file *f, h5c_job **jobs, size_t n);

#endif

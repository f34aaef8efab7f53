/* fuzz_file.h - what the per-parser fuzz targets share: the input as an
 * in-memory HDF5 file (its superblock read when it has a valid one, else a
 * bare handle with 8-byte offsets and lengths), and a scan for the
 * signatures of the structures a target parses, so that whole data/ files
 * are useful seeds for every structure target. */
#ifndef H5C_FUZZ_FILE_H
#define H5C_FUZZ_FILE_H

#include "format/format.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_HITS 16 /* structures parsed per input: keeps each run fast */

/* The input as a file; NULL only when out of memory. Close with h5c_close. */
static inline h5c_file *fuzz_file(const uint8_t *data, size_t size)
{
    h5c_error err;
    h5c_options opts;
    memset(&opts, 0, sizeof opts);
    opts.threads = 1;
    h5c_io *io = h5c_io_mem_open(data, size, &err);
    if (!io) return NULL;
    h5c_file *f = h5c_open_io(io, &opts, &err);
    if (f) return f;
    /* no usable superblock: parse the structures with default sizes */
    io = h5c_io_mem_open(data, size, &err);
    f = io ? calloc(1, sizeof *f) : NULL;
    if (!f) {
        if (io) io->close(io);
        return NULL;
    }
    f->io = io;
    f->eof = io->size;
    f->so = f->sl = 8;
    f->sym_leaf_k = 4;
    f->btree_k = 16;
    f->chunk_k = 32;
    f->root_addr = f->ext_addr = f->sohm_addr = H5C_UNDEF;
    f->opts = opts;
    f->nthreads = 1;
    pthread_mutex_init(&f->gheap_lock, NULL);
    pthread_mutex_init(&f->gindex_lock, NULL);
    return f;
}

/* Relative addresses of up to max occurrences of a 4-byte signature. */
static inline size_t fuzz_find(const h5c_file *f, const uint8_t *data, size_t size, const char *sig,
                               uint64_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = (size_t)f->base; i + 4 <= size && n < max; i++)
        if (memcmp(data + i, sig, 4) == 0) out[n++] = i - f->base;
    return n;
}

#endif

/* io.h - byte-range backends under the format layer.
 *
 * A backend reads absolute byte ranges of one object. Reads must be safe to
 * call from several threads at once (the decode workers read chunks). */
#ifndef H5C_IO_H
#define H5C_IO_H

#include "h5coro.h"

typedef struct h5c_io h5c_io;

struct h5c_io {
    /* Read exactly len bytes at off into buf; a short read is an error. */
    int (*read)(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err);
    void (*close)(h5c_io *io);
    uint64_t size;  /* total object size in bytes */
    const char *name;
};

h5c_io *h5c_io_local_open(const char *path, h5c_error *err);
/* In-memory object (tests, fuzzing); the buffer is copied. */
h5c_io *h5c_io_mem_open(const void *buf, size_t len, h5c_error *err);

#endif

/* io.h - byte-range backends under the format layer.
 *
 * A backend reads absolute byte ranges of one object. Reads must be safe to
 * call from several threads at once (the decode workers read chunks).
 * read_many fetches a batch of ranges, concurrently where the backend can
 * (HTTP: one request per range over parallel connections). */
#ifndef H5C_IO_H
#define H5C_IO_H

#include "h5coro.h"

typedef struct h5c_io h5c_io;

typedef struct h5c_range h5c_range;
struct h5c_range {
    uint64_t off;
    size_t len;
    void *buf;
    /* optional: called once buf holds the range, on the thread that called
     * read_many and before it returns, by backends that finish ranges one
     * by one (HTTP); lets a caller decode while the rest still arrives */
    void (*done)(h5c_range *r);
    void *ud;
};

struct h5c_io {
    /* Read exactly len bytes at off into buf; a short read is an error. */
    int (*read)(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err);
    /* Read every range (all or an error); NULL means "one read at a time". */
    int (*read_many)(h5c_io *io, h5c_range *r, size_t n, h5c_error *err);
    void (*close)(h5c_io *io);
    uint64_t size;  /* total object size in bytes */
    const char *name;
    char etag[256]; /* remote: the ETag pinned at open ("" if none) */
    /* bytes [0, head_len) of the object, read while opening (owned by the
     * backend; NULL when none) */
    const uint8_t *head;
    size_t head_len;
    /* counters, updated with h5c_io_count (atomically) */
    uint64_t n_requests, n_bytes, n_retries;
};

/* Batch read through read_many, or range by range. */
int h5c_io_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err);

/* Count one request of `bytes` (and `retries` retries) on io. */
void h5c_io_count(h5c_io *io, uint64_t bytes, uint64_t retries);

/* Backend for a path or URL: local file, or (io/http.c) remote; a remote
 * backend reads the first `head` bytes with its first request. */
h5c_io *h5c_io_open(const char *path, const h5c_remote *remote, size_t head, h5c_error *err);

h5c_io *h5c_io_local_open(const char *path, h5c_error *err);
/* In-memory object (tests, fuzzing); the buffer is copied. */
h5c_io *h5c_io_mem_open(const void *buf, size_t len, h5c_error *err);
/* Caller-supplied reads (GDAL VSI). */
h5c_io *h5c_io_callback_open(const char *name, uint64_t size, h5c_read_many_fn fn, void *ud, h5c_error *err);

/* Remote backends (io/http.c): http(s):// URLs and S3 objects. The URL
 * forms are recognised by h5c_io_is_remote. */
int h5c_io_is_remote(const char *path);
h5c_io *h5c_io_remote_open(const char *path, const h5c_remote *remote, size_t head, h5c_error *err);

#endif

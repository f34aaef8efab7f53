/* io.c - helpers shared by every backend, and the choice of backend. */
#include "io.h"
#include "../util/err.h"

#include <string.h>

int h5c_io_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err)
{
    if (io->read_many) return io->read_many(io, r, n, err);
    for (size_t i = 0; i < n; i++)
        if (io->read(io, r[i].off, r[i].len, r[i].buf, err) != 0) return -1;
    return 0;
}

void h5c_io_count(h5c_io *io, uint64_t bytes, uint64_t retries)
{
    __atomic_fetch_add(&io->n_requests, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&io->n_bytes, bytes, __ATOMIC_RELAXED);
    if (retries) __atomic_fetch_add(&io->n_retries, retries, __ATOMIC_RELAXED);
}

h5c_io *h5c_io_open(const char *path, const h5c_remote *remote, size_t head, h5c_error *err)
{
    if (h5c_io_is_remote(path)) return h5c_io_remote_open(path, remote, head, err);
    return h5c_io_local_open(path, err);
}

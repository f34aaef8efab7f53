/* mem.c - in-memory backend, for tests and the fuzzer. */
#include "io.h"
#include "../util/err.h"

#include <stdlib.h>
#include <string.h>

typedef struct mem_io {
    h5c_io io;
    uint8_t *buf;
} mem_io;

static int mem_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    mem_io *m = (mem_io *)io;
    if (off > io->size || len > io->size - off)
        return h5c_fail(err, H5C_ERR_FORMAT,
                        "read of %zu bytes at 0x%llx is past the end of the file (size %llu)",
                        len, (unsigned long long)off, (unsigned long long)io->size);
    memcpy(buf, m->buf + off, len);
    h5c_io_count(io, len, 0);
    return 0;
}

static void mem_close(h5c_io *io)
{
    mem_io *m = (mem_io *)io;
    free(m->buf);
    free(m);
}

h5c_io *h5c_io_mem_open(const void *buf, size_t len, h5c_error *err)
{
    mem_io *m = calloc(1, sizeof *m);
    uint8_t *copy = malloc(len ? len : 1);
    if (!m || !copy) {
        free(m);
        free(copy);
        H5C_NOMEM(err);
        return NULL;
    }
    if (len) memcpy(copy, buf, len);
    m->buf = copy;
    m->io.read = mem_read;
    m->io.close = mem_close;
    m->io.size = len;
    m->io.name = "(memory)";
    return &m->io;
}

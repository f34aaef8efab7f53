/* callback.c - backend over caller-supplied reads (the GDAL driver hands
 * in VSIFReadMultiRangeL for paths the core does not speak itself). */
#include "io.h"
#include "../util/err.h"

#include <stdlib.h>
#include <string.h>

typedef struct cb_io {
    h5c_io io;
    h5c_read_many_fn fn;
    void *ud;
    char *name;
} cb_io;

#define CB_BATCH 64

static int cb_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err)
{
    cb_io *c = (cb_io *)io;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < CB_BATCH ? n - done : CB_BATCH;
        uint64_t offs[CB_BATCH];
        size_t lens[CB_BATCH];
        void *bufs[CB_BATCH];
        for (size_t i = 0; i < k; i++) {
            const h5c_range *x = &r[done + i];
            if (x->off > io->size || x->len > io->size - x->off)
                return h5c_fail(err, H5C_ERR_FORMAT, "read of %zu bytes at 0x%llx is past the end of '%s' (size %llu)",
                                x->len, (unsigned long long)x->off, c->name, (unsigned long long)io->size);
            offs[i] = x->off;
            lens[i] = x->len;
            bufs[i] = x->buf;
        }
        char msg[256] = "";
        if (c->fn(c->ud, k, offs, lens, bufs, msg, sizeof msg) != 0)
            return h5c_fail(err, H5C_ERR_IO, "reading '%s': %s", c->name, msg[0] ? msg : "read failed");
        for (size_t i = 0; i < k; i++) {
            h5c_io_count(io, lens[i], 0);
            if (r[done + i].done) r[done + i].done(&r[done + i]);
        }
        done += k;
    }
    return 0;
}

static int cb_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    h5c_range r = {off, len, buf, NULL, NULL};
    return cb_read_many(io, &r, 1, err);
}

static void cb_close(h5c_io *io)
{
    cb_io *c = (cb_io *)io;
    free(c->name);
    free(c);
}

h5c_io *h5c_io_callback_open(const char *name, uint64_t size, h5c_read_many_fn fn, void *ud, h5c_error *err)
{
    if (!fn) {
        h5c_fail(err, H5C_ERR_ARG, "no read function");
        return NULL;
    }
    cb_io *c = calloc(1, sizeof *c);
    char *nm = strdup(name ? name : "(callback)");
    if (!c || !nm) {
        free(c);
        free(nm);
        H5C_NOMEM(err);
        return NULL;
    }
    c->fn = fn;
    c->ud = ud;
    c->name = nm;
    c->io.read = cb_read;
    c->io.read_many = cb_read_many;
    c->io.close = cb_close;
    c->io.size = size;
    c->io.name = nm;
    return &c->io;
}

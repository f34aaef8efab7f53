/* fuzz_h5coro.c - libFuzzer target: open arbitrary bytes as an HDF5 file,
 * list everything, read every dataset (bounded) and every attribute. Any
 * crash, leak, hang or sanitizer report is a bug: bad bytes must only ever
 * produce an error value. */
#include "h5coro.h"
#include "format/format.h"

#include <stdlib.h>
#include <string.h>

#define MAX_READ_BYTES (4u << 20) /* keep each input fast */
#define MAX_OBJECTS 256

typedef struct walk {
    h5c_file *f;
    int n;
} walk;

static int on_attr(const h5c_attr *a, void *ud)
{
    (void)ud;
    volatile size_t sink = a->value ? a->nelem : 0;
    (void)sink;
    return 0;
}

static void read_dataset(h5c_file *f, const char *path)
{
    h5c_error err;
    h5c_dataset *d = h5c_dataset_open(f, path, &err);
    if (!d) return;
    h5c_info in;
    h5c_dataset_info(d, &in);
    uint64_t n = 1;
    for (int i = 0; i < in.rank; i++) n = in.dims[i] && n > UINT64_MAX / in.dims[i] ? UINT64_MAX : n * in.dims[i];
    size_t ms = h5c_dtype_mem_size(in.type);
    if (in.rank >= 0 && ms && n <= MAX_READ_BYTES / ms) {
        void *buf = malloc(n * ms ? n * ms : 1);
        if (buf && h5c_read(d, NULL, buf, n * ms, &err) == 0) h5c_free_vlen(in.type, buf, n);
        free(buf);
    }
    h5c_dataset_close(d);
}

static int on_entry(const h5c_entry *e, void *ud)
{
    walk *w = ud;
    if (++w->n > MAX_OBJECTS) return 1;
    h5c_error err;
    if (e->kind == H5C_KIND_DATASET) read_dataset(w->f, e->path);
    if (e->kind != H5C_KIND_SOFT_LINK && e->kind != H5C_KIND_EXTERNAL_LINK) h5c_attrs(w->f, e->path, on_attr, NULL, &err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_error err;
    h5c_io *io = h5c_io_mem_open(data, size, &err);
    if (!io) return 0;
    h5c_options opts;
    memset(&opts, 0, sizeof opts);
    opts.threads = 1;
    h5c_file *f = h5c_open_io(io, &opts, &err);
    if (!f) return 0;
    walk w = {f, 0};
    h5c_attrs(f, "/", on_attr, NULL, &err);
    h5c_list(f, "/", 1, on_entry, &w, &err);
    h5c_close(f);
    return 0;
}

/* fuzz_chunks.c - libFuzzer target: every chunk index (B-tree v1, single,
 * implicit, fixed array, extensible array, B-tree v2) of the datasets of a
 * file, walked over the whole extent without decoding the chunks. */
#include "fuzz_file.h"

typedef struct walk {
    h5c_file *f;
    int n;
} walk;

static int on_chunk(const h5c_chunk *c, void *ud, h5c_error *err)
{
    (void)c;
    (void)err;
    return ++*(int *)ud > 65536;
}

static int on_entry(const h5c_entry *e, void *ud)
{
    walk *w = ud;
    if (++w->n > 64) return 1;
    if (e->kind != H5C_KIND_DATASET) return 0;
    h5c_error err;
    h5c_dataset *d = h5c_dataset_open(w->f, e->path, &err);
    if (!d) return 0;
    if (d->layout.cls == H5C_LAYOUT_CHUNKED && d->space.rank > 0) {
        uint64_t lo[H5C_MAX_RANK] = {0}, hi[H5C_MAX_RANK];
        int ok = 1;
        for (int i = 0; i < d->space.rank; i++) {
            ok &= d->space.dims[i] > 0;
            hi[i] = d->space.dims[i] - 1;
        }
        int count = 0;
        if (ok) h5c_chunks_iterate(d, lo, hi, on_chunk, &count, &err);
    }
    h5c_dataset_close(d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    h5c_error err;
    walk w = {f, 0};
    if (f->root_addr != H5C_UNDEF) h5c_list(f, "/", 1, on_entry, &w, &err);
    h5c_close(f);
    return 0;
}

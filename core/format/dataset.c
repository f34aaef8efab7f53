/* dataset.c - opening a dataset: its type, shape, layout, filters, fill. */
#include "format.h"
#include "../util/parallel.h"

#include <stdlib.h>
#include <string.h>

static int need(const h5c_ohdr *oh, uint16_t type, const h5c_msg **m, h5c_error *err)
{
    *m = h5c_ohdr_find(oh, type);
    if (*m) return 0;
    return h5c_fail(err, H5C_ERR_TYPE, "object at 0x%llx is not a dataset (no message 0x%x)",
                    (unsigned long long)oh->addr, type);
}

static int parse_messages(h5c_dataset *d, const h5c_ohdr *oh, h5c_error *err)
{
    h5c_file *f = d->f;
    const h5c_msg *mt, *ms, *ml;
    if (need(oh, H5C_MSG_LAYOUT, &ml, err) || need(oh, H5C_MSG_DATASPACE, &ms, err) ||
        need(oh, H5C_MSG_DATATYPE, &mt, err))
        return -1;
    if (h5c_dtype_parse(f, mt->data, mt->size, mt->addr, &d->type, err) != 0) return -1;
    if (h5c_dspace_parse(f, ms, &d->space, err) != 0) return -1;
    if (h5c_layout_parse(f, ml, &d->layout, err) != 0) return -1;
    const h5c_msg *mp = h5c_ohdr_find(oh, H5C_MSG_PIPELINE);
    if (mp && h5c_pipeline_parse(f, mp, &d->pline, err) != 0) return -1;
    const h5c_msg *mf = h5c_ohdr_find(oh, H5C_MSG_FILL);
    if (!mf) mf = h5c_ohdr_find(oh, H5C_MSG_FILL_OLD);
    if (mf && h5c_fill_parse(f, mf, &d->fill, err) != 0) return -1;
    if (h5c_ohdr_find(oh, H5C_MSG_EXTERNAL_FILES))
        return H5C_UNSUP(err, "external raw data files (object at 0x%llx)", (unsigned long long)oh->addr);
    return 0;
}

/* Cross-check the layout against the dataspace and type. */
static int check_layout(h5c_dataset *d, h5c_error *err)
{
    h5c_layout *l = &d->layout;
    uint64_t nelem = h5c_dspace_nelem(&d->space);
    if (nelem == UINT64_MAX || (d->type->size && nelem > UINT64_MAX / d->type->size))
        return H5C_FMT(err, "dataset size overflows");
    if (l->cls == H5C_LAYOUT_VIRTUAL)  /* its extent, too, comes from the sources */
        return H5C_UNSUP(err, "virtual dataset layout");
    uint64_t bytes = nelem * d->type->size;
    if (l->cls == H5C_LAYOUT_CONTIGUOUS && l->size == UINT64_MAX) l->size = bytes;
    if (l->cls == H5C_LAYOUT_CHUNKED) {
        if (d->space.rank < 0) return 0;
        if (l->ndims != d->space.rank && !(d->space.rank == 0 && l->ndims == 1))
            return H5C_FMT(err, "chunk rank %d differs from dataset rank %d", l->ndims, d->space.rank);
        uint64_t cb = d->type->size;
        for (int i = 0; i < l->ndims; i++) {
            cb *= l->chunk[i];
            if (cb > ((uint64_t)1 << 34)) return h5c_fail(err, H5C_ERR_LIMIT, "chunk of more than 16 GiB");
        }
    }
    return 0;
}

static void fill_info(h5c_dataset *d)
{
    h5c_info *in = &d->info;
    memset(in, 0, sizeof *in);
    in->type = d->type;
    in->rank = d->space.rank;
    for (int i = 0; i < d->space.rank; i++) {
        in->dims[i] = d->space.dims[i];
        in->maxdims[i] = d->space.maxdims[i];
    }
    in->layout = d->layout.cls;
    if (d->layout.cls == H5C_LAYOUT_CHUNKED) {
        in->chunk_index = d->layout.index;
        for (int i = 0; i < d->layout.ndims; i++) in->chunk[i] = d->layout.chunk[i];
    }
    in->nfilters = d->pline.n;
    memcpy(in->filters, d->pline.f, sizeof(h5c_filter) * (size_t)d->pline.n);
    in->has_fill = d->fill.defined && d->fill.size == d->type->size;
    in->fill = in->has_fill ? d->fill.value : NULL;
    in->addr = d->addr;
}

h5c_dataset *h5c_dataset_open(h5c_file *f, const char *path, h5c_error *err)
{
    h5c_err_clear(err);
    h5c_dataset *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path ? path : ""))) {
        free(d);
        H5C_NOMEM(err);
        return NULL;
    }
    d->f = f;
    h5c_ohdr oh;
    if (h5c_path_resolve(f, path, &d->addr, err) != 0) goto fail;
    if (h5c_ohdr_read(f, d->addr, &oh, err) != 0) goto fail_ctx;
    int rc = parse_messages(d, &oh, err);
    h5c_ohdr_free(&oh);
    if (rc != 0 || check_layout(d, err) != 0) goto fail_ctx;
    fill_info(d);
    return d;
fail_ctx:
    h5c_err_context(err, "dataset '%s'", path);
fail:
    h5c_dataset_close(d);
    return NULL;
}

void h5c_dataset_close(h5c_dataset *d)
{
    if (!d) return;
    h5c_dtype_free(d->type);
    h5c_layout_free(&d->layout);
    h5c_pipeline_free(&d->pline);
    h5c_fill_free(&d->fill);
    free(d->path);
    free(d);
}

int h5c_dataset_info(const h5c_dataset *d, h5c_info *info)
{
    if (!d || !info) return -1;
    *info = d->info;
    return 0;
}

/* ---- many at once ----------------------------------------------------------- */

typedef struct open_many {
    h5c_file *f;
    const char *const *paths;
    h5c_dataset **out;
    h5c_error *errs;
} open_many;

static void open_one(size_t i, void *ud)
{
    open_many *m = ud;
    h5c_error e = {0};
    m->out[i] = h5c_dataset_open(m->f, m->paths[i], m->errs ? &m->errs[i] : &e);
}

int h5c_parallel_threads(const h5c_file *f, size_t n)
{
    /* over a backend with round trips each open is a chain of them: run the
     * chains side by side; locally reads cost little and one thread is best */
    if (!h5c_file_data_io(f)->read_many || n < 2) return 1;
    return n > 64 ? 64 : (int)n;
}

int h5c_dataset_open_many(h5c_file *f, const char *const *paths, size_t n, h5c_dataset **out, h5c_error *errs)
{
    if (!f || (n && (!paths || !out))) return -1;
    open_many m = {f, paths, out, errs};
    h5c_parallel_for(n, h5c_parallel_threads(f, n), open_one, &m);
    int failed = 0;
    for (size_t i = 0; i < n; i++) failed |= !out[i];
    return failed ? -1 : 0;
}

/* attributes.c - h5c_attrs: decoded attribute values of an object. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int visit_attr(h5c_file *f, const h5c_attrmsg *a, h5c_attr_fn fn, void *ud)
{
    h5c_attr out = {0};
    out.name = a->name;
    out.type = a->type;
    out.rank = a->space.rank;
    for (int i = 0; i < a->space.rank; i++) out.dims[i] = a->space.dims[i];
    out.nelem = h5c_dspace_nelem(&a->space);
    size_t ms = h5c_dtype_mem_size(a->type);
    h5c_error cerr = {0};
    void *val = NULL;
    if (out.nelem && ms && out.nelem > SIZE_MAX / ms) {
        h5c_fail(&cerr, H5C_ERR_LIMIT, "attribute too large");
    } else {
        size_t bytes = (size_t)out.nelem * ms;
        val = malloc(bytes ? bytes : 1);
        if (!val) H5C_NOMEM(&cerr);
        else if (out.nelem && h5c_convert(f, a->type, a->data, val, (size_t)out.nelem, &cerr) != 0) {
            free(val);
            val = NULL;
        }
    }
    if (val) {
        out.value = val;
    } else {
        out.error = cerr.msg;
        out.error_code = cerr.code;
    }
    int rc = fn(&out, ud);
    if (val) h5c_free_vlen(a->type, val, (size_t)out.nelem);
    free(val);
    return rc;
}

int h5c_attrs(h5c_file *f, const char *path, h5c_attr_fn fn, void *ud, h5c_error *err)
{
    h5c_err_clear(err);
    if (!f || !fn) return h5c_fail(err, H5C_ERR_ARG, "h5c_attrs: no file or callback");
    uint64_t addr;
    if (h5c_path_resolve(f, path && *path ? path : "/", &addr, err) != 0) return -1;
    h5c_ohdr oh;
    if (h5c_ohdr_read(f, addr, &oh, err) != 0) return -1;
    h5c_attrmsg *attrs;
    size_t n;
    int rc = h5c_object_attrs(f, &oh, &attrs, &n, err);
    h5c_ohdr_free(&oh);
    if (rc != 0) {
        h5c_err_context(err, "'%s'", path);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) rc = visit_attr(f, &attrs[i], fn, ud);
    h5c_attrs_free(attrs, n);
    return rc;
}

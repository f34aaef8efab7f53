/* read_many.c - h5c_read_many: several hyperslab reads, one at a time for
 * now (each already fetches its chunks concurrently). */
#include "../format/format.h"

int h5c_read_many(h5c_file *f, h5c_request *reqs, size_t n, h5c_error *err)
{
    h5c_err_clear(err);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        h5c_request *r = &reqs[i];
        h5c_err_clear(&r->err);
        if (!r->dataset || r->dataset->f != f) {
            r->status = h5c_fail(&r->err, H5C_ERR_ARG, "request %zu: dataset of another file", i);
        } else {
            r->status = h5c_read(r->dataset, r->slice, r->out, r->out_len, &r->err);
        }
        if (r->status != 0 && !failed++ && err) *err = r->err;
    }
    return failed ? -1 : 0;
}

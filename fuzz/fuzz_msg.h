/* fuzz_msg.h - run the parser of one object header message on its body
 * (shared by fuzz_ohdr.c and fuzz_msg.c), then use what it returned the way
 * the reader would (names printed, type sizes taken), so a result that is
 * half built shows under the sanitizers. */
#ifndef H5C_FUZZ_MSG_H
#define H5C_FUZZ_MSG_H

#include "fuzz_file.h"

#include <stdio.h>

/* An empty file whose offsets and lengths have the size input byte 1 picks
 * (2, 4 or 8): the message targets' common setup. */
static inline h5c_file *fuzz_sized_file(uint8_t sel)
{
    static const uint8_t sizes[4] = {8, 4, 2, 8};
    h5c_file *f = fuzz_file(NULL, 0);
    if (f) f->so = f->sl = sizes[sel & 3];
    return f;
}

static inline void fuzz_use_dtype(const h5c_dtype *t)
{
    char buf[256];
    h5c_dtype_str(t, buf, sizeof buf);
    volatile size_t sink = h5c_dtype_mem_size(t) + strlen(buf);
    (void)sink;
}

static inline void fuzz_parse_msg(h5c_file *f, const h5c_msg *m)
{
    h5c_error err;
    switch (m->type) {
    case H5C_MSG_DATASPACE: {
        h5c_dspace s;
        if (h5c_dspace_parse(f, m, &s, &err) == 0) {
            volatile uint64_t n = h5c_dspace_nelem(&s);
            (void)n;
        }
        break;
    }
    case H5C_MSG_DATATYPE: {
        h5c_dtype *t = NULL;
        if (h5c_dtype_parse(f, m->data, m->size, m->addr, &t, &err) == 0) {
            fuzz_use_dtype(t);
            h5c_dtype_free(t);
        }
        break;
    }
    case H5C_MSG_FILL_OLD:
    case H5C_MSG_FILL: {
        h5c_fill fv;
        if (h5c_fill_parse(f, m, &fv, &err) == 0) h5c_fill_free(&fv);
        break;
    }
    case H5C_MSG_LAYOUT: {
        h5c_layout l;
        if (h5c_layout_parse(f, m, &l, &err) == 0) h5c_layout_free(&l);
        break;
    }
    case H5C_MSG_PIPELINE: {
        h5c_pipeline pl;
        if (h5c_pipeline_parse(f, m, &pl, &err) == 0) {
            for (int i = 0; i < pl.n; i++) {
                volatile size_t sink = pl.f[i].name ? strlen(pl.f[i].name) : 0;
                (void)sink;
            }
            h5c_pipeline_free(&pl);
        }
        break;
    }
    case H5C_MSG_LINK: {
        h5c_link l;
        if (h5c_link_parse(f, m->data, m->size, m->addr, &l, &err) == 0) {
            volatile size_t sink = strlen(l.name) + (l.target ? strlen(l.target) : 0);
            (void)sink;
            h5c_link_free(&l);
        }
        break;
    }
    case H5C_MSG_ATTRIBUTE: {
        h5c_attrmsg a;
        if (h5c_attrmsg_parse(f, m->data, m->size, m->addr, &a, &err) == 0) {
            fuzz_use_dtype(a.type);
            h5c_attrmsg_free(&a);
        }
        break;
    }
    case H5C_MSG_LINK_INFO:
    case H5C_MSG_ATTR_INFO: {
        h5c_dense_info di;
        if (m->type == H5C_MSG_LINK_INFO) h5c_linkinfo_parse(f, m, &di, &err);
        else h5c_attrinfo_parse(f, m, &di, &err);
        break;
    }
    default:
        break;
    }
}

#endif

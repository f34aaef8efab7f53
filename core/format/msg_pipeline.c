/* msg_pipeline.c - filter pipeline message (0x0B), versions 1 and 2. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int parse_filter(h5c_cur *c, uint8_t version, h5c_filter *fl, uint64_t addr, h5c_error *err)
{
    fl->id = h5c_cur_u16(c);
    uint16_t namelen = (version == 1 || fl->id >= 256) ? h5c_cur_u16(c) : 0;
    fl->flags = h5c_cur_u16(c);
    fl->ncvalues = h5c_cur_u16(c);
    size_t namespace_len = version == 1 ? ((size_t)namelen + 7) / 8 * 8 : namelen;
    const uint8_t *name = h5c_cur_take(c, namespace_len);
    if (!h5c_cur_ok(c)) return H5C_FMT(err, "filter pipeline message at 0x%llx: truncated", (unsigned long long)addr);
    const char *wk = h5c_filter_known_name(fl->id);
    char *nm = NULL;
    if (namelen && name[0]) nm = strndup((const char *)name, namelen);
    else nm = strdup(wk ? wk : "unknown");
    if (!nm) return H5C_NOMEM(err);
    fl->name = nm;
    uint32_t *cv = calloc(fl->ncvalues ? fl->ncvalues : 1, sizeof *cv);
    if (!cv) return H5C_NOMEM(err);
    for (uint32_t i = 0; i < fl->ncvalues; i++) cv[i] = h5c_cur_u32(c);
    if (version == 1 && (fl->ncvalues & 1)) h5c_cur_skip(c, 4);
    fl->cvalues = cv;
    if (!h5c_cur_ok(c)) return H5C_FMT(err, "filter pipeline message at 0x%llx: truncated", (unsigned long long)addr);
    return 0;
}

int h5c_pipeline_parse(h5c_file *f, const h5c_msg *m, h5c_pipeline *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, m->data, m->size, m->addr);
    memset(out, 0, sizeof *out);
    uint8_t version = h5c_cur_u8(&c), n = h5c_cur_u8(&c);
    if (version == 1) h5c_cur_skip(&c, 6);
    if (!h5c_cur_ok(&c)) return H5C_FMT(err, "filter pipeline message at 0x%llx: truncated", (unsigned long long)m->addr);
    if (version != 1 && version != 2)
        return H5C_FMT(err, "filter pipeline message at 0x%llx: unknown version %u", (unsigned long long)m->addr, version);
    if (n > H5C_MAX_FILTERS)
        return H5C_FMT(err, "filter pipeline message at 0x%llx: %u filters (max %d)", (unsigned long long)m->addr, n,
                       H5C_MAX_FILTERS);
    for (int i = 0; i < n; i++) {
        out->n = i + 1;
        if (parse_filter(&c, version, &out->f[i], m->addr, err) != 0) {
            h5c_pipeline_free(out);
            return -1;
        }
    }
    return 0;
}

void h5c_pipeline_free(h5c_pipeline *pl)
{
    for (int i = 0; i < pl->n; i++) {
        free((char *)pl->f[i].name);
        free((uint32_t *)pl->f[i].cvalues);
    }
    memset(pl, 0, sizeof *pl);
}

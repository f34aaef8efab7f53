/* pipeline.c - h5c_filters_decode(): undo a dataset's filter pipeline on
 * one stored chunk.
 *
 * Filters are undone last to first; filter i is skipped when bit i of the
 * chunk's filter mask is set. Every filter that will run is checked first,
 * so an unsupported one fails before any work (optional filters are no
 * exception: skipping one that was applied would return wrong data). */
#include "filters.h"

#include <stdlib.h>
#include <string.h>

const char *h5c_filter_name(const h5c_filter *fl)
{
    if (fl->name && fl->name[0] && strcmp(fl->name, "unknown") != 0) return fl->name;
    const char *wk = h5c_filter_known_name(fl->id);
    return wk ? wk : "unknown";
}

static int skipped(uint32_t mask, int i)
{
    return i < 32 && ((mask >> i) & 1);
}

/* Check the pipeline and every filter that will run. */
static int check_pipeline(const h5c_pipeline *pl, uint32_t mask, h5c_error *err)
{
    int n = pl ? pl->n : 0;
    if (n < 0 || n > H5C_MAX_FILTERS) return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: bad filter count %d", n);
    for (int i = n - 1; i >= 0; i--) {
        const h5c_filter *fl = &pl->f[i];
        if (skipped(mask, i)) continue;
        const h5c_filter_def *d = h5c_filter_lookup(fl->id);
        if (d && d->decode) continue;
        if (d) return H5C_UNSUP(err, "filter %u (%s): %s", fl->id, h5c_filter_name(fl), d->missing);
        return H5C_UNSUP(err, "filter %u (%s)", fl->id, h5c_filter_name(fl));
    }
    return 0;
}

static uint8_t *scratch_buf(h5c_scratch *s, int k, size_t need)
{
    if (s->cap[k] < need) {
        uint8_t *nb = realloc(s->buf[k], need);
        if (!nb) return NULL;
        s->buf[k] = nb;
        s->cap[k] = need;
    }
    return s->buf[k];
}

void h5c_scratch_free(h5c_scratch *s)
{
    free(s->buf[0]);
    free(s->buf[1]);
    memset(s, 0, sizeof *s);
}

int h5c_filters_run(const h5c_pipeline *pl, uint32_t mask, const uint8_t *in, size_t in_len,
                    size_t expect, h5c_scratch *s, const uint8_t **out, h5c_error *err)
{
    *out = NULL;
    if (!in && in_len) return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: no input buffer");
    if (check_pipeline(pl, mask, err) != 0) return -1;
    int n = pl ? pl->n : 0;
    /* room for the decoded chunk plus the checksums Fletcher-32 stages strip */
    size_t cap = expect + 64;
    for (int j = 0; j < n; j++)
        if (!skipped(mask, j) && pl->f[j].id == 3 /* fletcher32 */) cap += 4;
    const uint8_t *cur = in;
    size_t len = in_len;
    int last = -1, next = 0;
    for (int i = n - 1; i >= 0; i--) {
        const h5c_filter *fl = &pl->f[i];
        if (skipped(mask, i)) continue;
        last = i;
        uint8_t *dst = scratch_buf(s, next, cap);
        if (!dst) return H5C_NOMEM(err);
        const uint8_t *res;
        if (h5c_filter_lookup(fl->id)->decode(fl, cur, len, dst, cap, &res, &len, err) != 0) return -1;
        if (len > cap)
            return H5C_FMT(err, "filter %u (%s): decodes to %zu bytes, more than the chunk's %zu", fl->id,
                           h5c_filter_name(fl), len, cap);
        if (res == dst) next ^= 1;
        cur = res;
    }
    if (len != expect) {
        if (last >= 0)
            return H5C_FMT(err, "filter pipeline: chunk decodes to %zu bytes, expected %zu (after filter %u (%s))",
                           len, expect, pl->f[last].id, h5c_filter_name(&pl->f[last]));
        return H5C_FMT(err, "filter pipeline: stored chunk is %zu bytes, expected %zu (no filter applied)", len,
                       expect);
    }
    *out = cur;
    return 0;
}

int h5c_filters_decode(const h5c_pipeline *pl, uint32_t mask, uint8_t *in, size_t in_len,
                       size_t expect, uint8_t **out, h5c_error *err)
{
    if (!out) {
        free(in);
        return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: no output pointer");
    }
    *out = NULL;
    h5c_scratch s = {0};
    const uint8_t *res;
    int rc = h5c_filters_run(pl, mask, in, in_len, expect, &s, &res, err);
    if (rc == 0) {
        *out = malloc(expect ? expect : 1);
        if (*out) memcpy(*out, res, expect);
        else rc = H5C_NOMEM(err);
    }
    h5c_scratch_free(&s);
    free(in);
    return rc;
}

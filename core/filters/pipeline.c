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
    switch (fl->id) {
    case 1: return "deflate";
    case 2: return "shuffle";
    case 3: return "fletcher32";
    case 4: return "szip";
    case 5: return "nbit";
    case 6: return "scaleoffset";
    case 307: return "bzip2";
    case 32000: return "lzf";
    case 32001: return "blosc";
    case 32004: return "lz4";
    case 32008: return "bitshuffle";
    case 32013: return "zfp";
    case 32015: return "zstd";
    case 32017: return "sz";
    case 32026: return "blosc2";
    }
    return "unknown";
}

static int skipped(uint32_t mask, int i)
{
    return i < 32 && ((mask >> i) & 1);
}

static int supported(uint16_t id)
{
    return id == H5C_FILTER_DEFLATE || id == H5C_FILTER_SHUFFLE || id == H5C_FILTER_FLETCHER32;
}

int h5c_filters_decode(const h5c_pipeline *pl, uint32_t mask, uint8_t *in, size_t in_len,
                       size_t expect, uint8_t **out, h5c_error *err)
{
    if (!out) {
        free(in);
        return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: no output pointer");
    }
    *out = NULL;
    if (!in && in_len) return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: no input buffer");
    int n = pl ? pl->n : 0;
    if (n < 0 || n > H5C_MAX_FILTERS) {
        free(in);
        return h5c_fail(err, H5C_ERR_ARG, "filter pipeline: bad filter count %d", n);
    }
    for (int i = n - 1; i >= 0; i--) {
        const h5c_filter *fl = &pl->f[i];
        if (skipped(mask, i) || supported(fl->id)) continue;
        free(in);
        return H5C_UNSUP(err, "filter %u (%s)", fl->id, h5c_filter_name(fl));
    }

    uint8_t *cur = in;
    size_t len = in_len;
    int last = -1;
    for (int i = n - 1; i >= 0; i--) {
        const h5c_filter *fl = &pl->f[i];
        if (skipped(mask, i)) continue;
        last = i;
        if (fl->id == H5C_FILTER_DEFLATE) {
            /* later (in decode order) Fletcher-32 stages strip 4 bytes each */
            size_t hint = expect;
            for (int j = i - 1; j >= 0; j--)
                if (!skipped(mask, j) && pl->f[j].id == H5C_FILTER_FLETCHER32) hint += 4;
            uint8_t *next;
            size_t next_len;
            if (h5c_inflate(cur, len, hint, &next, &next_len, err) != 0) goto fail;
            free(cur);
            cur = next;
            len = next_len;
        } else if (fl->id == H5C_FILTER_SHUFFLE) {
            if (fl->ncvalues < 1 || !fl->cvalues || fl->cvalues[0] == 0) {
                H5C_FMT(err, "filter 2 (shuffle): no element size in the filter parameters");
                goto fail;
            }
            if (fl->cvalues[0] > 1 && len / fl->cvalues[0] > 1) {
                uint8_t *next = malloc(len);
                if (!next) {
                    H5C_NOMEM(err);
                    goto fail;
                }
                h5c_unshuffle(cur, next, len, fl->cvalues[0]);
                free(cur);
                cur = next;
            }
        } else { /* H5C_FILTER_FLETCHER32 */
            if (h5c_fletcher32_check(cur, len, &len, err) != 0) goto fail;
        }
    }
    if (len != expect) {
        if (last >= 0)
            H5C_FMT(err, "filter pipeline: chunk decodes to %zu bytes, expected %zu (after filter %u (%s))",
                    len, expect, pl->f[last].id, h5c_filter_name(&pl->f[last]));
        else
            H5C_FMT(err, "filter pipeline: stored chunk is %zu bytes, expected %zu (no filter applied)", len,
                    expect);
        goto fail;
    }
    *out = cur;
    return 0;
fail:
    free(cur);
    return -1;
}

/* read_vds.c - a slice of a virtual dataset: the output starts as the fill
 * value, then each mapping's share of the slice is read from its source
 * dataset (one h5c_read of the source per mapping, the smallest regular
 * slice holding the elements needed) and copied into place. Virtual and
 * source elements pair up in C order, dimension by dimension: dimensions
 * of one element drop out, the others must take the same number of
 * elements on both sides (libhdf5 also allows other shapes of equal size;
 * those are reported as unsupported). */
#include "plan.h"
#include "../format/vds.h"

#include <stdlib.h>
#include <string.h>

#define VDS_MAX_TEMP (1ull << 31) /* bytes of source elements one mapping may stage */

/* Along one virtual dimension: the axis ordinals the slice selects and
 * their output offsets (elements). */
typedef struct dim_pick {
    uint64_t *ord, *outoff, *tmpoff;
    uint64_t n;
} dim_pick;

static void picks_free(dim_pick *p, int rank)
{
    for (int k = 0; k < rank; k++) {
        free(p[k].ord);
        free(p[k].outoff);
        free(p[k].tmpoff);
    }
}

/* Ordinals of axis a whose coordinate the slice takes in dimension k. */
static int pick_dim(const h5c_sel *s, int k, const h5c_vds_axis *a, dim_pick *p, h5c_error *err)
{
    uint64_t len = h5c_vds_axis_len(a), n = 0;
    uint64_t room = len < s->count[k] ? len : s->count[k];
    p->ord = malloc((size_t)(room ? room : 1) * sizeof *p->ord);
    p->outoff = malloc((size_t)(room ? room : 1) * sizeof *p->outoff);
    p->tmpoff = calloc((size_t)(room ? room : 1), sizeof *p->tmpoff);
    if (!p->ord || !p->outoff || !p->tmpoff) return H5C_NOMEM(err);
    uint64_t lo = s->start[k], st = s->stride[k];
    for (uint64_t o = 0; o < len && n < room; o++) {
        uint64_t c = h5c_vds_axis_coord(a, o);
        if (c < lo || (c - lo) % st || (c - lo) / st >= s->count[k]) continue;
        p->ord[n] = o;
        p->outoff[n] = (c - lo) / st * s->ostride[k];
        n++;
    }
    p->n = n;
    return 0;
}

/* Pair the dimensions of more than one element: virtual dimension k reads
 * source dimension pair[k] (-1: a dimension of one element). */
static int pair_dims(const h5c_vds_piece *p, int *pair, h5c_error *err)
{
    int j = 0;
    uint64_t vt = 1, stot = 1;
    for (int k = 0; k < p->vrank; k++) {
        uint64_t vl = h5c_vds_axis_len(&p->v[k]);
        vt = vl && vt > UINT64_MAX / vl ? UINT64_MAX : vt * vl;
        pair[k] = -1;
        if (vl == 1) continue;
        while (j < p->srank && h5c_vds_axis_len(&p->s[j]) == 1) j++;
        if (j < p->srank && h5c_vds_axis_len(&p->s[j]) == vl) pair[k] = j++;
        else pair[k] = -2;
    }
    for (int k = 0; k < p->srank; k++) {
        uint64_t sl = h5c_vds_axis_len(&p->s[k]);
        stot = sl && stot > UINT64_MAX / sl ? UINT64_MAX : stot * sl;
    }
    if (vt == 0) return 1; /* nothing mapped */
    if (vt != stot)
        return H5C_FMT(err, "virtual dataset mapping %zu: virtual selection of %llu elements, source selection of %llu",
                       p->map, (unsigned long long)vt, (unsigned long long)stot);
    while (j < p->srank && h5c_vds_axis_len(&p->s[j]) == 1) j++;
    for (int k = 0; k < p->vrank; k++)
        if (pair[k] == -2 || j != p->srank)
            return H5C_UNSUP(err, "virtual dataset mapping %zu: source and virtual selections of different shapes",
                             p->map);
    return 0;
}

/* The source slice covering the elements picked, and each pick's offset
 * in what that slice reads. */
static int source_slice(const h5c_vds_piece *p, const int *pair, dim_pick *pk, h5c_slice *sl, uint64_t *nelem,
                        h5c_error *err)
{
    sl->rank = p->srank;
    int from[H5C_MAX_RANK];
    for (int j = 0; j < p->srank; j++) {
        from[j] = -1;
        sl->start[j] = h5c_vds_axis_coord(&p->s[j], 0);
        sl->count[j] = 1;
        sl->stride[j] = 1;
    }
    for (int k = 0; k < p->vrank; k++)
        if (pair[k] >= 0) from[pair[k]] = k;
    uint64_t tstride[H5C_MAX_RANK], total = 1;
    for (int j = p->srank - 1; j >= 0; j--) {
        int k = from[j];
        if (k >= 0) {
            /* coordinates rise with the ordinal: the first and last pick bound them */
            uint64_t a = h5c_vds_axis_coord(&p->s[j], pk[k].ord[0]);
            uint64_t b = h5c_vds_axis_coord(&p->s[j], pk[k].ord[pk[k].n - 1]);
            uint64_t step = pk[k].n > 1 ? h5c_vds_axis_coord(&p->s[j], pk[k].ord[1]) - a : 1;
            int even = step > 0;
            for (uint64_t i = 1; i < pk[k].n && even; i++)
                even = h5c_vds_axis_coord(&p->s[j], pk[k].ord[i]) - a == i * step;
            if (!even) step = 1;
            sl->start[j] = a;
            sl->stride[j] = step;
            sl->count[j] = (b - a) / step + 1;
        }
        tstride[j] = total;
        if (total > UINT64_MAX / sl->count[j]) return h5c_fail(err, H5C_ERR_LIMIT, "virtual dataset source slice too large");
        total *= sl->count[j];
    }
    for (int k = 0; k < p->vrank; k++) {
        int j = pair[k];
        if (j < 0) continue;
        for (uint64_t i = 0; i < pk[k].n; i++)
            pk[k].tmpoff[i] = (h5c_vds_axis_coord(&p->s[j], pk[k].ord[i]) - sl->start[j]) / sl->stride[j] * tstride[j];
    }
    *nelem = total;
    return 0;
}

static void copy_picks(const dim_pick *pk, int rank, const uint8_t *tmp, uint8_t *out, size_t ms)
{
    uint64_t idx[H5C_MAX_RANK] = {0};
    for (;;) {
        uint64_t o = 0, t = 0;
        for (int k = 0; k < rank; k++) {
            o += pk[k].outoff[idx[k]];
            t += pk[k].tmpoff[idx[k]];
        }
        memcpy(out + o * ms, tmp + t * ms, ms);
        int k = rank - 1;
        while (k >= 0 && ++idx[k] == pk[k].n) idx[k--] = 0;
        if (k < 0) return;
    }
}

static int same_kind(const h5c_dtype *a, const h5c_dtype *b)
{
    return a->cls == b->cls && h5c_dtype_mem_size(a) == h5c_dtype_mem_size(b) && h5c_dtype_is_fixed(a) &&
           h5c_dtype_is_fixed(b) && (a->cls != H5C_INTEGER || a->is_signed == b->is_signed);
}

static int read_piece(const h5c_dataset *d, const h5c_vds_piece *p, const h5c_sel *s, uint8_t *out, h5c_error *err)
{
    if (!p->src) return 0;
    if (p->unsup) return H5C_UNSUP(err, "%s (mapping %zu)", p->unsup, p->map);
    if (!same_kind(d->type, p->src->type))
        return H5C_UNSUP(err, "virtual dataset mapping %zu: source datatype differs from the dataset's", p->map);
    int pair[H5C_MAX_RANK];
    int rc = pair_dims(p, pair, err);
    if (rc != 0) return rc > 0 ? 0 : -1;
    dim_pick pk[H5C_MAX_RANK];
    memset(pk, 0, sizeof pk);
    h5c_vds_axis v[H5C_MAX_RANK];
    for (int k = 0; k < p->vrank && rc == 0; k++) {
        v[k] = p->v[k];
        if (v[k].end > s->dims[k]) v[k].end = s->dims[k]; /* past the extent: not shown */
        rc = pick_dim(s, k, &v[k], &pk[k], err);
    }
    int empty = 0;
    for (int k = 0; k < p->vrank; k++) empty |= pk[k].n == 0;
    h5c_slice sl;
    uint64_t nt = 0;
    size_t ms = h5c_dtype_mem_size(d->type);
    if (rc == 0 && !empty) rc = source_slice(p, pair, pk, &sl, &nt, err);
    if (rc == 0 && !empty && nt > VDS_MAX_TEMP / (ms ? ms : 1))
        rc = h5c_fail(err, H5C_ERR_LIMIT, "virtual dataset mapping %zu: source slice of %llu elements is too large",
                      p->map, (unsigned long long)nt);
    if (rc == 0 && !empty) {
        uint8_t *tmp = malloc(nt * ms > 0 ? (size_t)(nt * ms) : 1);
        if (!tmp) rc = H5C_NOMEM(err);
        else if ((rc = h5c_read(p->src, p->srank ? &sl : NULL, tmp, (size_t)(nt * ms), err)) == 0)
            copy_picks(pk, p->vrank, tmp, out, ms);
        else
            h5c_err_context(err, "virtual dataset source '%s'", p->src->path);
        free(tmp);
    }
    picks_free(pk, p->vrank);
    return rc;
}

static int fill_out(const h5c_dataset *d, uint8_t *out, uint64_t n, size_t ms, h5c_error *err)
{
    if (!d->info.has_fill || n == 0) {
        memset(out, 0, (size_t)(n * ms));
        return 0;
    }
    if (h5c_convert(d->f, d->type, d->fill.value, out, 1, err) != 0) return -1;
    for (uint64_t i = 1; i < n; i++) memcpy(out + i * ms, out, ms);
    return 0;
}

int h5c_vds_read(const h5c_dataset *d, const h5c_slice *slice, void *out, size_t out_len, h5c_error *err)
{
    h5c_err_clear(err);
    if (!d->vds) return h5c_fail(err, H5C_ERR_ARG, "h5c_read: virtual dataset without mappings");
    h5c_sel s;
    if (h5c_sel_make(d, slice, &s, err) != 0) return -1;
    size_t ms = h5c_dtype_mem_size(d->type);
    if (!h5c_dtype_is_fixed(d->type))
        return H5C_UNSUP(err, "virtual dataset of variable-length or reference elements ('%s')", d->path);
    if (s.nelem && ms > SIZE_MAX / s.nelem) return h5c_fail(err, H5C_ERR_ARG, "selection too large");
    if (out_len < s.nelem * ms)
        return h5c_fail(err, H5C_ERR_ARG, "output buffer of %zu bytes is smaller than the %llu needed", out_len,
                        (unsigned long long)(s.nelem * ms));
    if (s.nelem == 0) return 0;
    if (fill_out(d, out, s.nelem, ms, err) != 0) return -1;
    for (size_t i = 0; i < d->vds->npieces; i++)
        if (read_piece(d, &d->vds->pieces[i], &s, out, err) != 0) {
            h5c_err_context(err, "reading '%s'", d->path);
            return -1;
        }
    return 0;
}

/* vds.c - virtual datasets: the mapping list in the global heap (format
 * spec, "Global Heap Block for Virtual Datasets", versions 0 and 1), source
 * files found as libhdf5 finds them (".": this file; else next to this
 * file, through the same kind of backend, so next to an S3 object or URL
 * too; an absolute local name as given, then by its base name), source
 * names with printf-style %b, and the extent of unlimited mappings as
 * libhdf5's default view ("last available") gives it. A source file or
 * dataset that does not exist reads as the fill value, as in libhdf5. */
#define _POSIX_C_SOURCE 200809L
#include "vds.h"
#include "selection.h"
#include "../util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct h5c_vds_file {
    char *name;               /* as resolved */
    h5c_file *f;              /* NULL: not there */
    int owned;
};

typedef struct vds_map {
    char *file, *dset;
    h5c_selection src, virt;
} vds_map;

/* Nesting of virtual datasets being opened on this thread: a source that
 * is itself virtual opens its own sources inside h5c_dataset_open. */
static _Thread_local int vds_depth;

/* ---- the mapping list ------------------------------------------------------ */

static int bad_heap(uint64_t coll, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "virtual dataset mapping list in heap collection 0x%llx: %s", (unsigned long long)coll, why);
}

static char *take_str(h5c_cur *c)
{
    size_t left = h5c_cur_left(c);
    const uint8_t *p = c->p;
    const uint8_t *nul = left ? memchr(p, 0, left) : NULL;
    if (!nul) return NULL;
    h5c_cur_skip(c, (size_t)(nul - p) + 1);
    return strdup((const char *)p);
}

/* Name of entry i: inline, or (version 1) shared with an earlier entry or
 * "." for the same file. */
static int entry_name(h5c_cur *c, vds_map *maps, size_t i, int shared, int same, int is_file, uint64_t coll,
                      h5c_error *err)
{
    char **dst = is_file ? &maps[i].file : &maps[i].dset;
    if (same) {
        *dst = strdup(".");
    } else if (shared) {
        uint64_t from = h5c_cur_len(c);
        if (!h5c_cur_ok(c) || from >= i) return bad_heap(coll, "shared name refers to a later entry", err);
        *dst = strdup(is_file ? maps[from].file : maps[from].dset);
    } else {
        *dst = take_str(c);
        if (!*dst) return bad_heap(coll, "name not NUL-terminated", err);
    }
    return *dst ? 0 : H5C_NOMEM(err);
}

static void maps_free(vds_map *maps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(maps[i].file);
        free(maps[i].dset);
        h5c_selection_free(&maps[i].src);
        h5c_selection_free(&maps[i].virt);
    }
    free(maps);
}

static int parse_maps(h5c_file *f, const uint8_t *buf, size_t len, uint64_t coll, vds_map **out, size_t *nout,
                      h5c_error *err)
{
    if (len < 5) return bad_heap(coll, "truncated", err);
    if (h5c_check_sum(buf, len - 4, coll, "virtual dataset mapping list", err) != 0) return -1;
    h5c_cur c;
    h5c_file_cur(f, &c, buf, len - 4, coll);
    unsigned version = h5c_cur_u8(&c);
    uint64_t n = h5c_cur_len(&c);
    if (!h5c_cur_ok(&c)) return bad_heap(coll, "truncated", err);
    if (version > 1) return H5C_UNSUP(err, "virtual dataset mapping list version %u", version);
    /* an entry takes at least two names and two 16-byte selections */
    if (n > h5c_cur_left(&c) / 34) return bad_heap(coll, "more entries than the block holds", err);
    vds_map *maps = calloc(n ? (size_t)n : 1, sizeof *maps);
    if (!maps) return H5C_NOMEM(err);
    for (size_t i = 0; i < n; i++) {
        uint8_t flags = version >= 1 ? h5c_cur_u8(&c) : 0;
        if (entry_name(&c, maps, i, flags & 1, flags & 4, 1, coll, err) != 0 ||
            entry_name(&c, maps, i, flags & 2, 0, 0, coll, err) != 0 ||
            h5c_selection_decode(&c, &maps[i].src, "virtual dataset source", err) != 0 ||
            h5c_selection_decode(&c, &maps[i].virt, "virtual dataset", err) != 0) {
            h5c_err_context(err, "mapping %zu", i);
            maps_free(maps, n);
            return -1;
        }
    }
    *out = maps;
    *nout = (size_t)n;
    return 0;
}

/* ---- source files and datasets ---------------------------------------------- */

/* dir(base) + name; an absolute name stays as it is for a local file. */
static char *join_path(const char *base, const char *name, int keep_absolute)
{
    if (keep_absolute && name[0] == '/') return strdup(name);
    const char *leaf = strrchr(name, '/');
    if (name[0] == '/') name = leaf + 1; /* an absolute name elsewhere: its base name */
    const char *slash = strrchr(base, '/');
    size_t dl = slash ? (size_t)(slash - base) + 1 : 0;
    char *p = malloc(dl + strlen(name) + 1);
    if (!p) return NULL;
    memcpy(p, base, dl);
    strcpy(p + dl, name);
    return p;
}

static int add_file(struct h5c_vds *v, char *name, h5c_file *f, int owned, h5c_error *err)
{
    if (h5c_grow((void **)&v->files, &v->fcap, v->nfiles, sizeof *v->files) != 0) {
        free(name);
        if (owned) h5c_close(f);
        return H5C_NOMEM(err);
    }
    v->files[v->nfiles++] = (struct h5c_vds_file){name, f, owned};
    return 0;
}

/* Open path (once per dataset); *out NULL when it is not there. */
static int open_path(struct h5c_vds *v, const h5c_file *self, char *path, h5c_file **out, h5c_error *err)
{
    for (size_t i = 0; i < v->nfiles; i++)
        if (!strcmp(v->files[i].name, path)) {
            free(path);
            *out = v->files[i].f;
            return 0;
        }
    h5c_options o = self->opts;
    o.remote = NULL; /* the caller's remote settings need not outlive its open; sources use the environment */
    h5c_error e = {0};
    h5c_file *f = h5c_open(path, &o, &e);
    if (!f && e.code != H5C_ERR_NOT_FOUND) {
        *err = e;
        h5c_err_context(err, "virtual dataset source file '%s'", path);
        free(path);
        return -1;
    }
    *out = f;
    return add_file(v, path, f, 1, err);
}

static int source_file(struct h5c_vds *v, h5c_file *self, const char *name, h5c_file **out, h5c_error *err)
{
    *out = NULL;
    if (!strcmp(name, ".")) {
        *out = self;
        return 0;
    }
    if (!self->name)
        return H5C_UNSUP(err, "virtual dataset source file '%s' of a file opened without a name", name);
    int local = !h5c_io_is_remote(self->name);
    char *path = join_path(self->name, name, local);
    if (!path) return H5C_NOMEM(err);
    if (open_path(v, self, path, out, err) != 0) return -1;
    if (*out || !local || name[0] != '/') return 0;
    /* libhdf5 tries an absolute name that is not there by its base name */
    if (!(path = join_path(self->name, name, 0))) return H5C_NOMEM(err);
    return open_path(v, self, path, out, err);
}

/* The source dataset `dset` of file `file`, or *out NULL when missing. */
static int source_dataset(struct h5c_vds *v, h5c_dataset *d, const char *file, const char *dset, h5c_dataset **out,
                          h5c_error *err)
{
    *out = NULL;
    h5c_file *sf;
    if (source_file(v, d->f, file, &sf, err) != 0) return -1;
    if (!sf) return 0;
    if (h5c_grow((void **)&v->dsets, &v->dcap, v->ndsets, sizeof *v->dsets) != 0) return H5C_NOMEM(err);
    h5c_error e = {0};
    h5c_dataset *s = h5c_dataset_open(sf, dset, &e);
    if (!s) {
        if (e.code == H5C_ERR_NOT_FOUND) return 0;
        *err = e;
        return h5c_err_context(err, "virtual dataset source '%s' in '%s'", dset, file), -1;
    }
    v->dsets[v->ndsets++] = s;
    *out = s;
    return 0;
}

/* name with %b replaced by the block number j and %% by %. */
static char *printf_name(const char *name, uint64_t j)
{
    size_t n = strlen(name);
    char *p = malloc(n * 11 + 21), *q = p;
    if (!p) return NULL;
    for (const char *s = name; *s; s++) {
        if (s[0] == '%' && s[1] == 'b') q += sprintf(q, "%llu", (unsigned long long)j), s++;
        else if (s[0] == '%' && s[1] == '%') *q++ = '%', s++;
        else *q++ = *s;
    }
    *q = 0;
    return p;
}

static int is_printf(const char *name) { return strstr(name, "%b") != NULL; }

/* ---- selections as axes ---------------------------------------------------- */

uint64_t h5c_vds_axis_len(const h5c_vds_axis *a)
{
    if (a->end <= a->start || a->count == 0 || a->block == 0) return 0;
    uint64_t span = a->end - a->start;
    if (a->count == 1 || a->block == H5C_SEL_UNLIM) return a->block < span ? a->block : span;
    uint64_t k = (span - 1) / a->stride; /* last block starting below end */
    if (a->count != H5C_SEL_UNLIM && k > a->count - 1) k = a->count - 1;
    uint64_t last = span - k * a->stride;
    return k * a->block + (last < a->block ? last : a->block);
}

uint64_t h5c_vds_axis_coord(const h5c_vds_axis *a, uint64_t o)
{
    if (a->count == 1 || a->block == H5C_SEL_UNLIM) return a->start + o;
    return a->start + (o / a->block) * a->stride + o % a->block;
}

/* Selection s over an extent of rank/dims as axes; *unlim the unlimited
 * dimension or -1. Points and block lists are left to `why`. */
static int sel_axes(const h5c_selection *s, int rank, const uint64_t *dims, h5c_vds_axis *ax, int *unlim,
                    const char **why, size_t map, h5c_error *err)
{
    *unlim = -1;
    *why = NULL;
    if (s->type == H5C_SEL_POINTS || (s->type == H5C_SEL_HYPER && !s->regular)) {
        *why = s->type == H5C_SEL_POINTS ? "virtual dataset mapping with a point selection"
                                          : "virtual dataset mapping with an irregular hyperslab";
        return 0;
    }
    if (s->type != H5C_SEL_ALL && (int)s->rank != rank)
        return H5C_FMT(err, "virtual dataset mapping %zu: selection of rank %u over an extent of rank %d", map,
                       s->rank, rank);
    for (int k = 0; k < rank; k++) {
        if (s->type == H5C_SEL_NONE) ax[k] = (h5c_vds_axis){0, 1, 0, 0, UINT64_MAX};
        else if (s->type == H5C_SEL_ALL) ax[k] = (h5c_vds_axis){0, 1, 1, dims[k], dims[k]};
        else ax[k] = (h5c_vds_axis){s->start[k], s->stride[k], s->count[k], s->block[k], UINT64_MAX};
        h5c_vds_axis *a = &ax[k];
        int ul = a->count == H5C_SEL_UNLIM || a->block == H5C_SEL_UNLIM;
        if (a->count > 1 && (a->block == H5C_SEL_UNLIM || a->stride == H5C_SEL_UNLIM || a->stride < a->block))
            return H5C_FMT(err, "virtual dataset mapping %zu: hyperslab blocks overlap in dimension %d", map, k);
        if (ul && *unlim >= 0)
            return H5C_FMT(err, "virtual dataset mapping %zu: more than one unlimited dimension", map);
        if (ul) *unlim = k;
    }
    return 0;
}

/* The virtual extent giving axis a exactly n elements (libhdf5's "last
 * available" view: no trailing gap). */
static uint64_t clip_extent(const h5c_vds_axis *a, uint64_t n)
{
    if (n == 0) return 0;
    if (a->block == H5C_SEL_UNLIM || a->count == 1 || a->block == a->stride) return a->start + n;
    uint64_t k = n / a->block, rem = n % a->block;
    return rem ? a->start + k * a->stride + rem : a->start + (k - 1) * a->stride + a->block;
}

/* ---- building the pieces ---------------------------------------------------- */

typedef struct build {
    h5c_dataset *d;
    struct h5c_vds *v;
    uint64_t ext[H5C_MAX_RANK];   /* extent from unlimited mappings */
    int has_ext[H5C_MAX_RANK];
    uint64_t min_dims[H5C_MAX_RANK];
    size_t cap;
} build;

static int add_piece(build *b, const h5c_vds_piece *p, h5c_error *err)
{
    struct h5c_vds *v = b->v;
    if (h5c_grow((void **)&v->pieces, &b->cap, v->npieces, sizeof *v->pieces) != 0) return H5C_NOMEM(err);
    v->pieces[v->npieces++] = *p;
    return 0;
}

static void note_extent(build *b, int dim, uint64_t size)
{
    if (!b->has_ext[dim] || size > b->ext[dim]) b->ext[dim] = size;
    b->has_ext[dim] = 1;
}

/* Bounds the fixed dimensions of a virtual selection need. */
static void note_min_dims(build *b, const h5c_vds_axis *ax, int rank, int unlim)
{
    for (int k = 0; k < rank; k++) {
        const h5c_vds_axis *a = &ax[k];
        if (k == unlim || a->count == 0 || a->block == 0) continue;
        uint64_t end = a->start + (a->count - 1) * a->stride + a->block;
        if (end > b->min_dims[k]) b->min_dims[k] = end;
    }
}

/* Source-side axes of piece p for the source dataset (extent known). */
static int source_axes(h5c_vds_piece *p, const vds_map *m, size_t i, int *unlim, h5c_error *err)
{
    const char *why = NULL;
    p->srank = p->src->space.rank > 0 ? p->src->space.rank : 0;
    if (sel_axes(&m->src, p->srank, p->src->space.dims, p->s, unlim, &why, i, err) != 0) return -1;
    if (why) p->unsup = why;
    for (int k = 0; k < p->srank && !why; k++)
        if (p->s[k].end > p->src->space.dims[k]) p->s[k].end = p->src->space.dims[k];
    return 0;
}

static int build_printf(build *b, const vds_map *m, size_t i, h5c_vds_piece *base, int uv, h5c_error *err)
{
    h5c_vds_axis va = base->v[uv];
    if (va.count != H5C_SEL_UNLIM)
        return H5C_UNSUP(err, "virtual dataset mapping %zu: printf-named source with an unlimited block", i);
    uint64_t found = 0;
    for (uint64_t j = 0; j < H5C_VDS_MAX_SOURCES; j++) {
        char *fn = printf_name(m->file, j), *dn = printf_name(m->dset, j);
        h5c_dataset *s = NULL;
        int rc = fn && dn ? source_dataset(b->v, b->d, fn, dn, &s, err) : H5C_NOMEM(err);
        free(fn);
        free(dn);
        if (rc != 0) return -1;
        if (!s) break; /* libhdf5's default printf gap is 0: the first missing source ends the list */
        h5c_vds_piece p = *base;
        p.src = s;
        p.v[uv] = (h5c_vds_axis){va.start + j * va.stride, 1, 1, va.block, UINT64_MAX};
        int us;
        if (source_axes(&p, m, i, &us, err) != 0) return -1;
        if (us >= 0) return H5C_FMT(err, "virtual dataset mapping %zu: printf-named source with an unlimited selection", i);
        if (add_piece(b, &p, err) != 0) return -1;
        found = j + 1;
    }
    note_extent(b, uv, found ? va.start + (found - 1) * va.stride + va.block : 0);
    return 0;
}

static int build_one(build *b, const vds_map *m, size_t i, h5c_error *err)
{
    h5c_dataset *d = b->d;
    h5c_vds_piece p;
    memset(&p, 0, sizeof p);
    p.map = i;
    p.vrank = d->space.rank;
    int uv;
    const char *why;
    if (sel_axes(&m->virt, p.vrank, d->space.dims, p.v, &uv, &why, i, err) != 0) return -1;
    if (why) {
        p.unsup = why;
        if (source_dataset(b->v, d, m->file, m->dset, &p.src, err) != 0) return -1;
        return add_piece(b, &p, err);
    }
    note_min_dims(b, p.v, p.vrank, uv);
    if (uv >= 0 && (is_printf(m->file) || is_printf(m->dset))) return build_printf(b, m, i, &p, uv, err);
    if (source_dataset(b->v, d, m->file, m->dset, &p.src, err) != 0) return -1;
    int us = -1;
    if (p.src && source_axes(&p, m, i, &us, err) != 0) return -1;
    if (uv >= 0) {
        uint64_t n = 0;
        if (p.src && !p.unsup) {
            if (us < 0) return H5C_FMT(err, "virtual dataset mapping %zu: unlimited virtual selection, bounded source", i);
            n = h5c_vds_axis_len(&p.s[us]);
        }
        uint64_t clip = clip_extent(&p.v[uv], n);
        p.v[uv].end = clip;
        note_extent(b, uv, clip);
    }
    return add_piece(b, &p, err);
}

/* The new extent: unlimited mappings decide their dimension, never below
 * what the fixed mappings need. */
static void set_extent(build *b)
{
    h5c_dspace *sp = &b->d->space;
    for (int k = 0; k < sp->rank; k++) {
        if (!b->has_ext[k]) continue;
        uint64_t e = b->ext[k] > b->min_dims[k] ? b->ext[k] : b->min_dims[k];
        sp->dims[k] = e;
    }
}

int h5c_vds_open(h5c_dataset *d, h5c_error *err)
{
    h5c_file *f = d->f;
    if (d->space.rank < 1) return H5C_UNSUP(err, "virtual dataset of a scalar or null dataspace");
    if (vds_depth >= H5C_VDS_MAX_DEPTH)
        return H5C_FMT(err, "virtual dataset sources nested more than %d deep (a mapping cycle?)", H5C_VDS_MAX_DEPTH);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (h5c_gheap_get(f, d->layout.addr, d->layout.vds_index, &buf, &len, err) != 0) return -1;
    vds_map *maps = NULL;
    size_t n = 0;
    int rc = parse_maps(f, buf, len, d->layout.addr, &maps, &n, err);
    free(buf);
    if (rc != 0) return -1;
    struct h5c_vds *v = calloc(1, sizeof *v);
    if (!v) {
        maps_free(maps, n);
        return H5C_NOMEM(err);
    }
    d->vds = v;
    build b;
    memset(&b, 0, sizeof b);
    b.d = d;
    b.v = v;
    vds_depth++;
    for (size_t i = 0; i < n && rc == 0; i++) rc = build_one(&b, &maps[i], i, err);
    vds_depth--;
    maps_free(maps, n);
    if (rc == 0) set_extent(&b);
    return rc;
}

void h5c_vds_free(struct h5c_vds *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->ndsets; i++) h5c_dataset_close(v->dsets[i]);
    for (size_t i = 0; i < v->nfiles; i++) {
        if (v->files[i].owned) h5c_close(v->files[i].f);
        free(v->files[i].name);
    }
    free(v->dsets);
    free(v->files);
    free(v->pieces);
    free(v);
}

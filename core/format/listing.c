/* listing.c - h5c_list: walk a group's members, optionally recursively. */
#include "format.h"
#include "../util/parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST_DEPTH 512
#define WARM_THREADS 64                   /* concurrent header reads while warming */
#define WARM_SPAN 512                     /* bytes of each header fetched at once */
#define WARM_SKIP_BELOW ((uint64_t)4 << 20) /* the speculative read holds it all */

typedef struct addr_set {
    uint64_t *v;
    size_t n, cap;  /* open addressing, cap a power of two */
} addr_set;

/* Insert; returns 1 if newly added, 0 if present, -1 on no memory. */
static int set_add(addr_set *s, uint64_t a)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint64_t *nv = malloc(cap * sizeof *nv);
        if (!nv) return -1;
        memset(nv, 0xff, cap * sizeof *nv);
        for (size_t i = 0; i < s->cap; i++) {
            if (s->v[i] == UINT64_MAX) continue;
            size_t h = (size_t)(s->v[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
            while (nv[h] != UINT64_MAX) h = (h + 1) & (cap - 1);
            nv[h] = s->v[i];
        }
        free(s->v);
        s->v = nv;
        s->cap = cap;
    }
    size_t h = (size_t)(a * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
    while (s->v[h] != UINT64_MAX) {
        if (s->v[h] == a) return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->v[h] = a;
    s->n++;
    return 1;
}

typedef struct lister {
    h5c_file *f;
    int recursive;
    h5c_visit_fn fn;
    void *ud;
    addr_set seen;
} lister;

static h5c_kind kind_of(const h5c_ohdr *oh)
{
    if (h5c_ohdr_find(oh, H5C_MSG_LAYOUT)) return H5C_KIND_DATASET;
    if (h5c_ohdr_find(oh, H5C_MSG_SYMBOL_TABLE) || h5c_ohdr_find(oh, H5C_MSG_LINK_INFO) ||
        h5c_ohdr_find(oh, H5C_MSG_LINK) || h5c_ohdr_find(oh, H5C_MSG_GROUP_INFO))
        return H5C_KIND_GROUP;
    if (h5c_ohdr_find(oh, H5C_MSG_DATATYPE)) return H5C_KIND_DATATYPE;
    return H5C_KIND_UNKNOWN;
}

static int list_group(lister *ls, const h5c_ohdr *oh, const char *base, int depth, h5c_error *err);

/* Report one link; descend into a group not seen before. */
static int visit_link(lister *ls, const h5c_link *l, const char *path, int depth, h5c_error *err)
{
    h5c_entry e = {l->name, path, H5C_KIND_UNKNOWN, 0, NULL, NULL};
    char target[1024];
    if (l->type == 1) {
        e.kind = H5C_KIND_SOFT_LINK;
        e.target = l->target;
        return ls->fn(&e, ls->ud);
    }
    if (l->type != 0) {
        e.kind = H5C_KIND_EXTERNAL_LINK;
        snprintf(target, sizeof target, "%s:%s", l->target_file ? l->target_file : "", l->target ? l->target : "");
        e.target = target;
        return ls->fn(&e, ls->ud);
    }
    e.addr = l->addr;
    h5c_ohdr oh;
    h5c_error oerr = {0};
    if (h5c_ohdr_read(ls->f, l->addr, &oh, &oerr) != 0) {
        e.error = oerr.msg;
        return ls->fn(&e, ls->ud);
    }
    e.kind = kind_of(&oh);
    int rc = ls->fn(&e, ls->ud);
    if (rc == 0 && e.kind == H5C_KIND_GROUP && ls->recursive) {
        int fresh = set_add(&ls->seen, l->addr);
        if (fresh < 0) rc = H5C_NOMEM(err);
        else if (fresh) rc = list_group(ls, &oh, path, depth + 1, err);
    }
    h5c_ohdr_free(&oh);
    return rc;
}

static int list_group(lister *ls, const h5c_ohdr *oh, const char *base, int depth, h5c_error *err)
{
    if (depth > MAX_LIST_DEPTH)
        return H5C_FMT(err, "group '%s': nesting deeper than %d", base, MAX_LIST_DEPTH);
    const h5c_link *links;
    size_t n;
    if (h5c_group_index(ls->f, oh->addr, oh, &links, &n, err) != 0) {
        h5c_err_context(err, "group '%s'", base);
        return -1;
    }
    int rc = 0;
    size_t blen = strlen(base);
    int root = blen == 1 && base[0] == '/';
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t plen = blen + strlen(links[i].name) + 2;
        char *path = malloc(plen);
        if (!path) {
            rc = H5C_NOMEM(err);
            break;
        }
        snprintf(path, plen, "%s/%s", root ? "" : base, links[i].name);
        rc = visit_link(ls, &links[i], path, depth, err);
        free(path);
    }
    return rc;
}

/* ---- warming the cache --------------------------------------------------
 * Over a remote backend each object header the walk reads can cost a round
 * trip, and the walk below goes one object after another. So first go
 * breadth-first, reading every object of a level (and the links of its
 * groups) on many threads at once: the cache fetches their blocks
 * concurrently and the walk then runs from memory, costing about one round
 * trip per level of the tree. Errors are left for the walk to report. */

typedef struct warm_level {
    h5c_file *f;
    const uint64_t *addrs;
    size_t n;
    int links;                /* also resolve the links of groups */
    pthread_mutex_t lock;
    uint64_t *kids;
    size_t nkids, cap;
} warm_level;

static void warm_add_kids(warm_level *w, const h5c_link *links, size_t n)
{
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < n; i++) {
        if (links[i].type != 0) continue;
        if (w->nkids == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 64;
            uint64_t *nk = realloc(w->kids, cap * sizeof *nk);
            if (!nk) break;
            w->kids = nk;
            w->cap = cap;
        }
        w->kids[w->nkids++] = links[i].addr;
    }
    pthread_mutex_unlock(&w->lock);
}

static void warm_one(warm_level *w, uint64_t addr)
{
    h5c_ohdr oh;
    h5c_error e = {0};
    if (h5c_ohdr_read(w->f, addr, &oh, &e) != 0) return;
    const h5c_link *links;
    size_t n;
    if (w->links && kind_of(&oh) == H5C_KIND_GROUP && h5c_group_index(w->f, addr, &oh, &links, &n, &e) == 0)
        warm_add_kids(w, links, n);
    h5c_ohdr_free(&oh);
}

static void warm_item(size_t i, void *ud)
{
    warm_level *w = ud;
    warm_one(w, w->addrs[i]);
}

static void warm_run(warm_level *w)
{
    /* the level's headers in one batch; the threads then parse from memory
     * and fetch only what lies elsewhere (continuations, group indexes) */
    h5c_meta_prefetch(w->f, w->addrs, w->n, WARM_SPAN);
    h5c_parallel_for(w->n, WARM_THREADS, warm_item, w);
}

static void warm_cache(h5c_file *f, uint64_t group, int recursive)
{
    if (!f->cache || !h5c_file_data_io(f)->read_many) return; /* local: reads are cheap */
    if (f->eof <= (f->opts.speculative ? f->opts.speculative : WARM_SKIP_BELOW)) return;
    addr_set seen = {0};
    uint64_t *level = malloc(sizeof *level);
    size_t n = 1;
    if (!level || set_add(&seen, group) < 0) n = 0;
    if (level) level[0] = group;
    for (int depth = 0; n && depth <= (recursive ? MAX_LIST_DEPTH : 1); depth++) {
        warm_level w = {f, level, n, recursive || depth == 0, PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};
        warm_run(&w);
        n = 0;
        for (size_t i = 0; i < w.nkids; i++) /* each object once: cycles end */
            if (set_add(&seen, w.kids[i]) > 0) w.kids[n++] = w.kids[i];
        free(level);
        level = w.kids;
    }
    free(level);
    free(seen.v);
}

int h5c_list(h5c_file *f, const char *group, int recursive, h5c_visit_fn fn, void *ud, h5c_error *err)
{
    h5c_err_clear(err);
    if (!f || !fn) return h5c_fail(err, H5C_ERR_ARG, "h5c_list: no file or callback");
    const char *path = group && *group ? group : "/";
    uint64_t addr;
    if (h5c_path_resolve(f, path, &addr, err) != 0) return -1;
    h5c_ohdr oh;
    if (h5c_ohdr_read(f, addr, &oh, err) != 0) return -1;
    int rc;
    if (kind_of(&oh) != H5C_KIND_GROUP && addr != f->root_addr) {
        rc = h5c_fail(err, H5C_ERR_TYPE, "'%s' is not a group", path);
    } else {
        warm_cache(f, addr, recursive);
        lister ls = {f, recursive, fn, ud, {0}};
        rc = set_add(&ls.seen, addr) < 0 ? H5C_NOMEM(err) : list_group(&ls, &oh, path, 0, err);
        free(ls.seen.v);
    }
    h5c_ohdr_free(&oh);
    return rc;
}

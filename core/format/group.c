/* group.c - the links of a group (any storage) and path resolution. */
#include "format.h"
#include "../util/grow.h"

#include <stdlib.h>
#include <string.h>

typedef struct link_vec {
    h5c_link *v;
    size_t n, cap;
} link_vec;

static int vec_push(const h5c_link *l, void *ud, h5c_error *err)
{
    link_vec *lv = ud;
    if (h5c_grow((void **)&lv->v, &lv->cap, lv->n, sizeof *lv->v) != 0) return H5C_NOMEM(err);
    h5c_link *d = &lv->v[lv->n];
    *d = *l;
    d->name = strdup(l->name);
    d->target = l->target ? strdup(l->target) : NULL;
    d->target_file = l->target_file ? strdup(l->target_file) : NULL;
    lv->n++;
    if (!d->name || (l->target && !d->target) || (l->target_file && !d->target_file)) return H5C_NOMEM(err);
    return 0;
}

static int cmp_link(const void *a, const void *b)
{
    return strcmp(((const h5c_link *)a)->name, ((const h5c_link *)b)->name);
}

static int compact_links(h5c_file *f, const h5c_ohdr *oh, link_vec *lv, h5c_error *err)
{
    for (size_t i = 0; i < oh->nmsgs; i++) {
        const h5c_msg *m = &oh->msgs[i];
        if (m->type != H5C_MSG_LINK) continue;
        h5c_link l;
        if (h5c_link_parse(f, m->data, m->size, m->addr, &l, err) != 0) return -1;
        int rc = vec_push(&l, lv, err);
        h5c_link_free(&l);
        if (rc != 0) return -1;
    }
    return 0;
}

int h5c_group_links(h5c_file *f, const h5c_ohdr *oh, h5c_link **links, size_t *n, h5c_error *err)
{
    link_vec lv = {0};
    int rc = 0;
    const h5c_msg *st = h5c_ohdr_find(oh, H5C_MSG_SYMBOL_TABLE);
    const h5c_msg *li = h5c_ohdr_find(oh, H5C_MSG_LINK_INFO);
    if (st) {
        h5c_cur c;
        h5c_file_cur(f, &c, st->data, st->size, st->addr);
        uint64_t bt = h5c_cur_addr(&c), heap = h5c_cur_addr(&c);
        rc = h5c_cur_ok(&c) ? h5c_symtab_iterate(f, bt, heap, vec_push, &lv, err)
                            : H5C_FMT(err, "symbol table message at 0x%llx: truncated", (unsigned long long)st->addr);
    } else {
        rc = compact_links(f, oh, &lv, err);
        h5c_dense_info di;
        if (rc == 0 && li && (rc = h5c_linkinfo_parse(f, li, &di, err)) == 0 && di.heap_addr != H5C_UNDEF &&
            di.name_bt2 != H5C_UNDEF)
            rc = h5c_dense_links(f, &di, vec_push, &lv, err);
    }
    if (rc != 0) {
        h5c_err_context(err, "group at 0x%llx", (unsigned long long)oh->addr);
        h5c_links_free(lv.v, lv.n);
        return -1;
    }
    if (lv.n > 1) qsort(lv.v, lv.n, sizeof *lv.v, cmp_link);
    *links = lv.v;
    *n = lv.n;
    return 0;
}

void h5c_links_free(h5c_link *links, size_t n)
{
    for (size_t i = 0; i < n; i++) h5c_link_free(&links[i]);
    free(links);
}

/* Look `name` up among the links of the group at `addr`; the link found
 * belongs to the file's group index (valid until h5c_close). */
static int find_link(h5c_file *f, uint64_t addr, const char *name, size_t nlen, const h5c_link **out,
                     h5c_error *err)
{
    const h5c_link *links;
    size_t n;
    if (h5c_group_index(f, addr, NULL, &links, &n, err) != 0) return -1;
    *out = h5c_group_find(links, n, name, nlen);
    if (!*out) return h5c_fail(err, H5C_ERR_NOT_FOUND, "no object named '%.*s'", (int)nlen, name);
    return 0;
}

static int resolve_from(h5c_file *f, uint64_t start, const char *path, int *hops, uint64_t *addr, h5c_error *err);

static int follow(h5c_file *f, uint64_t group, const h5c_link *l, int *hops, uint64_t *addr, h5c_error *err)
{
    if (l->type == 0) {
        *addr = l->addr;
        return 0;
    }
    if (l->type == 64)
        return H5C_UNSUP(err, "external link '%s' to %s:%s", l->name, l->target_file, l->target);
    if (l->type != 1) return H5C_UNSUP(err, "user-defined link type %u ('%s')", l->type, l->name);
    if (++*hops > H5C_MAX_LINK_DEPTH)
        return H5C_FMT(err, "soft link '%s': too many levels of links (cycle?)", l->name);
    uint64_t from = l->target[0] == '/' ? f->root_addr : group;
    return resolve_from(f, from, l->target, hops, addr, err);
}

static int resolve_from(h5c_file *f, uint64_t start, const char *path, int *hops, uint64_t *addr, h5c_error *err)
{
    uint64_t cur = start;
    const char *p = path;
    while (*p) {
        while (*p == '/') p++;
        if (!*p) break;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!(len == 1 && p[0] == '.')) {
            const h5c_link *l;
            if (find_link(f, cur, p, len, &l, err) != 0 || follow(f, cur, l, hops, &cur, err) != 0) return -1;
        }
        p += len;
    }
    *addr = cur;
    return 0;
}

int h5c_path_resolve(h5c_file *f, const char *path, uint64_t *addr, h5c_error *err)
{
    int hops = 0;
    if (resolve_from(f, f->root_addr, path, &hops, addr, err) != 0) {
        h5c_err_context(err, "'%s'", path);
        return -1;
    }
    return 0;
}

/* ---- attributes of an object -------------------------------------------- */

typedef struct attr_vec {
    h5c_attrmsg *v;
    size_t n, cap;
} attr_vec;

static int attr_push(h5c_attrmsg *a, void *ud, h5c_error *err)
{
    attr_vec *av = ud;
    if (h5c_grow((void **)&av->v, &av->cap, av->n, sizeof *av->v) != 0) {
        h5c_attrmsg_free(a);
        return H5C_NOMEM(err);
    }
    av->v[av->n++] = *a;
    return 0;
}

static int cmp_attr(const void *a, const void *b)
{
    return strcmp(((const h5c_attrmsg *)a)->name, ((const h5c_attrmsg *)b)->name);
}

int h5c_object_attrs(h5c_file *f, const h5c_ohdr *oh, h5c_attrmsg **attrs, size_t *n, h5c_error *err)
{
    attr_vec av = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < oh->nmsgs; i++) {
        const h5c_msg *m = &oh->msgs[i];
        if (m->type != H5C_MSG_ATTRIBUTE) continue;
        h5c_attrmsg a;
        rc = h5c_attrmsg_parse(f, m->data, m->size, m->addr, &a, err);
        if (rc == 0) rc = attr_push(&a, &av, err);
    }
    const h5c_msg *ai = h5c_ohdr_find(oh, H5C_MSG_ATTR_INFO);
    h5c_dense_info di;
    if (rc == 0 && ai && (rc = h5c_attrinfo_parse(f, ai, &di, err)) == 0 && di.heap_addr != H5C_UNDEF &&
        di.name_bt2 != H5C_UNDEF)
        rc = h5c_dense_attrs(f, &di, attr_push, &av, err);
    if (rc != 0) {
        h5c_err_context(err, "attributes of object at 0x%llx", (unsigned long long)oh->addr);
        h5c_attrs_free(av.v, av.n);
        return -1;
    }
    if (av.n > 1) qsort(av.v, av.n, sizeof *av.v, cmp_attr);
    *attrs = av.v;
    *n = av.n;
    return 0;
}

void h5c_attrs_free(h5c_attrmsg *a, size_t n)
{
    for (size_t i = 0; i < n; i++) h5c_attrmsg_free(&a[i]);
    free(a);
}

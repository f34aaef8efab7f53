/* group_index.c - each group's links, listed and sorted once per open file.
 *
 * Resolving a path looks a name up in every group on the way, and a caller
 * that opens each member of a group (the CLI's ls, GDAL's subdataset list)
 * resolves as many paths as the group has members: re-listing the group
 * each time made that quadratic. The first lookup lists the group and keeps
 * its links sorted by name; later lookups are binary searches. Entries are
 * immutable once published and live until h5c_close, so threads share them
 * without holding the lock while they read. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

typedef struct gi_entry {
    uint64_t addr;            /* group object header */
    h5c_link *links;
    size_t n;
} gi_entry;

struct h5c_gindex {
    gi_entry *v;              /* open addressing, cap a power of two; addr UNDEF = empty */
    size_t n, cap;
};

static size_t slot(uint64_t a, size_t cap)
{
    return (size_t)(a * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static gi_entry *lookup(struct h5c_gindex *gi, uint64_t addr)
{
    if (!gi || !gi->cap) return NULL;
    for (size_t h = slot(addr, gi->cap);; h = (h + 1) & (gi->cap - 1)) {
        if (gi->v[h].addr == addr) return &gi->v[h];
        if (gi->v[h].addr == H5C_UNDEF) return NULL;
    }
}

static int grow(struct h5c_gindex *gi)
{
    size_t cap = gi->cap ? gi->cap * 2 : 64;
    gi_entry *nv = malloc(cap * sizeof *nv);
    if (!nv) return -1;
    for (size_t i = 0; i < cap; i++) nv[i].addr = H5C_UNDEF;
    for (size_t i = 0; i < gi->cap; i++) {
        if (gi->v[i].addr == H5C_UNDEF) continue;
        size_t h = slot(gi->v[i].addr, cap);
        while (nv[h].addr != H5C_UNDEF) h = (h + 1) & (cap - 1);
        nv[h] = gi->v[i];
    }
    free(gi->v);
    gi->v = nv;
    gi->cap = cap;
    return 0;
}

/* Publish links for addr (f->gindex_lock held); a racing builder may have
 * published first, then ours are dropped and theirs returned. */
static gi_entry *publish(h5c_file *f, uint64_t addr, h5c_link *links, size_t n)
{
    if (!f->gindex && !(f->gindex = calloc(1, sizeof *f->gindex))) return NULL;
    struct h5c_gindex *gi = f->gindex;
    gi_entry *e = lookup(gi, addr);
    if (e) {
        h5c_links_free(links, n);
        return e;
    }
    if (2 * (gi->n + 1) > gi->cap && grow(gi) != 0) return NULL;
    size_t h = slot(addr, gi->cap);
    while (gi->v[h].addr != H5C_UNDEF) h = (h + 1) & (gi->cap - 1);
    gi->v[h] = (gi_entry){addr, links, n};
    gi->n++;
    return &gi->v[h];
}

int h5c_group_index(h5c_file *f, uint64_t addr, const h5c_ohdr *oh, const h5c_link **links, size_t *n,
                    h5c_error *err)
{
    pthread_mutex_lock(&f->gindex_lock);
    gi_entry *e = lookup(f->gindex, addr);
    pthread_mutex_unlock(&f->gindex_lock);
    if (!e) {
        h5c_ohdr own;
        if (!oh && h5c_ohdr_read(f, addr, &own, err) != 0) return -1;
        h5c_link *v;
        size_t k;
        int rc = h5c_group_links(f, oh ? oh : &own, &v, &k, err);
        if (!oh) h5c_ohdr_free(&own);
        if (rc != 0) return -1;
        pthread_mutex_lock(&f->gindex_lock);
        e = publish(f, addr, v, k);
        pthread_mutex_unlock(&f->gindex_lock);
        if (!e) {
            h5c_links_free(v, k);
            return H5C_NOMEM(err);
        }
    }
    *links = e->links;
    *n = e->n;
    return 0;
}

/* Byte order of a NUL-free name against (key, klen): strcmp's order. */
static int cmp_key(const char *name, const char *key, size_t klen)
{
    size_t nlen = strlen(name);
    int c = memcmp(name, key, nlen < klen ? nlen : klen);
    if (c) return c;
    return nlen < klen ? -1 : nlen > klen;
}

const h5c_link *h5c_group_find(const h5c_link *links, size_t n, const char *name, size_t nlen)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(links[mid].name, name, nlen);
        if (c == 0) return &links[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

void h5c_group_index_free(h5c_file *f)
{
    struct h5c_gindex *gi = f->gindex;
    if (!gi) return;
    for (size_t i = 0; i < gi->cap; i++)
        if (gi->v[i].addr != H5C_UNDEF) h5c_links_free(gi->v[i].links, gi->v[i].n);
    free(gi->v);
    free(gi);
    f->gindex = NULL;
}

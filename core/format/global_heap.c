/* global_heap.c - global heap collections ("GCOL"): variable-length data
 * and region references live here.
 *
 * A collection is parsed once into a sorted object table and kept in a
 * per-file LRU list (f->gheaps, guarded by f->gheap_lock), since reading a
 * vlen dataset asks for many objects of the same few collections. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#define GHEAP_CACHE_MAX (64u << 20)  /* bytes of collections kept per file */

typedef struct gheap_obj {
    uint16_t index;
    size_t off;                      /* data offset inside the collection */
    size_t len;
} gheap_obj;

struct h5c_gheap_coll {
    uint64_t addr;
    uint8_t *buf;                    /* whole collection */
    size_t size;
    gheap_obj *objs;                 /* sorted by index */
    size_t nobjs;
    struct h5c_gheap_coll *next;     /* LRU order, most recent first */
};

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static void coll_free(struct h5c_gheap_coll *c)
{
    if (!c) return;
    free(c->buf);
    free(c->objs);
    free(c);
}

static int obj_cmp(const void *a, const void *b)
{
    const gheap_obj *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Read and validate the collection header; returns the collection size. */
static int coll_size(h5c_file *f, uint64_t addr, uint64_t *size, h5c_error *err)
{
    size_t hlen = 8 + (size_t)f->sl;
    uint8_t *buf = h5c_meta_read(f, addr, hlen, "global heap collection", err);
    if (!buf) return -1;
    int sig_ok = memcmp(buf, "GCOL", 4) == 0;
    uint8_t version = buf[4];
    *size = h5c_le(buf + 8, f->sl);
    free(buf);

    if (!sig_ok)
        return H5C_FMT(err, "global heap collection at 0x%llx: bad signature", (unsigned long long)addr);
    if (version != 1)
        return H5C_UNSUP(err, "global heap collection version %u at 0x%llx", version,
                         (unsigned long long)addr);
    if (*size < align8(hlen) || *size > f->eof)
        return H5C_FMT(err, "global heap collection at 0x%llx: bad collection size %llu",
                       (unsigned long long)addr, (unsigned long long)*size);
    return 0;
}

/* Walk the objects of a collection buffer into c->objs. Objects are packed
 * with their headers and data each padded to 8 bytes; index 0 is the free
 * space, which runs to the end. */
static int coll_parse(h5c_file *f, struct h5c_gheap_coll *c, h5c_error *err)
{
    size_t ohdr = align8(8 + (size_t)f->sl);   /* object header, padded */
    size_t pos = align8(8 + (size_t)f->sl);    /* first object after the header */
    size_t cap = 0;

    while (c->size - pos >= ohdr) {
        const uint8_t *p = c->buf + pos;
        uint16_t index = (uint16_t)h5c_le(p, 2);
        uint64_t len = h5c_le(p + 8, f->sl);
        if (index == 0) break;                 /* free space: nothing after it */

        size_t room = c->size - pos - ohdr;
        if (len > room)
            return H5C_FMT(err, "global heap collection at 0x%llx: object %u at offset %zu: size %llu runs past the collection end",
                           (unsigned long long)c->addr, index, pos, (unsigned long long)len);
        if (c->nobjs == cap) {
            cap = cap ? cap * 2 : 64;
            gheap_obj *n = realloc(c->objs, cap * sizeof *n);
            if (!n) return H5C_NOMEM(err);
            c->objs = n;
        }
        c->objs[c->nobjs++] = (gheap_obj){index, pos + ohdr, (size_t)len};

        size_t step = ohdr + align8((size_t)len);
        if (step > c->size - pos) break;       /* last object's padding may be cut */
        pos += step;
    }
    if (c->nobjs > 1) qsort(c->objs, c->nobjs, sizeof *c->objs, obj_cmp);
    return 0;
}

static struct h5c_gheap_coll *coll_load(h5c_file *f, uint64_t addr, h5c_error *err)
{
    uint64_t size;
    if (coll_size(f, addr, &size, err) < 0) return NULL;

    struct h5c_gheap_coll *c = calloc(1, sizeof *c);
    if (!c) {
        H5C_NOMEM(err);
        return NULL;
    }
    c->addr = addr;
    c->size = (size_t)size;
    c->buf = h5c_meta_read(f, addr, c->size, "global heap collection", err);
    if (!c->buf || coll_parse(f, c, err) < 0) {
        coll_free(c);
        return NULL;
    }
    return c;
}

static const gheap_obj *coll_find(const struct h5c_gheap_coll *c, uint32_t index)
{
    size_t lo = 0, hi = c->nobjs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->objs[mid].index == index) return &c->objs[mid];
        if (c->objs[mid].index < index) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Look up addr in the cache and move it to the front. Caller holds the lock. */
static struct h5c_gheap_coll *cache_lookup(h5c_file *f, uint64_t addr)
{
    struct h5c_gheap_coll **pp = &f->gheaps;
    for (; *pp; pp = &(*pp)->next) {
        struct h5c_gheap_coll *c = *pp;
        if (c->addr != addr) continue;
        *pp = c->next;
        c->next = f->gheaps;
        f->gheaps = c;
        return c;
    }
    return NULL;
}

/* Put c at the front, then drop least recently used collections beyond the
 * budget (always keeping c itself). Caller holds the lock. */
static void cache_insert(h5c_file *f, struct h5c_gheap_coll *c)
{
    c->next = f->gheaps;
    f->gheaps = c;
    size_t total = 0;
    for (struct h5c_gheap_coll **pp = &f->gheaps; *pp;) {
        struct h5c_gheap_coll *e = *pp;
        if (e != c && total + e->size > GHEAP_CACHE_MAX) {
            *pp = e->next;
            coll_free(e);
            continue;
        }
        total += e->size;
        pp = &e->next;
    }
}

/* Copy object `index` of c out. Caller holds the lock. */
static int coll_copy(const struct h5c_gheap_coll *c, uint32_t index, uint8_t **obj, size_t *len,
                     h5c_error *err)
{
    const gheap_obj *o = index ? coll_find(c, index) : NULL;
    if (!o)
        return h5c_fail(err, H5C_ERR_NOT_FOUND, "global heap collection at 0x%llx: no object with index %u",
                        (unsigned long long)c->addr, index);
    uint8_t *p = malloc(o->len ? o->len : 1);
    if (!p) return H5C_NOMEM(err);
    memcpy(p, c->buf + o->off, o->len);
    *obj = p;
    *len = o->len;
    return 0;
}

int h5c_gheap_get(h5c_file *f, uint64_t coll_addr, uint32_t index, uint8_t **obj,
                  size_t *len, h5c_error *err)
{
    *obj = NULL;
    *len = 0;
    if (coll_addr == H5C_UNDEF)
        return H5C_FMT(err, "global heap ID with an undefined collection address");

    pthread_mutex_lock(&f->gheap_lock);
    struct h5c_gheap_coll *c = cache_lookup(f, coll_addr);
    if (c) {
        int rc = coll_copy(c, index, obj, len, err);
        pthread_mutex_unlock(&f->gheap_lock);
        return rc;
    }
    pthread_mutex_unlock(&f->gheap_lock);

    /* Read without holding the lock; another thread may load it meanwhile. */
    struct h5c_gheap_coll *fresh = coll_load(f, coll_addr, err);
    if (!fresh) return -1;

    pthread_mutex_lock(&f->gheap_lock);
    c = cache_lookup(f, coll_addr);
    if (c) {
        coll_free(fresh);
    } else {
        cache_insert(f, fresh);
        c = fresh;
    }
    int rc = coll_copy(c, index, obj, len, err);
    pthread_mutex_unlock(&f->gheap_lock);
    return rc;
}

void h5c_gheap_cache_free(h5c_file *f)
{
    if (!f) return;
    struct h5c_gheap_coll *c = f->gheaps;
    while (c) {
        struct h5c_gheap_coll *next = c->next;
        coll_free(c);
        c = next;
    }
    f->gheaps = NULL;
}

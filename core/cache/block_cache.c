/* block_cache.c - aligned-block LRU cache with in-flight de-duplication. */
#include "block_cache.h"
#include "../util/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define B H5C_CACHE_BLOCK
#define DEFAULT_CAP ((uint64_t)256 << 20)
#define MAX_IDLE_CACHES 8                   /* shared caches kept after close */
#define MAX_IDLE_BYTES ((uint64_t)256 << 20) /* ... holding at most this much */

typedef struct blk {
    uint64_t idx;             /* block number: offset / B */
    uint8_t *data;            /* NULL while loading */
    uint32_t len;             /* B, or less for the last block of the object */
    struct blk *hnext;        /* hash chain */
    struct blk *prev, *next;  /* LRU list (ready blocks only), head = newest */
} blk;

struct h5c_bcache {
    pthread_mutex_t lock;
    pthread_cond_t loaded;    /* a fetch finished (or failed) */
    blk **buckets;
    size_t nbuckets, nblocks;
    blk *head, *tail;
    uint64_t size, cap, bytes;
    uint64_t hits, misses, evictions, waits;
    int prefetched;
    /* sharing (registry lock) */
    char *key;
    size_t keylen;
    int refs;
    uint64_t idle_since;
    struct h5c_bcache *reg_next;
};

/* ---- hash table and LRU list ------------------------------------------- */

static size_t bucket_of(const h5c_bcache *c, uint64_t idx)
{
    return (size_t)((idx * 0x9E3779B97F4A7C15ull) >> 20) & (c->nbuckets - 1);
}

static blk *find(const h5c_bcache *c, uint64_t idx)
{
    for (blk *b = c->buckets[bucket_of(c, idx)]; b; b = b->hnext)
        if (b->idx == idx) return b;
    return NULL;
}

static void rehash(h5c_bcache *c)
{
    size_t n = c->nbuckets * 2;
    blk **nb = calloc(n, sizeof *nb);
    if (!nb) return; /* longer chains, still correct */
    blk **old = c->buckets;
    size_t on = c->nbuckets;
    c->buckets = nb;
    c->nbuckets = n;
    for (size_t i = 0; i < on; i++)
        for (blk *b = old[i], *nx; b; b = nx) {
            nx = b->hnext;
            size_t h = bucket_of(c, b->idx);
            b->hnext = nb[h];
            nb[h] = b;
        }
    free(old);
}

static void hash_add(h5c_bcache *c, blk *b)
{
    if (c->nblocks >= c->nbuckets) rehash(c);
    size_t h = bucket_of(c, b->idx);
    b->hnext = c->buckets[h];
    c->buckets[h] = b;
    c->nblocks++;
}

static void hash_del(h5c_bcache *c, blk *b)
{
    for (blk **p = &c->buckets[bucket_of(c, b->idx)]; *p; p = &(*p)->hnext)
        if (*p == b) {
            *p = b->hnext;
            c->nblocks--;
            return;
        }
}

static void lru_unlink(h5c_bcache *c, blk *b)
{
    if (b->prev) b->prev->next = b->next;
    else c->head = b->next;
    if (b->next) b->next->prev = b->prev;
    else c->tail = b->prev;
    b->prev = b->next = NULL;
}

static void lru_push(h5c_bcache *c, blk *b)
{
    b->prev = NULL;
    b->next = c->head;
    if (c->head) c->head->prev = b;
    c->head = b;
    if (!c->tail) c->tail = b;
}

static void drop(h5c_bcache *c, blk *b)
{
    hash_del(c, b);
    if (b->data) {
        lru_unlink(c, b);
        c->bytes -= b->len;
    }
    free(b->data);
    free(b);
}

static void evict(h5c_bcache *c)
{
    while (c->bytes > c->cap && c->tail) {
        drop(c, c->tail);
        c->evictions++;
    }
}

/* ---- fetching ------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t block_len(const h5c_bcache *c, uint64_t idx)
{
    uint64_t start = idx * B;
    return (uint32_t)(c->size - start < B ? c->size - start : B);
}

/* Copy the part of the wanted range [off, off+len) that lies in the bytes
 * src holds for [at, at+n). */
static void copy_overlap(uint8_t *out, uint64_t off, size_t len, const uint8_t *src, uint64_t at, size_t n)
{
    if (!out) return;
    uint64_t lo = off > at ? off : at;
    uint64_t hi = off + len < at + n ? off + len : at + n;
    if (lo < hi) memcpy(out + (lo - off), src + (lo - at), (size_t)(hi - lo));
}

/* Mark block i loading (absent before); NULL when out of memory. */
static blk *mark_loading(h5c_bcache *c, uint64_t i)
{
    blk *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->idx = i;
    b->len = block_len(c, i);
    hash_add(c, b);
    return b;
}

/* Blocks [p, q) were marked loading and src holds their bytes (fetched
 * when ok): make them resident, or forget them so waiters fetch on their
 * own. Called locked. */
static void settle(h5c_bcache *c, uint64_t p, uint64_t q, const uint8_t *src, int ok)
{
    for (uint64_t i = p; i < q; i++) {
        blk *b = find(c, i);
        uint8_t *d = ok ? malloc(b->len) : NULL;
        if (!d) {
            drop(c, b);
            continue;
        }
        memcpy(d, src + (i - p) * B, b->len);
        b->data = d;
        c->bytes += b->len;
        lru_push(c, b);
    }
}

/* Blocks [p, q) are missing: mark them loading, fetch them in one request
 * with the lock released, then install them. Called and returns locked. */
static int load_run(h5c_bcache *c, h5c_io *io, uint64_t p, uint64_t q, uint64_t off, size_t len,
                    uint8_t *out, h5c_error *err)
{
    uint64_t i;
    for (i = p; i < q; i++)
        if (!mark_loading(c, i)) break;
    q = i; /* out of memory: fetch what we marked; the caller loops */
    if (q == p) return H5C_NOMEM(err);
    c->misses += q - p;
    uint64_t at = p * B, end = (q - 1) * B + block_len(c, q - 1);
    size_t n = (size_t)(end - at);
    pthread_mutex_unlock(&c->lock);
    uint8_t *tmp = malloc(n);
    int rc = tmp ? io->read(io, at, n, tmp, err) : H5C_NOMEM(err);
    pthread_mutex_lock(&c->lock);
    settle(c, p, q, tmp, rc == 0);
    if (rc == 0) copy_overlap(out, off, len, tmp, at, n);
    free(tmp);
    evict(c);
    pthread_cond_broadcast(&c->loaded);
    return rc;
}

static int all_ready(const h5c_bcache *c, uint64_t p, uint64_t last)
{
    for (; p <= last; p++) {
        const blk *b = find(c, p);
        if (!b || !b->data) return 0;
    }
    return 1;
}

/* Serve [off, off+len) block by block; out may be NULL (prefetch). */
static int cached_read(h5c_bcache *c, h5c_io *io, uint64_t off, size_t len, uint8_t *out, h5c_error *err)
{
    uint64_t p = off / B, last = (off + len - 1) / B;
    int rc = 0;
    pthread_mutex_lock(&c->lock);
    while (rc == 0 && p <= last) {
        blk *b = find(c, p);
        if (b && b->data) {
            copy_overlap(out, off, len, b->data, p * B, b->len);
            lru_unlink(c, b);
            lru_push(c, b);
            c->hits++;
            p++;
        } else if (b) {
            c->waits++;
            pthread_cond_wait(&c->loaded, &c->lock);
        } else {
            uint64_t q = p + 1;
            while (q <= last && !find(c, q)) q++;
            rc = load_run(c, io, p, q, off, len, out, err);
            /* the run is copied out even if it was evicted at once */
            if (rc == 0) p = q;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static int check_range(const h5c_bcache *c, uint64_t off, size_t len, h5c_error *err)
{
    if (off > c->size || len > c->size - off)
        return h5c_fail(err, H5C_ERR_FORMAT, "read of %zu bytes at 0x%llx is past the end of the file (size %llu)",
                        len, (unsigned long long)off, (unsigned long long)c->size);
    return 0;
}

int h5c_bcache_read(h5c_bcache *c, h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    if (len == 0) return 0;
    if (check_range(c, off, len, err) != 0) return -1;
    if (len > H5C_CACHE_BYPASS) {
        /* a large one-off structure would only push out the small ones */
        pthread_mutex_lock(&c->lock);
        int hit = all_ready(c, off / B, (off + len - 1) / B);
        pthread_mutex_unlock(&c->lock);
        if (!hit) return io->read(io, off, len, buf, err);
    }
    return cached_read(c, io, off, len, buf, err);
}

int h5c_bcache_prefetch(h5c_bcache *c, h5c_io *io, uint64_t bytes, h5c_error *err)
{
    if (bytes == 0) bytes = H5C_SPECULATIVE_DEFAULT;
    pthread_mutex_lock(&c->lock);
    int done = c->prefetched;
    c->prefetched = 1;
    if (bytes > c->cap) bytes = c->cap;
    pthread_mutex_unlock(&c->lock);
    if (bytes > c->size) bytes = c->size;
    if (done || bytes == 0) return 0;
    return cached_read(c, io, 0, (size_t)bytes, NULL, err);
}

size_t h5c_bcache_peek(h5c_bcache *c, uint64_t off, size_t len, void *buf)
{
    if (len == 0 || off > c->size || len > c->size - off) return 0;
    pthread_mutex_lock(&c->lock);
    uint64_t p = off / B, last = (off + len - 1) / B;
    size_t have = 0;
    for (; p <= last; p++) {
        const blk *b = find(c, p);
        if (!b || !b->data) break;
        copy_overlap(buf, off, len, b->data, p * B, b->len);
        uint64_t end = p * B + b->len;
        have = (size_t)((end < off + len ? end : off + len) - off);
    }
    if (have) c->hits++;
    pthread_mutex_unlock(&c->lock);
    return have;
}

void h5c_bcache_install(h5c_bcache *c, const uint8_t *bytes, size_t len)
{
    if (len > c->size) len = (size_t)c->size;
    pthread_mutex_lock(&c->lock);
    for (uint64_t i = 0; i * B < len; i++) {
        if ((i + 1) * B > len && len < c->size) break; /* a partial block: not ours to fill */
        if (find(c, i) || !mark_loading(c, i)) continue;
        settle(c, i, i + 1, bytes + i * B, 1);
    }
    c->prefetched = 1;
    evict(c);
    pthread_mutex_unlock(&c->lock);
}

/* Mark the missing blocks under want[] loading; returns them sorted in *out. */
static size_t mark_wanted(h5c_bcache *c, const h5c_range *want, size_t n, uint64_t **out)
{
    size_t k = 0, cap = 0;
    uint64_t *v = NULL;
    uint64_t budget = c->cap / 2 / B; /* a prefetch must not evict itself */
    for (size_t r = 0; r < n; r++) {
        if (want[r].len == 0 || want[r].off >= c->size) continue;
        uint64_t end = want[r].len > c->size - want[r].off ? c->size : want[r].off + want[r].len;
        for (uint64_t i = want[r].off / B; i <= (end - 1) / B && k < budget; i++) {
            if (find(c, i)) continue;
            if (k == cap) {
                size_t nc = cap ? cap * 2 : 64;
                uint64_t *nv = realloc(v, nc * sizeof *nv);
                if (!nv) goto done;
                v = nv;
                cap = nc;
            }
            if (!mark_loading(c, i)) goto done;
            v[k++] = i;
        }
    }
done:
    if (k) qsort(v, k, sizeof *v, cmp_u64);
    *out = v;
    return k;
}

int h5c_bcache_fetch_many(h5c_bcache *c, h5c_io *io, const h5c_range *want, size_t n, h5c_error *err)
{
    uint64_t *idx;
    pthread_mutex_lock(&c->lock);
    size_t k = mark_wanted(c, want, n, &idx);
    c->misses += k;
    pthread_mutex_unlock(&c->lock);
    if (k == 0) {
        free(idx);
        return 0;
    }
    /* one range per run of consecutive blocks */
    h5c_range *runs = calloc(k, sizeof *runs);
    size_t nr = 0;
    int rc = runs ? 0 : H5C_NOMEM(err);
    for (size_t i = 0; rc == 0 && i < k; nr++) {
        size_t j = i + 1;
        while (j < k && idx[j] == idx[j - 1] + 1) j++;
        runs[nr].off = idx[i] * B;
        runs[nr].len = (size_t)((idx[j - 1] - idx[i]) * B + block_len(c, idx[j - 1]));
        if (!(runs[nr].buf = malloc(runs[nr].len))) rc = H5C_NOMEM(err);
        i = j;
    }
    if (rc == 0) rc = h5c_io_read_many(io, runs, nr, err);
    pthread_mutex_lock(&c->lock);
    for (size_t r = 0, i = 0; i < k; r++) { /* settle run by run; runs may be short of nr on error */
        uint64_t q = i + 1;
        while (q < k && idx[q] == idx[q - 1] + 1) q++;
        int ok = rc == 0 && r < nr;
        settle(c, idx[i], idx[q - 1] + 1, ok ? runs[r].buf : NULL, ok);
        i = (size_t)q;
    }
    evict(c);
    pthread_cond_broadcast(&c->loaded);
    pthread_mutex_unlock(&c->lock);
    for (size_t r = 0; runs && r < nr; r++) free(runs[r].buf);
    free(runs);
    free(idx);
    return rc;
}

void h5c_bcache_get_stats(h5c_bcache *c, h5c_bcache_stats *st)
{
    pthread_mutex_lock(&c->lock);
    st->bytes = c->bytes;
    st->blocks = c->nblocks;
    st->hits = c->hits;
    st->misses = c->misses;
    st->evictions = c->evictions;
    st->waits = c->waits;
    pthread_mutex_unlock(&c->lock);
}

/* ---- life cycle and process-wide sharing -------------------------------- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static h5c_bcache *reg_head;
static uint64_t reg_clock;

static h5c_bcache *cache_new(const h5c_io *io, const h5c_options *opts)
{
    h5c_bcache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->nbuckets = 256;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->loaded, NULL);
    c->size = io->size;
    c->cap = opts && opts->cache_bytes ? opts->cache_bytes : DEFAULT_CAP;
    c->refs = 1;
    return c;
}

static void cache_free(h5c_bcache *c)
{
    for (size_t i = 0; i < c->nbuckets; i++)
        for (blk *b = c->buckets[i], *nx; b; b = nx) {
            nx = b->hnext;
            free(b->data);
            free(b);
        }
    free(c->buckets);
    pthread_cond_destroy(&c->loaded);
    pthread_mutex_destroy(&c->lock);
    free(c->key);
    free(c);
}

/* name NUL etag NUL size: the identity of one version of one object */
static char *make_key(const h5c_io *io, size_t *klen)
{
    const char *name = io->name ? io->name : "";
    size_t nl = strlen(name), el = strnlen(io->etag, sizeof io->etag);
    *klen = nl + 1 + el + 1 + sizeof io->size;
    char *k = malloc(*klen);
    if (!k) return NULL;
    memcpy(k, name, nl + 1);
    memcpy(k + nl + 1, io->etag, el);
    k[nl + 1 + el] = 0;
    memcpy(k + nl + el + 2, &io->size, sizeof io->size);
    return k;
}

h5c_bcache *h5c_bcache_acquire(const h5c_io *io, const h5c_options *opts)
{
    if (!io->etag[0]) return cache_new(io, opts);
    size_t klen;
    char *key = make_key(io, &klen);
    if (!key) return NULL;
    pthread_mutex_lock(&reg_lock);
    h5c_bcache *c = reg_head;
    while (c && !(c->keylen == klen && memcmp(c->key, key, klen) == 0)) c = c->reg_next;
    if (c) {
        c->refs++;
        free(key);
    } else if ((c = cache_new(io, opts)) != NULL) {
        c->key = key;
        c->keylen = klen;
        c->reg_next = reg_head;
        reg_head = c;
    } else {
        free(key);
    }
    pthread_mutex_unlock(&reg_lock);
    if (c && opts && opts->cache_bytes > c->cap) { /* the larger bound of the sharers */
        pthread_mutex_lock(&c->lock);
        c->cap = opts->cache_bytes;
        pthread_mutex_unlock(&c->lock);
    }
    return c;
}

static uint64_t cache_bytes(h5c_bcache *c)
{
    pthread_mutex_lock(&c->lock);
    uint64_t n = c->bytes;
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Drop the longest-idle shared caches beyond the idle bounds (reg_lock held). */
static void trim_idle(void)
{
    for (;;) {
        size_t idle = 0;
        uint64_t bytes = 0;
        h5c_bcache **oldest = NULL;
        for (h5c_bcache **p = &reg_head; *p; p = &(*p)->reg_next) {
            if ((*p)->refs) continue;
            idle++;
            bytes += cache_bytes(*p);
            if (!oldest || (*p)->idle_since < (*oldest)->idle_since) oldest = p;
        }
        if (!oldest || (idle <= MAX_IDLE_CACHES && bytes <= MAX_IDLE_BYTES)) return;
        h5c_bcache *c = *oldest;
        *oldest = c->reg_next;
        cache_free(c);
    }
}

void h5c_bcache_release(h5c_bcache *c)
{
    if (!c) return;
    if (!c->key) {
        cache_free(c);
        return;
    }
    pthread_mutex_lock(&reg_lock);
    if (--c->refs == 0) {
        c->idle_since = ++reg_clock;
        trim_idle();
    }
    pthread_mutex_unlock(&reg_lock);
}

/* ---- the io view ---------------------------------------------------------- */

typedef struct cached_io {
    h5c_io io;
    h5c_io *backend;
    h5c_bcache *cache;
} cached_io;

static int view_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    cached_io *v = (cached_io *)io;
    return h5c_bcache_read(v->cache, v->backend, off, len, buf, err);
}

static int view_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err)
{
    cached_io *v = (cached_io *)io;
    return h5c_io_read_many(v->backend, r, n, err);
}

static void view_close(h5c_io *io)
{
    free(io);
}

h5c_io *h5c_bcache_wrap(h5c_io *backend, h5c_bcache *c)
{
    cached_io *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->backend = backend;
    v->cache = c;
    v->io.read = view_read;
    v->io.read_many = backend->read_many ? view_read_many : NULL;
    v->io.close = view_close;
    v->io.size = backend->size;
    v->io.name = backend->name;
    memcpy(v->io.etag, backend->etag, sizeof v->io.etag);
    return &v->io;
}

/* block_cache.h - metadata block cache between the format layer and h5c_io.
 *
 * The object is cut into aligned blocks of H5C_CACHE_BLOCK bytes. A miss
 * fetches the run of missing blocks that covers the read in one request
 * (small blocks: object headers of files written dataset by dataset lie far
 * apart, so fetching MiBs around each would waste bandwidth). The first
 * read of a file (h5c_bcache_prefetch) fetches the first `speculative`
 * bytes in one request. Blocks are evicted least-recently-used beyond
 * cache_bytes. Threads wanting a block that is being fetched wait for that
 * fetch instead of issuing their own. Caches of objects with an ETag are
 * shared process-wide, keyed by name + ETag + size, and outlive the handle
 * (a few idle ones are kept), so a reopen reuses the blocks. */
#ifndef H5C_BLOCK_CACHE_H
#define H5C_BLOCK_CACHE_H

#include "../io/io.h"

#define H5C_CACHE_BLOCK (64u << 10)
/* The first read of a file that batches reads, unless options say. */
#define H5C_SPECULATIVE_DEFAULT ((uint64_t)4 << 20)
/* Reads above this that are not already cached bypass the cache. */
#define H5C_CACHE_BYPASS (1u << 20)

typedef struct h5c_bcache h5c_bcache;

/* The cache for the object io reads: a shared one when io->etag is set,
 * else a private one. NULL when out of memory. */
h5c_bcache *h5c_bcache_acquire(const h5c_io *io, const h5c_options *opts);
void h5c_bcache_release(h5c_bcache *c);

/* Read [off, off+len) through the cache, fetching misses with io. */
int h5c_bcache_read(h5c_bcache *c, h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err);

/* Speculative first read: make [0, min(bytes, size, cache bound)) resident. */
int h5c_bcache_prefetch(h5c_bcache *c, h5c_io *io, uint64_t bytes, h5c_error *err);

/* Copy the longest resident prefix of [off, off+len) into buf and return
 * its length (nothing is fetched). Lets data reads use what the metadata
 * reads brought. */
size_t h5c_bcache_peek(h5c_bcache *c, uint64_t off, size_t len, void *buf);

/* Install bytes [0, len) the backend read while opening (whole blocks, and
 * the tail block when len reaches the end); counts as the speculative read. */
void h5c_bcache_install(h5c_bcache *c, const uint8_t *bytes, size_t len);

/* Make the blocks under every range resident: all missing ones are fetched
 * in one read_many batch (runs of adjacent blocks merged), blocks already
 * present or being fetched are left alone. At most half the cache bound is
 * fetched. A hint: on failure the blocks stay missing. */
int h5c_bcache_fetch_many(h5c_bcache *c, h5c_io *io, const h5c_range *want, size_t n, h5c_error *err);

typedef struct h5c_bcache_stats {
    uint64_t bytes, blocks, hits, misses, evictions, waits;
} h5c_bcache_stats;
void h5c_bcache_get_stats(h5c_bcache *c, h5c_bcache_stats *st);

/* An h5c_io view of backend whose read goes through c (read_many passes
 * through). It owns neither; closing it frees only the view. */
h5c_io *h5c_bcache_wrap(h5c_io *backend, h5c_bcache *c);

#endif

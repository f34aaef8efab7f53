/* file.c - opening a file and reading its metadata bytes. */
#define _POSIX_C_SOURCE 200809L
#include "format.h"
#include "../cache/block_cache.h"
#include "../util/sized.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    return (int)n;
}

/* Route metadata reads through the block cache and fetch the start of the
 * file in one request: superblock, root group and often the whole tree
 * lie there (4 MiB by default for backends that batch, one block else). */
static int attach_cache(h5c_file *f, h5c_error *err)
{
    f->cache = h5c_bcache_acquire(f->backend, &f->opts);
    h5c_io *view = f->cache ? h5c_bcache_wrap(f->backend, f->cache) : NULL;
    if (!view) return H5C_NOMEM(err);
    f->io = view;
    if (f->backend->head_len) h5c_bcache_install(f->cache, f->backend->head, f->backend->head_len);
    uint64_t spec = f->opts.speculative;
    /* pread has no round trip to save: a 4 MiB read would only cost time */
    if (!spec && !f->backend->read_many) spec = H5C_CACHE_BLOCK;
    return h5c_bcache_prefetch(f->cache, f->backend, spec, err);
}

h5c_file *h5c_open_io(h5c_io *io, const h5c_options *opts, h5c_error *err)
{
    h5c_err_clear(err);
    h5c_file *f = calloc(1, sizeof *f);
    if (!f) {
        io->close(io);
        H5C_NOMEM(err);
        return NULL;
    }
    f->io = f->backend = io;
    f->eof = io->size;
    f->ext_addr = f->sohm_addr = H5C_UNDEF;
    if (opts) h5c_copy_sized(&f->opts, sizeof f->opts, opts, opts->size);
    f->nthreads = f->opts.threads > 0 ? f->opts.threads : default_threads();
    pthread_mutex_init(&f->gheap_lock, NULL);
    pthread_mutex_init(&f->gindex_lock, NULL);
    if (attach_cache(f, err) != 0 || h5c_superblock_read(f, err) != 0) {
        h5c_close(f);
        return NULL;
    }
    return f;
}

h5c_file *h5c_open(const char *path, const h5c_options *opts, h5c_error *err)
{
    if (!path) {
        h5c_fail(err, H5C_ERR_ARG, "no path given");
        return NULL;
    }
    h5c_remote env, given;
    const h5c_remote *remote = opts ? opts->remote : NULL;
    if (!remote && h5c_io_is_remote(path)) {
        h5c_remote_from_env(&env);
        remote = &env;
    } else if (remote) {
        /* a caller built against an older, shorter h5c_remote */
        h5c_copy_sized(&given, sizeof given, remote, remote->size);
        remote = &given;
    }
    /* the speculative read rides on the remote backend's first request */
    uint64_t spec = opts && opts->speculative ? opts->speculative : H5C_SPECULATIVE_DEFAULT;
    size_t head = (size_t)((spec + H5C_CACHE_BLOCK - 1) / H5C_CACHE_BLOCK * H5C_CACHE_BLOCK);
    h5c_io *io = h5c_io_open(path, remote, head, err);
    if (!io) return NULL;
    return h5c_open_io(io, opts, err);
}

h5c_file *h5c_open_callback(const char *name, uint64_t size, h5c_read_many_fn fn, void *ud,
                            const h5c_options *opts, h5c_error *err)
{
    h5c_io *io = h5c_io_callback_open(name, size, fn, ud, err);
    if (!io) return NULL;
    return h5c_open_io(io, opts, err);
}

h5c_io *h5c_file_data_io(const h5c_file *f)
{
    return f->backend ? f->backend : f->io;
}

void h5c_meta_prefetch(h5c_file *f, const uint64_t *addrs, size_t n, size_t span)
{
    if (!f->cache || !f->backend->read_many || n == 0) return;
    h5c_range *r = calloc(n, sizeof *r);
    if (!r) return;
    for (size_t i = 0; i < n; i++) {
        r[i].off = addrs[i];
        r[i].len = span;
    }
    h5c_error e = {0};
    h5c_bcache_fetch_many(f->cache, f->backend, r, n, &e);
    free(r);
}

size_t h5c_meta_peek(h5c_file *f, uint64_t off, size_t len, void *buf)
{
    return f->cache && !f->data_uncached ? h5c_bcache_peek(f->cache, off, len, buf) : 0;
}

void h5c_file_stats(const h5c_file *f, h5c_stats *st)
{
    const h5c_io *io = h5c_file_data_io(f); /* the view counts nothing */
    st->requests = __atomic_load_n(&io->n_requests, __ATOMIC_RELAXED);
    st->bytes = __atomic_load_n(&io->n_bytes, __ATOMIC_RELAXED);
    st->retries = __atomic_load_n(&io->n_retries, __ATOMIC_RELAXED);
}

void h5c_close(h5c_file *f)
{
    if (!f) return;
    h5c_gheap_cache_free(f);
    pthread_mutex_destroy(&f->gheap_lock);
    h5c_group_index_free(f);
    pthread_mutex_destroy(&f->gindex_lock);
    if (f->io && f->io != f->backend) f->io->close(f->io);
    h5c_bcache_release(f->cache);
    if (f->backend) f->backend->close(f->backend);
    free(f);
}

/* Relative address + length -> absolute offset, checked against the file. */
static int abs_range(h5c_file *f, uint64_t addr, uint64_t len, const char *what,
                     uint64_t *abs, h5c_error *err)
{
    if (addr == H5C_UNDEF)
        return H5C_FMT(err, "%s: undefined address", what);
    if (addr > UINT64_MAX - f->base || f->base + addr > f->eof ||
        len > f->eof - (f->base + addr))
        return H5C_FMT(err, "%s at 0x%llx: %llu bytes would run past the end of the file (size %llu)",
                       what, (unsigned long long)addr, (unsigned long long)len,
                       (unsigned long long)f->eof);
    *abs = f->base + addr;
    return 0;
}

uint8_t *h5c_meta_read(h5c_file *f, uint64_t addr, size_t len, const char *what,
                       h5c_error *err)
{
    uint64_t abs = 0;
    if (len > H5C_MAX_META_BLOCK) {
        h5c_fail(err, H5C_ERR_LIMIT, "%s at 0x%llx: size %zu exceeds the metadata limit", what,
                 (unsigned long long)addr, len);
        return NULL;
    }
    if (abs_range(f, addr, len, what, &abs, err) != 0) return NULL;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        H5C_NOMEM(err);
        return NULL;
    }
    if (len && f->io->read(f->io, abs, len, buf, err) != 0) {
        h5c_err_context(err, "%s at 0x%llx", what, (unsigned long long)addr);
        free(buf);
        return NULL;
    }
    return buf;
}

uint8_t *h5c_meta_read_upto(h5c_file *f, uint64_t addr, size_t len, size_t *got,
                            const char *what, h5c_error *err)
{
    uint64_t abs = 0;
    if (abs_range(f, addr, 0, what, &abs, err) != 0) return NULL;
    uint64_t left = f->eof - abs;
    if (len > left) len = (size_t)left;
    *got = len;
    return h5c_meta_read(f, addr, len, what, err);
}

int h5c_raw_read(h5c_file *f, uint64_t addr, size_t len, void *buf, h5c_error *err)
{
    uint64_t abs = 0;
    if (abs_range(f, addr, len, "raw data", &abs, err) != 0) return -1;
    return len ? f->io->read(f->io, abs, len, buf, err) : 0;
}

/* deflate.c - the deflate filter (id 1): inflate a zlib stream with
 * libdeflate.
 *
 * The decoded size is not known exactly in advance (a Fletcher-32 stage
 * applied before deflate adds 4 bytes, other filters may change sizes), so
 * decoding starts with the expected size plus some slack and retries with a
 * doubled buffer on LIBDEFLATE_INSUFFICIENT_SPACE, up to 2 * hint + 1 MiB.
 * Each thread keeps its own decompressor (freed when the thread exits). */
#include "filters.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_once_t dec_once = PTHREAD_ONCE_INIT;
static pthread_key_t dec_key;
static int dec_key_ok;

static void dec_free(void *p)
{
    libdeflate_free_decompressor(p);
}

static void dec_key_init(void)
{
    dec_key_ok = pthread_key_create(&dec_key, dec_free) == 0;
}

/* This thread's decompressor; *owned when the caller must free it. */
static struct libdeflate_decompressor *dec_get(int *owned)
{
    *owned = 0;
    pthread_once(&dec_once, dec_key_init);
    struct libdeflate_decompressor *d = dec_key_ok ? pthread_getspecific(dec_key) : NULL;
    if (d) return d;
    d = libdeflate_alloc_decompressor();
    if (!d) return NULL;
    if (!dec_key_ok || pthread_setspecific(dec_key, d) != 0) *owned = 1;
    return d;
}

int h5c_inflate_into(const uint8_t *in, size_t in_len, uint8_t *dst, size_t cap, size_t *got,
                     h5c_error *err)
{
    *got = 0;
    if (in_len == 0) return H5C_FMT(err, "filter 1 (deflate): empty compressed chunk");
    int owned;
    struct libdeflate_decompressor *d = dec_get(&owned);
    if (!d) return H5C_NOMEM(err);
    size_t used = 0;
    enum libdeflate_result r = libdeflate_zlib_decompress_ex(d, in, in_len, dst, cap, &used, got);
    if (owned) libdeflate_free_decompressor(d);
    if (r == LIBDEFLATE_SUCCESS) return 0;
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
        return h5c_fail(err, H5C_ERR_FORMAT, "filter 1 (deflate): data inflates to more than %zu bytes", cap);
    return H5C_FMT(err, "filter 1 (deflate): corrupt zlib stream (%zu bytes)", in_len);
}

int h5c_inflate(const uint8_t *in, size_t in_len, size_t hint, uint8_t **out, size_t *out_len,
                h5c_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (in_len == 0) return H5C_FMT(err, "filter 1 (deflate): empty compressed chunk");
    size_t max = hint > (SIZE_MAX - (1u << 20)) / 2 ? SIZE_MAX : 2 * hint + (1u << 20);
    size_t cap = hint + 64;
    if (cap < hint || cap > max) cap = max;
    int owned;
    struct libdeflate_decompressor *d = dec_get(&owned);
    if (!d) return H5C_NOMEM(err);
    int rc = 0;
    for (;;) {
        uint8_t *buf = malloc(cap);
        if (!buf) {
            rc = H5C_NOMEM(err);
            break;
        }
        size_t got = 0, used = 0;
        enum libdeflate_result r = libdeflate_zlib_decompress_ex(d, in, in_len, buf, cap, &used, &got);
        if (r == LIBDEFLATE_SUCCESS) {
            *out = buf;
            *out_len = got;
            break;
        }
        free(buf);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE && cap < max) {
            cap = cap > max / 2 ? max : cap * 2;
            continue;
        }
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
            rc = H5C_FMT(err, "filter 1 (deflate): data inflates to more than %zu bytes (expected about %zu)",
                         max, hint);
        else
            rc = H5C_FMT(err, "filter 1 (deflate): corrupt zlib stream (%zu bytes)", in_len);
        break;
    }
    if (owned) libdeflate_free_decompressor(d);
    return rc;
}

int h5c_decode_deflate(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                       const uint8_t **out, size_t *out_len, h5c_error *err)
{
    (void)fl;
    *out = dst;
    return h5c_inflate_into(in, len, dst, cap, out_len, err);
}

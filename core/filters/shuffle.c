/* shuffle.c - undo HDF5's byte shuffle (filter id 2).
 *
 * The shuffled stream holds byte 0 of every element, then byte 1 of every
 * element, and so on; bytes past the last whole element stay at the end
 * unchanged. Element sizes 2, 4 and 8 have unrolled paths (SSE2 unpacking on
 * x86-64), the rest a generic loop. */
#include "filters.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define H5C_SHUF_SSE2 1
#endif

static void unshuffle2(const uint8_t *s, uint8_t *d, size_t n)
{
    const uint8_t *s0 = s, *s1 = s + n;
    size_t j = 0;
#ifdef H5C_SHUF_SSE2
    for (; j + 16 <= n; j += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s0 + j));
        __m128i b = _mm_loadu_si128((const __m128i *)(s1 + j));
        _mm_storeu_si128((__m128i *)(d + 2 * j), _mm_unpacklo_epi8(a, b));
        _mm_storeu_si128((__m128i *)(d + 2 * j + 16), _mm_unpackhi_epi8(a, b));
    }
#endif
    for (; j < n; j++) {
        d[2 * j] = s0[j];
        d[2 * j + 1] = s1[j];
    }
}

static void unshuffle4(const uint8_t *s, uint8_t *d, size_t n)
{
    const uint8_t *s0 = s, *s1 = s + n, *s2 = s + 2 * n, *s3 = s + 3 * n;
    size_t j = 0;
#ifdef H5C_SHUF_SSE2
    for (; j + 16 <= n; j += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s0 + j));
        __m128i b = _mm_loadu_si128((const __m128i *)(s1 + j));
        __m128i c = _mm_loadu_si128((const __m128i *)(s2 + j));
        __m128i e = _mm_loadu_si128((const __m128i *)(s3 + j));
        __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
        __m128i ce_lo = _mm_unpacklo_epi8(c, e), ce_hi = _mm_unpackhi_epi8(c, e);
        uint8_t *o = d + 4 * j;
        _mm_storeu_si128((__m128i *)(o + 0), _mm_unpacklo_epi16(ab_lo, ce_lo));
        _mm_storeu_si128((__m128i *)(o + 16), _mm_unpackhi_epi16(ab_lo, ce_lo));
        _mm_storeu_si128((__m128i *)(o + 32), _mm_unpacklo_epi16(ab_hi, ce_hi));
        _mm_storeu_si128((__m128i *)(o + 48), _mm_unpackhi_epi16(ab_hi, ce_hi));
    }
#endif
    for (; j < n; j++) {
        d[4 * j] = s0[j];
        d[4 * j + 1] = s1[j];
        d[4 * j + 2] = s2[j];
        d[4 * j + 3] = s3[j];
    }
}

static void unshuffle8(const uint8_t *s, uint8_t *d, size_t n)
{
    const uint8_t *src[8];
    for (int i = 0; i < 8; i++) src[i] = s + (size_t)i * n;
    size_t j = 0;
#ifdef H5C_SHUF_SSE2
    for (; j + 16 <= n; j += 16) {
        __m128i v[8];
        for (int i = 0; i < 8; i++) v[i] = _mm_loadu_si128((const __m128i *)(src[i] + j));
        /* bytes -> pairs -> quads -> whole elements */
        __m128i p01l = _mm_unpacklo_epi8(v[0], v[1]), p01h = _mm_unpackhi_epi8(v[0], v[1]);
        __m128i p23l = _mm_unpacklo_epi8(v[2], v[3]), p23h = _mm_unpackhi_epi8(v[2], v[3]);
        __m128i p45l = _mm_unpacklo_epi8(v[4], v[5]), p45h = _mm_unpackhi_epi8(v[4], v[5]);
        __m128i p67l = _mm_unpacklo_epi8(v[6], v[7]), p67h = _mm_unpackhi_epi8(v[6], v[7]);
        __m128i q[8];
        q[0] = _mm_unpacklo_epi16(p01l, p23l); /* elements 0-3, bytes 0-3 */
        q[1] = _mm_unpackhi_epi16(p01l, p23l); /* 4-7 */
        q[2] = _mm_unpacklo_epi16(p01h, p23h); /* 8-11 */
        q[3] = _mm_unpackhi_epi16(p01h, p23h); /* 12-15 */
        q[4] = _mm_unpacklo_epi16(p45l, p67l); /* elements 0-3, bytes 4-7 */
        q[5] = _mm_unpackhi_epi16(p45l, p67l);
        q[6] = _mm_unpacklo_epi16(p45h, p67h);
        q[7] = _mm_unpackhi_epi16(p45h, p67h);
        uint8_t *o = d + 8 * j;
        for (int k = 0; k < 4; k++) {
            _mm_storeu_si128((__m128i *)(o + 32 * k), _mm_unpacklo_epi32(q[k], q[k + 4]));
            _mm_storeu_si128((__m128i *)(o + 32 * k + 16), _mm_unpackhi_epi32(q[k], q[k + 4]));
        }
    }
#endif
    for (; j < n; j++)
        for (int i = 0; i < 8; i++) d[8 * j + i] = src[i][j];
}

void h5c_unshuffle(const uint8_t *src, uint8_t *dst, size_t len, size_t esize)
{
    if (len == 0) return;
    size_t n = esize ? len / esize : 0;
    if (esize <= 1 || n <= 1) {
        memcpy(dst, src, len);
        return;
    }
    switch (esize) {
    case 2: unshuffle2(src, dst, n); break;
    case 4: unshuffle4(src, dst, n); break;
    case 8: unshuffle8(src, dst, n); break;
    default:
        /* blocks of elements: esize input streams, contiguous output */
        for (size_t j0 = 0; j0 < n; j0 += 256) {
            size_t j1 = n - j0 < 256 ? n : j0 + 256;
            for (size_t i = 0; i < esize; i++) {
                const uint8_t *s = src + i * n;
                for (size_t j = j0; j < j1; j++) dst[j * esize + i] = s[j];
            }
        }
    }
    size_t done = n * esize;
    if (done < len) memcpy(dst + done, src + done, len - done);
}

int h5c_decode_shuffle(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                       const uint8_t **out, size_t *out_len, h5c_error *err)
{
    if (fl->ncvalues < 1 || !fl->cvalues || fl->cvalues[0] == 0)
        return H5C_FMT(err, "filter 2 (shuffle): no element size in the filter parameters");
    *out_len = len;
    *out = in;
    if (fl->cvalues[0] == 1 || len / fl->cvalues[0] <= 1) return 0;  /* nothing moves */
    if (len > cap)
        return H5C_FMT(err, "filter 2 (shuffle): %zu bytes in, more than the chunk's %zu", len, cap);
    h5c_unshuffle(in, dst, len, fl->cvalues[0]);
    *out = dst;
    return 0;
}

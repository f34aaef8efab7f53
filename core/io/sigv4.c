/* sigv4.c - AWS Signature Version 4 over OpenSSL (HMAC-SHA256, SHA-256). */
#include "sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* ---- a tiny growable string ---------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t len)
{
    if (b->oom) return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + len + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_chr(sbuf *b, char c) { sb_add(b, &c, 1); }

static char *sb_done(sbuf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (!b->p) return calloc(1, 1);
    return b->p;
}

/* ---- hashing ------------------------------------------------------------- */

static void hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = 0;
}

void h5c_sha256_hex(const void *data, size_t len, char out[65])
{
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)data, len, md);
    hex(md, sizeof md, out);
}

static int hmac(const uint8_t *key, size_t klen, const char *msg, uint8_t out[32])
{
    unsigned int olen = 32;
    return HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &olen) ? 0 : -1;
}

/* ---- encoding ------------------------------------------------------------ */

static int unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

char *h5c_sigv4_uri_encode(const char *s, size_t len, int keep_slash)
{
    sbuf b = {0};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            sb_chr(&b, (char)c);
        } else {
            char t[4];
            snprintf(t, sizeof t, "%%%02X", c);
            sb_add(&b, t, 3);
        }
    }
    return sb_done(&b);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into a new string ('+' kept as is). */
static char *uri_decode(const char *s, size_t len, size_t *outlen)
{
    char *o = malloc(len + 1);
    if (!o) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            o[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            o[n++] = s[i];
        }
    }
    o[n] = 0;
    *outlen = n;
    return o;
}

/* Decode then strictly re-encode. */
static char *reencode(const char *s, size_t len)
{
    size_t dl;
    char *d = uri_decode(s, len, &dl);
    if (!d) return NULL;
    char *e = h5c_sigv4_uri_encode(d, dl, 0);
    free(d);
    return e;
}

/* ---- canonical request --------------------------------------------------- */

typedef struct kv {
    char *k, *v;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

static void kv_free(kv *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].k);
        free(v[i].v);
    }
    free(v);
}

static int canonical_query(sbuf *b, const char *q)
{
    if (!q || !*q) return 0;
    size_t cap = 1;
    for (const char *p = q; *p; p++) cap += *p == '&';
    kv *v = calloc(cap, sizeof *v);
    if (!v) return -1;
    size_t n = 0;
    const char *p = q;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t kl = eq ? (size_t)(eq - p) : len;
            v[n].k = reencode(p, kl);
            v[n].v = eq ? reencode(eq + 1, len - kl - 1) : strdup("");
            n++;
            if (!v[n - 1].k || !v[n - 1].v) {
                kv_free(v, n);
                return -1;
            }
        }
        p += len;
        if (*p == '&') p++;
    }
    qsort(v, n, sizeof *v, kv_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i) sb_chr(b, '&');
        sb_str(b, v[i].k);
        sb_chr(b, '=');
        sb_str(b, v[i].v);
    }
    kv_free(v, n);
    return 0;
}

/* lower-case trimmed name; value trimmed with inner blank runs collapsed */
static char *canon_name(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    char *o = malloc(len + 1);
    if (!o) return NULL;
    for (size_t i = 0; i < len; i++) o[i] = (char)tolower((unsigned char)s[i]);
    o[len] = 0;
    return o;
}

static char *canon_value(const char *s)
{
    size_t len = strlen(s);
    char *o = malloc(len + 1);
    if (!o) return NULL;
    size_t n = 0;
    int blank = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            blank = 1;
            continue;
        }
        if (blank && n) o[n++] = ' ';
        blank = 0;
        o[n++] = c;
    }
    o[n] = 0;
    return o;
}

static int hdr_cmp(const void *a, const void *b)
{
    return strcmp(((const kv *)a)->k, ((const kv *)b)->k);
}

char *h5c_sigv4_canonical_request(const h5c_sigv4_request *req, char **signed_headers)
{
    if (signed_headers) *signed_headers = NULL;
    sbuf b = {0}, sh = {0};
    kv *h = NULL;
    size_t nh = req->nheaders;
    sb_str(&b, req->method ? req->method : "GET");
    sb_chr(&b, '\n');
    const char *path = req->path && *req->path ? req->path : "/";
    if (req->s3) {
        sb_str(&b, path);
    } else {
        char *e = h5c_sigv4_uri_encode(path, strlen(path), 1);
        if (!e) goto fail;
        sb_str(&b, e);
        free(e);
    }
    sb_chr(&b, '\n');
    if (canonical_query(&b, req->query) != 0) goto fail;
    sb_chr(&b, '\n');
    h = calloc(nh ? nh : 1, sizeof *h);
    if (!h) goto fail;
    for (size_t i = 0; i < nh; i++) {
        h[i].k = canon_name(req->headers[i].name);
        h[i].v = canon_value(req->headers[i].value ? req->headers[i].value : "");
        if (!h[i].k || !h[i].v) goto fail;
    }
    /* stable order for duplicates: insertion sort by name only */
    for (size_t i = 1; i < nh; i++) {
        kv t = h[i];
        size_t j = i;
        while (j > 0 && hdr_cmp(&h[j - 1], &t) > 0) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = t;
    }
    for (size_t i = 0; i < nh; i++) {
        if (i && strcmp(h[i].k, h[i - 1].k) == 0) {
            sb_chr(&b, ',');
            sb_str(&b, h[i].v);
            continue;
        }
        if (i) sb_chr(&b, '\n');
        sb_str(&b, h[i].k);
        sb_chr(&b, ':');
        sb_str(&b, h[i].v);
        if (sh.n) sb_chr(&sh, ';');
        sb_str(&sh, h[i].k);
    }
    sb_str(&b, "\n\n");
    sb_str(&b, sh.p ? sh.p : "");
    sb_chr(&b, '\n');
    sb_str(&b, req->payload_hash ? req->payload_hash : H5C_SHA256_EMPTY);
    kv_free(h, nh);
    h = NULL;
    if (b.oom || sh.oom) goto fail;
    if (signed_headers) {
        *signed_headers = sb_done(&sh);
        sh.p = NULL;
    } else {
        free(sh.p);
    }
    return sb_done(&b);
fail:
    if (h) kv_free(h, nh);
    free(b.p);
    free(sh.p);
    return NULL;
}

char *h5c_sigv4_string_to_sign(const char *amz_date, const char *scope, const char *creq)
{
    char hash[65];
    h5c_sha256_hex(creq, strlen(creq), hash);
    sbuf b = {0};
    sb_str(&b, "AWS4-HMAC-SHA256\n");
    sb_str(&b, amz_date);
    sb_chr(&b, '\n');
    sb_str(&b, scope);
    sb_chr(&b, '\n');
    sb_str(&b, hash);
    return sb_done(&b);
}

int h5c_sigv4_signing_key(const char *secret, const char *date8, const char *region,
                          const char *service, uint8_t key[32])
{
    size_t sl = strlen(secret);
    char *k0 = malloc(sl + 5);
    if (!k0) return -1;
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, sl + 1);
    uint8_t a[32], c[32];
    int rc = hmac((const uint8_t *)k0, sl + 4, date8, a);
    OPENSSL_cleanse(k0, sl + 4);
    free(k0);
    if (rc == 0) rc = hmac(a, 32, region, c);
    if (rc == 0) rc = hmac(c, 32, service, a);
    if (rc == 0) rc = hmac(a, 32, "aws4_request", key);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(c, sizeof c);
    return rc;
}

char *h5c_sigv4_authorization(const h5c_sigv4_request *req, const char *access_key,
                              const char *secret, const char *region, const char *service,
                              const char *amz_date, char sig_hex[65])
{
    char date8[9];
    snprintf(date8, sizeof date8, "%.8s", amz_date);
    size_t scl = strlen(date8) + strlen(region) + strlen(service) + 20;
    char *scope = malloc(scl);
    if (!scope) return NULL;
    snprintf(scope, scl, "%s/%s/%s/aws4_request", date8, region, service);
    char *sh = NULL;
    char *creq = h5c_sigv4_canonical_request(req, &sh);
    char *sts = creq ? h5c_sigv4_string_to_sign(amz_date, scope, creq) : NULL;
    char *out = NULL;
    uint8_t key[32], sig[32];
    if (sts && h5c_sigv4_signing_key(secret, date8, region, service, key) == 0 &&
        hmac(key, 32, sts, sig) == 0) {
        hex(sig, 32, sig_hex);
        sbuf b = {0};
        sb_str(&b, "AWS4-HMAC-SHA256 Credential=");
        sb_str(&b, access_key);
        sb_chr(&b, '/');
        sb_str(&b, scope);
        sb_str(&b, ", SignedHeaders=");
        sb_str(&b, sh);
        sb_str(&b, ", Signature=");
        sb_str(&b, sig_hex);
        out = sb_done(&b);
    }
    OPENSSL_cleanse(key, sizeof key);
    free(scope);
    free(sh);
    free(creq);
    free(sts);
    return out;
}

void h5c_sigv4_amz_date(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* http.c - remote backend: HTTP(S) range GETs over the libcurl multi
 * interface, S3 with SigV4 signing (sigv4.c) and the AWS credential chain
 * (aws_creds.c).
 *
 * Each read_many call runs its own event loop over a multi handle taken
 * from a pool: a multi handle keeps its keep-alive connections, so later
 * calls reuse them. (Connections are not shared through a CURLSH: libcurl
 * does not support one connection cache used by concurrent threads, and
 * it stalled here.) DNS and TLS sessions are shared. The ETag and
 * size of the first response are pinned; every later response is checked
 * against them. Failures that may pass (5xx, 429, resets, time-outs, short
 * or malformed bodies) are retried with exponential back-off and jitter,
 * bounded in count and total time. Nothing secret is ever logged. */
#include "io.h"
#include "aws_creds.h"
#include "s3_url.h"
#include "sigv4.h"
#include "../util/err.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#define ERRBODY_MAX 16384
#define POOL_MAX 128

typedef struct remote {
    h5c_io io;
    h5c_remote_url u;
    char region[64];
    int no_sign, payer;
    h5c_aws_creds *creds;
    int max_retry;
    double retry_delay, timeout, max_retry_time;
    int max_conn, verbose;
    int etag_strong;
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t pool_mu;
    CURL *pool[POOL_MAX];
    int npool;
    CURLM *mpool[POOL_MAX]; /* idle multi handles, each with its connections */
    int nmpool;
    uint8_t *head; /* the start of the object, read by the first request */
} remote;

typedef enum { X_WAIT = 0, X_RUN, X_DONE } xstate;

typedef struct xfer {
    remote *rm;
    CURL *h;
    struct curl_slist *hdrs;
    uint64_t off;
    size_t len;
    uint8_t *buf;
    int probe; /* open: learn size and ETag; len > 0: also keep the first len bytes */
    h5c_range *range; /* the caller's range (its done callback), NULL for the probe */
    /* response */
    long status;
    char etag[256];
    char crange[128];
    int64_t clen;   /* -1 unknown */
    int html;
    size_t got;     /* bytes stored (206) */
    uint64_t seen;  /* body bytes seen (200) */
    char *errbody;
    size_t errn;
    int bad;        /* 1 retriable, 2 fatal (object changed) */
    char badmsg[192];
    int enough;     /* we stopped a 200 body once we had our slice */
    /* retry bookkeeping */
    int attempts;
    double next_at, t0;
    xstate state;
    int ok;
    char lastmsg[320];
} xfer;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;
static void curl_init_once(void) { curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double jitter(void)
{
    static __thread unsigned seed;
    if (!seed) seed = (unsigned)((uint64_t)(now_s() * 1e6) & 0xffffffffu) ^ (unsigned)(uintptr_t)&seed;
    seed = seed * 1103515245u + 12345u;
    return ((seed >> 8) & 0xffff) / 65536.0;
}

/* ---- share locks ----------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *ud)
{
    (void)h;
    (void)a;
    remote *rm = ud;
    if ((int)d >= 0 && d < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&rm->locks[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *ud)
{
    (void)h;
    remote *rm = ud;
    if ((int)d >= 0 && d < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&rm->locks[d]);
}

static CURL *pool_get(remote *rm)
{
    CURL *h = NULL;
    pthread_mutex_lock(&rm->pool_mu);
    if (rm->npool) h = rm->pool[--rm->npool];
    pthread_mutex_unlock(&rm->pool_mu);
    if (h) {
        curl_easy_reset(h);
    } else {
        h = curl_easy_init();
    }
    return h;
}

static void pool_put(remote *rm, CURL *h)
{
    if (!h) return;
    pthread_mutex_lock(&rm->pool_mu);
    if (rm->npool < POOL_MAX) {
        rm->pool[rm->npool++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&rm->pool_mu);
    if (h) curl_easy_cleanup(h);
}

static CURLM *mpool_get(remote *rm)
{
    CURLM *m = NULL;
    pthread_mutex_lock(&rm->pool_mu);
    if (rm->nmpool) m = rm->mpool[--rm->nmpool];
    pthread_mutex_unlock(&rm->pool_mu);
    if (!m && (m = curl_multi_init()) != NULL)
        /* keep as many idle connections as transfers may run at once
         * (libcurl's default keeps 4 per transfer added) */
        curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)rm->max_conn);
    return m;
}

static void mpool_put(remote *rm, CURLM *m)
{
    if (!m) return;
    pthread_mutex_lock(&rm->pool_mu);
    if (rm->nmpool < POOL_MAX) {
        rm->mpool[rm->nmpool++] = m;
        m = NULL;
    }
    pthread_mutex_unlock(&rm->pool_mu);
    if (m) curl_multi_cleanup(m);
}

/* ---- response callbacks ------------------------------------------------------ */

static void copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= cap) n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (redirect, 100) */
        x->etag[0] = x->crange[0] = 0;
        x->clen = -1;
        x->html = 0;
        return n;
    }
    const char *colon = memchr(p, ':', n);
    if (!colon) return n;
    size_t kl = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vl = n - kl - 1;
    if (kl == 4 && strncasecmp(p, "etag", 4) == 0) {
        copy_trim(x->etag, sizeof x->etag, v, vl);
    } else if (kl == 13 && strncasecmp(p, "content-range", 13) == 0) {
        copy_trim(x->crange, sizeof x->crange, v, vl);
    } else if (kl == 14 && strncasecmp(p, "content-length", 14) == 0) {
        char t[32];
        copy_trim(t, sizeof t, v, vl);
        char *end;
        errno = 0;
        unsigned long long c = strtoull(t, &end, 10);
        x->clen = (end != t && !*end && !errno && t[0] != '-') ? (int64_t)c : -1;
    } else if (kl == 12 && strncasecmp(p, "content-type", 12) == 0) {
        char t[64];
        copy_trim(t, sizeof t, v, vl);
        x->html = strncasecmp(t, "text/html", 9) == 0;
    }
    return n;
}

/* "bytes a-b/t" (t may be "*"); "bytes * /t" for 416. */
static int parse_crange(const char *s, uint64_t *a, uint64_t *b, uint64_t *t, int *t_known)
{
    if (strncasecmp(s, "bytes", 5) != 0) return -1;
    s += 5;
    while (*s == ' ' || *s == '=') s++;
    char *end;
    *t_known = 0;
    if (*s == '*') {
        s++;
        *a = *b = 0;
    } else {
        if (*s < '0' || *s > '9') return -1;
        errno = 0;
        *a = strtoull(s, &end, 10);
        if (*end != '-' || errno) return -1;
        s = end + 1;
        if (*s < '0' || *s > '9') return -1;
        *b = strtoull(s, &end, 10);
        if (errno || *b < *a) return -1;
        s = end;
    }
    if (*s != '/') return -1;
    s++;
    if (*s == '*') return 0;
    if (*s < '0' || *s > '9') return -1;
    errno = 0;
    *t = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *t_known = 1;
    return 0;
}

static void set_bad(xfer *x, int kind, const char *msg)
{
    if (x->bad) return;
    x->bad = kind;
    snprintf(x->badmsg, sizeof x->badmsg, "%s", msg);
}

static int etag_differs(const xfer *x)
{
    const remote *rm = x->rm;
    return rm->io.etag[0] && x->etag[0] && strcmp(rm->io.etag, x->etag) != 0;
}

/* The first request asks for the start of the object (or one byte): its
 * headers give the size and ETag, its body the bytes the cache starts with,
 * so opening a file costs one round trip, not two. */
static size_t probe_body(xfer *x, long st, const char *p, size_t n)
{
    if (x->len == 0) { /* only the headers were wanted */
        x->enough = 1;
        return 0;
    }
    if (x->got == 0 && x->seen == 0) {
        uint64_t a = 0, b = 0, t = 0;
        int tk = 0;
        uint64_t total = UINT64_MAX;
        if (st == 206) {
            if (parse_crange(x->crange, &a, &b, &t, &tk) != 0 || a != 0 || b < a) {
                set_bad(x, 1, x->crange[0] ? "malformed Content-Range" : "206 without Content-Range");
                return 0;
            }
            total = tk ? t : b + 1;
            if (b + 1 != (total < x->len ? total : x->len) || (x->clen >= 0 && (uint64_t)x->clen != b + 1)) {
                set_bad(x, 1, "Content-Range or Content-Length does not match the range asked for");
                return 0;
            }
        } else if (x->clen >= 0) {
            total = (uint64_t)x->clen;
        }
        if (total < x->len) x->len = (size_t)total;
        if (!x->buf && !(x->buf = malloc(x->len ? x->len : 1))) return 0;
    }
    size_t k = n < x->len - x->got ? n : x->len - x->got;
    memcpy(x->buf + x->got, p, k);
    x->got += k;
    x->seen += n;
    if (x->got == x->len) {
        x->enough = 1;
        return 0;
    }
    return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    long st = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &st);
    x->status = st;
    if (st != 200 && st != 206) { /* keep the start of an error body */
        size_t room = ERRBODY_MAX - x->errn;
        size_t k = n < room ? n : room;
        if (k) {
            char *e = realloc(x->errbody, x->errn + k + 1);
            if (!e) return 0;
            memcpy(e + x->errn, p, k);
            x->errn += k;
            e[x->errn] = 0;
            x->errbody = e;
        }
        return n;
    }
    if (etag_differs(x)) {
        set_bad(x, 2, "ETag changed");
        return 0;
    }
    if (x->probe) return probe_body(x, st, p, n);
    if (x->html) {
        set_bad(x, 1, "an HTML page instead of data");
        return 0;
    }
    if (st == 206) {
        if (x->got == 0 && x->seen == 0) {
            uint64_t a, b, t;
            int tk;
            if (parse_crange(x->crange, &a, &b, &t, &tk) != 0) {
                set_bad(x, 1, x->crange[0] ? "malformed Content-Range" : "206 without Content-Range");
                return 0;
            }
            if (tk && t != x->rm->io.size) {
                set_bad(x, 2, "object size changed");
                return 0;
            }
            if (a != x->off || b != x->off + x->len - 1) {
                set_bad(x, 1, "Content-Range does not match the range asked for");
                return 0;
            }
        }
        x->seen += n;
        if (n > x->len - x->got) {
            set_bad(x, 1, "body longer than the range asked for");
            return 0;
        }
        memcpy(x->buf + x->got, p, n);
        x->got += n;
        return n;
    }
    /* 200: the whole object; keep our slice */
    if (x->seen == 0 && x->clen >= 0 && (uint64_t)x->clen != x->rm->io.size) {
        set_bad(x, 1, "200 response whose length is not the object size");
        return 0;
    }
    uint64_t s0 = x->seen, s1 = x->seen + n;
    uint64_t lo = s0 > x->off ? s0 : x->off, hi = s1 < x->off + x->len ? s1 : x->off + x->len;
    if (lo < hi) {
        memcpy(x->buf + (lo - x->off), p + (lo - s0), (size_t)(hi - lo));
        x->got += (size_t)(hi - lo);
    }
    x->seen = s1;
    if (x->got == x->len) {
        x->enough = 1;
        return 0; /* stop reading the rest of the object */
    }
    return n;
}

/* ---- request setup -------------------------------------------------------------- */

static int add_header(struct curl_slist **l, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *s = malloc(n);
    if (!s) return -1;
    snprintf(s, n, "%s: %s", name, value);
    struct curl_slist *t = curl_slist_append(*l, s);
    free(s);
    if (!t) return -1;
    *l = t;
    return 0;
}

static void xfer_reset_response(xfer *x)
{
    x->status = 0;
    x->etag[0] = x->crange[0] = 0;
    x->clen = -1;
    x->html = 0;
    x->got = 0;
    x->seen = 0;
    free(x->errbody);
    x->errbody = NULL;
    x->errn = 0;
    x->bad = 0;
    x->badmsg[0] = 0;
    x->enough = 0;
}

static int xfer_start(xfer *x, CURLM *m, h5c_error *err)
{
    remote *rm = x->rm;
    xfer_reset_response(x);
    if (!x->h && !(x->h = pool_get(rm))) return H5C_NOMEM(err);
    CURL *h = x->h;
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    char range[64];
    if (x->probe) snprintf(range, sizeof range, "bytes=0-%zu", x->len ? x->len - 1 : 0);
    else snprintf(range, sizeof range, "bytes=%" PRIu64 "-%" PRIu64, x->off, x->off + x->len - 1);
    struct curl_slist **l = &x->hdrs;
    int fail = 0;
    if (rm->u.s3) {
        char amz[17];
        h5c_sigv4_amz_date((int64_t)time(NULL), amz);
        h5c_sigv4_header hv[8];
        size_t nh = 0;
        hv[nh++] = (h5c_sigv4_header){"Host", rm->u.host};
        hv[nh++] = (h5c_sigv4_header){"Range", range};
        int ifm = !x->probe && rm->etag_strong;
        if (ifm) hv[nh++] = (h5c_sigv4_header){"If-Match", rm->io.etag};
        if (rm->payer) hv[nh++] = (h5c_sigv4_header){"x-amz-request-payer", "requester"};
        h5c_aws_key k = {0};
        if (!rm->no_sign) {
            if (h5c_aws_creds_get(rm->creds, &k, err) != 0) return -1;
            hv[nh++] = (h5c_sigv4_header){"x-amz-content-sha256", H5C_SHA256_EMPTY};
            hv[nh++] = (h5c_sigv4_header){"x-amz-date", amz};
            if (k.session_token) hv[nh++] = (h5c_sigv4_header){"x-amz-security-token", k.session_token};
        }
        for (size_t i = 0; i < nh; i++) fail |= add_header(l, hv[i].name, hv[i].value);
        if (!rm->no_sign) {
            h5c_sigv4_request req = {"GET", rm->u.path, NULL, hv, nh, H5C_SHA256_EMPTY, 1};
            char sig[65];
            char *auth = h5c_sigv4_authorization(&req, k.access_key_id, k.secret_access_key, rm->region, "s3",
                                                 amz, sig);
            if (!auth) fail = 1;
            else fail |= add_header(l, "Authorization", auth);
            free(auth);
        }
        h5c_aws_key_clear(&k);
    } else {
        fail |= add_header(l, "Range", range);
        if (!x->probe && rm->etag_strong) fail |= add_header(l, "If-Match", rm->io.etag);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    }
    if (!fail) fail |= add_header(l, "Accept-Encoding", "identity") | add_header(l, "Expect", "");
    if (fail) return H5C_NOMEM(err);
    curl_easy_setopt(h, CURLOPT_URL, rm->u.url);
    curl_easy_setopt(h, CURLOPT_SHARE, rm->share);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "h5coro/0.1");
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    if (rm->timeout > 0) {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(rm->timeout * 1000));
    } else { /* no overall limit, but a stalled transfer fails */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
    }
    x->t0 = now_s();
    x->state = X_RUN;
    if (curl_multi_add_handle(m, h) != CURLM_OK) return h5c_fail(err, H5C_ERR_IO, "libcurl refused a transfer");
    return 0;
}

/* ---- outcome of one attempt ------------------------------------------------------- */

enum { OUT_OK, OUT_RETRY, OUT_FATAL };

static char *xml_text(const char *doc, const char *tag)
{
    char o[64], c[64];
    snprintf(o, sizeof o, "<%s>", tag);
    snprintf(c, sizeof c, "</%s>", tag);
    const char *a = doc ? strstr(doc, o) : NULL;
    if (!a) return NULL;
    a += strlen(o);
    const char *b = strstr(a, c);
    if (!b || b - a > 300) return NULL;
    return strndup(a, (size_t)(b - a));
}

/* Describe an HTTP error: "HTTP 404 NoSuchKey: The specified key does not exist." */
static void describe_status(xfer *x, char *out, size_t len)
{
    char *code = xml_text(x->errbody, "Code"), *msg = xml_text(x->errbody, "Message");
    /* keep printable ASCII only */
    for (char *s = code; s && *s; s++) if (*s < 32 || *s > 126) *s = '?';
    for (char *s = msg; s && *s; s++) if (*s < 32 || *s > 126) *s = '?';
    const char *kind = x->status == 403 ? " (access denied)" : x->status == 404 ? " (not found)" : "";
    if (code)
        snprintf(out, len, "HTTP %ld %s%s%.200s", x->status, code, msg ? ": " : "", msg ? msg : "");
    else
        snprintf(out, len, "HTTP %ld%s%s", x->status, kind, x->html ? " (an HTML error page)" : "");
    free(code);
    free(msg);
}

static int outcome(xfer *x, CURLcode rc, h5c_code *code)
{
    remote *rm = x->rm;
    *code = H5C_ERR_IO;
    long st = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &st);
    x->status = st;
    if (x->bad == 2 || etag_differs(x) || st == 412) {
        snprintf(x->lastmsg, sizeof x->lastmsg, "object changed during read (%s)",
                 x->bad == 2 ? x->badmsg : st == 412 ? "HTTP 412 precondition failed" : "ETag changed");
        return OUT_FATAL;
    }
    if (x->bad == 1) {
        snprintf(x->lastmsg, sizeof x->lastmsg, "%s", x->badmsg);
        return OUT_RETRY;
    }
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && x->enough)) {
        snprintf(x->lastmsg, sizeof x->lastmsg, "%s", curl_easy_strerror(rc));
        switch (rc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_OUT_OF_MEMORY:
            return OUT_FATAL;
        default:
            return OUT_RETRY;
        }
    }
    if (x->probe) {
        uint64_t a, b, t;
        int tk = 0;
        if (st == 206 || st == 416) {
            if (parse_crange(x->crange, &a, &b, &t, &tk) != 0 || !tk) {
                snprintf(x->lastmsg, sizeof x->lastmsg, "HTTP %ld with %s Content-Range", st,
                         x->crange[0] ? "a malformed" : "no");
                return st == 416 ? OUT_FATAL : OUT_RETRY;
            }
            rm->io.size = t;
        } else if (st == 200) {
            if (x->clen < 0) {
                snprintf(x->lastmsg, sizeof x->lastmsg, "server reports no object size (no Content-Length)");
                return OUT_FATAL;
            }
            if (x->html) {
                snprintf(x->lastmsg, sizeof x->lastmsg, "an HTML page instead of the object");
                return OUT_RETRY;
            }
            rm->io.size = (uint64_t)x->clen;
        } else {
            goto status_error;
        }
        if (x->len && x->got < (x->len < rm->io.size ? x->len : rm->io.size)) {
            snprintf(x->lastmsg, sizeof x->lastmsg, "short body: %zu bytes at the start of the object", x->got);
            return OUT_RETRY;
        }
        snprintf(rm->io.etag, sizeof rm->io.etag, "%s", x->etag);
        return OUT_OK;
    }
    if (st == 206 || st == 200) {
        if (x->got != x->len) {
            snprintf(x->lastmsg, sizeof x->lastmsg, "short body: %zu of %zu bytes", x->got, x->len);
            return OUT_RETRY;
        }
        if (st == 206 && (x->clen >= 0 && (uint64_t)x->clen != x->len)) {
            snprintf(x->lastmsg, sizeof x->lastmsg, "Content-Length does not match the range");
            return OUT_RETRY;
        }
        return OUT_OK;
    }
    if (st == 416) {
        snprintf(x->lastmsg, sizeof x->lastmsg, "object changed during read (HTTP 416: range past its end)");
        return OUT_FATAL;
    }
status_error:
    describe_status(x, x->lastmsg, sizeof x->lastmsg);
    if (st >= 500 || st == 429 || st == 408 || st == 0) return OUT_RETRY;
    if (st == 404) *code = H5C_ERR_NOT_FOUND;
    return OUT_FATAL;
}

static void log_attempt(xfer *x, double ms)
{
    remote *rm = x->rm;
    uint64_t a = x->probe ? 0 : x->off, b = x->probe ? (x->len ? x->len - 1 : 0) : x->off + x->len - 1;
    uint64_t bytes = x->seen ? x->seen : x->errn;
    /* the URL never carries a query here: S3 URLs have none, others are cut */
    fprintf(stderr, "h5coro: GET %s range=%" PRIu64 "-%" PRIu64 " %ld %" PRIu64 " %.0fms retries=%d\n",
            rm->u.name, a, b, x->status, bytes, ms, x->attempts);
}

/* ---- the event loop ------------------------------------------------------------------ */

static int run(remote *rm, xfer *xs, size_t n, h5c_error *err)
{
    CURLM *m = mpool_get(rm);
    if (!m) return h5c_fail(err, H5C_ERR_IO, "cannot start libcurl");
    int maxc = rm->max_conn; /* transfers running at once (one connection each) */
    size_t left = n, next = 0;
    int running_count = 0, rc = 0;
    double start = now_s();
    while (left > 0) {
        double t = now_s();
        double wait_until = 0;
        /* start what may start: first the retries that are due, then new ones */
        for (size_t i = 0; i < n && running_count < maxc; i++) {
            xfer *x = &xs[i];
            if (x->state != X_WAIT || x->attempts == 0) continue;
            if (x->next_at <= t) {
                if (xfer_start(x, m, err) != 0) goto fail;
                running_count++;
            } else if (!wait_until || x->next_at < wait_until) {
                wait_until = x->next_at;
            }
        }
        while (next < n && running_count < maxc) {
            xfer *x = &xs[next++];
            if (xfer_start(x, m, err) != 0) goto fail;
            running_count++;
        }
        int still = 0;
        if (curl_multi_perform(m, &still) != CURLM_OK) {
            h5c_fail(err, H5C_ERR_IO, "libcurl multi failure");
            goto fail;
        }
        CURLMsg *msg;
        int q;
        while ((msg = curl_multi_info_read(m, &q)) != NULL) {
            if (msg->msg != CURLMSG_DONE) continue;
            xfer *x = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            CURLcode res = msg->data.result;
            curl_multi_remove_handle(m, msg->easy_handle);
            running_count--;
            h5c_code code;
            int o = outcome(x, res, &code);
            double ms = (now_s() - x->t0) * 1000;
            if (rm->verbose) log_attempt(x, ms);
            if (o == OUT_OK) {
                x->state = X_DONE;
                x->ok = 1;
                left--;
                h5c_io_count(&rm->io, x->probe ? x->seen : x->len, (uint64_t)x->attempts);
                if (x->range && x->range->done) x->range->done(x->range);
                continue;
            }
            double delay = rm->retry_delay;
            for (int k = 0; k < x->attempts && delay < 3600; k++) delay *= 2;
            delay *= 1 + 0.5 * jitter();
            if (o == OUT_RETRY && x->attempts < rm->max_retry &&
                now_s() + delay - start <= rm->max_retry_time) {
                x->attempts++;
                x->state = X_WAIT;
                x->next_at = now_s() + delay;
                continue;
            }
            h5c_io_count(&rm->io, 0, (uint64_t)x->attempts);
            if (x->probe)
                h5c_fail(err, code, "%s: %s%s", rm->u.name, x->lastmsg,
                         o == OUT_RETRY ? " (retries exhausted)" : "");
            else
                h5c_fail(err, code, "%s: GET bytes=%" PRIu64 "-%" PRIu64 ": %s%s", rm->u.name, x->off,
                         x->off + x->len - 1, x->lastmsg, o == OUT_RETRY ? " (retries exhausted)" : "");
            if (o == OUT_RETRY && x->attempts) {
                size_t l = strlen(err ? err->msg : "");
                if (err && l < sizeof err->msg - 32)
                    snprintf(err->msg + l, sizeof err->msg - l, " after %d retries", x->attempts);
            }
            goto fail;
        }
        if (left == 0) break;
        int timeout_ms = 1000;
        if (wait_until) {
            double d = (wait_until - now_s()) * 1000;
            if (d < timeout_ms) timeout_ms = d < 0 ? 0 : (int)d + 1;
        }
        if (running_count > 0 || wait_until) {
            if (curl_multi_poll(m, NULL, 0, timeout_ms, NULL) != CURLM_OK) {
                h5c_fail(err, H5C_ERR_IO, "libcurl poll failure");
                goto fail;
            }
        }
    }
    goto done;
fail:
    rc = -1;
done:
    for (size_t i = 0; i < n; i++) {
        xfer *x = &xs[i];
        if (x->h) {
            if (x->state == X_RUN) curl_multi_remove_handle(m, x->h);
            pool_put(rm, x->h);
            x->h = NULL;
        }
        curl_slist_free_all(x->hdrs);
        x->hdrs = NULL;
        free(x->errbody);
        x->errbody = NULL;
    }
    if (rc == 0) mpool_put(rm, m);
    else curl_multi_cleanup(m); /* its connections may be in any state */
    return rc;
}

static int remote_read_many(h5c_io *io, h5c_range *r, size_t n, h5c_error *err)
{
    remote *rm = (remote *)io;
    if (n == 0) return 0;
    xfer *xs = calloc(n, sizeof *xs);
    if (!xs) return H5C_NOMEM(err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].off > io->size || r[i].len > io->size - r[i].off) {
            free(xs);
            return h5c_fail(err, H5C_ERR_FORMAT, "read of %zu bytes at 0x%" PRIx64 " is past the end of '%s' (size %" PRIu64 ")",
                            r[i].len, r[i].off, rm->u.name, io->size);
        }
        if (r[i].len == 0) continue;
        xs[k].rm = rm;
        xs[k].off = r[i].off;
        xs[k].len = r[i].len;
        xs[k].buf = r[i].buf;
        xs[k].range = &r[i];
        k++;
    }
    int rc = k ? run(rm, xs, k, err) : 0;
    free(xs);
    return rc;
}

static int remote_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    h5c_range r = {off, len, buf, NULL, NULL};
    return remote_read_many(io, &r, 1, err);
}

static void remote_close(h5c_io *io)
{
    remote *rm = (remote *)io;
    for (int i = 0; i < rm->nmpool; i++) curl_multi_cleanup(rm->mpool[i]);
    for (int i = 0; i < rm->npool; i++) curl_easy_cleanup(rm->pool[i]);
    if (rm->share) curl_share_cleanup(rm->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&rm->locks[i]);
    pthread_mutex_destroy(&rm->pool_mu);
    h5c_aws_creds_free(rm->creds);
    h5c_remote_url_free(&rm->u);
    free(rm->head);
    free(rm);
}

h5c_io *h5c_io_remote_open(const char *path, const h5c_remote *r_in, size_t head, h5c_error *err)
{
    pthread_once(&curl_once, curl_init_once);
    if (!curl_ok) {
        h5c_fail(err, H5C_ERR_IO, "cannot initialise libcurl");
        return NULL;
    }
    h5c_remote envr;
    const h5c_remote *r = r_in;
    if (!r) {
        h5c_remote_from_env(&envr);
        r = &envr;
    }
    remote *rm = calloc(1, sizeof *rm);
    if (!rm) {
        H5C_NOMEM(err);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&rm->locks[i], NULL);
    pthread_mutex_init(&rm->pool_mu, NULL);
    rm->io.read = remote_read;
    rm->io.read_many = remote_read_many;
    rm->io.close = remote_close;
    rm->max_retry = r->max_retry >= 0 ? r->max_retry : 4;
    rm->retry_delay = r->retry_delay >= 0 ? r->retry_delay : 0.1;
    rm->timeout = r->timeout > 0 ? r->timeout : 0;
    rm->max_retry_time = r->max_retry_time > 0 ? r->max_retry_time : 30;
    const char *ev = getenv("H5CORO_VERBOSE");
    rm->verbose = r->verbose || (ev && *ev && strcmp(ev, "0") != 0);
    rm->no_sign = r->no_sign;
    rm->payer = r->request_payer;
    int is_s3 = strncmp(path, "s3://", 5) == 0 || strncmp(path, "/vsis3/", 7) == 0;
    if (is_s3) h5c_aws_region(r, rm->region, sizeof rm->region);
    if (h5c_remote_url_parse(path, r, rm->region, &rm->u, err) != 0) goto fail;
    rm->io.name = rm->u.name;
    /* S3 serves thousands of requests per second per prefix: listing a file
     * of scattered headers goes as wide as the batch; other servers get less */
    rm->max_conn = r->max_connections > 0 ? r->max_connections : rm->u.s3 ? 128 : 64;
    if (rm->u.s3 && !rm->no_sign) {
        rm->creds = h5c_aws_creds_new(r, err);
        if (!rm->creds) {
            h5c_err_context(err, "%s", rm->u.name);
            goto fail;
        }
        if (rm->verbose) fprintf(stderr, "h5coro: %s: AWS credentials from %s, region %s\n", rm->u.name,
                                 h5c_aws_creds_source(rm->creds), rm->region);
    }
    rm->share = curl_share_init();
    if (!rm->share) {
        h5c_fail(err, H5C_ERR_IO, "cannot start libcurl");
        goto fail;
    }
    curl_share_setopt(rm->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(rm->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(rm->share, CURLSHOPT_USERDATA, rm);
    curl_share_setopt(rm->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(rm->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    /* first request: size, ETag and the first `head` bytes */
    xfer probe;
    memset(&probe, 0, sizeof probe);
    probe.rm = rm;
    probe.probe = 1;
    probe.len = head;
    if (run(rm, &probe, 1, err) != 0) {
        free(probe.buf);
        goto fail;
    }
    rm->head = probe.buf;
    rm->io.head = rm->head;
    rm->io.head_len = probe.got;
    rm->etag_strong = rm->io.etag[0] && strncmp(rm->io.etag, "W/", 2) != 0;
    return &rm->io;
fail:
    remote_close(&rm->io);
    return NULL;
}

/* s3_url.c - remote URL forms and S3 addressing. */
#include "s3_url.h"
#include "h5coro.h"
#include "io.h"
#include "sigv4.h"
#include "../util/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int h5c_io_is_remote(const char *path)
{
    static const char *const prefixes[] = {"s3://", "/vsis3/", "http://", "https://", "/vsicurl/http://",
                                           "/vsicurl/https://"};
    if (!path) return 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncasecmp(path, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    return 0;
}

int h5c_is_remote_path(const char *path)
{
    return h5c_io_is_remote(path);
}

void h5c_remote_url_free(h5c_remote_url *u)
{
    free(u->bucket);
    free(u->key);
    free(u->url);
    free(u->host);
    free(u->path);
    free(u->name);
    memset(u, 0, sizeof *u);
}

static char *fmt(const char *f, const char *a, const char *b, const char *c)
{
    size_t n = strlen(f) + strlen(a) + strlen(b) + strlen(c) + 1;
    char *o = malloc(n);
    if (o) snprintf(o, n, f, a, b, c);
    return o;
}

static int is_ip_or_local(const char *host)
{
    if (strncmp(host, "localhost", 9) == 0 || host[0] == '[') return 1;
    for (const char *p = host; *p && *p != ':'; p++)
        if (!isdigit((unsigned char)*p) && *p != '.') return 0;
    return 1;
}

static int dns_bucket(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63) return 0;
    for (const char *p = b; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) return 0;
    return 1;
}

/* Display name: drop the query and any user:password@ part. */
static char *display_name(const char *url)
{
    const char *s = strstr(url, "://");
    size_t len = strcspn(url, "?#");
    char *o = malloc(len + 1);
    if (!o) return NULL;
    size_t n = 0;
    if (s && (size_t)(s - url) < len) {
        size_t hs = (size_t)(s - url) + 3;
        memcpy(o, url, hs);
        n = hs;
        size_t auth_end = hs + strcspn(url + hs, "/?#");
        const char *at = memchr(url + hs, '@', auth_end - hs);
        size_t from = at ? (size_t)(at - url) + 1 : hs;
        memcpy(o + n, url + from, len - from);
        n += len - from;
    } else {
        memcpy(o, url, len);
        n = len;
    }
    o[n] = 0;
    return o;
}

int h5c_remote_url_parse(const char *path, const h5c_remote *r, const char *region,
                         h5c_remote_url *u, h5c_error *err)
{
    memset(u, 0, sizeof *u);
    const char *rest = NULL;
    if (strncmp(path, "s3://", 5) == 0) rest = path + 5;
    else if (strncmp(path, "/vsis3/", 7) == 0) rest = path + 7;
    if (!rest) {
        const char *url = strncmp(path, "/vsicurl/", 9) == 0 ? path + 9 : path;
        if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
            return h5c_fail(err, H5C_ERR_ARG, "'%s' is not an http(s):// URL", path);
        u->url = strdup(url);
        u->name = display_name(url);
        if (!u->url || !u->name) goto nomem;
        return 0;
    }
    u->s3 = 1;
    const char *slash = strchr(rest, '/');
    if (!slash || slash == rest || !slash[1])
        return h5c_fail(err, H5C_ERR_ARG, "'%s': expected s3://bucket/key or /vsis3/bucket/key", path);
    u->bucket = strndup(rest, (size_t)(slash - rest));
    u->key = strdup(slash + 1);
    u->name = fmt("s3://%s/%s%s", u->bucket ? u->bucket : "", u->key ? u->key : "", "");
    if (!u->bucket || !u->key || !u->name) goto nomem;

    char defep[128];
    const char *ep = r->endpoint;
    int custom = ep && *ep;
    int https = r->https != 0; /* -1 (unset) means yes */
    if (!custom) {
        if (region && *region && strcmp(region, "us-east-1") != 0)
            snprintf(defep, sizeof defep, "s3.%.60s.amazonaws.com", region);
        else
            snprintf(defep, sizeof defep, "s3.amazonaws.com");
        ep = defep;
    } else if (strncasecmp(ep, "http://", 7) == 0) {
        ep += 7;
        https = 0;
    } else if (strncasecmp(ep, "https://", 8) == 0) {
        ep += 8;
        https = 1;
    }
    size_t eplen = strcspn(ep, "/");
    char *host = strndup(ep, eplen);
    if (!host) goto nomem;
    int virt;
    if (r->virtual_hosting >= 0) virt = r->virtual_hosting; /* as asked */
    else virt = !custom && dns_bucket(u->bucket) && !is_ip_or_local(host);
    char *ekey = h5c_sigv4_uri_encode(u->key, strlen(u->key), 1);
    char *ebucket = h5c_sigv4_uri_encode(u->bucket, strlen(u->bucket), 0);
    if (!ekey || !ebucket) {
        free(host);
        free(ekey);
        free(ebucket);
        goto nomem;
    }
    if (virt) {
        u->host = fmt("%s.%s%s", u->bucket, host, "");
        u->path = fmt("/%s%s%s", ekey, "", "");
    } else {
        u->host = strdup(host);
        u->path = fmt("/%s/%s%s", ebucket, ekey, "");
    }
    free(host);
    free(ekey);
    free(ebucket);
    if (!u->host || !u->path) goto nomem;
    u->url = fmt("%s://%s%s", https ? "https" : "http", u->host, u->path);
    if (!u->url) goto nomem;
    return 0;
nomem:
    h5c_remote_url_free(u);
    return H5C_NOMEM(err);
}

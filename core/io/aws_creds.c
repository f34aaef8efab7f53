/* aws_creds.c - the AWS credential chain (see aws_creds.h). */
#include "aws_creds.h"
#include "../util/err.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#define REFRESH_MARGIN 300 /* seconds before expiry */
#define MAX_DOC (1 << 20)  /* largest credential document read */

typedef enum { SRC_STATIC, SRC_WEB_IDENTITY, SRC_ECS, SRC_IMDS } src_kind;

struct h5c_aws_creds {
    pthread_mutex_t mu;
    src_kind kind;
    const char *source;
    h5c_aws_key key;
    int64_t expires; /* 0: never */
    /* what is needed to fetch again */
    char *token_file, *role_arn, *sts_url, *ecs_url, *ecs_auth, *imds;
    double timeout;
};

void h5c_aws_key_clear(h5c_aws_key *k)
{
    if (k->secret_access_key) OPENSSL_cleanse(k->secret_access_key, strlen(k->secret_access_key));
    if (k->session_token) OPENSSL_cleanse(k->session_token, strlen(k->session_token));
    free(k->access_key_id);
    free(k->secret_access_key);
    free(k->session_token);
    memset(k, 0, sizeof *k);
}

static char *dupz(const char *s) { return s ? strdup(s) : NULL; }

/* ---- small text helpers ---------------------------------------------------- */

static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            if (cap >= MAX_DOC) break;
            cap = cap ? cap * 2 : 8192;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0) break;
    }
    fclose(f);
    if (!buf) buf = calloc(1, 1);
    else buf[n] = 0;
    return buf;
}

static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

char *h5c_aws_ini_get(const char *text, const char *section, const char *key)
{
    if (!text) return NULL;
    int in = 0;
    char *result = NULL;
    const char *p = text;
    while (*p && !result) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *line = malloc(len + 1);
        if (!line) return NULL;
        memcpy(line, p, len);
        line[len] = 0;
        char *t = trim(line);
        if (*t == '[') {
            char *close = strchr(t, ']');
            if (close) {
                *close = 0;
                in = strcmp(trim(t + 1), section) == 0;
            } else {
                in = 0;
            }
        } else if (in && *t && *t != '#' && *t != ';') {
            char *eq = strchr(t, '=');
            if (eq) {
                *eq = 0;
                if (strcmp(trim(t), key) == 0) result = strdup(trim(eq + 1));
            }
        }
        free(line);
        p += len;
        if (*p == '\n') p++;
    }
    return result;
}

/* String value of "name": "..." in a flat JSON object (escapes decoded). */
static char *json_get(const char *doc, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = doc; (p = strchr(p, '"')) != NULL; p++) {
        if (strncmp(p + 1, name, nl) != 0 || p[1 + nl] != '"') continue;
        const char *q = p + 2 + nl;
        while (isspace((unsigned char)*q)) q++;
        if (*q != ':') continue;
        q++;
        while (isspace((unsigned char)*q)) q++;
        if (*q != '"') return NULL;
        q++;
        size_t cap = strlen(q) + 1;
        char *o = malloc(cap), *w = o;
        if (!o) return NULL;
        while (*q && *q != '"') {
            if (*q == '\\' && q[1]) {
                q++;
                switch (*q) {
                case 'n': *w++ = '\n'; break;
                case 't': *w++ = '\t'; break;
                case 'r': *w++ = '\r'; break;
                case 'b': *w++ = '\b'; break;
                case 'f': *w++ = '\f'; break;
                case 'u': /* credentials are ASCII; keep a placeholder */
                    *w++ = '?';
                    for (int i = 0; i < 4 && q[1]; i++) q++;
                    break;
                default: *w++ = *q;
                }
                q++;
            } else {
                *w++ = *q++;
            }
        }
        if (*q != '"') {
            free(o);
            return NULL;
        }
        *w = 0;
        return o;
    }
    return NULL;
}

/* Text of the first <tag>...</tag> (XML entities &amp; &lt; &gt; &quot; &apos; decoded). */
static char *xml_get(const char *doc, const char *tag)
{
    char open[96], close[96];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(doc, open);
    if (!a) return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (!b) return NULL;
    char *o = malloc((size_t)(b - a) + 1), *w = o;
    if (!o) return NULL;
    while (a < b) {
        static const struct { const char *ent; char c; } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        int done = 0;
        if (*a == '&')
            for (size_t i = 0; i < sizeof ents / sizeof *ents; i++) {
                size_t l = strlen(ents[i].ent);
                if ((size_t)(b - a) >= l && strncmp(a, ents[i].ent, l) == 0) {
                    *w++ = ents[i].c;
                    a += l;
                    done = 1;
                    break;
                }
            }
        if (!done) *w++ = *a++;
    }
    *w = 0;
    return o;
}

int64_t h5c_aws_parse_time(const char *s)
{
    if (!s) return -1;
    int Y, M, D, h, m, sec;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &M, &D, &h, &m, &sec) != 6) return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    return (int64_t)timegm(&tm);
}

/* ---- a small blocking HTTP client for the credential endpoints ------------ */

typedef struct doc {
    char *p;
    size_t n;
    int too_big;
} doc;

static size_t doc_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    doc *d = ud;
    size_t len = size * nmemb;
    if (d->n + len > MAX_DOC) {
        d->too_big = 1;
        return 0;
    }
    char *p = realloc(d->p, d->n + len + 1);
    if (!p) return 0;
    memcpy(p + d->n, ptr, len);
    d->p = p;
    d->n += len;
    d->p[d->n] = 0;
    return len;
}

/* method "GET" or "PUT"; returns the HTTP status (or -1) and the body. */
static long http_simple(const char *method, const char *url, const char *const *headers, double timeout,
                        char **body, char *why, size_t whylen)
{
    *body = NULL;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, whylen, "cannot start libcurl");
        return -1;
    }
    struct curl_slist *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++) hl = curl_slist_append(hl, headers[i]);
    doc d = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, doc_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((timeout > 0 ? timeout : 10) * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    if (strcmp(method, "PUT") == 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        *body = d.p ? d.p : calloc(1, 1);
        d.p = NULL;
    } else {
        snprintf(why, whylen, "%s", d.too_big ? "response too large" : curl_easy_strerror(rc));
    }
    free(d.p);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return status;
}

/* ---- the sources ------------------------------------------------------------ */

static const char *home_path(char *buf, size_t len, const char *rel)
{
    const char *home = getenv("HOME");
    if (!home || !*home) return NULL;
    snprintf(buf, len, "%s/%s", home, rel);
    return buf;
}

static const char *profile_name(const h5c_remote *r) { return r->profile && *r->profile ? r->profile : "default"; }

/* Value of key for the profile: config file uses "[profile NAME]" (and
 * "[default]"), the credentials file "[NAME]". */
static char *config_get(const h5c_remote *r, const char *key)
{
    char buf[4096];
    const char *path = r->config_file ? r->config_file : home_path(buf, sizeof buf, ".aws/config");
    if (!path) return NULL;
    char *text = read_text_file(path);
    if (!text) return NULL;
    const char *prof = profile_name(r);
    char sect[512];
    snprintf(sect, sizeof sect, "profile %s", prof);
    char *v = h5c_aws_ini_get(text, sect, key);
    if (!v && strcmp(prof, "default") == 0) v = h5c_aws_ini_get(text, "default", key);
    free(text);
    return v;
}

static int from_profile(const h5c_remote *r, h5c_aws_key *k)
{
    char buf[4096];
    const char *path = r->credentials_file ? r->credentials_file : home_path(buf, sizeof buf, ".aws/credentials");
    char *text = path ? read_text_file(path) : NULL;
    const char *prof = profile_name(r);
    if (text) {
        k->access_key_id = h5c_aws_ini_get(text, prof, "aws_access_key_id");
        k->secret_access_key = h5c_aws_ini_get(text, prof, "aws_secret_access_key");
        k->session_token = h5c_aws_ini_get(text, prof, "aws_session_token");
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    }
    if (!k->access_key_id || !k->secret_access_key) {
        /* keys may also sit in the config file */
        h5c_aws_key_clear(k);
        k->access_key_id = config_get(r, "aws_access_key_id");
        k->secret_access_key = config_get(r, "aws_secret_access_key");
        k->session_token = config_get(r, "aws_session_token");
    }
    if (k->access_key_id && k->secret_access_key && *k->access_key_id && *k->secret_access_key) return 0;
    h5c_aws_key_clear(k);
    return -1;
}

static char *url_escape(const char *s)
{
    CURL *c = curl_easy_init();
    if (!c) return NULL;
    char *e = curl_easy_escape(c, s, 0);
    char *o = e ? strdup(e) : NULL;
    curl_free(e);
    curl_easy_cleanup(c);
    return o;
}

static int fetch_web_identity(h5c_aws_creds *c, h5c_aws_key *k, int64_t *exp, char *why, size_t whylen)
{
    char *tok = read_text_file(c->token_file);
    if (!tok) {
        snprintf(why, whylen, "cannot read the web identity token file");
        return -1;
    }
    char *t = trim(tok);
    char *et = url_escape(t), *er = url_escape(c->role_arn);
    OPENSSL_cleanse(tok, strlen(tok));
    free(tok);
    int rc = -1;
    if (et && er) {
        size_t len = strlen(c->sts_url) + strlen(et) + strlen(er) + 200;
        char *url = malloc(len);
        if (url) {
            snprintf(url, len,
                     "%s/?Action=AssumeRoleWithWebIdentity&RoleSessionName=h5coro&Version=2011-06-15"
                     "&RoleArn=%s&WebIdentityToken=%s",
                     c->sts_url, er, et);
            char *body = NULL;
            long st = http_simple("GET", url, NULL, c->timeout, &body, why, whylen);
            OPENSSL_cleanse(url, strlen(url));
            free(url);
            if (st == 200 && body) {
                k->access_key_id = xml_get(body, "AccessKeyId");
                k->secret_access_key = xml_get(body, "SecretAccessKey");
                k->session_token = xml_get(body, "SessionToken");
                char *e = xml_get(body, "Expiration");
                *exp = e ? h5c_aws_parse_time(e) : 0;
                free(e);
                if (k->access_key_id && k->secret_access_key) rc = 0;
                else snprintf(why, whylen, "STS answer without credentials");
            } else if (st > 0) {
                char *code = body ? xml_get(body, "Code") : NULL;
                snprintf(why, whylen, "STS answered HTTP %ld%s%s", st, code ? " " : "", code ? code : "");
                free(code);
            }
            if (body) OPENSSL_cleanse(body, strlen(body));
            free(body);
        }
    }
    free(et);
    free(er);
    if (rc) h5c_aws_key_clear(k);
    return rc;
}

static int parse_json_creds(const char *body, h5c_aws_key *k, int64_t *exp)
{
    k->access_key_id = json_get(body, "AccessKeyId");
    k->secret_access_key = json_get(body, "SecretAccessKey");
    k->session_token = json_get(body, "Token");
    char *e = json_get(body, "Expiration");
    *exp = e ? h5c_aws_parse_time(e) : 0;
    free(e);
    if (k->access_key_id && k->secret_access_key) return 0;
    h5c_aws_key_clear(k);
    return -1;
}

static int fetch_ecs(h5c_aws_creds *c, h5c_aws_key *k, int64_t *exp, char *why, size_t whylen)
{
    char hdr[4200];
    const char *hs[2] = {NULL, NULL};
    if (c->ecs_auth) {
        snprintf(hdr, sizeof hdr, "Authorization: %s", c->ecs_auth);
        hs[0] = hdr;
    }
    char *body = NULL;
    long st = http_simple("GET", c->ecs_url, hs, c->timeout, &body, why, whylen);
    int rc = -1;
    if (st == 200 && body) {
        rc = parse_json_creds(body, k, exp);
        if (rc) snprintf(why, whylen, "container credentials answer without keys");
    } else if (st > 0) {
        snprintf(why, whylen, "container credentials endpoint answered HTTP %ld", st);
    }
    if (body) OPENSSL_cleanse(body, strlen(body));
    free(body);
    OPENSSL_cleanse(hdr, sizeof hdr);
    return rc;
}

static int fetch_imds(h5c_aws_creds *c, h5c_aws_key *k, int64_t *exp, char *why, size_t whylen)
{
    size_t ul = strlen(c->imds) + 512;
    char *url = malloc(ul);
    if (!url) return -1;
    char tokhdr[1200] = "";
    const char *hs[2] = {NULL, NULL};
    const char *puth[2] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
    char *body = NULL;
    snprintf(url, ul, "%s/latest/api/token", c->imds);
    long st = http_simple("PUT", url, puth, c->timeout, &body, why, whylen);
    if (st == 200 && body && strlen(body) < 1024) {
        snprintf(tokhdr, sizeof tokhdr, "X-aws-ec2-metadata-token: %s", trim(body));
        hs[0] = tokhdr;
    } /* else IMDSv1 without a token */
    if (body) OPENSSL_cleanse(body, strlen(body));
    free(body);
    body = NULL;
    int rc = -1;
    snprintf(url, ul, "%s/latest/meta-data/iam/security-credentials/", c->imds);
    st = http_simple("GET", url, hs, c->timeout, &body, why, whylen);
    if (st == 200 && body) {
        char *role = trim(body);
        char *nl = strchr(role, '\n');
        if (nl) *nl = 0;
        if (*role && strlen(role) < 256 && !strchr(role, '/')) {
            snprintf(url, ul, "%s/latest/meta-data/iam/security-credentials/%s", c->imds, role);
            free(body);
            body = NULL;
            st = http_simple("GET", url, hs, c->timeout, &body, why, whylen);
            if (st == 200 && body) {
                rc = parse_json_creds(body, k, exp);
                if (rc) snprintf(why, whylen, "instance metadata answer without keys");
            } else if (st > 0) {
                snprintf(why, whylen, "instance metadata answered HTTP %ld", st);
            }
        } else {
            snprintf(why, whylen, "instance metadata gives no IAM role");
        }
    } else if (st > 0) {
        snprintf(why, whylen, "instance metadata answered HTTP %ld", st);
    }
    if (body) OPENSSL_cleanse(body, strlen(body));
    free(body);
    free(url);
    OPENSSL_cleanse(tokhdr, sizeof tokhdr);
    return rc;
}

static int fetch(h5c_aws_creds *c, h5c_aws_key *k, int64_t *exp, char *why, size_t whylen)
{
    switch (c->kind) {
    case SRC_WEB_IDENTITY: return fetch_web_identity(c, k, exp, why, whylen);
    case SRC_ECS: return fetch_ecs(c, k, exp, why, whylen);
    case SRC_IMDS: return fetch_imds(c, k, exp, why, whylen);
    default: return -1;
    }
}

/* Is this an EC2 instance? (as GDAL checks before asking 169.254.169.254) */
static int looks_like_ec2(void)
{
    static const char *const files[] = {"/sys/hypervisor/uuid", "/sys/class/dmi/id/board_vendor",
                                        "/sys/class/dmi/id/sys_vendor"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *t = read_text_file(files[i]);
        if (!t) continue;
        int yes = strncmp(t, "ec2", 3) == 0 || strncmp(t, "EC2", 3) == 0 || strstr(t, "Amazon") != NULL;
        free(t);
        if (yes) return 1;
    }
    return 0;
}

static void strip_slash(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '/') s[--n] = 0;
}

static h5c_aws_creds *creds_alloc(const char *source, src_kind kind, const h5c_remote *r)
{
    h5c_aws_creds *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->source = source;
    c->kind = kind;
    c->timeout = r->timeout > 0 ? r->timeout : 10;
    return c;
}

/* Run a fetching source once; on success c holds the keys. */
static int first_fetch(h5c_aws_creds *c, char *why, size_t whylen)
{
    int64_t exp = 0;
    if (fetch(c, &c->key, &exp, why, whylen) != 0) return -1;
    c->expires = exp > 0 ? exp : 0;
    return 0;
}

h5c_aws_creds *h5c_aws_creds_new(const h5c_remote *r, h5c_error *err)
{
    char why[256] = "", tried[768] = "";
    h5c_aws_creds *c;
    /* 1. explicit / environment keys */
    if (r->access_key_id && *r->access_key_id && r->secret_access_key && *r->secret_access_key) {
        if (!(c = creds_alloc("environment", SRC_STATIC, r))) goto nomem;
        c->key.access_key_id = dupz(r->access_key_id);
        c->key.secret_access_key = dupz(r->secret_access_key);
        c->key.session_token = r->session_token && *r->session_token ? dupz(r->session_token) : NULL;
        if (!c->key.access_key_id || !c->key.secret_access_key) goto nomem_c;
        return c;
    }
    strcat(tried, "environment");
    /* 2. profile in the credentials / config files */
    {
        h5c_aws_key k = {0};
        if (from_profile(r, &k) == 0) {
            if (!(c = creds_alloc("profile", SRC_STATIC, r))) {
                h5c_aws_key_clear(&k);
                goto nomem;
            }
            c->key = k;
            return c;
        }
        strcat(tried, ", profile");
    }
    /* 3. web identity */
    {
        char *tf = r->web_identity_token_file ? strdup(r->web_identity_token_file) : config_get(r, "web_identity_token_file");
        char *ra = r->role_arn ? strdup(r->role_arn) : config_get(r, "role_arn");
        if (tf && ra) {
            if (!(c = creds_alloc("web-identity", SRC_WEB_IDENTITY, r))) {
                free(tf);
                free(ra);
                goto nomem;
            }
            c->token_file = tf;
            c->role_arn = ra;
            const char *ep = r->sts_endpoint ? r->sts_endpoint : "sts.amazonaws.com";
            size_t l = strlen(ep) + 16;
            c->sts_url = malloc(l);
            if (!c->sts_url) goto nomem_c;
            snprintf(c->sts_url, l, "%s%s", strstr(ep, "://") ? "" : "https://", ep);
            strip_slash(c->sts_url);
            if (first_fetch(c, why, sizeof why) == 0) return c;
            h5c_fail(err, H5C_ERR_IO, "AWS web identity credentials: %s", why);
            h5c_aws_creds_free(c);
            return NULL;
        }
        free(tf);
        free(ra);
        strcat(tried, ", web identity");
    }
    /* 4. ECS container credentials */
    if (r->container_credentials_uri && *r->container_credentials_uri) {
        if (!(c = creds_alloc("ecs", SRC_ECS, r))) goto nomem;
        const char *u = r->container_credentials_uri;
        size_t l = strlen(u) + 32;
        c->ecs_url = malloc(l);
        if (!c->ecs_url) goto nomem_c;
        if (strstr(u, "://")) snprintf(c->ecs_url, l, "%s", u);
        else snprintf(c->ecs_url, l, "http://169.254.170.2%s%s", u[0] == '/' ? "" : "/", u);
        const char *auth = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        if (auth && *auth && !(c->ecs_auth = strdup(auth))) goto nomem_c;
        if (first_fetch(c, why, sizeof why) == 0) return c;
        h5c_fail(err, H5C_ERR_IO, "AWS container credentials: %s", why);
        h5c_aws_creds_free(c);
        return NULL;
    }
    strcat(tried, ", container");
    /* 5. EC2 instance metadata */
    if ((r->imds_endpoint && *r->imds_endpoint) || looks_like_ec2()) {
        if (!(c = creds_alloc("imds", SRC_IMDS, r))) goto nomem;
        const char *ep = r->imds_endpoint && *r->imds_endpoint ? r->imds_endpoint : "http://169.254.169.254";
        size_t l = strlen(ep) + 16;
        c->imds = malloc(l);
        if (!c->imds) goto nomem_c;
        snprintf(c->imds, l, "%s%s", strstr(ep, "://") ? "" : "http://", ep);
        strip_slash(c->imds);
        if (c->timeout > 5) c->timeout = 5;
        if (first_fetch(c, why, sizeof why) == 0) return c;
        h5c_aws_creds_free(c);
        strcat(tried, ", instance metadata (");
        strncat(tried, why, sizeof tried - strlen(tried) - 2);
        strcat(tried, ")");
    } else {
        strcat(tried, ", instance metadata (not on EC2)");
    }
    h5c_fail(err, H5C_ERR_IO,
             "no AWS credentials found (tried %s); set AWS_NO_SIGN_REQUEST=YES for public buckets", tried);
    return NULL;
nomem_c:
    h5c_aws_creds_free(c);
nomem:
    H5C_NOMEM(err);
    return NULL;
}

void h5c_aws_creds_free(h5c_aws_creds *c)
{
    if (!c) return;
    h5c_aws_key_clear(&c->key);
    free(c->token_file);
    free(c->role_arn);
    free(c->sts_url);
    free(c->ecs_url);
    if (c->ecs_auth) OPENSSL_cleanse(c->ecs_auth, strlen(c->ecs_auth));
    free(c->ecs_auth);
    free(c->imds);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int h5c_aws_creds_get(h5c_aws_creds *c, h5c_aws_key *k, h5c_error *err)
{
    memset(k, 0, sizeof *k);
    pthread_mutex_lock(&c->mu);
    if (c->kind != SRC_STATIC && c->expires > 0 && (int64_t)time(NULL) >= c->expires - REFRESH_MARGIN) {
        h5c_aws_key nk = {0};
        int64_t exp = 0;
        char why[256] = "";
        if (fetch(c, &nk, &exp, why, sizeof why) == 0) {
            h5c_aws_key_clear(&c->key);
            c->key = nk;
            c->expires = exp > 0 ? exp : 0;
        } else if ((int64_t)time(NULL) >= c->expires) {
            pthread_mutex_unlock(&c->mu);
            return h5c_fail(err, H5C_ERR_IO, "AWS %s credentials expired and could not be refreshed: %s",
                            c->source, why);
        } /* else keep the old keys until they really expire */
    }
    k->access_key_id = dupz(c->key.access_key_id);
    k->secret_access_key = dupz(c->key.secret_access_key);
    k->session_token = dupz(c->key.session_token);
    pthread_mutex_unlock(&c->mu);
    if (!k->access_key_id || !k->secret_access_key || (c->key.session_token && !k->session_token)) {
        h5c_aws_key_clear(k);
        return H5C_NOMEM(err);
    }
    return 0;
}

const char *h5c_aws_creds_source(const h5c_aws_creds *c) { return c->source; }

const char *h5c_aws_region(const h5c_remote *r, char *buf, size_t len)
{
    if (r->region && *r->region) {
        snprintf(buf, len, "%s", r->region);
        return buf;
    }
    char *v = config_get(r, "region");
    snprintf(buf, len, "%s", v && *v ? v : "us-east-1");
    free(v);
    return buf;
}

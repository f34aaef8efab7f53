/* http_parse.c - HTTP response header lines, Content-Range and S3 XML
 * error bodies (see http_parse.h). Input is whatever a server sent. */
#include "http_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void h5c_http_head_reset(h5c_http_head *h)
{
    h->etag[0] = h->crange[0] = 0;
    h->clen = -1;
    h->html = 0;
}

static void copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= cap) n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

void h5c_http_header_line(h5c_http_head *h, const char *p, size_t n)
{
    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        h5c_http_head_reset(h);
        return;
    }
    const char *colon = memchr(p, ':', n);
    if (!colon) return;
    size_t kl = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vl = n - kl - 1;
    if (kl == 4 && strncasecmp(p, "etag", 4) == 0) {
        copy_trim(h->etag, sizeof h->etag, v, vl);
    } else if (kl == 13 && strncasecmp(p, "content-range", 13) == 0) {
        copy_trim(h->crange, sizeof h->crange, v, vl);
    } else if (kl == 14 && strncasecmp(p, "content-length", 14) == 0) {
        char t[32];
        copy_trim(t, sizeof t, v, vl);
        char *end;
        errno = 0;
        unsigned long long c = strtoull(t, &end, 10);
        h->clen = (end != t && !*end && !errno && t[0] != '-' && c <= INT64_MAX) ? (int64_t)c : -1;
    } else if (kl == 12 && strncasecmp(p, "content-type", 12) == 0) {
        char t[64];
        copy_trim(t, sizeof t, v, vl);
        h->html = strncasecmp(t, "text/html", 9) == 0;
    }
}

int h5c_http_content_range(const char *s, uint64_t *a, uint64_t *b, uint64_t *t, int *t_known)
{
    *t_known = 0;
    if (strncasecmp(s, "bytes", 5) != 0) return -1;
    s += 5;
    while (*s == ' ' || *s == '=') s++;
    char *end;
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

char *h5c_http_xml_text(const char *doc, const char *tag)
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

void h5c_http_describe(long status, const char *errbody, int html, char *out, size_t len)
{
    char *code = h5c_http_xml_text(errbody, "Code"), *msg = h5c_http_xml_text(errbody, "Message");
    for (char *s = code; s && *s; s++) if (*s < 32 || *s > 126) *s = '?';
    for (char *s = msg; s && *s; s++) if (*s < 32 || *s > 126) *s = '?';
    const char *kind = status == 403 ? " (access denied)" : status == 404 ? " (not found)" : "";
    if (code)
        snprintf(out, len, "HTTP %ld %.100s%s%.200s", status, code, msg ? ": " : "", msg ? msg : "");
    else
        snprintf(out, len, "HTTP %ld%s%s", status, kind, html ? " (an HTML error page)" : "");
    free(code);
    free(msg);
}

/* http_parse.h - the parts of an HTTP response h5coro reads itself (header
 * lines, Content-Range, S3 XML error bodies), apart from the transfer code
 * so that they can be tested and fuzzed alone. */
#ifndef H5C_HTTP_PARSE_H
#define H5C_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct h5c_http_head {
    char etag[256];
    char crange[128];
    int64_t clen; /* Content-Length, -1 unknown */
    int html;     /* Content-Type text/html (a proxy's error page) */
} h5c_http_head;

void h5c_http_head_reset(h5c_http_head *h);
/* One header line as libcurl hands it over (n bytes, not NUL-terminated,
 * CRLF included). A status line starts a new response (redirect, 100). */
void h5c_http_header_line(h5c_http_head *h, const char *p, size_t n);
/* "bytes a-b/t" (t may be "*"), "bytes * /t" (416): 0 or -1 if malformed. */
int h5c_http_content_range(const char *s, uint64_t *a, uint64_t *b, uint64_t *t, int *t_known);
/* Text of the first <tag>...</tag> in doc (at most 300 bytes), malloc'd, or NULL. */
char *h5c_http_xml_text(const char *doc, const char *tag);
/* "HTTP 404 NoSuchKey: The specified key does not exist." from the status
 * and the error body (may be NULL); printable ASCII only. */
void h5c_http_describe(long status, const char *errbody, int html, char *out, size_t len);

#endif

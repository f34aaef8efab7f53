/* fuzz_http.c - libFuzzer target: an HTTP response as the remote backend
 * reads it. The input is the header block (lines ending in CRLF, status
 * lines of redirects and 100s included), a blank line, and the body: every
 * line goes through the header parser, the Content-Range it kept through
 * the range parser, and the body through the S3 XML error description. */
#include "../core/io/http_parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    h5c_http_head h;
    h5c_http_head_reset(&h);
    long status = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) { /* blank line: the body follows */
            p += n;
            break;
        }
        if (n > 9 && memcmp(p, "HTTP/", 5) == 0) { /* the status code: 3 digits after "HTTP/x.y " */
            status = 0;
            for (size_t i = 9; i < 12 && i < n && p[i] >= '0' && p[i] <= '9'; i++) status = status * 10 + (p[i] - '0');
        }
        h5c_http_header_line(&h, p, n);
        p += n;
    }
    uint64_t a = 0, b = 0, t = 0;
    int tk;
    h5c_http_content_range(h.crange, &a, &b, &t, &tk);
    char *body = malloc((size_t)(end - p) + 1);
    if (!body) return 0;
    memcpy(body, p, (size_t)(end - p));
    body[end - p] = 0;
    char msg[320];
    h5c_http_describe(status, body, h.html, msg, sizeof msg);
    free(body);
    return 0;
}

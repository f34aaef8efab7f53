/* fuzz_sigv4.c - libFuzzer target: SigV4 canonicalization of arbitrary
 * object keys, queries and headers, and the parsing of remote paths. Line 1
 * is a path or URL (s3://, /vsis3/, http(s)://, /vsicurl/), line 2 a query,
 * the lines after that header "name: value" pairs. */
#include "../core/io/s3_url.h"
#include "../core/io/sigv4.h"
#include "fuzz_text.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields ff;
    if (fuzz_split(&ff, data, size, 2 + 16) != 0) return 0;
    const char *path = fuzz_field(&ff, 0), *query = fuzz_field(&ff, 1);
    h5c_remote r;
    memset(&r, 0, sizeof r);
    r.https = r.virtual_hosting = -1;
    h5c_remote_url u;
    h5c_error err;
    const char *signed_path = path;
    int parsed = h5c_remote_url_parse(path, &r, "us-east-1", &u, &err) == 0;
    if (parsed && u.path) signed_path = u.path;
    h5c_sigv4_header hs[16];
    size_t nh = 0;
    for (size_t i = 2; i < ff.n && nh < 16; i++) {
        char *colon = strchr(ff.f[i], ':');
        if (!colon) continue;
        *colon = 0;
        hs[nh].name = ff.f[i];
        hs[nh].value = colon + 1;
        nh++;
    }
    char *enc = h5c_sigv4_uri_encode(path, strlen(path), 1);
    free(enc);
    for (int s3 = 0; s3 <= 1; s3++) {
        h5c_sigv4_request req = {"GET", signed_path, *query ? query : NULL, hs, nh, NULL, s3};
        char sig[65];
        free(h5c_sigv4_authorization(&req, "AKIDEXAMPLE", "secret", "us-east-1", "s3", "20130524T000000Z", sig));
    }
    if (parsed) h5c_remote_url_free(&u);
    free(ff.buf);
    return 0;
}

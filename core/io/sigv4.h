/* sigv4.h - AWS Signature Version 4 (header form), over OpenSSL libcrypto.
 *
 * The pieces are exposed one by one so the unit tests can check each step
 * against AWS's published examples: canonical request, string to sign,
 * signing key, signature, Authorization header. */
#ifndef H5C_SIGV4_H
#define H5C_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct h5c_sigv4_header {
    const char *name;   /* any case; trimmed and lower-cased when signed */
    const char *value;  /* leading/trailing blanks trimmed, inner runs collapsed */
} h5c_sigv4_header;

typedef struct h5c_sigv4_request {
    const char *method;        /* "GET" */
    const char *path;          /* URI path as sent (percent-encoding allowed); "" means "/" */
    const char *query;         /* query string without '?', or NULL */
    const h5c_sigv4_header *headers; /* every header to sign (host and x-amz-date included) */
    size_t nheaders;
    const char *payload_hash;  /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"; NULL: empty body */
    int s3;                    /* 1: S3 rules (path used as sent, no normalisation);
                                  0: generic rules (path segments re-encoded) */
} h5c_sigv4_request;

/* SHA-256 of the empty string, hex. */
#define H5C_SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Percent-encode per SigV4 (unreserved A-Z a-z 0-9 - . _ ~ kept; '/' kept
 * when keep_slash). Returns a malloc'd string or NULL. */
char *h5c_sigv4_uri_encode(const char *s, size_t len, int keep_slash);

/* hex of SHA-256(data); out has 65 bytes. */
void h5c_sha256_hex(const void *data, size_t len, char out[65]);

/* Canonical request; malloc'd, NULL on error (out of memory). signed_headers
 * (may be NULL) receives a malloc'd "host;x-amz-date" list. */
char *h5c_sigv4_canonical_request(const h5c_sigv4_request *req, char **signed_headers);

/* String to sign for amz_date "YYYYMMDDTHHMMSSZ"; scope "date/region/service/aws4_request". */
char *h5c_sigv4_string_to_sign(const char *amz_date, const char *scope, const char *canonical_request);

/* Signing key = HMAC chain over date (YYYYMMDD), region, service. */
int h5c_sigv4_signing_key(const char *secret, const char *date8, const char *region,
                          const char *service, uint8_t key[32]);

/* Sign req: fills sig_hex (65 bytes) and returns the malloc'd Authorization
 * header value, or NULL on error. */
char *h5c_sigv4_authorization(const h5c_sigv4_request *req, const char *access_key,
                              const char *secret, const char *region, const char *service,
                              const char *amz_date, char sig_hex[65]);

/* "YYYYMMDDTHHMMSSZ" for t (UTC). out has 17 bytes. */
void h5c_sigv4_amz_date(int64_t t, char out[17]);

#ifdef __cplusplus
}
#endif
#endif

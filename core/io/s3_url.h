/* s3_url.h - which remote URL forms we read, and how an S3 object maps to
 * an HTTP URL (endpoint, path-style or virtual-hosted addressing). */
#ifndef H5C_S3_URL_H
#define H5C_S3_URL_H

#include "h5coro.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct h5c_remote_url {
    int s3;            /* 1: S3 object (signed), 0: plain HTTP(S) */
    char *bucket, *key;/* S3 only (key not encoded) */
    char *url;         /* request URL */
    char *host;        /* Host header value (host[:port]) */
    char *path;        /* encoded path as sent (S3: the canonical URI) */
    char *name;        /* display name: no query string, no user info */
} h5c_remote_url;

/* Parse path (s3://, /vsis3/, http(s)://, /vsicurl/) and build the URL with
 * r's endpoint settings; region is used for the default AWS endpoint. */
int h5c_remote_url_parse(const char *path, const h5c_remote *r, const char *region,
                         h5c_remote_url *u, h5c_error *err);
void h5c_remote_url_free(h5c_remote_url *u);

#ifdef __cplusplus
}
#endif
#endif

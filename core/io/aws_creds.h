/* aws_creds.h - AWS credential chain as GDAL 3.6 resolves it for /vsis3/:
 * explicit/environment keys -> profile in the credentials and config files
 * -> web identity (STS AssumeRoleWithWebIdentity) -> ECS container
 * credentials -> EC2 instance metadata (IMDSv2). Expiring credentials are
 * refreshed shortly before they expire. Secrets never leave this module
 * except through h5c_aws_creds_get. */
#ifndef H5C_AWS_CREDS_H
#define H5C_AWS_CREDS_H

#include "h5coro.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct h5c_aws_creds h5c_aws_creds;

/* One consistent set of keys (malloc'd strings; token may be NULL). */
typedef struct h5c_aws_key {
    char *access_key_id, *secret_access_key, *session_token;
} h5c_aws_key;

void h5c_aws_key_clear(h5c_aws_key *k);

/* Resolve credentials for r (not anonymous: the caller handles no_sign).
 * Fails with H5C_ERR_IO naming the sources tried when none gives keys. */
h5c_aws_creds *h5c_aws_creds_new(const h5c_remote *r, h5c_error *err);
void h5c_aws_creds_free(h5c_aws_creds *c);

/* Current keys (refreshed first when they expire within 5 minutes);
 * thread-safe. The caller clears k with h5c_aws_key_clear. */
int h5c_aws_creds_get(h5c_aws_creds *c, h5c_aws_key *k, h5c_error *err);

/* Where the keys came from: "environment", "profile", "web-identity",
 * "ecs", "imds". */
const char *h5c_aws_creds_source(const h5c_aws_creds *c);

/* Region: r->region, else the profile's region in the config file, else
 * "us-east-1". Writes into buf (len bytes) and returns buf. */
const char *h5c_aws_region(const h5c_remote *r, char *buf, size_t len);

/* Seconds since the epoch of an ISO-8601 UTC time ("2024-05-01T12:00:00Z"),
 * or -1. Exposed for tests. */
int64_t h5c_aws_parse_time(const char *s);

/* Value of key in section of an INI text (aws credentials/config syntax);
 * malloc'd or NULL. Exposed for tests. */
char *h5c_aws_ini_get(const char *text, const char *section, const char *key);

#ifdef __cplusplus
}
#endif
#endif

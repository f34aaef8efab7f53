/* remote_env.c - h5c_remote from the environment, with GDAL's names. */
#include "io.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int env_bool(const char *name, int unset)
{
    const char *v = env(name);
    if (!v) return unset;
    return !(strcasecmp(v, "NO") == 0 || strcasecmp(v, "FALSE") == 0 || strcasecmp(v, "OFF") == 0 ||
             strcmp(v, "0") == 0);
}

static double env_double(const char *name, double unset)
{
    const char *v = env(name);
    if (!v) return unset;
    char *end;
    double d = strtod(v, &end);
    return end != v ? d : unset;
}

void h5c_remote_from_env(h5c_remote *r)
{
    memset(r, 0, sizeof *r);
    r->access_key_id = env("AWS_ACCESS_KEY_ID");
    r->secret_access_key = env("AWS_SECRET_ACCESS_KEY");
    r->session_token = env("AWS_SESSION_TOKEN");
    r->profile = env("AWS_PROFILE") ? env("AWS_PROFILE") : env("AWS_DEFAULT_PROFILE");
    r->region = env("AWS_REGION") ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
    r->endpoint = env("AWS_S3_ENDPOINT");
    r->https = env_bool("AWS_HTTPS", -1);
    r->virtual_hosting = env_bool("AWS_VIRTUAL_HOSTING", -1);
    r->no_sign = env_bool("AWS_NO_SIGN_REQUEST", 0);
    const char *payer = env("AWS_REQUEST_PAYER");
    r->request_payer = payer && strcasecmp(payer, "requester") == 0;
    r->config_file = env("AWS_CONFIG_FILE");
    r->credentials_file = env("CPL_AWS_CREDENTIALS_FILE");
    r->web_identity_token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
    r->role_arn = env("AWS_ROLE_ARN");
    r->sts_endpoint = env("AWS_STS_ENDPOINT");
    r->container_credentials_uri = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")
                                       ? env("AWS_CONTAINER_CREDENTIALS_FULL_URI")
                                       : env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    r->imds_endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    r->max_retry = (int)env_double("GDAL_HTTP_MAX_RETRY", -1);
    r->retry_delay = env_double("GDAL_HTTP_RETRY_DELAY", -1);
    r->timeout = env_double("GDAL_HTTP_TIMEOUT", 0);
    r->max_retry_time = 0;
    r->max_connections = (int)env_double("H5CORO_MAX_CONNECTIONS", 0);
}

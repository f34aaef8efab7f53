/* remote_stub.c - placeholder until io/http.c lands: remote URLs are
 * recognised and reported as unsupported. */
#include "io.h"
#include "../util/err.h"

#include <string.h>

int h5c_io_is_remote(const char *path)
{
    static const char *const prefixes[] = {"s3://", "/vsis3/", "http://", "https://", "/vsicurl/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    return 0;
}

h5c_io *h5c_io_remote_open(const char *path, const h5c_remote *remote, h5c_error *err)
{
    (void)remote;
    h5c_fail(err, H5C_ERR_UNSUPPORTED, "unsupported: remote access ('%s')", path);
    return NULL;
}

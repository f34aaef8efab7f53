/* local.c - local file backend over pread (thread-safe, no shared offset). */
#define _FILE_OFFSET_BITS 64
#define _XOPEN_SOURCE 700
#include "io.h"
#include "../util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct local_io {
    h5c_io io;
    int fd;
    char *path;
} local_io;

static int local_read(h5c_io *io, uint64_t off, size_t len, void *buf, h5c_error *err)
{
    local_io *l = (local_io *)io;
    if (off > io->size || len > io->size - off)
        return h5c_fail(err, H5C_ERR_FORMAT,
                        "read of %zu bytes at 0x%llx is past the end of the file (size %llu)",
                        len, (unsigned long long)off, (unsigned long long)io->size);
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(l->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return h5c_fail(err, H5C_ERR_IO, "read of %zu bytes at 0x%llx failed: %s", len,
                            (unsigned long long)off, n < 0 ? strerror(errno) : "unexpected end of file");
        done += (size_t)n;
    }
    h5c_io_count(io, len, 0);
    return 0;
}

static void local_close(h5c_io *io)
{
    local_io *l = (local_io *)io;
    close(l->fd);
    free(l->path);
    free(l);
}

h5c_io *h5c_io_local_open(const char *path, h5c_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        h5c_fail(err, errno == ENOENT ? H5C_ERR_NOT_FOUND : H5C_ERR_IO, "cannot open '%s': %s",
                 path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        h5c_fail(err, H5C_ERR_IO, "'%s' is not a regular file", path);
        close(fd);
        return NULL;
    }
    local_io *l = calloc(1, sizeof *l);
    char *p = strdup(path);
    if (!l || !p) {
        free(l);
        free(p);
        close(fd);
        H5C_NOMEM(err);
        return NULL;
    }
    l->fd = fd;
    l->path = p;
    l->io.read = local_read;
    l->io.close = local_close;
    l->io.size = (uint64_t)st.st_size;
    l->io.name = l->path;
    return &l->io;
}

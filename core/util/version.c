/* version.c - the library's version, from the macros in h5coro.h. */
#include "h5coro.h"

const char *h5c_version(void)
{
    return H5C_VERSION_STRING;
}

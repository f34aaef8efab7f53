/* table.c - every filter id h5coro knows: its name, its decoder, and why
 * the decoder is missing when it is. This one table answers "can we read
 * it" for the pipeline, the listings' names and the public
 * h5c_filter_available() (which the CLI and the GDAL driver use).
 *
 * Decoders that need a library found at build time are compiled only with
 * its H5C_HAVE_* definition (see CMakeLists.txt). */
#include "filters.h"

#include <stddef.h>

#ifdef H5C_HAVE_SZIP
#define SZIP_DEC h5c_decode_szip
#else
#define SZIP_DEC NULL
#endif
#ifdef H5C_HAVE_BZIP2
#define BZIP2_DEC h5c_decode_bzip2
#else
#define BZIP2_DEC NULL
#endif
#ifdef H5C_HAVE_LZ4
#define LZ4_DEC h5c_decode_lz4
#else
#define LZ4_DEC NULL
#endif
#ifdef H5C_HAVE_ZSTD
#define ZSTD_DEC h5c_decode_zstd
#else
#define ZSTD_DEC NULL
#endif
#ifdef H5C_HAVE_BLOSC
#define BLOSC_DEC h5c_decode_blosc
#else
#define BLOSC_DEC NULL
#endif

static const h5c_filter_def table[] = {
    {1, "deflate", h5c_decode_deflate, NULL},
    {2, "shuffle", h5c_decode_shuffle, NULL},
    {3, "fletcher32", h5c_decode_fletcher32, NULL},
    {4, "szip", SZIP_DEC, "h5coro was built without libaec (libsz)"},
    {5, "nbit", h5c_decode_nbit, NULL},
    {6, "scaleoffset", h5c_decode_scaleoffset, NULL},
    {307, "bzip2", BZIP2_DEC, "h5coro was built without libbz2"},
    {32000, "lzf", h5c_decode_lzf, NULL},
    {32001, "blosc", BLOSC_DEC, "h5coro was built without libblosc"},
    {32004, "lz4", LZ4_DEC, "h5coro was built without liblz4"},
    {32008, "bitshuffle", NULL, "no decoder"},
    {32013, "zfp", NULL, "no decoder"},
    {32015, "zstd", ZSTD_DEC, "h5coro was built without libzstd"},
    {32017, "sz", NULL, "no decoder"},
    {32026, "blosc2", NULL, "no decoder"},
};

const h5c_filter_def *h5c_filter_lookup(uint16_t id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].id == id) return &table[i];
    return NULL;
}

const char *h5c_filter_known_name(uint16_t id)
{
    const h5c_filter_def *d = h5c_filter_lookup(id);
    return d ? d->name : NULL;
}

int h5c_filter_available(unsigned id, const char **name)
{
    const h5c_filter_def *d = id <= UINT16_MAX ? h5c_filter_lookup((uint16_t)id) : NULL;
    if (name) *name = d ? d->name : NULL;
    return d && d->decode ? 1 : 0;
}

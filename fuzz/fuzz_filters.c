/* fuzz_filters.c - libFuzzer target: each filter decoder on one chunk, as
 * the reader runs it (h5c_filters_run with a kept scratch). Input: byte 0
 * picks the filter, byte 1 the number of client values (0-7), then the
 * values (4 bytes each, little-endian), 4 bytes of decoded chunk size
 * (capped at 4 MiB), and the stored chunk. */
#include "fuzz_file.h"

static const uint16_t ids[] = {1, 2, 3, 4, 5, 6, 307, 32000, 32001, 32004, 32015};
#define NIDS (sizeof ids / sizeof ids[0])

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint32_t nc = data[1] & 7;
    size_t head = 2 + 4 * (size_t)nc + 4;
    if (size < head) return 0;
    uint32_t cv[8];
    for (uint32_t i = 0; i < nc; i++) cv[i] = le32(data + 2 + 4 * i);
    size_t expect = le32(data + head - 4) & ((4u << 20) - 1);
    h5c_pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.n = 1;
    pl.f[0].id = ids[data[0] % NIDS];
    pl.f[0].name = "fuzz";
    pl.f[0].ncvalues = nc;
    pl.f[0].cvalues = cv;
    h5c_scratch s;
    memset(&s, 0, sizeof s);
    const uint8_t *out;
    h5c_error err;
    if (h5c_filters_run(&pl, 0, data + head, size - head, expect, &s, &out, &err) == 0 && expect) {
        volatile uint8_t sink = out[expect - 1];
        (void)sink;
    }
    h5c_scratch_free(&s);
    return 0;
}

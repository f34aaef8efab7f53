/* fuzz_gheap.c - libFuzzer target: global heap collections ("GCOL") and
 * their objects (what vlen data and region references point at). */
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    uint64_t at[4];
    size_t n = fuzz_find(f, data, size, "GCOL", at, 4);
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < 8; k++) {
            h5c_error err;
            uint8_t *obj = NULL;
            size_t len = 0;
            if (h5c_gheap_get(f, at[i], k, &obj, &len, &err) == 0) free(obj);
        }
    h5c_close(f);
    return 0;
}

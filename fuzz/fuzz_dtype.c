/* fuzz_dtype.c - libFuzzer target: a datatype message (compound, enum,
 * array, vlen, nested to the depth cap), then the conversion of four
 * elements of it, their bytes taken from the input over and over. Input
 * layout as fuzz_msg.c (byte 0 ignored, byte 1 sizes). */
#include "fuzz_msg.h"

#define MAX_CONVERT (1u << 20)

static void convert(h5c_file *f, const h5c_dtype *t, const uint8_t *data, size_t size)
{
    size_t ms = h5c_dtype_mem_size(t);
    size_t n = 4;
    if (!t->size || !ms || ms > MAX_CONVERT / n || t->size > MAX_CONVERT / n) return;
    uint8_t *src = malloc((size_t)t->size * n), *dst = calloc(n, ms);
    if (src && dst) {
        for (size_t i = 0; i < (size_t)t->size * n; i++) src[i] = data[i % size];
        h5c_error err;
        if (h5c_convert(f, t, src, dst, n, &err) == 0) h5c_free_vlen(t, dst, n);
    }
    free(src);
    free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    h5c_file *f = fuzz_sized_file(data[1]);
    if (!f) return 0;
    h5c_error err;
    h5c_dtype *t = NULL;
    if (h5c_dtype_parse(f, data + 2, size - 2, 0x100, &t, &err) == 0) {
        fuzz_use_dtype(t);
        convert(f, t, data + 2, size - 2);
        h5c_dtype_free(t);
    }
    h5c_close(f);
    return 0;
}

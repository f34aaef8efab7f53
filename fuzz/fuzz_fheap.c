/* fuzz_fheap.c - libFuzzer target: fractal heaps ("FRHP": header, direct
 * and indirect blocks, managed, tiny and huge objects) read through the
 * dense link and attribute storage (name index = the first "BTHD"), and
 * objects fetched by IDs taken from the input's last bytes. */
#include "fuzz_file.h"

static int on_link(const h5c_link *l, void *ud, h5c_error *err)
{
    (void)l;
    (void)err;
    return ++*(int *)ud > 4096;
}

static int on_attr(h5c_attrmsg *a, void *ud, h5c_error *err)
{
    (void)err;
    h5c_attrmsg_free(a);
    return ++*(int *)ud > 4096;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    h5c_error err;
    uint64_t heaps[4], bt2 = H5C_UNDEF;
    size_t nh = fuzz_find(f, data, size, "FRHP", heaps, 4);
    fuzz_find(f, data, size, "BTHD", &bt2, 1);
    for (size_t i = 0; i < nh; i++) {
        h5c_dense_info di = {heaps[i], bt2, H5C_UNDEF};
        int count = 0;
        h5c_dense_links(f, &di, on_link, &count, &err);
        count = 0;
        h5c_dense_attrs(f, &di, on_attr, &count, &err);
        for (size_t k = 1; k <= 2 && size >= 16; k++) { /* IDs of 8 bytes from the tail */
            uint8_t *obj = NULL;
            size_t len = 0;
            if (h5c_fheap_get(f, heaps[i], data + size - 8 * k, 8, &obj, &len, &err) == 0) free(obj);
        }
    }
    h5c_close(f);
    return 0;
}

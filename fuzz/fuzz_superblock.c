/* fuzz_superblock.c - libFuzzer target: the superblock (v0-v3, user block
 * offsets, the extension's messages) and the root object header it names. */
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    if (f->root_addr != H5C_UNDEF) {
        h5c_error err;
        h5c_ohdr oh;
        if (h5c_ohdr_read(f, f->root_addr, &oh, &err) == 0) h5c_ohdr_free(&oh);
    }
    h5c_close(f);
    return 0;
}

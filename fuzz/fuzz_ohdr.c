/* fuzz_ohdr.c - libFuzzer target: object headers (v1 at the root address,
 * v2 wherever an "OHDR" signature sits), their continuation blocks and
 * shared messages, and the parser of every message found in them. */
#include "fuzz_msg.h"

static void one(h5c_file *f, uint64_t addr)
{
    h5c_error err;
    h5c_ohdr oh;
    if (h5c_ohdr_read(f, addr, &oh, &err) != 0) return;
    for (size_t i = 0; i < oh.nmsgs; i++) fuzz_parse_msg(f, &oh.msgs[i]);
    h5c_ohdr_free(&oh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    if (f->root_addr != H5C_UNDEF) one(f, f->root_addr);
    uint64_t at[FUZZ_MAX_HITS];
    size_t n = fuzz_find(f, data, size, "OHDR", at, FUZZ_MAX_HITS);
    for (size_t i = 0; i < n; i++) one(f, at[i]);
    h5c_close(f);
    return 0;
}

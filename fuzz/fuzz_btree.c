/* fuzz_btree.c - libFuzzer target: group B-trees v1 with their symbol table
 * nodes and local heap (every "TREE", the first "HEAP"), and B-trees v2
 * (every "BTHD": header, internal and leaf nodes, records). */
#include "fuzz_file.h"

static int on_link(const h5c_link *l, void *ud, h5c_error *err)
{
    (void)err;
    volatile size_t sink = strlen(l->name);
    (void)sink;
    return ++*(int *)ud > 4096; /* stop a huge tree early */
}

static int on_rec(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *err)
{
    (void)err;
    volatile uint8_t sink = len ? rec[len - 1] : type;
    (void)sink;
    return ++*(int *)ud > 4096;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5c_file *f = fuzz_file(data, size);
    if (!f) return 0;
    h5c_error err;
    uint64_t trees[FUZZ_MAX_HITS], heap;
    size_t nt = fuzz_find(f, data, size, "TREE", trees, FUZZ_MAX_HITS);
    if (fuzz_find(f, data, size, "HEAP", &heap, 1) == 1)
        for (size_t i = 0; i < nt; i++) {
            int count = 0;
            h5c_symtab_iterate(f, trees[i], heap, on_link, &count, &err);
        }
    uint64_t bt2[FUZZ_MAX_HITS];
    size_t nb = fuzz_find(f, data, size, "BTHD", bt2, FUZZ_MAX_HITS);
    for (size_t i = 0; i < nb; i++) {
        int count = 0;
        h5c_bt2_iterate(f, bt2[i], on_rec, &count, &err);
    }
    h5c_close(f);
    return 0;
}

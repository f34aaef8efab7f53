/* fuzz_dspace.c - libFuzzer target: a dataspace message (v1, v2; rank,
 * dims and max dims). Input layout as fuzz_msg.c (byte 0 ignored). */
#include "fuzz_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    h5c_file *f = fuzz_sized_file(data[1]);
    if (!f) return 0;
    h5c_msg m;
    memset(&m, 0, sizeof m);
    m.type = H5C_MSG_DATASPACE;
    m.size = (uint32_t)(size - 2);
    m.data = data + 2;
    m.addr = 0x100;
    fuzz_parse_msg(f, &m);
    h5c_close(f);
    return 0;
}

/* fuzz_msg.c - libFuzzer target: one object header message body. Byte 0
 * picks the message type, byte 1 the size of offsets and lengths (2, 4 or 8),
 * the rest is the body (seeds: every message of the data/ files, written by
 * `fuzz_replay --seeds`). */
#include "fuzz_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    h5c_file *f = fuzz_sized_file(data[1]);
    if (!f) return 0;
    h5c_msg m;
    memset(&m, 0, sizeof m);
    m.type = data[0];
    m.size = (uint32_t)(size - 2);
    m.data = data + 2;
    m.addr = 0x100;
    fuzz_parse_msg(f, &m);
    h5c_close(f);
    return 0;
}

// Parsers of the format layer on hand-built byte buffers: superblock,
// object headers, messages and value conversion, well-formed and malformed.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "format/format.h"
}

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes &b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) b.push_back(uint8_t(v >> (8 * i)));
}

void put_str(Bytes &b, const char *s)
{
    b.insert(b.end(), s, s + std::strlen(s));
}

// A file handle over an in-memory image, without reading a superblock.
struct MemFile {
    h5c_file f{};
    explicit MemFile(const Bytes &img)
    {
        h5c_error e{};
        f.io = h5c_io_mem_open(img.data(), img.size(), &e);
        f.eof = f.io->size;
        f.so = f.sl = 8;
        f.sym_leaf_k = 4;
        f.btree_k = 16;
        f.chunk_k = 32;
        f.root_addr = f.ext_addr = f.sohm_addr = H5C_UNDEF;
        f.nthreads = 1;
        pthread_mutex_init(&f.gheap_lock, nullptr);
    }
    ~MemFile()
    {
        h5c_gheap_cache_free(&f);
        pthread_mutex_destroy(&f.gheap_lock);
        f.io->close(f.io);
    }
};

h5c_msg msg_of(uint16_t type, const Bytes &b)
{
    h5c_msg m{};
    m.type = type;
    m.size = uint32_t(b.size());
    m.data = b.data();
    m.addr = 0x100;
    return m;
}

// ---- superblock ------------------------------------------------------------

Bytes superblock_v0(uint64_t root)
{
    Bytes b = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    b.insert(b.end(), {0, 0, 0, 0, 0, 8, 8, 0});
    put(b, 4, 2);   // leaf K
    put(b, 16, 2);  // internal K
    put(b, 0, 4);   // flags
    put(b, 0, 8);   // base
    put(b, ~0ull, 8);
    put(b, 4096, 8);  // eof
    put(b, ~0ull, 8);
    put(b, 0, 8);     // root entry: name offset
    put(b, root, 8);  // root object header
    put(b, 0, 4);
    put(b, 0, 4);
    b.resize(b.size() + 16, 0);
    return b;
}

TEST(Superblock, NoSignature)
{
    Bytes img(4096, 0);
    h5c_error e{};
    h5c_file *f = h5c_open_io(h5c_io_mem_open(img.data(), img.size(), &e), nullptr, &e);
    EXPECT_EQ(f, nullptr);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("no signature"), std::string::npos);
}

TEST(Superblock, Truncated)
{
    Bytes img = superblock_v0(0x60);
    img.resize(30);
    h5c_error e{};
    h5c_file *f = h5c_open_io(h5c_io_mem_open(img.data(), img.size(), &e), nullptr, &e);
    EXPECT_EQ(f, nullptr);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("truncated"), std::string::npos);
}

TEST(Superblock, BadSizeOfOffsets)
{
    Bytes img = superblock_v0(0x60);
    img[13] = 3;
    h5c_error e{};
    EXPECT_EQ(h5c_open_io(h5c_io_mem_open(img.data(), img.size(), &e), nullptr, &e), nullptr);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

TEST(Superblock, UnknownVersion)
{
    Bytes img = superblock_v0(0x60);
    img[8] = 9;
    h5c_error e{};
    EXPECT_EQ(h5c_open_io(h5c_io_mem_open(img.data(), img.size(), &e), nullptr, &e), nullptr);
    EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
    EXPECT_NE(std::string(e.msg).find("unsupported: superblock version 9"), std::string::npos);
}

TEST(Superblock, V2BadChecksum)
{
    Bytes b = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 2, 8, 8, 0};
    put(b, 0, 8);
    put(b, ~0ull, 8);
    put(b, 4096, 8);
    put(b, 0x30, 8);
    uint32_t sum = h5c_lookup3(b.data(), b.size(), 0);
    put(b, sum ^ 1, 4);
    b.resize(4096, 0);
    h5c_error e{};
    EXPECT_EQ(h5c_open_io(h5c_io_mem_open(b.data(), b.size(), &e), nullptr, &e), nullptr);
    EXPECT_EQ(e.code, H5C_ERR_CHECKSUM);
}

TEST(Superblock, SignatureAfterUserBlock)
{
    // Signature at 512 with a root header that is not there: the signature is
    // found and the error is about the root object, not the signature.
    Bytes img(512, 0);
    Bytes sb = superblock_v0(0x60);
    img.insert(img.end(), sb.begin(), sb.end());
    img.resize(1024, 0);
    h5c_error e{};
    h5c_file *f = h5c_open_io(h5c_io_mem_open(img.data(), img.size(), &e), nullptr, &e);
    ASSERT_NE(f, nullptr) << e.msg;
    EXPECT_EQ(f->base, 512u);
    EXPECT_EQ(f->root_addr, 0x60u);
    uint64_t addr;
    EXPECT_EQ(h5c_path_resolve(f, "/x", &addr, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    h5c_close(f);
}

// ---- object headers --------------------------------------------------------

// v1 object header at `at` whose only message is a continuation to `cont`.
void v1_header_with_continuation(Bytes &img, size_t at, uint64_t cont, uint64_t cont_len)
{
    Bytes h = {1, 0};
    put(h, 1, 2);   // messages
    put(h, 1, 4);   // refcount
    put(h, 24, 4);  // header size
    put(h, 0, 4);   // pad to 16
    put(h, H5C_MSG_CONTINUATION, 2);
    put(h, 16, 2);
    put(h, 0, 4);
    put(h, cont, 8);
    put(h, cont_len, 8);
    if (img.size() < at + h.size()) img.resize(at + h.size(), 0);
    std::copy(h.begin(), h.end(), img.begin() + long(at));
}

TEST(ObjectHeader, ContinuationCycle)
{
    Bytes img(0x200, 0);
    // header at 0x40 continues at 0x80 (messages: continuation back to 0x80)
    v1_header_with_continuation(img, 0x40, 0x80, 24);
    Bytes cont;
    put(cont, H5C_MSG_CONTINUATION, 2);
    put(cont, 16, 2);
    put(cont, 0, 4);
    put(cont, 0x80, 8);
    put(cont, 24, 8);
    std::copy(cont.begin(), cont.end(), img.begin() + 0x80);
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("cycle"), std::string::npos) << e.msg;
}

TEST(ObjectHeader, ContinuationPastEnd)
{
    Bytes img(0x200, 0);
    v1_header_with_continuation(img, 0x40, 0x1000, 24);
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("past the end"), std::string::npos) << e.msg;
}

TEST(ObjectHeader, MessageRunsPastBlock)
{
    Bytes img(0x200, 0);
    v1_header_with_continuation(img, 0x40, 0x80, 24);
    img[0x40 + 16 + 2] = 0xff;  // message size 0x00ff > 24-byte block
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("runs past its block"), std::string::npos) << e.msg;
}

Bytes v2_header(const Bytes &msgs, bool good_sum)
{
    Bytes b = {'O', 'H', 'D', 'R', 2, 0x02};  // chunk0 size in 4 bytes
    put(b, msgs.size(), 4);
    b.insert(b.end(), msgs.begin(), msgs.end());
    uint32_t sum = h5c_lookup3(b.data(), b.size(), 0);
    put(b, good_sum ? sum : sum + 1, 4);
    return b;
}

TEST(ObjectHeader, V2ChecksumVerified)
{
    Bytes msgs = {H5C_MSG_NIL, 4, 0, 0, 0, 0, 0, 0};
    for (bool good : {true, false}) {
        Bytes img(0x40, 0);
        Bytes h = v2_header(msgs, good);
        img.insert(img.end(), h.begin(), h.end());
        MemFile m(img);
        h5c_ohdr oh;
        h5c_error e{};
        if (good) {
            ASSERT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), 0) << e.msg;
            EXPECT_EQ(oh.version, 2);
            EXPECT_EQ(oh.nmsgs, 0u);  // NIL messages are dropped
            h5c_ohdr_free(&oh);
        } else {
            EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
            EXPECT_EQ(e.code, H5C_ERR_CHECKSUM);
        }
    }
}

TEST(ObjectHeader, UnknownMessageFlaggedFailIfUnknown)
{
    Bytes msgs = {0x99, 2, 0, 0x80, 0, 0};
    Bytes img(0x40, 0);
    Bytes h = v2_header(msgs, true);
    img.insert(img.end(), h.begin(), h.end());
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
    EXPECT_NE(std::string(e.msg).find("unknown message type 0x99 flagged fail-if-unknown"), std::string::npos);
}

TEST(ObjectHeader, UnknownMessageSkipped)
{
    Bytes msgs = {0x99, 2, 0, 0x00, 0, 0};
    Bytes img(0x40, 0);
    Bytes h = v2_header(msgs, true);
    img.insert(img.end(), h.begin(), h.end());
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    ASSERT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), 0) << e.msg;
    EXPECT_EQ(oh.nmsgs, 1u);
    h5c_ohdr_free(&oh);
}

TEST(ObjectHeader, BadSignature)
{
    Bytes img(0x100, 0);
    img[0x40] = 7;
    MemFile m(img);
    h5c_ohdr oh;
    h5c_error e{};
    EXPECT_EQ(h5c_ohdr_read(&m.f, 0x40, &oh, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::string(e.msg).find("object header at 0x40"), std::string::npos) << e.msg;
}

// ---- dataspace -------------------------------------------------------------

TEST(Dataspace, V1WithMaxDims)
{
    Bytes b = {1, 2, 1, 0, 0, 0, 0, 0};
    put(b, 10, 8);
    put(b, 20, 8);
    put(b, 10, 8);
    put(b, ~0ull, 8);
    MemFile m(Bytes(16, 0));
    h5c_msg msg = msg_of(H5C_MSG_DATASPACE, b);
    h5c_dspace s;
    h5c_error e{};
    ASSERT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), 0) << e.msg;
    EXPECT_EQ(s.rank, 2);
    EXPECT_EQ(s.dims[0], 10u);
    EXPECT_EQ(s.dims[1], 20u);
    EXPECT_EQ(s.maxdims[1], UINT64_MAX);
    EXPECT_EQ(h5c_dspace_nelem(&s), 200u);
}

TEST(Dataspace, V2ScalarAndNull)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dspace s;
    Bytes scalar = {2, 0, 0, 0};
    h5c_msg msg = msg_of(H5C_MSG_DATASPACE, scalar);
    ASSERT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), 0);
    EXPECT_EQ(s.rank, 0);
    EXPECT_EQ(h5c_dspace_nelem(&s), 1u);
    Bytes null = {2, 0, 0, 2};
    msg = msg_of(H5C_MSG_DATASPACE, null);
    ASSERT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), 0);
    EXPECT_EQ(s.rank, -1);
    EXPECT_EQ(h5c_dspace_nelem(&s), 0u);
}

TEST(Dataspace, Malformed)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dspace s;
    Bytes big_rank = {2, 40, 0, 1};
    h5c_msg msg = msg_of(H5C_MSG_DATASPACE, big_rank);
    EXPECT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    Bytes truncated = {2, 2, 0, 1, 5, 0, 0};
    msg = msg_of(H5C_MSG_DATASPACE, truncated);
    EXPECT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), -1);
    EXPECT_NE(std::string(e.msg).find("truncated"), std::string::npos);
    Bytes version = {7, 0, 0, 0};
    msg = msg_of(H5C_MSG_DATASPACE, version);
    EXPECT_EQ(h5c_dspace_parse(&m.f, &msg, &s, &e), -1);
}

// ---- datatypes -------------------------------------------------------------

Bytes dt_int(unsigned size, bool big, bool sign, unsigned version = 1)
{
    Bytes b = {uint8_t(version << 4 | 0), uint8_t((big ? 1 : 0) | (sign ? 8 : 0)), 0, 0};
    put(b, size, 4);
    put(b, 0, 2);
    put(b, size * 8, 2);
    return b;
}

Bytes dt_f64_be()
{
    Bytes b = {0x11, 0x21, 63, 0};
    put(b, 8, 4);
    put(b, 0, 2);
    put(b, 64, 2);
    b.insert(b.end(), {52, 11, 0, 52});
    put(b, 1023, 4);
    return b;
}

TEST(Datatype, IntegerAndFloat)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dtype *t = nullptr;
    Bytes b = dt_int(2, true, true);
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    char s[64];
    EXPECT_STREQ(h5c_dtype_str(t, s, sizeof s), ">i2");
    uint8_t src[4] = {0xff, 0xfe, 0x00, 0x05}, dst[4];
    ASSERT_EQ(h5c_convert(&m.f, t, src, dst, 2, &e), 0);
    int16_t v[2];
    std::memcpy(v, dst, 4);
    EXPECT_EQ(v[0], -2);
    EXPECT_EQ(v[1], 5);
    h5c_dtype_free(t);

    b = dt_f64_be();
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    EXPECT_STREQ(h5c_dtype_str(t, s, sizeof s), ">f8");
    uint8_t one_be[8] = {0x3f, 0xf0, 0, 0, 0, 0, 0, 0};
    double d;
    ASSERT_EQ(h5c_convert(&m.f, t, one_be, reinterpret_cast<uint8_t *>(&d), 1, &e), 0);
    EXPECT_EQ(d, 1.0);
    h5c_dtype_free(t);
}

TEST(Datatype, IntegerWithPrecisionAndOffset)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dtype *t = nullptr;
    Bytes b = {0x10, 0x08, 0, 0};  // signed LE
    put(b, 2, 4);
    put(b, 4, 2);   // bit offset
    put(b, 6, 2);   // precision
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    // bits 4..9 hold 0b100000 = -32 as a 6-bit signed value
    uint16_t raw = uint16_t(0x20 << 4), out;
    ASSERT_EQ(h5c_convert(&m.f, t, reinterpret_cast<uint8_t *>(&raw), reinterpret_cast<uint8_t *>(&out), 1, &e), 0);
    EXPECT_EQ(int16_t(out), -32);
    h5c_dtype_free(t);
}

// Array datatype (version 3) of d0 x d1 little-endian int32 whose size
// field says size.
Bytes dt_array2_i4(uint32_t size, uint32_t d0, uint32_t d1)
{
    Bytes b = {0x3a, 0, 0, 0};
    put(b, size, 4);
    b.push_back(2);
    put(b, d0, 4);
    put(b, d1, 4);
    Bytes base = dt_int(4, false, true);
    b.insert(b.end(), base.begin(), base.end());
    return b;
}

TEST(Datatype, ArrayWhoseElementWrapsThe32BitSizeIsRejected)
{
    // 2 x 536870915 int32 = 4294967320 bytes: the product wraps to 24 in
    // 32 bits, the size field says 24 (a fuzzer input that allocated 4 GiB
    // per attribute element)
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dtype *t = nullptr;
    Bytes b = dt_array2_i4(24, 2, 536870915u);
    EXPECT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    EXPECT_NE(std::strstr(e.msg, "array type larger than 4 GiB"), nullptr) << e.msg;
    EXPECT_EQ(t, nullptr);

    // the same layout with 2 x 3 elements parses, 24 bytes
    b = dt_array2_i4(24, 2, 3);
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    EXPECT_EQ(t->size, 24u);
    EXPECT_EQ(h5c_dtype_mem_size(t), 24u);
    h5c_dtype_free(t);
}

TEST(Datatype, QuadFloatIsUnsupported)
{
    // IEEE binary128: 16 bytes, 15-bit exponent at bit 112, 112-bit mantissa
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dtype *t = nullptr;
    Bytes b = {0x11, 0x20, 127, 0};
    put(b, 16, 4);
    put(b, 0, 2);
    put(b, 128, 2);
    b.insert(b.end(), {112, 15, 0, 112});
    put(b, 16383, 4);
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0);
    uint8_t src[16] = {0}, dst[16];
    EXPECT_EQ(h5c_convert(&m.f, t, src, dst, 1, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
    EXPECT_NE(std::string(e.msg).find("unsupported:"), std::string::npos);
    h5c_dtype_free(t);
}

TEST(Datatype, CompoundV3)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    Bytes b = {0x36, 2, 0, 0};
    put(b, 12, 4);
    put_str(b, "a");
    b.push_back(0);
    b.push_back(0);  // offset, 1 byte (size 12 < 256)
    Bytes i4 = dt_int(4, false, true);
    b.insert(b.end(), i4.begin(), i4.end());
    put_str(b, "b");
    b.push_back(0);
    b.push_back(4);
    Bytes f8 = dt_f64_be();
    b.insert(b.end(), f8.begin(), f8.end());
    h5c_dtype *t = nullptr;
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    ASSERT_EQ(t->cls, H5C_COMPOUND);
    ASSERT_EQ(t->nmembers, 2u);
    EXPECT_STREQ(t->members[1].name, "b");
    EXPECT_EQ(t->members[1].offset, 4u);
    char s[64];
    EXPECT_STREQ(h5c_dtype_str(t, s, sizeof s), "|V12");
    h5c_dtype_free(t);
    // member outside the element
    b[b.size() - f8.size() - 1] = 8;
    EXPECT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

TEST(Datatype, CompoundWithVlenMemberGetsMemoryLayout)
{
    // {int16 "d" @0, vlen string "s" @2}: 18 bytes in the file; in memory the
    // string is a char* at offset 8 (natural alignment), 16 bytes in all.
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    Bytes b = {0x36, 2, 0, 0};
    put(b, 18, 4);
    put_str(b, "d");
    b.push_back(0);
    b.push_back(0);
    Bytes i2 = dt_int(2, false, true);
    b.insert(b.end(), i2.begin(), i2.end());
    put_str(b, "s");
    b.push_back(0);
    b.push_back(2);
    b.insert(b.end(), {0x19, 0x01, 0, 0});
    put(b, 16, 4);
    Bytes u1 = dt_int(1, false, false);
    b.insert(b.end(), u1.begin(), u1.end());
    h5c_dtype *t = nullptr;
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    EXPECT_EQ(h5c_dtype_mem_size(t), 16u);
    EXPECT_EQ(t->members[1].mem_offset, 8u);
    Bytes src = {0xfe, 0xff};
    src.resize(18, 0);  // empty string: length 0, no heap object
    uint8_t dst[16];
    ASSERT_EQ(h5c_convert(&m.f, t, src.data(), dst, 1, &e), 0) << e.msg;
    int16_t d;
    char *str;
    std::memcpy(&d, dst, 2);
    std::memcpy(&str, dst + 8, sizeof str);
    EXPECT_EQ(d, -2);
    ASSERT_NE(str, nullptr);
    EXPECT_STREQ(str, "");
    h5c_free_vlen(t, dst, 1);
    h5c_dtype_free(t);
}

TEST(Datatype, VlenStringAndArray)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    Bytes b = {0x19, 0x01, 0, 0};
    put(b, 16, 4);
    Bytes u1 = dt_int(1, false, false);
    b.insert(b.end(), u1.begin(), u1.end());
    h5c_dtype *t = nullptr;
    ASSERT_EQ(h5c_dtype_parse(&m.f, b.data(), b.size(), 0, &t, &e), 0) << e.msg;
    char s[64];
    EXPECT_STREQ(h5c_dtype_str(t, s, sizeof s), "vlen-str");
    EXPECT_EQ(h5c_dtype_mem_size(t), sizeof(char *));
    h5c_dtype_free(t);

    Bytes a = {0x3a, 0, 0, 0};
    put(a, 24, 4);
    a.push_back(2);
    put(a, 2, 4);
    put(a, 3, 4);
    Bytes i4 = dt_int(4, false, true);
    a.insert(a.end(), i4.begin(), i4.end());
    ASSERT_EQ(h5c_dtype_parse(&m.f, a.data(), a.size(), 0, &t, &e), 0) << e.msg;
    EXPECT_STREQ(h5c_dtype_str(t, s, sizeof s), "(2,3,)<i4");
    h5c_dtype_free(t);
}

TEST(Datatype, Malformed)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_dtype *t = nullptr;
    Bytes b = dt_int(4, false, true);
    EXPECT_EQ(h5c_dtype_parse(&m.f, b.data(), 6, 0, &t, &e), -1);  // truncated
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
    Bytes cls = {0x1e, 0, 0, 0, 4, 0, 0, 0};  // class 14
    EXPECT_EQ(h5c_dtype_parse(&m.f, cls.data(), cls.size(), 0, &t, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
    // vlen of vlen of ... deeper than the nesting cap
    Bytes deep;
    for (int i = 0; i < 40; i++) {
        deep.insert(deep.end(), {0x19, 0, 0, 0});
        put(deep, 16, 4);
    }
    Bytes tail = dt_int(1, false, false);
    deep.insert(deep.end(), tail.begin(), tail.end());
    EXPECT_EQ(h5c_dtype_parse(&m.f, deep.data(), deep.size(), 0, &t, &e), -1);
    EXPECT_NE(std::string(e.msg).find("too deep"), std::string::npos);
    // compound claiming 60000 members in a 20-byte message
    Bytes many = {0x36, 0x60, 0xea, 0};
    put(many, 8, 4);
    many.resize(20, 0);
    EXPECT_EQ(h5c_dtype_parse(&m.f, many.data(), many.size(), 0, &t, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

// ---- layout, fill value, pipeline, links ------------------------------------

TEST(Layout, V4FixedArray)
{
    MemFile m(Bytes(16, 0));
    Bytes b = {4, 2, 0, 3, 2};
    put(b, 10, 2);
    put(b, 20, 2);
    put(b, 4, 2);
    b.push_back(3);  // fixed array
    b.push_back(10);
    put(b, 0x800, 8);
    h5c_msg msg = msg_of(H5C_MSG_LAYOUT, b);
    h5c_layout l;
    h5c_error e{};
    ASSERT_EQ(h5c_layout_parse(&m.f, &msg, &l, &e), 0) << e.msg;
    EXPECT_EQ(l.cls, H5C_LAYOUT_CHUNKED);
    EXPECT_EQ(l.index, H5C_INDEX_FIXED_ARRAY);
    EXPECT_EQ(l.ndims, 2);
    EXPECT_EQ(l.chunk[0], 10u);
    EXPECT_EQ(l.chunk[1], 20u);
    EXPECT_EQ(l.elem_size, 4u);
    EXPECT_EQ(l.fa_page_bits, 10);
    EXPECT_EQ(l.addr, 0x800u);
    h5c_layout_free(&l);
    b[5] = 0;  // zero chunk dimension
    msg = msg_of(H5C_MSG_LAYOUT, b);
    EXPECT_EQ(h5c_layout_parse(&m.f, &msg, &l, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

TEST(Layout, V3ContiguousAndCompact)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_layout l;
    Bytes c = {3, 1};
    put(c, 0x1234, 8);
    put(c, 400, 8);
    h5c_msg msg = msg_of(H5C_MSG_LAYOUT, c);
    ASSERT_EQ(h5c_layout_parse(&m.f, &msg, &l, &e), 0);
    EXPECT_EQ(l.addr, 0x1234u);
    EXPECT_EQ(l.size, 400u);
    h5c_layout_free(&l);
    Bytes k = {3, 0};
    put(k, 100, 2);  // claims 100 bytes, has 3
    k.insert(k.end(), {1, 2, 3});
    msg = msg_of(H5C_MSG_LAYOUT, k);
    EXPECT_EQ(h5c_layout_parse(&m.f, &msg, &l, &e), -1);
    EXPECT_NE(std::string(e.msg).find("compact data truncated"), std::string::npos);
}

TEST(FillValue, Versions)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_fill fv;
    Bytes v3 = {3, 0x20 | 0x02};
    put(v3, 4, 4);
    put(v3, 0x3fc00000, 4);  // 1.5f
    h5c_msg msg = msg_of(H5C_MSG_FILL, v3);
    ASSERT_EQ(h5c_fill_parse(&m.f, &msg, &fv, &e), 0);
    EXPECT_TRUE(fv.defined);
    EXPECT_EQ(fv.size, 4u);
    float f;
    std::memcpy(&f, fv.value, 4);
    EXPECT_EQ(f, 1.5f);
    h5c_fill_free(&fv);
    Bytes v2_undef = {2, 1, 0, 0};
    msg = msg_of(H5C_MSG_FILL, v2_undef);
    ASSERT_EQ(h5c_fill_parse(&m.f, &msg, &fv, &e), 0);
    EXPECT_FALSE(fv.defined);
    h5c_fill_free(&fv);
    Bytes old = {};
    put(old, 2, 4);
    put(old, 0x0102, 2);
    msg = msg_of(H5C_MSG_FILL_OLD, old);
    ASSERT_EQ(h5c_fill_parse(&m.f, &msg, &fv, &e), 0);
    EXPECT_EQ(fv.size, 2u);
    h5c_fill_free(&fv);
    Bytes bad = {3, 0x20};
    put(bad, 1000, 4);
    msg = msg_of(H5C_MSG_FILL, bad);
    EXPECT_EQ(h5c_fill_parse(&m.f, &msg, &fv, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

TEST(Pipeline, V1AndV2)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_pipeline pl;
    Bytes v2 = {2, 2};
    put(v2, 2, 2);  // shuffle
    put(v2, 1, 2);  // optional
    put(v2, 1, 2);
    put(v2, 4, 4);
    put(v2, 1, 2);  // deflate
    put(v2, 0, 2);
    put(v2, 1, 2);
    put(v2, 6, 4);
    h5c_msg msg = msg_of(H5C_MSG_PIPELINE, v2);
    ASSERT_EQ(h5c_pipeline_parse(&m.f, &msg, &pl, &e), 0) << e.msg;
    ASSERT_EQ(pl.n, 2);
    EXPECT_STREQ(pl.f[0].name, "shuffle");
    EXPECT_EQ(pl.f[0].cvalues[0], 4u);
    EXPECT_STREQ(pl.f[1].name, "deflate");
    EXPECT_EQ(pl.f[1].cvalues[0], 6u);
    h5c_pipeline_free(&pl);
    Bytes v1 = {1, 1, 0, 0, 0, 0, 0, 0};
    put(v1, 300, 2);
    put(v1, 3, 2);  // name length incl. NUL
    put(v1, 0, 2);
    put(v1, 0, 2);
    v1.insert(v1.end(), {'a', 'b', 0, 0, 0, 0, 0, 0});
    msg = msg_of(H5C_MSG_PIPELINE, v1);
    ASSERT_EQ(h5c_pipeline_parse(&m.f, &msg, &pl, &e), 0) << e.msg;
    EXPECT_STREQ(pl.f[0].name, "ab");
    h5c_pipeline_free(&pl);
    Bytes many = {2, 200};
    msg = msg_of(H5C_MSG_PIPELINE, many);
    EXPECT_EQ(h5c_pipeline_parse(&m.f, &msg, &pl, &e), -1);
}

TEST(Link, HardSoftExternal)
{
    MemFile m(Bytes(16, 0));
    h5c_error e{};
    h5c_link l;
    Bytes hard = {1, 0, 3, 'a', 'b', 'c'};
    put(hard, 0x400, 8);
    ASSERT_EQ(h5c_link_parse(&m.f, hard.data(), hard.size(), 0, &l, &e), 0);
    EXPECT_STREQ(l.name, "abc");
    EXPECT_EQ(l.type, 0);
    EXPECT_EQ(l.addr, 0x400u);
    h5c_link_free(&l);
    Bytes soft = {1, 0x08, 1, 1, 's'};
    put(soft, 4, 2);
    put_str(soft, "/a/b");
    ASSERT_EQ(h5c_link_parse(&m.f, soft.data(), soft.size(), 0, &l, &e), 0);
    EXPECT_STREQ(l.target, "/a/b");
    h5c_link_free(&l);
    Bytes ext = {1, 0x08, 64, 1, 'x'};
    put(ext, 9, 2);
    ext.insert(ext.end(), {0, 'f', '.', 'h', '5', 0, '/', 'p', 0});
    ASSERT_EQ(h5c_link_parse(&m.f, ext.data(), ext.size(), 0, &l, &e), 0) << e.msg;
    EXPECT_STREQ(l.target_file, "f.h5");
    EXPECT_STREQ(l.target, "/p");
    h5c_link_free(&l);
    Bytes trunc = {1, 0, 50, 'a'};
    EXPECT_EQ(h5c_link_parse(&m.f, trunc.data(), trunc.size(), 0, &l, &e), -1);
    EXPECT_EQ(e.code, H5C_ERR_FORMAT);
}

TEST(Errors, ContextIsPrepended)
{
    h5c_error e{};
    h5c_fail(&e, H5C_ERR_FORMAT, "bad thing at 0x%x", 16);
    h5c_err_context(&e, "dataset '%s'", "/d");
    EXPECT_STREQ(e.msg, "dataset '/d': bad thing at 0x10");
    EXPECT_STREQ(h5c_strerror(H5C_ERR_UNSUPPORTED), "unsupported HDF5 feature");
}

}  // namespace

// ---- whole files written by h5py (data/, see data/gen_data.py) -------------

namespace {

TEST(Links, SoftLinkCyclesEndInAnError)
{
    for (const char *path : {"data/links_earliest.h5", "data/links_v110.h5"}) {
        h5c_error e{};
        h5c_file *f = h5c_open(path, nullptr, &e);
        ASSERT_NE(f, nullptr) << path << ": " << e.msg;
        uint64_t addr;
        for (const char *p : {"/cycle_a", "/cycle_self", "/cycle_b/x"}) {
            EXPECT_EQ(h5c_path_resolve(f, p, &addr, &e), -1) << path << p;
            EXPECT_EQ(e.code, H5C_ERR_FORMAT) << e.msg;
            EXPECT_NE(std::string(e.msg).find("too many levels"), std::string::npos) << e.msg;
        }
        uint64_t direct = 0;
        EXPECT_EQ(h5c_path_resolve(f, "/soft_to_dataset", &addr, &e), 0) << e.msg;
        EXPECT_EQ(h5c_path_resolve(f, "/data/values", &direct, &e), 0) << e.msg;
        EXPECT_EQ(addr, direct);
        EXPECT_EQ(h5c_path_resolve(f, "/ext_link", &addr, &e), -1);
        EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
        EXPECT_NE(std::string(e.msg).find("ext_target.h5"), std::string::npos) << e.msg;
        h5c_close(f);
    }
}

}  // namespace

// The group index's binary search finds names by exact bytes: a name that is
// a prefix of another, or longer than every name, is told apart (strcmp order).
TEST(GroupIndex, FindsExactNamesOnly)
{
    char a[] = "a", ab[] = "ab", abc[] = "abc", b[] = "b", z[] = "z";
    h5c_link v[5] = {};
    char *names[5] = {a, ab, abc, b, z};
    for (int i = 0; i < 5; i++) v[i].name = names[i], v[i].addr = (uint64_t)i;
    for (int i = 0; i < 5; i++) {
        const h5c_link *l = h5c_group_find(v, 5, names[i], strlen(names[i]));
        ASSERT_NE(nullptr, l) << names[i];
        EXPECT_EQ((uint64_t)i, l->addr);
    }
    EXPECT_EQ(nullptr, h5c_group_find(v, 5, "abcd", 4));
    EXPECT_EQ(nullptr, h5c_group_find(v, 5, "aa", 2));
    EXPECT_EQ(nullptr, h5c_group_find(v, 5, "", 0));
    EXPECT_EQ(nullptr, h5c_group_find(v, 0, "a", 1));
    EXPECT_NE(nullptr, h5c_group_find(v, 5, "abX", 2));  // only nlen bytes count
}

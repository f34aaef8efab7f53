// Unit tests of the filter decoders in core/filters/: hand-built streams
// whose decoded bytes follow from the format descriptions (lzf, nbit,
// scaleoffset), round trips through the reference libraries' own
// compressors (szip via libaec, bzip2, lz4, zstd, blosc), and malformed
// variants of each: every one must fail with a message naming the filter,
// never write past the chunk.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "filters/filters.h"
#include "h5coro.h"
}

#ifdef H5C_HAVE_SZIP
extern "C" {
#include <szlib.h>
}
#endif
#ifdef H5C_HAVE_BZIP2
#include <bzlib.h>
#endif
#ifdef H5C_HAVE_LZ4
#include <lz4.h>
#endif
#ifdef H5C_HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef H5C_HAVE_BLOSC
#include <blosc.h>
#endif

namespace {

typedef std::vector<uint8_t> Bytes;

struct Dec {
    int rc = 0;
    Bytes out;
    std::string msg;
};

// Run one filter's decoder from the table with an output capacity of cap.
Dec decode(uint16_t id, const std::vector<uint32_t> &cv, const Bytes &in, size_t cap)
{
    h5c_filter fl{};
    fl.id = id;
    fl.ncvalues = (uint32_t)cv.size();
    fl.cvalues = cv.data();
    const h5c_filter_def *d = h5c_filter_lookup(id);
    Dec r;
    if (!d || !d->decode) {
        r.rc = -2;
        return r;
    }
    Bytes dst(cap + 16, 0xEE);
    const uint8_t *res = nullptr;
    size_t n = 0;
    h5c_error err{};
    r.rc = d->decode(&fl, in.data(), in.size(), dst.data(), cap, &res, &n, &err);
    r.msg = err.msg;
    for (size_t i = cap; i < cap + 16; i++) EXPECT_EQ(0xEE, dst[i]) << "wrote past the capacity";
    if (r.rc == 0) r.out.assign(res, res + n);
    return r;
}

bool contains(const std::string &s, const char *part) { return s.find(part) != std::string::npos; }

Bytes pattern(size_t n)
{
    Bytes b(n);
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)((i * 7 / 5) ^ (i >> 6));
    return b;
}

}  // namespace

TEST(FilterTable, AvailabilityAndNames)
{
    const char *name = nullptr;
    EXPECT_EQ(1, h5c_filter_available(1, &name));
    EXPECT_STREQ("deflate", name);
    for (unsigned id : {2u, 3u, 5u, 6u, 32000u}) EXPECT_EQ(1, h5c_filter_available(id, nullptr)) << id;
    EXPECT_EQ(0, h5c_filter_available(32008, &name));
    EXPECT_STREQ("bitshuffle", name);
    EXPECT_EQ(0, h5c_filter_available(40000, &name));
    EXPECT_EQ(nullptr, name);
    EXPECT_EQ(0, h5c_filter_available(70000, &name));
#ifdef H5C_HAVE_SZIP
    EXPECT_EQ(1, h5c_filter_available(4, nullptr));
#else
    EXPECT_EQ(0, h5c_filter_available(4, nullptr));
#endif
}

TEST(FilterTable, MissingLibraryNamedInTheError)
{
    h5c_pipeline pl{};
    pl.n = 1;
    pl.f[0].id = 32013;  // zfp: known, never decodable
    uint8_t in[4] = {1, 2, 3, 4};
    uint8_t *out = nullptr;
    h5c_error err{};
    uint8_t *copy = (uint8_t *)malloc(4);
    memcpy(copy, in, 4);
    EXPECT_EQ(-1, h5c_filters_decode(&pl, 0, copy, 4, 4, &out, &err));
    EXPECT_EQ(H5C_ERR_UNSUPPORTED, err.code);
    EXPECT_TRUE(contains(err.msg, "unsupported: filter 32013 (zfp)")) << err.msg;
}

// ---- lzf ----------------------------------------------------------------

TEST(FilterLzf, LiteralsAndBackReferences)
{
    // "abc" literal, a 9-byte copy from 3 back (long form: 7 + 0), "X"
    Bytes in = {2, 'a', 'b', 'c', 0xE0, 0x00, 0x02, 0, 'X'};
    Dec r = decode(32000, {}, in, 13);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(std::string("abcabcabcabcX"), std::string(r.out.begin(), r.out.end()));
    // short form, overlapping copy: 'a' then 3 more from 1 back
    r = decode(32000, {}, Bytes{0, 'a', 0x20, 0x00}, 4);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(std::string("aaaa"), std::string(r.out.begin(), r.out.end()));
}

TEST(FilterLzf, BadStreams)
{
    EXPECT_EQ(-1, decode(32000, {}, Bytes{0x20, 0x05}, 100).rc);          // reference before the start
    EXPECT_EQ(-1, decode(32000, {}, Bytes{5, 'a', 'b'}, 100).rc);          // literal run cut off
    EXPECT_EQ(-1, decode(32000, {}, Bytes{0, 'a', 0xE0}, 100).rc);         // long back reference cut off
    EXPECT_EQ(-1, decode(32000, {}, Bytes{}, 100).rc);                     // empty
    Dec r = decode(32000, {}, Bytes{2, 'a', 'b', 'c', 0xE0, 0x00, 0x02}, 8);  // inflates past the chunk
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "filter 32000 (lzf)")) << r.msg;
}

// ---- nbit ---------------------------------------------------------------

// 12-bit values at bit offset 2 of 16-bit integers: 0xABC and 0x123 pack
// to 1010 1011 1100 | 0001 0010 0011.
TEST(FilterNbit, AtomicBothOrders)
{
    Bytes packed = {0xAB, 0xC1, 0x23};
    Dec r = decode(5, {8, 0, 2, 1, 2, 0, 12, 2}, packed, 4);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0xF0, 0x2A, 0x8C, 0x04}), r.out);  // 0x2AF0, 0x048C little endian
    r = decode(5, {8, 0, 2, 1, 2, 1, 12, 2}, packed, 4);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0x2A, 0xF0, 0x04, 0x8C}), r.out);
}

TEST(FilterNbit, CompoundAndArrayMembers)
{
    // compound {u16 12 bits at offset 2 @0, 1 opaque byte @2}: 0xABC, 0x5A
    Dec r = decode(5, {14, 0, 1, 3, 3, 2, 0, 1, 2, 0, 12, 2, 2, 4, 1}, Bytes{0xAB, 0xC5, 0xA0}, 3);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0xF0, 0x2A, 0x5A}), r.out);
    // array of two such u16
    r = decode(5, {10, 0, 1, 2, 4, 1, 2, 0, 12, 2}, Bytes{0xAB, 0xC1, 0x23}, 4);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0xF0, 0x2A, 0x8C, 0x04}), r.out);
    // "no compression needed": the bytes pass through
    r = decode(5, {8, 1, 2, 1, 2, 0, 16, 0}, Bytes{1, 2, 3, 4}, 4);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{1, 2, 3, 4}), r.out);
}

TEST(FilterNbit, ParametersPastTheDatatype)
{
    Bytes packed = {0xAB, 0xC1, 0x23, 0, 0, 0};
    Dec r = decode(5, {8, 0, 2, 1, 2, 0, 20, 0}, packed, 4);  // 20 bits in 2 bytes
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "filter 5 (nbit)")) << r.msg;
    EXPECT_EQ(-1, decode(5, {8, 0, 2, 1, 2, 0, 12, 6}, packed, 4).rc);   // offset pushes it out
    EXPECT_EQ(-1, decode(5, {8, 0, 2, 1, 2, 0}, packed, 4).rc);          // description cut off
    EXPECT_EQ(-1, decode(5, {14, 0, 1, 3, 3, 2, 0, 1, 2, 0, 12, 2, 2, 4, 4}, packed, 3).rc);  // member past the end
    EXPECT_EQ(-1, decode(5, {8, 0, 3, 1, 2, 0, 12, 2}, packed, 4).rc);   // 3 elements > chunk
    EXPECT_EQ(-1, decode(5, {8, 0, 2, 9, 2, 0, 12, 2}, packed, 4).rc);   // unknown class
    EXPECT_EQ(-1, decode(5, {8, 0, 2, 1, 2, 0, 12, 2}, Bytes{0xAB, 0xC1}, 4).rc);  // packed data short
}

// ---- scaleoffset --------------------------------------------------------

Bytes so_header(uint32_t minbits, uint64_t minval)
{
    Bytes h(21, 0);
    for (int i = 0; i < 4; i++) h[i] = (uint8_t)(minbits >> (8 * i));
    h[4] = 8;
    for (int i = 0; i < 8; i++) h[5 + i] = (uint8_t)(minval >> (8 * i));
    return h;
}

TEST(FilterScaleoffset, IntegersWithFillValue)
{
    // u16, minbits 4, minimum 100: codes 1, 2, 15 (all ones = the fill, 7)
    Bytes in = so_header(4, 100);
    in.push_back(0x12);
    in.push_back(0xF0);
    Dec r = decode(6, {2, 0, 3, 0, 2, 0, 0, 1, 7}, in, 6);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{101, 0, 102, 0, 7, 0}), r.out);
    r = decode(6, {2, 0, 3, 0, 2, 0, 1, 0}, in, 6);  // big endian, no fill value
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0, 101, 0, 102, 0, 115}), r.out);
    // signed: minimum -3 as 64-bit two's complement
    r = decode(6, {2, 0, 3, 0, 2, 1, 0, 0}, in = [] {
        Bytes b = so_header(4, (uint64_t)-3);
        b.push_back(0x12);
        b.push_back(0xF0);
        return b;
    }(), 6);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ((Bytes{0xFE, 0xFF, 0xFF, 0xFF, 12, 0}), r.out);
}

TEST(FilterScaleoffset, FloatDScale)
{
    float mn = 1.5f;
    uint32_t mb;
    memcpy(&mb, &mn, 4);
    Bytes in = so_header(7, mb);
    // codes 0, 25, 100 in 7 bits: 0000000 0011001 1100100 -> 00000000 01100111 00100...
    in.push_back(0x00);
    in.push_back(0x67);
    in.push_back(0x20);
    Dec r = decode(6, {0, 2, 3, 1, 4, 0, 0, 0}, in, 12);
    ASSERT_EQ(0, r.rc) << r.msg;
    float v[3];
    memcpy(v, r.out.data(), 12);
    EXPECT_EQ(1.5f, v[0]);
    EXPECT_EQ(1.75f, v[1]);
    EXPECT_EQ(2.5f, v[2]);
    h5c_filter fl{};
    uint32_t cv[8] = {1, 2, 3, 1, 4, 0, 0, 0};  // E-scale: never implemented by libhdf5
    fl.id = 6, fl.ncvalues = 8, fl.cvalues = cv;
    uint8_t dst[12];
    const uint8_t *o;
    size_t n;
    h5c_error err{};
    EXPECT_EQ(-1, h5c_decode_scaleoffset(&fl, in.data(), in.size(), dst, 12, &o, &n, &err));
    EXPECT_EQ(H5C_ERR_UNSUPPORTED, err.code);
}

TEST(FilterScaleoffset, Malformed)
{
    Bytes in = so_header(200, 0);  // huge minbits
    in.resize(64, 0);
    Dec r = decode(6, {2, 0, 3, 0, 2, 0, 0, 0}, in, 6);
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "minbits 200")) << r.msg;
    EXPECT_EQ(-1, decode(6, {2, 0, 3, 0, 2, 0, 0, 0}, Bytes(10, 0), 6).rc);         // no header
    EXPECT_EQ(-1, decode(6, {2, 0, 30, 0, 2, 0, 0, 0}, so_header(4, 0), 6).rc);     // elements past chunk
    EXPECT_EQ(-1, decode(6, {2, 0, 3, 0, 2, 0, 0, 0}, so_header(16, 0), 6).rc);     // unpacked data missing
    EXPECT_EQ(-1, decode(6, {2, 0, 3, 0, 2, 0, 0, 0}, so_header(9, 0), 6).rc);      // packed data missing
    EXPECT_EQ(-1, decode(6, {2, 0, 3, 0, 3, 0, 0, 0}, so_header(4, 0), 9).rc);      // 3-byte integer
    EXPECT_EQ(-1, decode(6, {2, 0, 3}, so_header(4, 0), 6).rc);                     // parameters cut off
}

// ---- libraries ----------------------------------------------------------

#ifdef H5C_HAVE_SZIP
TEST(FilterSzip, RoundTripAndTruncatedBlocks)
{
    std::vector<uint16_t> vals(1024);
    for (size_t i = 0; i < vals.size(); i++) vals[i] = (uint16_t)(1000 + (i % 37) * 3 + i / 100);
    SZ_com_t p = {SZ_ALLOW_K13_OPTION_MASK | SZ_NN_OPTION_MASK | SZ_RAW_OPTION_MASK | SZ_LSB_OPTION_MASK, 16, 8, 64};
    Bytes comp(4096 + 4);
    size_t clen = comp.size() - 4;
    ASSERT_EQ(SZ_OK, SZ_BufftoBuffCompress(comp.data() + 4, &clen, vals.data(), 2048, &p));
    comp.resize(clen + 4);
    comp[0] = 0x00, comp[1] = 0x08, comp[2] = 0, comp[3] = 0;  // 2048, little endian
    std::vector<uint32_t> cv = {(uint32_t)p.options_mask, 8, 16, 64};
    Dec r = decode(4, cv, comp, 2048);
    ASSERT_EQ(0, r.rc) << r.msg;
    ASSERT_EQ(2048u, r.out.size());
    EXPECT_EQ(0, memcmp(r.out.data(), vals.data(), 2048));
    Bytes cut(comp.begin(), comp.begin() + comp.size() / 2);
    r = decode(4, cv, cut, 2048);
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "filter 4 (szip)")) << r.msg;
    EXPECT_EQ(-1, decode(4, cv, comp, 1024).rc);                   // header claims more than the chunk
    EXPECT_EQ(-1, decode(4, cv, Bytes{1, 2}, 2048).rc);            // no header
    EXPECT_EQ(-1, decode(4, {cv[0], 8}, comp, 2048).rc);           // parameters missing
    EXPECT_EQ(-1, decode(4, {cv[0], 8, 99, 64}, comp, 2048).rc);   // bad bits per pixel
}
#endif

#ifdef H5C_HAVE_BZIP2
TEST(FilterBzip2, RoundTripAndBomb)
{
    Bytes src = pattern(20000);
    Bytes comp(30000);
    unsigned clen = (unsigned)comp.size();
    ASSERT_EQ(BZ_OK, BZ2_bzBuffToBuffCompress((char *)comp.data(), &clen, (char *)src.data(), 20000, 9, 0, 0));
    comp.resize(clen);
    Dec r = decode(307, {9}, comp, 20000);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(src, r.out);
    EXPECT_EQ(-1, decode(307, {9}, comp, 19999).rc);
    comp[comp.size() / 2] ^= 0x55;
    EXPECT_EQ(-1, decode(307, {9}, comp, 20000).rc);
}
#endif

#ifdef H5C_HAVE_LZ4
TEST(FilterLz4, HDF5FramingRoundTripAndBomb)
{
    Bytes src = pattern(10000);
    const size_t block = 4096;
    Bytes comp(12, 0);
    for (int i = 0; i < 8; i++) comp[i] = (uint8_t)((uint64_t)src.size() >> (56 - 8 * i));
    comp[10] = 0x10;  // 4096 big endian
    for (size_t off = 0; off < src.size(); off += block) {
        int n = (int)std::min(block, src.size() - off);
        std::vector<char> b(LZ4_compressBound(n));
        int c = LZ4_compress_default((const char *)src.data() + off, b.data(), n, (int)b.size());
        ASSERT_GT(c, 0);
        if (off == 0) {  // the first block stored as is (compressed size == block size)
            c = n;
            memcpy(b.data(), src.data(), (size_t)n);
        }
        for (int k = 0; k < 4; k++) comp.push_back((uint8_t)((uint32_t)c >> (24 - 8 * k)));
        comp.insert(comp.end(), b.begin(), b.begin() + c);
    }
    Dec r = decode(32004, {}, comp, 10000);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(src, r.out);
    r = decode(32004, {}, comp, 9999);  // the header claims more than the chunk
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "more than")) << r.msg;
    Bytes cut(comp.begin(), comp.end() - 10);
    EXPECT_EQ(-1, decode(32004, {}, cut, 10000).rc);
    EXPECT_EQ(-1, decode(32004, {}, Bytes(8, 0), 10000).rc);
}
#endif

#ifdef H5C_HAVE_ZSTD
TEST(FilterZstd, RoundTripAndBomb)
{
    Bytes src = pattern(50000);
    Bytes comp(ZSTD_compressBound(src.size()));
    size_t c = ZSTD_compress(comp.data(), comp.size(), src.data(), src.size(), 3);
    ASSERT_FALSE(ZSTD_isError(c));
    comp.resize(c);
    Dec r = decode(32015, {}, comp, 50000);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(src, r.out);
    r = decode(32015, {}, comp, 1000);
    EXPECT_EQ(-1, r.rc);
    EXPECT_TRUE(contains(r.msg, "more than 1000")) << r.msg;
    EXPECT_EQ(-1, decode(32015, {}, Bytes(comp.begin(), comp.begin() + c / 2), 50000).rc);
}
#endif

#ifdef H5C_HAVE_BLOSC
TEST(FilterBlosc, RoundTripAndBomb)
{
    Bytes src = pattern(40000);
    Bytes comp(src.size() + BLOSC_MAX_OVERHEAD);
    int c = blosc_compress_ctx(5, 1, 4, src.size(), src.data(), comp.data(), comp.size(), "lz4", 0, 1);
    ASSERT_GT(c, 0);
    comp.resize((size_t)c);
    Dec r = decode(32001, {2, 2, 4, 40000}, comp, 40000);
    ASSERT_EQ(0, r.rc) << r.msg;
    EXPECT_EQ(src, r.out);
    EXPECT_EQ(-1, decode(32001, {}, comp, 39999).rc);
    EXPECT_EQ(-1, decode(32001, {}, Bytes(comp.begin(), comp.begin() + 10), 40000).rc);
}
#endif

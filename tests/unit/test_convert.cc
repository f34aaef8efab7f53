// h5c_convert on numbers: floating-point layouts that are not IEEE become
// IEEE binary16/32/64 of the same size in native order. Every expected bit
// pattern below is worked out by hand from the layout (and cross-checked
// with numpy's float16/32/64 encodings).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include "format/format.h"
}

namespace {

struct Layout {
    unsigned size;
    bool big_endian;
    unsigned sign, exp_loc, exp_size, mant_loc, mant_size;
    uint32_t bias;
    unsigned norm;  // 0 none, 1 msb set, 2 implied
    unsigned offset, precision;
};

h5c_dtype float_type(const Layout &l)
{
    h5c_dtype t;
    std::memset(&t, 0, sizeof t);
    t.cls = H5C_FLOAT;
    t.size = l.size;
    t.big_endian = l.big_endian;
    t.sign_loc = uint8_t(l.sign);
    t.exp_loc = uint8_t(l.exp_loc);
    t.exp_size = uint8_t(l.exp_size);
    t.mant_loc = uint8_t(l.mant_loc);
    t.mant_size = uint8_t(l.mant_size);
    t.exp_bias = l.bias;
    t.mant_norm = uint8_t(l.norm);
    t.bit_offset = uint16_t(l.offset);
    t.precision = uint16_t(l.precision ? l.precision : l.size * 8);
    return t;
}

// The element whose bit pattern (as a number) is `bits`, in the type's order.
void store(const h5c_dtype &t, uint64_t bits, uint8_t *p)
{
    for (unsigned k = 0; k < t.size; k++) p[t.big_endian ? t.size - 1 - k : k] = uint8_t(bits >> (8 * k));
}

struct Converter {
    h5c_file f{};
    h5c_error e{};
    Converter() { f.so = 8; }

    // Converted bit pattern of one element, read back as a native integer.
    uint64_t one(const h5c_dtype &t, uint64_t bits)
    {
        uint8_t src[8] = {0}, dst[8] = {0};
        store(t, bits, src);
        EXPECT_EQ(h5c_convert(&f, &t, src, dst, 1, &e), 0) << e.msg;
        uint16_t h;
        uint32_t s;
        uint64_t d;
        switch (t.size) {
        case 2: std::memcpy(&h, dst, 2); return h;
        case 4: std::memcpy(&s, dst, 4); return s;
        default: std::memcpy(&d, dst, 8); return d;
        }
    }
};

// bfloat16 stored as a 2-byte HDF5 float: sign 15, exponent 8 bits at 7,
// mantissa 7 bits at 0, bias 127, implied leading one.
const Layout kBf16 = {2, false, 15, 7, 8, 0, 7, 127, 2, 0, 0};

TEST(ConvertFloat, Bfloat16ToHalf)
{
    Converter c;
    h5c_dtype t = float_type(kBf16);
    EXPECT_EQ(c.one(t, 0x3F80), 0x3C00u);  // 1.0
    EXPECT_EQ(c.one(t, 0xC040), 0xC200u);  // -3.0 = -1.5 * 2^1
    EXPECT_EQ(c.one(t, 0x0000), 0x0000u);  // +0
    EXPECT_EQ(c.one(t, 0x8000), 0x8000u);  // -0
    EXPECT_EQ(c.one(t, 0x477F), 0x7BF8u);  // 65280 = 1.1111111b * 2^15
    EXPECT_EQ(c.one(t, 0x4780), 0x7C00u);  // 2^16: above the half range, +inf
    EXPECT_EQ(c.one(t, 0xC780), 0xFC00u);  // -2^16: -inf
    EXPECT_EQ(c.one(t, 0x3880), 0x0400u);  // 2^-14: smallest normal half
    EXPECT_EQ(c.one(t, 0x3380), 0x0001u);  // 2^-24: smallest denormal half
    EXPECT_EQ(c.one(t, 0x3420), 0x0003u);  // 2.5 * 2^-24: tie, away from zero
    EXPECT_EQ(c.one(t, 0x3300), 0x0001u);  // 2^-25: half a unit, tie, away
    EXPECT_EQ(c.one(t, 0x3280), 0x0000u);  // 2^-26: rounds to zero
    EXPECT_EQ(c.one(t, 0x0001), 0x0000u);  // bfloat16 denormal: far below
    EXPECT_EQ(c.one(t, 0x7F80), 0x7C00u);  // +inf
    EXPECT_EQ(c.one(t, 0xFF80), 0xFC00u);  // -inf
    EXPECT_EQ(c.one(t, 0x7FC1), 0x7FFFu);  // NaN: exponent and mantissa all ones
    EXPECT_EQ(c.one(t, 0xFF81), 0xFFFFu);  // negative NaN keeps its sign
}

TEST(ConvertFloat, BigEndianMatchesLittleEndian)
{
    Converter c;
    Layout be = kBf16;
    be.big_endian = true;
    h5c_dtype t = float_type(be);
    EXPECT_EQ(c.one(t, 0x3F80), 0x3C00u);
    EXPECT_EQ(c.one(t, 0xC040), 0xC200u);
    EXPECT_EQ(c.one(t, 0x3420), 0x0003u);
}

// 2-byte float with a 4-bit exponent (bias 7) and an 11-bit mantissa: one
// more mantissa bit than a half, so results round.
TEST(ConvertFloat, WideMantissaRounds)
{
    Converter c;
    h5c_dtype t = float_type({2, false, 15, 11, 4, 0, 11, 7, 2, 0, 0});
    EXPECT_EQ(c.one(t, 7u << 11), 0x3C00u);        // 1.0
    EXPECT_EQ(c.one(t, (7u << 11) | 1), 0x3C01u);  // 1 + 2^-11: tie, away from zero
    EXPECT_EQ(c.one(t, (7u << 11) | 2), 0x3C01u);  // 1 + 2^-10: exact
    EXPECT_EQ(c.one(t, (7u << 11) | 3), 0x3C02u);  // 1 + 3 * 2^-11: tie, away
    EXPECT_EQ(c.one(t, 0x8000 | (7u << 11) | 1), 0xBC01u);
    // (2 - 2^-11) * 2^-6 rounds up into the next binade: 2^-5
    EXPECT_EQ(c.one(t, 0x0FFF), 0x2800u);
    // exponent field 0: denormal, 0.m * 2^(1 - 7) = 2^-11 * 2^-6 = 2^-17
    EXPECT_EQ(c.one(t, 0x0001), 0x0080u);
    EXPECT_EQ(c.one(t, 0x7800), 0x7C00u);  // exponent all ones, mantissa 0: inf
    EXPECT_EQ(c.one(t, 0x7801), 0x7FFFu);  // NaN
}

// The reduced-precision layout libhdf5's n-bit tests write: a 4-byte
// big-endian float with bit offset 7 and precision 20 (sign 26, exponent
// 6 bits at 20, mantissa 13 bits at 7, bias 31).
TEST(ConvertFloat, OffsetAndPrecisionBigEndian)
{
    Converter c;
    h5c_dtype t = float_type({4, true, 26, 20, 6, 7, 13, 31, 2, 7, 20});
    // -2.199951171875 = -(1 + 819/8192) * 2^1: sign, exponent 32, mantissa 819
    uint64_t v = (1u << 26) | (32u << 20) | (819u << 7);
    EXPECT_EQ(v, 0x06019980u);
    EXPECT_EQ(c.one(t, v), 0xC00CCC00u);  // the same number as an IEEE single
    // bits outside the fields (padding) do not matter
    EXPECT_EQ(c.one(t, v | 0xF800007Fu), 0xC00CCC00u);
    EXPECT_EQ(c.one(t, 31u << 20), 0x3F800000u);        // 1.0
    EXPECT_EQ(c.one(t, 63u << 20), 0x7F800000u);        // inf
    EXPECT_EQ(c.one(t, 1u << 7), 0x2A000000u);          // denormal 2^-13 * 2^-30 = 2^-43
}

// IEEE field positions without the implied bit are not IEEE: the mantissa's
// top bit weighs 2^(e - bias) (what libhdf5 computes for such a type).
TEST(ConvertFloat, NoImpliedBitIsNotTheFastPath)
{
    Converter c;
    h5c_dtype t = float_type({4, false, 31, 23, 8, 0, 23, 127, 0, 0, 0});
    EXPECT_EQ(c.one(t, 0x3FC00000), 0x3F800000u);  // e 127, mantissa 100..0: 1.0
    EXPECT_EQ(c.one(t, 0x3FE00000), 0x3FC00000u);  // mantissa 110..0: 1.5
    EXPECT_EQ(c.one(t, 0x3F800000), 0x00000000u);  // mantissa 0: zero
    EXPECT_EQ(c.one(t, 0xC0000000), 0x80000000u);  // -zero
    EXPECT_EQ(c.one(t, 0x00000001), 0x00000001u);  // 1 * 2^(0 - 127 + 1 - 23) = 2^-149
    EXPECT_EQ(c.one(t, 0x7FC00000), 0x7F800000u);  // exponent all ones, top bit only: inf
    EXPECT_EQ(c.one(t, 0x7F800000), 0x7F800000u);  // mantissa 0: inf
    EXPECT_EQ(c.one(t, 0x7FC00001), 0x7FFFFFFFu);  // NaN
}

TEST(ConvertFloat, MsbSetDouble)
{
    Converter c;
    h5c_dtype t = float_type({8, false, 63, 52, 11, 0, 52, 1023, 1, 0, 0});
    const uint64_t top = uint64_t(1) << 51;
    EXPECT_EQ(c.one(t, (uint64_t(1023) << 52) | top), 0x3FF0000000000000ull);                 // 1.0
    EXPECT_EQ(c.one(t, (uint64_t(1023) << 52) | top | (top >> 1)), 0x3FF8000000000000ull);    // 1.5
    EXPECT_EQ(c.one(t, (uint64_t(1) << 63) | (uint64_t(1024) << 52) | top), 0xC000000000000000ull);  // -2
}

// 8-byte big-endian float with an 8-bit exponent and a 55-bit mantissa:
// three bits more than a double.
TEST(ConvertFloat, DoubleWithWideMantissa)
{
    Converter c;
    h5c_dtype t = float_type({8, true, 63, 55, 8, 0, 55, 127, 2, 0, 0});
    const uint64_t one = uint64_t(127) << 55;
    EXPECT_EQ(c.one(t, one), 0x3FF0000000000000ull);
    EXPECT_EQ(c.one(t, one | 2), 0x3FF0000000000000ull);  // 1 + 2^-54: below half an ulp
    EXPECT_EQ(c.one(t, one | 4), 0x3FF0000000000001ull);  // 1 + 2^-53: tie, away
    EXPECT_EQ(c.one(t, one | 6), 0x3FF0000000000001ull);  // 1 + 0.75 ulp
    EXPECT_EQ(c.one(t, one | 0xC), 0x3FF0000000000002ull);  // 1 + 1.5 ulp: tie, away
    // exponent 0 holds denormals of this layout: 0.m * 2^-126, normal doubles
    EXPECT_EQ(c.one(t, uint64_t(1) << 54), 0x3800000000000000ull);  // 2^-127
}

// 8-byte float with a 15-bit exponent (x87-like range): overflow and
// underflow of the double range.
TEST(ConvertFloat, DoubleRangeLimits)
{
    Converter c;
    h5c_dtype t = float_type({8, false, 63, 48, 15, 0, 48, 16383, 2, 0, 0});
    auto pow2 = [](int k) { return uint64_t(k + 16383) << 48; };
    EXPECT_EQ(c.one(t, pow2(0)), 0x3FF0000000000000ull);
    EXPECT_EQ(c.one(t, pow2(1023)), 0x7FE0000000000000ull);    // 2^1023: largest binade
    EXPECT_EQ(c.one(t, pow2(1024)), 0x7FF0000000000000ull);    // 2^1024: inf
    EXPECT_EQ(c.one(t, pow2(1024) | (uint64_t(1) << 63)), 0xFFF0000000000000ull);
    EXPECT_EQ(c.one(t, pow2(-1022)), 0x0010000000000000ull);   // smallest normal
    EXPECT_EQ(c.one(t, pow2(-1074)), 0x0000000000000001ull);   // smallest denormal
    EXPECT_EQ(c.one(t, pow2(-1075)), 0x0000000000000001ull);   // half of it: tie, away
    EXPECT_EQ(c.one(t, pow2(-1076)), 0x0000000000000000ull);   // a quarter: zero
    // 1.5 * 2^-1074 rounds away to 2 units; (1 + 2^-48) * 2^-1030 is 2^44 + 2^-4 units
    EXPECT_EQ(c.one(t, pow2(-1074) | (uint64_t(1) << 47)), 0x0000000000000002ull);
    EXPECT_EQ(c.one(t, pow2(-1030) | 1), 0x0000100000000000ull);
}

TEST(ConvertFloat, ManyElementsInPlace)
{
    Converter c;
    h5c_dtype t = float_type(kBf16);
    const uint16_t in[4] = {0x3F80, 0xC040, 0x4780, 0x3420};
    const uint16_t want[4] = {0x3C00, 0xC200, 0x7C00, 0x0003};
    uint8_t buf[8];
    for (int i = 0; i < 4; i++) store(t, in[i], buf + 2 * i);
    ASSERT_EQ(h5c_convert(&c.f, &t, buf, buf, 4, &c.e), 0) << c.e.msg;
    for (int i = 0; i < 4; i++) {
        uint16_t got;
        std::memcpy(&got, buf + 2 * i, 2);
        EXPECT_EQ(got, want[i]) << i;
    }
}

TEST(ConvertFloat, IeeeLayoutsStayPlainCopies)
{
    Converter c;
    h5c_dtype t = float_type({4, false, 31, 23, 8, 0, 23, 127, 2, 0, 0});
    EXPECT_EQ(c.one(t, 0x7FC00001), 0x7FC00001u);  // NaN payload untouched
    EXPECT_EQ(c.one(t, 0x3F800000), 0x3F800000u);
    h5c_dtype d = float_type({8, true, 63, 52, 11, 0, 52, 1023, 2, 0, 0});
    EXPECT_EQ(c.one(d, 0xBFF8000000000001ull), 0xBFF8000000000001ull);
}

TEST(ConvertFloat, OtherSizesUnsupported)
{
    for (unsigned size : {10u, 12u, 16u}) {  // x87 extended: read as long double (zero here)
        Converter c;
        h5c_dtype t = float_type({size, false, 79, 64, 15, 0, 64, 16383, 1, 0, 80});
        uint8_t src[16] = {0};
        long double dst = 1.0L;
        EXPECT_EQ(h5c_convert(&c.f, &t, src, reinterpret_cast<uint8_t *>(&dst), 1, &c.e), 0) << c.e.msg;
        EXPECT_EQ(dst, 0.0L);
    }
    {
        Converter c;  // 3 bytes: no such float
        h5c_dtype t = float_type({3, false, 23, 16, 7, 0, 16, 63, 2, 0, 24});
        uint8_t src[4] = {0}, dst[4];
        EXPECT_EQ(h5c_convert(&c.f, &t, src, dst, 1, &c.e), -1);
        EXPECT_EQ(c.e.code, H5C_ERR_UNSUPPORTED);
        EXPECT_NE(std::string(c.e.msg).find("floating point"), std::string::npos) << c.e.msg;
    }
    Converter c;  // quad precision: IEEE-like, but 16 bytes
    h5c_dtype q = float_type({16, false, 127, 112, 15, 0, 112, 16383, 2, 0, 0});
    uint8_t src[16] = {0}, dst[16];
    EXPECT_EQ(h5c_convert(&c.f, &q, src, dst, 1, &c.e), -1);
    EXPECT_EQ(c.e.code, H5C_ERR_UNSUPPORTED);
}

TEST(ConvertFloat, BadLayouts)
{
    uint8_t src[4] = {0}, dst[4];
    const Layout bad[] = {
        {4, false, 31, 23, 8, 0, 24, 127, 2, 0, 0},  // mantissa overlaps the exponent
        {4, false, 30, 23, 8, 0, 23, 127, 2, 0, 0},  // sign inside the exponent
        {4, false, 31, 26, 8, 0, 23, 127, 2, 0, 0},  // exponent past the element
        {4, false, 31, 23, 0, 0, 23, 127, 2, 0, 0},  // no exponent
        {4, false, 31, 23, 8, 0, 0, 127, 2, 0, 0},   // no mantissa
        {4, false, 40, 23, 8, 0, 23, 127, 2, 0, 0},  // sign past the element
    };
    for (const Layout &l : bad) {
        Converter c;
        h5c_dtype t = float_type(l);
        EXPECT_EQ(h5c_convert(&c.f, &t, src, dst, 1, &c.e), -1);
        EXPECT_EQ(c.e.code, H5C_ERR_FORMAT) << c.e.msg;
    }
    Converter c;
    h5c_dtype t = float_type({4, false, 31, 24, 7, 0, 24, 63, 3, 0, 0});  // normalization 3
    EXPECT_EQ(h5c_convert(&c.f, &t, src, dst, 1, &c.e), -1);
    EXPECT_EQ(c.e.code, H5C_ERR_UNSUPPORTED);
}

}  // namespace

// Fixed strings: the values h5py 3.7 (libhdf5 1.10.8) returns for the same
// bytes (data/strings_pad.h5 and a scratch file written with H5Tset_strpad):
// space padding removed, embedded NULs kept; null-terminated values cut at
// the first NUL; null-padded values as stored.
namespace {
std::string fixed_str(unsigned pad, const std::string &bytes)
{
    h5c_dtype t;
    std::memset(&t, 0, sizeof t);
    t.cls = H5C_STRING;
    t.size = unsigned(bytes.size());
    t.pad = uint8_t(pad);
    std::string out(bytes.size(), 'x');
    h5c_error e{};
    EXPECT_EQ(h5c_convert(nullptr, &t, reinterpret_cast<const uint8_t *>(bytes.data()),
                          reinterpret_cast<uint8_t *>(&out[0]), 1, &e), 0) << e.msg;
    return out;
}
}  // namespace

TEST(ConvertString, SpacePadLosesTrailingSpacesOnly)
{
    EXPECT_EQ(fixed_str(2, "abc   "), std::string("abc\0\0\0", 6));
    EXPECT_EQ(fixed_str(2, std::string("a \0   ", 6)), std::string("a \0\0\0\0", 6));
    EXPECT_EQ(fixed_str(2, std::string("ab   \0", 6)), std::string("ab   \0", 6));
    EXPECT_EQ(fixed_str(2, "      "), std::string(6, '\0'));
}

TEST(ConvertString, NullTermStopsAtFirstNul)
{
    EXPECT_EQ(fixed_str(0, std::string("ab\0cdefg", 8)), std::string("ab\0\0\0\0\0\0", 8));
    EXPECT_EQ(fixed_str(0, "abcdefgh"), "abcdefgh");
}

TEST(ConvertString, NullPadIsKept)
{
    EXPECT_EQ(fixed_str(1, std::string("ab\0cd\0\0\0", 8)), std::string("ab\0cd\0\0\0", 8));
}

// x87 extended in 10 bytes: 1.0 is sign 0, exponent 16383, mantissa 1<<63.
TEST(ConvertFloat, X87TenBytesToLongDouble)
{
    Layout l{10, false, 79, 64, 15, 0, 64, 16383, 1, 0, 80};
    h5c_dtype t = float_type(l);
    uint8_t src[20] = {0};
    src[7] = 0x80;
    src[8] = 0xff;
    src[9] = 0x3f;            // 1.0
    src[10 + 7] = 0xc0;
    src[10 + 8] = 0x00;
    src[10 + 9] = 0xc0;       // -3.0: exponent 16384, mantissa 1.1b
    long double out[2];
    h5c_error e{};
    ASSERT_EQ(h5c_convert(nullptr, &t, src, reinterpret_cast<uint8_t *>(out), 2, &e), 0) << e.msg;
    EXPECT_EQ(out[0], 1.0L);
    EXPECT_EQ(out[1], -3.0L);
    EXPECT_EQ(h5c_dtype_mem_size(&t), sizeof(long double));
}

TEST(ConvertFloat, QuadPrecisionUnsupported)
{
    Layout l{16, false, 127, 112, 15, 0, 112, 16383, 2, 0, 128};
    h5c_dtype t = float_type(l);
    uint8_t src[16] = {0};
    long double out;
    h5c_error e{};
    EXPECT_NE(h5c_convert(nullptr, &t, src, reinterpret_cast<uint8_t *>(&out), 1, &e), 0);
    EXPECT_EQ(e.code, H5C_ERR_UNSUPPORTED);
}

// Tests of the CLI's JSON writer (cli/json_out.c). The C file is compiled
// into this test directly, so the unit test target needs no extra source.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../../cli/json_out.c"

namespace {

// Collects what a callback writes to a FILE*.
template <typename F>
std::string capture(F fn)
{
    char *data = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    fn(f);
    fclose(f);
    std::string out(data, len);
    free(data);
    return out;
}

std::string escaped(const std::string &s)
{
    return capture([&](FILE *f) { json_write_string(f, s.data(), s.size()); });
}

size_t seq_len(const std::string &s)
{
    return json_utf8_seq_len(reinterpret_cast<const unsigned char *>(s.data()), s.size());
}

}  // namespace

TEST(CliJson, EscapesQuotesBackslashesAndControls)
{
    EXPECT_EQ(escaped("plain"), "\"plain\"");
    EXPECT_EQ(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(escaped("t\tn\nr\r"), "\"t\\u0009n\\u000ar\\u000d\"");
    EXPECT_EQ(escaped(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
    EXPECT_EQ(escaped("\x1f\x7f"), "\"\\u001f\x7f\"");
    EXPECT_EQ(escaped(""), "\"\"");
}

TEST(CliJson, PassesValidUtf8AndEscapesInvalidBytes)
{
    EXPECT_EQ(escaped("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    EXPECT_EQ(escaped("\xe2\x82\xac"), "\"\xe2\x82\xac\"");          // euro sign
    EXPECT_EQ(escaped("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // emoji
    EXPECT_EQ(escaped("\xff"), "\"\\u00ff\"");
    EXPECT_EQ(escaped("a\xc3"), "\"a\\u00c3\"");                     // truncated sequence
    EXPECT_EQ(escaped("\xc3(x"), "\"\\u00c3(x\"");                   // bad continuation
    EXPECT_EQ(escaped("\x80\xbf"), "\"\\u0080\\u00bf\"");            // lone continuations
}

TEST(CliJson, Utf8SequenceRules)
{
    EXPECT_EQ(seq_len("A"), 1u);
    EXPECT_EQ(seq_len("\xc3\xa9"), 2u);
    EXPECT_EQ(seq_len("\xc0\xaf"), 0u);              // overlong 2-byte
    EXPECT_EQ(seq_len("\xe0\x80\xaf"), 0u);          // overlong 3-byte
    EXPECT_EQ(seq_len("\xed\xa0\x80"), 0u);          // surrogate U+D800
    EXPECT_EQ(seq_len("\xef\xbf\xbf"), 3u);          // U+FFFF
    EXPECT_EQ(seq_len("\xf0\x8f\xbf\xbf"), 0u);      // overlong 4-byte
    EXPECT_EQ(seq_len("\xf4\x8f\xbf\xbf"), 4u);      // U+10FFFF
    EXPECT_EQ(seq_len("\xf4\x90\x80\x80"), 0u);      // above U+10FFFF
    EXPECT_EQ(seq_len("\xf5\x80\x80\x80"), 0u);
    EXPECT_EQ(seq_len(""), 0u);
}

TEST(CliJson, Doubles)
{
    char buf[40];
    EXPECT_STREQ(json_format_double(NAN, buf, sizeof buf), "NaN");
    EXPECT_STREQ(json_format_double(INFINITY, buf, sizeof buf), "Infinity");
    EXPECT_STREQ(json_format_double(-INFINITY, buf, sizeof buf), "-Infinity");
    EXPECT_STREQ(json_format_double(0.5, buf, sizeof buf), "0.5");
    EXPECT_STREQ(json_format_double(-0.0, buf, sizeof buf), "-0.0");
    EXPECT_STREQ(json_format_double(3.0, buf, sizeof buf), "3.0");
    EXPECT_STREQ(json_format_double(1e300, buf, sizeof buf), "1.0000000000000001e+300");
    EXPECT_STREQ(json_format_double(0.1, buf, sizeof buf), "0.10000000000000001");
    EXPECT_EQ(std::strtod(json_format_double(1.0 / 3, buf, sizeof buf), nullptr), 1.0 / 3);
}

TEST(CliJson, CompactNesting)
{
    std::string out = capture([](FILE *f) {
        jw w;
        jw_init(&w, f, 0);
        jw_begin_object(&w, 1);
        jw_key(&w, "a");
        jw_begin_array(&w, 1);
        jw_int(&w, -1);
        jw_uint(&w, UINT64_MAX);
        jw_begin_array(&w, 0);
        jw_end_array(&w);
        jw_null(&w);
        jw_end_array(&w);
        jw_key(&w, "b\"");
        jw_string(&w, nullptr);
        jw_key(&w, "c");
        jw_bool(&w, 1);
        jw_end_object(&w);
    });
    EXPECT_EQ(out, "{\"a\":[-1,18446744073709551615,[],null],\"b\\\"\":null,\"c\":true}");
}

TEST(CliJson, PrettyOnlyWhereAsked)
{
    std::string out = capture([](FILE *f) {
        jw w;
        jw_init(&w, f, 2);
        jw_begin_array(&w, 1);
        jw_begin_object(&w, 1);
        jw_key(&w, "shape");
        jw_begin_array(&w, 0);
        jw_uint(&w, 2);
        jw_uint(&w, 3);
        jw_end_array(&w);
        jw_key(&w, "empty");
        jw_begin_array(&w, 1);
        jw_end_array(&w);
        jw_key(&w, "nested");
        jw_begin_array(&w, 0);
        jw_begin_object(&w, 1);  // inside a one-line container: stays inline
        jw_key(&w, "x");
        jw_int(&w, 1);
        jw_end_object(&w);
        jw_end_array(&w);
        jw_end_object(&w);
        jw_end_array(&w);
    });
    EXPECT_EQ(out,
              "[\n"
              "  {\n"
              "    \"shape\": [2, 3],\n"
              "    \"empty\": [],\n"
              "    \"nested\": [{\"x\": 1}]\n"
              "  }\n"
              "]");
}

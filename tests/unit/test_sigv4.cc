// SigV4 against AWS's published Signature Version 4 examples: the generic
// test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
// service "service") and the S3 "GET Object" example (examplebucket,
// Range: bytes=0-9). Each case checks the canonical request, the string to
// sign and the signature.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "io/aws_creds.h"
#include "io/sigv4.h"

namespace {

const char *kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const char *kDate = "20150830T123600Z";
const char *kScope = "20150830/us-east-1/service/aws4_request";

struct Case {
    const char *name, *method, *path, *query;
    std::vector<h5c_sigv4_header> headers;
    const char *creq, *sts, *sig;
};

std::string take(char *p)
{
    std::string s = p ? p : "";
    free(p);
    return s;
}

void check(const Case &c, int s3 = 0)
{
    SCOPED_TRACE(c.name);
    h5c_sigv4_request req = {c.method, c.path, c.query, c.headers.data(), c.headers.size(), nullptr, s3};
    std::string creq = take(h5c_sigv4_canonical_request(&req, nullptr));
    EXPECT_EQ(creq, c.creq);
    std::string sts = take(h5c_sigv4_string_to_sign(kDate, kScope, creq.c_str()));
    EXPECT_EQ(sts, c.sts);
    char sig[65];
    std::string auth =
        take(h5c_sigv4_authorization(&req, "AKIDEXAMPLE", kSecret, "us-east-1", "service", kDate, sig));
    EXPECT_EQ(std::string(sig), c.sig);
    EXPECT_NE(auth.find(std::string("Signature=") + c.sig), std::string::npos);
    EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=", 0), 0u);
}

const char *kToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuw"
    "thAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHN"
    "VXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

} // namespace

TEST(SigV4, GetVanilla)
{
    check({"get-vanilla", "GET", "/", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
           "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"});
}

TEST(SigV4, GetVanillaQueryOrderKeyCase)
{
    check({"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1",
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
           "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
           "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"});
}

TEST(SigV4, GetVanillaQueryOrderKey)
{
    // same key twice: sorted by value as well (older edition of the suite)
    h5c_sigv4_header h[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}};
    h5c_sigv4_request req = {"GET", "/", "Param1=value2&Param1=Value1", h, 2, nullptr, 0};
    std::string creq = take(h5c_sigv4_canonical_request(&req, nullptr));
    EXPECT_EQ(creq.substr(0, creq.find("\nhost")), "GET\n/\nParam1=Value1&Param1=value2");
    char sig[65];
    take(h5c_sigv4_authorization(&req, "AKIDEXAMPLE", kSecret, "us-east-1", "service", kDate, sig));
    EXPECT_STREQ(sig, "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1");
}

TEST(SigV4, GetVanillaQueryOrderEncoded)
{
    check({"get-vanilla-query-order-encoded", "GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "GET\n/\n%E1%88%B4=Value1&Param=Value2&Param-3=Value3\nhost:example.amazonaws.com\n"
           "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71",
           "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"});
}

TEST(SigV4, GetHeaderValueTrim)
{
    check({"get-header-value-trim", "GET", "/", nullptr,
           {{"Host", "example.amazonaws.com"}, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""},
            {"X-Amz-Date", kDate}},
           "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
           "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
           "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"});
}

TEST(SigV4, GetUnreservedAndUtf8)
{
    check({"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\n"
           "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
           "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"});
    check({"get-utf8", "GET", "/\xE1\x88\xB4", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
           "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"});
}

TEST(SigV4, SessionToken)
{
    check({"get-vanilla-with-session-token", "GET", "/", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate},
            {"X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"}},
           "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
           "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n"
           "host;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
           "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"});
    std::string creq = std::string("POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n") +
                       "x-amz-security-token:" + kToken +
                       "\n\nhost;x-amz-date;x-amz-security-token\n"
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    check({"post-sts-header-before", "POST", "/", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}, {"X-Amz-Security-Token", kToken}},
           creq.c_str(),
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
           "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"});
    check({"post-sts-header-after", "POST", "/", nullptr,
           {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
           "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
           "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"});
}

TEST(SigV4, S3GetObjectExample)
{
    // AWS S3 API reference, "Example: GET Object" (examplebucket, first 10 bytes)
    h5c_sigv4_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                            {"Range", "bytes=0-9"},
                            {"x-amz-content-sha256", H5C_SHA256_EMPTY},
                            {"x-amz-date", "20130524T000000Z"}};
    h5c_sigv4_request req = {"GET", "/test.txt", nullptr, h, 4, H5C_SHA256_EMPTY, 1};
    char *sh = nullptr;
    std::string creq = take(h5c_sigv4_canonical_request(&req, &sh));
    EXPECT_EQ(take(sh), "host;range;x-amz-content-sha256;x-amz-date");
    EXPECT_EQ(creq,
              "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
              "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
              "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(take(h5c_sigv4_string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", creq.c_str())),
              "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    char sig[65];
    std::string auth = take(h5c_sigv4_authorization(&req, "AKIAIOSFODNN7EXAMPLE",
                                                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3",
                                                    "20130524T000000Z", sig));
    EXPECT_STREQ(sig, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    EXPECT_EQ(auth,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
              "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, SigningKeyAndDate)
{
    // signing-key derivation example from the SigV4 documentation (iam, 20120215)
    uint8_t key[32];
    ASSERT_EQ(h5c_sigv4_signing_key(kSecret, "20120215", "us-east-1", "iam", key), 0);
    char hexkey[65];
    for (int i = 0; i < 32; i++) snprintf(hexkey + 2 * i, 3, "%02x", key[i]);
    EXPECT_STREQ(hexkey, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    char d[17];
    h5c_sigv4_amz_date(1440938160, d);
    EXPECT_STREQ(d, "20150830T123600Z");
}

TEST(AwsCreds, IniTimeParsing)
{
    const char *ini = "[default]\naws_access_key_id = AK1\n# c\n[profile other]\nregion=eu-west-3\n"
                      "[other]\n  aws_access_key_id=AK2  \n";
    EXPECT_EQ(take(h5c_aws_ini_get(ini, "default", "aws_access_key_id")), "AK1");
    EXPECT_EQ(take(h5c_aws_ini_get(ini, "profile other", "region")), "eu-west-3");
    EXPECT_EQ(take(h5c_aws_ini_get(ini, "other", "aws_access_key_id")), "AK2");
    EXPECT_EQ(h5c_aws_ini_get(ini, "missing", "region"), nullptr);
    EXPECT_EQ(h5c_aws_parse_time("2015-08-30T12:36:00Z"), 1440938160);
    EXPECT_EQ(h5c_aws_parse_time("2015-08-30T12:36:00.123Z"), 1440938160);
    EXPECT_EQ(h5c_aws_parse_time("garbage"), -1);
}

// Remote URL forms and S3 addressing (no network).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include "h5coro.h"
#include "io/io.h"
}
#include "io/s3_url.h"

namespace {
h5c_remote defaults()
{
    h5c_remote r;
    memset(&r, 0, sizeof r);
    r.https = -1;
    r.virtual_hosting = -1;
    r.max_retry = -1;
    r.retry_delay = -1;
    return r;
}
} // namespace

TEST(RemoteUrl, Recognised)
{
    EXPECT_TRUE(h5c_io_is_remote("s3://b/k.h5"));
    EXPECT_TRUE(h5c_io_is_remote("/vsis3/b/k.h5"));
    EXPECT_TRUE(h5c_io_is_remote("https://h/x.h5"));
    EXPECT_TRUE(h5c_io_is_remote("http://h/x.h5"));
    EXPECT_TRUE(h5c_io_is_remote("/vsicurl/https://h/x.h5"));
    EXPECT_FALSE(h5c_io_is_remote("/tmp/x.h5"));
    EXPECT_FALSE(h5c_io_is_remote("data/s3://x"));
    // the public test (h5coro.h) the GDAL driver uses agrees
    EXPECT_TRUE(h5c_is_remote_path("/vsis3/b/k.h5"));
    EXPECT_TRUE(h5c_is_remote_path("HTTPS://h/x.h5"));
    EXPECT_FALSE(h5c_is_remote_path("/vsimem/x.h5"));
    EXPECT_FALSE(h5c_is_remote_path(nullptr));
}

TEST(RemoteUrl, S3Addressing)
{
    h5c_remote r = defaults();
    h5c_remote_url u;
    h5c_error e;
    ASSERT_EQ(h5c_remote_url_parse("s3://my-bucket/dir/a b+c.h5", &r, "us-east-1", &u, &e), 0);
    EXPECT_EQ(std::string(u.url), "https://my-bucket.s3.amazonaws.com/dir/a%20b%2Bc.h5");
    EXPECT_EQ(std::string(u.host), "my-bucket.s3.amazonaws.com");
    EXPECT_EQ(std::string(u.name), "s3://my-bucket/dir/a b+c.h5");
    h5c_remote_url_free(&u);
    // region endpoint; dotted bucket falls back to path style
    ASSERT_EQ(h5c_remote_url_parse("/vsis3/my.bucket/k.h5", &r, "eu-west-3", &u, &e), 0);
    EXPECT_EQ(std::string(u.url), "https://s3.eu-west-3.amazonaws.com/my.bucket/k.h5");
    h5c_remote_url_free(&u);
    // custom endpoint: path style by default, AWS_HTTPS=NO
    r.endpoint = "127.0.0.1:9000";
    r.https = 0;
    ASSERT_EQ(h5c_remote_url_parse("s3://b1/k.h5", &r, "us-east-1", &u, &e), 0);
    EXPECT_EQ(std::string(u.url), "http://127.0.0.1:9000/b1/k.h5");
    EXPECT_EQ(std::string(u.path), "/b1/k.h5");
    h5c_remote_url_free(&u);
    r.endpoint = "minio.local:9000";
    r.virtual_hosting = 1;
    ASSERT_EQ(h5c_remote_url_parse("s3://b1/k.h5", &r, "us-east-1", &u, &e), 0);
    EXPECT_EQ(std::string(u.url), "http://b1.minio.local:9000/k.h5");
    h5c_remote_url_free(&u);
    EXPECT_NE(h5c_remote_url_parse("s3://bucketonly", &r, "us-east-1", &u, &e), 0);
    EXPECT_NE(h5c_remote_url_parse("s3:///k", &r, "us-east-1", &u, &e), 0);
}

TEST(RemoteUrl, HttpNameHidesQueryAndUser)
{
    h5c_remote r = defaults();
    h5c_remote_url u;
    h5c_error e;
    ASSERT_EQ(h5c_remote_url_parse("/vsicurl/https://user:pw@host/x.h5?X-Amz-Signature=abc", &r, "", &u, &e), 0);
    EXPECT_EQ(std::string(u.name), "https://host/x.h5");
    EXPECT_EQ(std::string(u.url), "https://user:pw@host/x.h5?X-Amz-Signature=abc");
    h5c_remote_url_free(&u);
}

TEST(RemoteUrl, UnreachableFailsCleanly)
{
    h5c_remote r = defaults();
    r.max_retry = 1;
    r.retry_delay = 0.01;
    h5c_error e;
    memset(&e, 0, sizeof e);
    h5c_io *io = h5c_io_remote_open("http://127.0.0.1:9/nothing.h5", &r, 0, &e);
    EXPECT_EQ(io, nullptr);
    EXPECT_EQ(e.code, H5C_ERR_IO);
    EXPECT_NE(std::string(e.msg).find("http://127.0.0.1:9/nothing.h5"), std::string::npos) << e.msg;
}

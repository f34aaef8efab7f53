"""End to end: the h5coro CLI against the loopback S3 / STS / ECS / IMDS
stand-ins (tests/remote/loopback.py), which verify every signature with
botocore. Outputs over S3 must equal the outputs on the local file."""
import os
import re
import time

import pytest

from conftest import (AKID, DATA, FILES, SECRET, base_env, datasets, key_env, listing, read_bin, run)


SMALL = "sb3_v110.h5"


def local(f):
    return os.path.join(DATA, f)


def assert_same_reads(url, f, env, dsets=None):
    for d in dsets or datasets(local(f)):
        want = read_bin(local(f), d)
        got = read_bin(url, d, env)
        assert got[0] == want[0], (d, got[2])
        assert got[1] == want[1], d


def signed_requests(srv):
    return [r for r in srv.state.log if r["path"].startswith("/data/")]


# ---- same results as the local files -------------------------------------------

@pytest.mark.parametrize("f", FILES)
def test_s3_same_as_local(srv, tmp_path, f):
    env = key_env(srv, tmp_path)
    assert listing("s3://data/" + f, env) == listing(local(f))
    assert_same_reads("s3://data/" + f, f, env)
    reqs = signed_requests(srv)
    assert reqs and all(r["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=" + AKID)
                        for r in reqs)
    assert all(r["status"] == 206 for r in reqs)
    assert srv.bad_signatures == 0
    # the ETag is strong: every read after each open's first request sends
    # If-Match; that first request reads the start of the object (speculative
    # read: 4 MiB by default, whole blocks)
    firsts = [r for r in reqs if "if-match" not in r["headers"]]
    assert firsts and all(r["headers"]["range"] == "bytes=0-%d" % ((4 << 20) - 1) for r in firsts)


def test_vsis3_vsicurl_https_forms(srv, tmp_path):
    env = key_env(srv, tmp_path)
    want = listing(local(SMALL))
    assert listing("/vsis3/data/" + SMALL, env) == want
    url = "http://127.0.0.1:%d/public/%s" % (srv.port, SMALL)
    assert listing(url, base_env(srv, tmp_path)) == want
    assert listing("/vsicurl/" + url, base_env(srv, tmp_path)) == want
    assert_same_reads("/vsicurl/" + url, SMALL, base_env(srv, tmp_path), ["/chunked_gzip_f4"])
    plain = [r for r in srv.state.log if r["path"].startswith("/public/")]
    assert plain and not any("authorization" in r["headers"] for r in plain)


def test_virtual_hosting(srv, tmp_path):
    env = key_env(srv, tmp_path, AWS_S3_ENDPOINT="localhost:%d" % srv.port, AWS_VIRTUAL_HOSTING="YES")
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    hosts = {r["headers"].get("host") for r in srv.state.log}
    assert hosts == {"data.localhost:%d" % srv.port}
    assert srv.bad_signatures == 0


# ---- errors ---------------------------------------------------------------------

def test_bad_secret_is_signature_mismatch(srv, tmp_path):
    env = key_env(srv, tmp_path, AWS_SECRET_ACCESS_KEY="wrong-secret-value")
    rc, out, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1
    assert "SignatureDoesNotMatch" in err and "403" in err
    assert "wrong-secret-value" not in err
    assert len(srv.state.log) == 1  # 403 is not retried


def test_missing_key_and_bucket(srv, tmp_path):
    env = key_env(srv, tmp_path)
    rc, _, err = run(["ls", "s3://data/no-such-file.h5"], env)
    assert rc == 1 and "NoSuchKey" in err and "404" in err
    rc, _, err = run(["ls", "s3://nobucket/x.h5"], env)
    assert rc == 1 and "NoSuchBucket" in err
    assert len(srv.state.log) == 2


def test_no_credentials(srv, tmp_path):
    rc, _, err = run(["ls", "s3://data/" + SMALL], base_env(srv, tmp_path))
    assert rc == 1 and "no AWS credentials found" in err
    assert not srv.state.log


# ---- credential sources ---------------------------------------------------------

def test_session_token_env(srv, tmp_path):
    srv.state.keys["ASIAENVTOKEN"] = ("envsecret/x", "env-session/token+1=")
    env = base_env(srv, tmp_path, AWS_ACCESS_KEY_ID="ASIAENVTOKEN", AWS_SECRET_ACCESS_KEY="envsecret/x",
                   AWS_SESSION_TOKEN="env-session/token+1=")
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    assert all(r["headers"].get("x-amz-security-token") == "env-session/token+1=" for r in srv.state.log)
    env["AWS_SESSION_TOKEN"] = "stale-token"
    rc, _, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1 and "InvalidToken" in err and "stale-token" not in err


def test_profile_credentials_file(srv, tmp_path):
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text("[default]\naws_access_key_id = NOPE\naws_secret_access_key = nope\n"
                                     "[other]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (AKID, SECRET))
    env = base_env(srv, tmp_path, AWS_PROFILE="other")
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    # CPL_AWS_CREDENTIALS_FILE moves the file; [default] profile
    alt = tmp_path / "creds.ini"
    alt.write_text("[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n" % (AKID, SECRET))
    env = base_env(srv, tmp_path, CPL_AWS_CREDENTIALS_FILE=str(alt))
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))


def test_config_file_region_and_keys(srv, tmp_path):
    cfg = tmp_path / "config.ini"
    cfg.write_text("[default]\nregion = us-west-2\n[profile other]\nregion = eu-west-3\n"
                   "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (AKID, SECRET))
    env = base_env(srv, tmp_path, AWS_CONFIG_FILE=str(cfg), AWS_PROFILE="other")
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    auths = {r["headers"]["authorization"].split(",")[0] for r in srv.state.log}
    assert all("/eu-west-3/s3/aws4_request" in a for a in auths)
    # AWS_REGION wins over the config file
    srv.state.log.clear()
    env["AWS_REGION"] = "ap-south-1"
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    assert all("/ap-south-1/s3/" in r["headers"]["authorization"] for r in srv.state.log)


def test_web_identity(srv, tmp_path):
    tok = tmp_path / "token"
    tok.write_text(srv.state.web_identity_token + "\n")
    env = base_env(srv, tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN=srv.state.role_arn,
                   AWS_STS_ENDPOINT="http://127.0.0.1:%d" % srv.port)
    n = srv.state.counts["sts"]
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    assert srv.state.counts["sts"] == n + 1
    akid, _, token = srv.state.issued["sts"]
    reqs = signed_requests(srv)
    assert reqs and all(akid in r["headers"]["authorization"] and r["headers"]["x-amz-security-token"] == token
                        for r in reqs)
    tok.write_text("not-the-token")
    rc, _, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1 and "AccessDenied" in err and "web identity" in err


def test_ecs_container(srv, tmp_path):
    env = base_env(srv, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:%d/ecs/creds" % srv.port)
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    assert srv.state.issued["ecs"][0] in signed_requests(srv)[0]["headers"]["authorization"]
    srv.ecs_auth = "ecs-auth-token"
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth-token"
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))


def test_imds_v2(srv, tmp_path):
    env = base_env(srv, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:%d" % srv.port)
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    paths = [(r["method"], r["path"]) for r in srv.state.log if r["path"].startswith("/latest/")]
    assert paths[0] == ("PUT", "/latest/api/token")
    assert ("GET", "/latest/meta-data/iam/security-credentials/h5coro-role") in paths
    assert srv.state.issued["imds"][0] in signed_requests(srv)[0]["headers"]["authorization"]


def test_anonymous(srv, tmp_path):
    env = base_env(srv, tmp_path, AWS_NO_SIGN_REQUEST="YES")
    assert listing("s3://public/" + SMALL, env) == listing(local(SMALL))
    assert srv.state.log and not any("authorization" in r["headers"] for r in srv.state.log)
    rc, _, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1 and "AccessDenied" in err


def test_requester_pays(srv, tmp_path):
    env = key_env(srv, tmp_path)
    rc, _, err = run(["ls", "s3://payer/" + SMALL], env)
    assert rc == 1 and "AccessDenied" in err
    env["AWS_REQUEST_PAYER"] = "requester"
    assert listing("s3://payer/" + SMALL, env) == listing(local(SMALL))


def test_verbose_log_has_no_secrets(srv, tmp_path):
    srv.state.keys["ASIAVERBOSE0001"] = ("verbose/secret+K", "verbose-session-token")
    env = base_env(srv, tmp_path, AWS_ACCESS_KEY_ID="ASIAVERBOSE0001", AWS_SECRET_ACCESS_KEY="verbose/secret+K",
                   AWS_SESSION_TOKEN="verbose-session-token")
    rc, out, err = run(["read", "s3://data/" + SMALL, "/chunked_gzip_f4", "--format", "bin", "-v"], env)
    assert rc == 0, err
    assert re.search(r"GET s3://data/%s range=\d+-\d+ 206 \d+ \d+ms retries=0" % re.escape(SMALL), err), err
    for secret in ("verbose/secret+K", "verbose-session-token", "ASIAVERBOSE0001", "Signature"):
        assert secret not in err
    sigs = [r["headers"]["authorization"].split("Signature=")[1] for r in srv.state.log]
    assert not any(s in err for s in sigs)


# ---- faults ---------------------------------------------------------------------

RETRY_ENV = {"GDAL_HTTP_RETRY_DELAY": "0.01", "GDAL_HTTP_TIMEOUT": "2"}


@pytest.mark.parametrize("fault", ["503", "500", "reset", "truncate", "html", "html502", "badrange", "200",
                                   "latency:0.3", "long", "hang", "stall", "trickle"])
def test_fault_retried_same_data(srv, tmp_path, fault):
    f = "chunk_index_v110.h5"
    env = key_env(srv, tmp_path, **RETRY_ENV)
    want = run(["ls", local(f), "-r", "--json"])[1]
    # fault on the open's first request (it also reads the start of the file);
    # then, with a first read smaller than the file, on the next read twice
    for pattern in ([fault], [None, fault, fault]):
        srv.state.faults[:] = pattern
        t0 = time.time()
        rc, out, err = run(["ls", "s3://data/" + f, "-r", "--json", "-v", "--speculative", "4096"], env)
        assert rc == 0, err
        assert out == want
        assert time.time() - t0 < 30
        retried = re.findall(r"retries=(\d+)", err)
        expect = len([p for p in pattern if p]) if fault not in ("200", "latency:0.3", "trickle") else 0
        assert max(int(r) for r in retried) == expect, err
    srv.state.faults[:] = [None, fault, fault]
    assert_same_reads("s3://data/" + f, f, env)
    assert srv.bad_signatures == 0


def test_retries_exhausted_bounded(srv, tmp_path):
    env = key_env(srv, tmp_path, GDAL_HTTP_MAX_RETRY="2", GDAL_HTTP_RETRY_DELAY="0.05")
    srv.state.faults[:] = ["503"] * 100
    t0 = time.time()
    rc, _, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1 and "SlowDown" in err and "after 2 retries" in err
    assert time.time() - t0 < 10
    assert len(srv.state.log) == 3


@pytest.mark.parametrize("fault", ["etag", "etag-noim", "badtotal"])
def test_object_changed_mid_read(srv, tmp_path, fault):
    env = key_env(srv, tmp_path, **RETRY_ENV)
    srv.state.faults[:] = [None] + [fault] * 20
    rc, out, err = run(["read", "s3://data/large_chunked_f4.h5", "/field", "--format", "bin", "--speculative", "4096"], env)
    assert rc == 1 and "object changed during read" in err, err


def test_weak_etag_sends_no_if_match(srv, tmp_path):
    srv.state.etag_override["data/" + SMALL] = 'W/"weak-etag"'
    env = key_env(srv, tmp_path)
    assert listing("s3://data/" + SMALL, env) == listing(local(SMALL))
    assert not any("if-match" in r["headers"] for r in srv.state.log)


@pytest.mark.parametrize("fault,code", [("403", "AccessDenied"), ("404", "NoSuchKey"), ("301", "PermanentRedirect"),
                                        ("307", "TemporaryRedirect")])
def test_fault_not_retried_clear_error(srv, tmp_path, fault, code):
    """403, 404 and a redirect of a signed request (the signature is bound to
    the host: following it cannot be right) end the read at once with the
    server's code; no retry, no partial output."""
    env = key_env(srv, tmp_path, **RETRY_ENV)
    for pattern in ([fault], [None, fault]):
        srv.state.faults[:] = pattern
        srv.state.log.clear()
        rc, out, err = run(["read", "s3://data/large_chunked_f4.h5", "/field", "--format", "bin",
                            "--speculative", "4096"], env)
        assert rc == 1 and out == b"", err
        assert ("HTTP %s %s" % (fault, code)) in err, err
        assert "retries" not in err
        assert len(signed_requests(srv)) == len(pattern)


@pytest.mark.parametrize("fault", ["301", "307"])
def test_redirect_followed_over_plain_http(srv, tmp_path, fault):
    """An unsigned http(s):// read follows 301/307 (libcurl, at most 5) and
    gets the same bytes."""
    url = "/vsicurl/http://127.0.0.1:%d/public/%s" % (srv.port, SMALL)
    env = base_env(srv, tmp_path, **RETRY_ENV)
    srv.state.faults[:] = [fault, None, fault]
    assert_same_reads(url, SMALL, env, ["/chunked_gzip_f4"])
    assert [r["status"] for r in srv.state.log].count(int(fault)) >= 1


def test_connection_refused_bounded(srv, tmp_path):
    """No server on the port: bounded retries with back-off, then an error
    naming the cause."""
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = key_env(srv, tmp_path, AWS_S3_ENDPOINT="127.0.0.1:%d" % port, GDAL_HTTP_MAX_RETRY="3",
                  GDAL_HTTP_RETRY_DELAY="0.05")
    t0 = time.time()
    rc, out, err = run(["ls", "s3://data/" + SMALL], env)
    assert rc == 1 and "connect" in err.lower() and "after 3 retries" in err, err
    assert time.time() - t0 < 20

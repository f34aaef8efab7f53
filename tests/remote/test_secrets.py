"""Secret hygiene (issue 9 item 7): with known credentials (access key,
secret, session token) the CLI and the library (its messages reach the
CLI's output unchanged) print nothing that contains the secret, the session
token or any request signature: on every verbose path (-v, H5CORO_VERBOSE=1)
and every error path (bad signature, wrong token, 403/404, retries
exhausted, time-out, object changed, credentials from files, ECS, STS,
IMDS). Not yet covered: the GDAL driver under CPL_DEBUG=ON."""
import pytest

from conftest import base_env, run

SMALL = "sb3_v110.h5"
KEY, SECRET, TOKEN = "ASIASECRETTEST0001", "known/secret+Value0001", "known-session-token/+=0001"
RETRY = {"GDAL_HTTP_RETRY_DELAY": "0.01", "GDAL_HTTP_MAX_RETRY": "2", "GDAL_HTTP_TIMEOUT": "2"}


def secrets_of(srv):
    """The known secrets plus every signature and token the server saw or issued."""
    out = {SECRET, TOKEN}
    for r in srv.state.log:
        auth = r["headers"].get("authorization", "")
        if "Signature=" in auth:
            out.add(auth.split("Signature=")[1])
        for h in ("x-amz-security-token", "x-aws-ec2-metadata-token"):
            if r["headers"].get(h):
                out.add(r["headers"][h])
    for _, secret, token in srv.state.issued.values():
        out |= {secret, token}
    out.add(srv.state.imds_token)
    out.add(srv.state.web_identity_token)
    return out


def assert_clean(srv, outputs):
    sec = secrets_of(srv)
    for rc, out, err in outputs:
        text = out.decode(errors="replace") + err
        for s in sec:
            assert s not in text, (s, text[-2000:])
        assert "Signature=" not in text and "Credential=" not in text


COMMANDS = [["ls", "s3://data/" + SMALL, "-r", "--json"],
            ["info", "s3://data/" + SMALL, "/chunked_gzip_f4"],
            ["read", "s3://data/" + SMALL, "/chunked_gzip_f4", "--format", "csv"]]


@pytest.mark.parametrize("how", ["-v", "H5CORO_VERBOSE"])
def test_verbose_and_errors_print_no_secret(srv, tmp_path, how):
    srv.state.keys[KEY] = (SECRET, TOKEN)
    extra = {"H5CORO_VERBOSE": "1"} if how == "H5CORO_VERBOSE" else {}
    flag = ["-v"] if how == "-v" else []
    good = base_env(srv, tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN,
                    **RETRY, **extra)
    outs = [run(c + flag, good) for c in COMMANDS]
    assert outs[0][0] == 0 and "GET s3://data/" in outs[0][2], outs[0][2]
    # error paths, each with the same known credentials in play
    bad_secret = dict(good, AWS_SECRET_ACCESS_KEY=SECRET + "x")
    bad_token = dict(good, AWS_SESSION_TOKEN=TOKEN + "x")
    for env in (bad_secret, bad_token):
        outs += [run(c + flag, env) for c in COMMANDS[:2]]
    outs.append(run(["ls", "s3://data/missing.h5"] + flag, good))
    outs.append(run(["ls", "s3://nobucket/" + SMALL] + flag, good))
    for faults in (["403"], ["503"] * 10, ["hang"] * 10, [None, "etag"] * 10, [None, "404"]):
        srv.state.faults[:] = faults
        outs.append(run(["read", "s3://data/large_chunked_f4.h5", "/field", "--format", "bin", "-o", "/dev/null",
                         "--speculative", "4096"] + flag, good))
    srv.state.faults.clear()
    assert sum(1 for o in outs if o[0] != 0) >= 8
    assert_clean(srv, outs)


def test_credential_sources_print_no_secret(srv, tmp_path):
    """Secrets that come from a credentials file, STS, ECS and IMDS (the
    server issues them) stay out of the output, on success and on error."""
    srv.state.keys[KEY] = (SECRET, TOKEN)
    creds = tmp_path / "creds"
    creds.write_text("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n"
                     "[bad]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (KEY, SECRET, TOKEN, KEY, SECRET))
    tok = tmp_path / "webtoken"
    tok.write_text(srv.state.web_identity_token)
    url = "http://127.0.0.1:%d" % srv.port
    envs = [dict(CPL_AWS_CREDENTIALS_FILE=str(creds)),
            dict(CPL_AWS_CREDENTIALS_FILE=str(creds), AWS_PROFILE="bad"),
            dict(CPL_AWS_CREDENTIALS_FILE=str(creds), AWS_PROFILE="nosuch"),
            dict(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN=srv.state.role_arn, AWS_STS_ENDPOINT=url),
            dict(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN="arn:aws:iam::1:role/wrong", AWS_STS_ENDPOINT=url),
            dict(AWS_CONTAINER_CREDENTIALS_FULL_URI=url + "/ecs/creds"),
            dict(AWS_EC2_METADATA_SERVICE_ENDPOINT=url)]
    outs = []
    for e in envs:
        env = base_env(srv, tmp_path, **RETRY, **e)
        for flag in ([], ["-v"]):
            outs.append(run(["ls", "s3://data/" + SMALL] + flag, env))
            outs.append(run(["ls", "s3://data/missing.h5"] + flag, env))
    assert any(o[0] == 0 for o in outs) and any(o[0] != 0 for o in outs)
    assert_clean(srv, outs)

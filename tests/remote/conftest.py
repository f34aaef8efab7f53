import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "data")
sys.path.insert(0, HERE)

from loopback import Server  # noqa: E402

H5CORO = os.environ.get("H5CORO", os.path.join(ROOT, "build", "h5coro"))
AKID = "AKIDLOOPBACKTEST0001"
SECRET = "loopback/secret+KEY0001"

# a few files of data/ covering the layouts and chunk indexes
FILES = ["sb3_v110.h5", "chunk_index_v110.h5", "filters_v110.h5", "paged_v110.h5", "sb0_earliest.h5"]


@pytest.fixture(scope="session")
def server():
    s = Server()
    s.state.buckets["data"] = {"dir": DATA}
    s.state.buckets["public"] = {"dir": DATA, "public": True}
    s.state.buckets["payer"] = {"dir": DATA, "payer": True}
    s.state.keys[AKID] = (SECRET, None)
    yield s
    s.stop()


@pytest.fixture
def srv(server):
    server.state.faults.clear()
    server.state.etag_override.clear()
    server.state.log.clear()
    server.bad_signatures = 0
    server.ecs_auth = None
    yield server
    server.state.faults.clear()


def base_env(server, tmp_path, **extra):
    """A clean environment: no AWS variables of the caller, HOME in tmp."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GDAL_", "CPL_", "H5CORO_"))}
    env["HOME"] = str(tmp_path)
    env["AWS_S3_ENDPOINT"] = "127.0.0.1:%d" % server.port
    env["AWS_HTTPS"] = "NO"
    env["AWS_VIRTUAL_HOSTING"] = "NO"
    # never let the chain reach a real instance metadata service
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9"
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def key_env(server, tmp_path, **extra):
    e = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET}
    e.update(extra)
    return base_env(server, tmp_path, **e)


def run(args, env=None, timeout=60):
    p = subprocess.run([H5CORO] + args, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def listing(path, env=None):
    rc, out, err = run(["ls", path, "-r", "--json"], env)
    assert rc == 0, err
    return json.loads(out)


def datasets(path):
    return [e["path"] for e in listing(path) if e.get("kind") == "dataset"]


def read_bin(path, dset, env=None):
    return run(["read", path, dset, "--format", "bin"], env)

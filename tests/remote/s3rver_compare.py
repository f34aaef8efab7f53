"""Upload a directory to s3rver and compare h5coro over s3:// with local reads."""
import argparse
import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("--h5coro", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("dir")
a = ap.parse_args()

ep = "http://127.0.0.1:%d" % a.port
s3 = boto3.client("s3", endpoint_url=ep, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket="data")
files = sorted(f for f in os.listdir(a.dir) if f.endswith((".h5", ".nc")))
for f in files:
    s3.upload_file(os.path.join(a.dir, f), "data", f)

env = dict(os.environ, AWS_S3_ENDPOINT="127.0.0.1:%d" % a.port, AWS_HTTPS="NO", AWS_VIRTUAL_HOSTING="NO",
           AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER")


def run(args, e=None):
    p = subprocess.run([a.h5coro] + args, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


same = diff = 0
for f in files:
    loc, url = os.path.join(a.dir, f), "s3://data/" + f
    l1, l2 = run(["ls", loc, "-r", "--json"]), run(["ls", url, "-r", "--json"], env)
    if l1[:2] != l2[:2]:
        print("DIFF listing %s: %s" % (f, l2[2].strip()))
        diff += 1
        continue
    if l1[0] != 0:
        continue
    for e in json.loads(l1[1]):
        if e.get("kind") != "dataset":
            continue
        r1 = run(["read", loc, e["path"], "--format", "bin"])
        r2 = run(["read", url, e["path"], "--format", "bin"], env)
        if r1[:2] == r2[:2]:
            same += 1
        else:
            diff += 1
            print("DIFF %s %s: rc %d vs %d %s" % (f, e["path"], r1[0], r2[0], r2[2].strip()))
print("s3rver: %d files, %d datasets identical, %d different" % (len(files), same, diff))
sys.exit(1 if diff else 0)

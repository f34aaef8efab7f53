"""Compare h5coro over s3:// (s3rver, started and filled with data/ by
s3rver_setup.sh, which sets the AWS_* variables) with local reads."""
import argparse
import json
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--h5coro", required=True)
ap.add_argument("dir")
a = ap.parse_args()

files = sorted(f for f in os.listdir(a.dir) if f.endswith((".h5", ".nc")))


def run(args, e=None):
    p = subprocess.run([a.h5coro] + args, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


local_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
same = diff = 0
for f in files:
    loc, url = os.path.join(a.dir, f), "s3://data/" + f
    l1, l2 = run(["ls", loc, "-r", "--json"], local_env), run(["ls", url, "-r", "--json"])
    if l1[:2] != l2[:2]:
        print("DIFF listing %s: %s" % (f, l2[2].strip()))
        diff += 1
        continue
    if l1[0] != 0:
        continue
    for e in json.loads(l1[1]):
        if e.get("kind") != "dataset":
            continue
        r1 = run(["read", loc, e["path"], "--format", "bin"], local_env)
        r2 = run(["read", url, e["path"], "--format", "bin"])
        if r1[:2] == r2[:2]:
            same += 1
        else:
            diff += 1
            print("DIFF %s %s: rc %d vs %d %s" % (f, e["path"], r1[0], r2[0], r2[2].strip()))
print("s3rver: %d files, %d datasets identical, %d different" % (len(files), same, diff))
sys.exit(1 if diff else 0)

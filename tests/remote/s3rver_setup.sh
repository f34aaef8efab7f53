#!/usr/bin/env bash
# Run a command against data/ in a real S3 emulator (npm s3rver):
#   tests/remote/s3rver_setup.sh COMMAND [ARGS...]
# Starts s3rver with scripts/s3rver.sh (the one place that installs and
# starts it; cached in $H5C_S3RVER_PREFIX), uploads data/ into bucket "data"
# with boto3, runs COMMAND with S3RVER_PORT and the AWS_* variables that
# reach it (s3://data/FILE), and stops the server at exit. Exit 77
# (skipped) when s3rver cannot be installed or started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pid=$(timeout 600 "$root/scripts/s3rver.sh" "$work/store" "$work/port" data) || exit 77
port=$(cat "$work/port")
export S3RVER_PORT=$port AWS_S3_ENDPOINT=127.0.0.1:$port AWS_HTTPS=NO AWS_VIRTUAL_HOSTING=NO \
       AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
/usr/bin/python3 - "$port" "$root/data" <<'PY'
import os, sys, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%s" % sys.argv[1], aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}))
for f in sorted(os.listdir(sys.argv[2])):
    if f.endswith((".h5", ".nc", ".he5")):
        s3.upload_file(os.path.join(sys.argv[2], f), "data", f)
PY
"$@"

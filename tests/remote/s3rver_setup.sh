#!/usr/bin/env bash
# Read data/ through a real S3 emulator (npm s3rver@3): install it (cached in
# $S3RVER_PREFIX, default build/s3rver), start it on a free loopback port,
# upload data/ with boto3, and compare every dataset read over s3:// with the
# same read of the local file (s3rver_compare.py). Stops the server at exit.
# Exit 77 (skipped) when s3rver cannot be installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
prefix=${S3RVER_PREFIX:-$root/build/s3rver}
h5coro=${H5CORO:-$root/build/h5coro}
if [ ! -x "$prefix/node_modules/.bin/s3rver" ]; then
  mkdir -p "$prefix"
  timeout 600 npm install --silent --no-audit --no-fund --prefix "$prefix" s3rver@3 >&2 || exit 77
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$prefix/node_modules/.bin/s3rver" --address 127.0.0.1 --port "$port" --directory "$work" --silent &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.1
done
timeout 900 /usr/bin/python3 "$here/s3rver_compare.py" --h5coro "$h5coro" --port "$port" "$root/data"

#!/usr/bin/env bash
# Install (once) and start the s3rver S3 emulator on loopback.
#   scripts/s3rver.sh DATA_DIR PORT_FILE [BUCKET]
# Installs npm's s3rver into build/.s3rver, starts it on a free port with
# DATA_DIR as its store and BUCKET (default "bench") created, writes the port
# to PORT_FILE and prints the server's PID. Credentials: S3RVER / S3RVER.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1; portfile=$2; bucket=${3:-bench}
prefix=${H5C_S3RVER_PREFIX:-$PWD/build/.s3rver}
if [ ! -x "$prefix/node_modules/.bin/s3rver" ]; then
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" s3rver@3.7.1 >/dev/null
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$data"
"$prefix/node_modules/.bin/s3rver" -d "$data" -a 127.0.0.1 -p "$port" -s --configure-bucket "$bucket" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
  sleep 0.1
done
echo "$port" > "$portfile"
echo "$pid"

#!/usr/bin/env bash
# The main job: install, build, and show the CLI on sample files of data/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
set -x
build/h5coro ls data/netcdf4_cf.nc -r
build/h5coro info data/large_chunked_f4.h5 /field
build/h5coro read data/large_chunked_f4.h5 /field --slice 0:4,0:6

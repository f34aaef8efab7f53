#!/bin/sh
# Regenerate every test file in data/ with one command:
#
#   scripts/gen_data.sh [OUTDIR]        (default: the data/ directory)
#
# Needs (Debian bookworm): python3-h5py, python3-numpy, python3-netcdf4,
# libhdf5-dev, gcc.  The helpers are built into a temporary directory; only
# the generated .h5/.nc files land in OUTDIR.  The output is reproducible:
# fixed random seeds, object timestamps off, and the wall clock pinned by
# data/fixed_time.c for the few timestamps libhdf5 writes regardless.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
data="$here/data"
outdir=${1:-$data}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

PY=/usr/bin/python3
CC=${CC:-gcc}
HDF5_INC=${HDF5_INC:-/usr/include/hdf5/serial}
HDF5_LIB=${HDF5_LIB:-/usr/lib/x86_64-linux-gnu/hdf5/serial}

tmp=$(mktemp -d /tmp/h5coro-gendata.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$CC" -O2 -shared -fPIC -Wall -Wextra -o "$tmp/libfixedtime.so" "$data/fixed_time.c" -ldl
"$CC" -std=c11 -O1 -Wall -Wextra -I"$HDF5_INC" -o "$tmp/gen_special" \
    "$data/gen_special.c" -L"$HDF5_LIB" -lhdf5 -lm

# in data/ itself, remove earlier outputs so that files no longer generated
# do not linger (never done for another OUTDIR)
if [ "$outdir" = "$data" ]; then
    for f in "$outdir"/*.h5 "$outdir"/*.nc "$outdir"/*.he5; do
        if [ -e "$f" ]; then rm -f "$f"; fi
    done
fi

export LD_PRELOAD="$tmp/libfixedtime.so"
# no file locks needed (and not supported on every file system)
export HDF5_USE_FILE_LOCKING=FALSE
"$tmp/gen_special" "$outdir"
"$PY" "$data/gen_data.py" "$outdir"
"$PY" "$data/gen_eos.py" "$outdir"
unset LD_PRELOAD

echo "generated $(ls "$outdir"/*.h5 "$outdir"/*.nc "$outdir"/*.he5 | wc -l) files," \
     "$(du -ck "$outdir"/*.h5 "$outdir"/*.nc "$outdir"/*.he5 | tail -1 | cut -f1) KiB in $outdir"

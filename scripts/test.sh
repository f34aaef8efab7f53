#!/usr/bin/env bash
# Every test: install, build twice, run ctest in each tree.
#  build/       gcc, optimized: unit tests + differential runs (data/, corpus)
#  build-asan/  clang with ASan+UBSan: the same tests, plus a bounded
#               libFuzzer run (fuzz_smoke: H5C_FUZZ_RUNS inputs from seed 1,
#               default 60000 (~90 s), the same on every machine);
#               no GDAL plugin there (GDAL's tools are not sanitized)
#  build-tsan/  clang with ThreadSanitizer: the unit suite and the
#               concurrency tests (h5c_threads: 8 threads on one h5c_file,
#               local and through s3rver); any race report fails the run
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure)
# the differential runs' closing lines (data/, corpus), for the log
grep -h "^corpus:" build/Testing/Temporary/LastTest.log || true
# QGIS (python3-qgis, installed here when missing) loads a /vsis3/ layer
# through the plugin, georeferences and renders it offscreen
# (driver/tests/qgis_check.py); H5C_QGIS=0 skips it
if [ "${H5C_QGIS:-1}" = 1 ]; then
  if ! dpkg-query -W -f='${Status}' python3-qgis 2>/dev/null | grep -q "install ok installed"; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-qgis >/dev/null
  fi
  H5C_S3RVER_PREFIX="$PWD/build/.s3rver" /usr/bin/python3 driver/tests/qgis_check.py \
    --driver-dir build/driver --out build/qgis_check.png
fi
scripts/build.sh build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DH5C_SANITIZE=ON -DH5C_FUZZ=ON -DH5C_DRIVER=OFF -DH5C_FUZZ_RUNS="${H5C_FUZZ_RUNS:-60000}"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure)
scripts/build.sh build-tsan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DH5C_TSAN=ON -DH5C_DRIVER=OFF
(cd build-tsan && TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
   ctest --output-on-failure -R '^(threads_local|threads_s3rver|tsan_unit)$')

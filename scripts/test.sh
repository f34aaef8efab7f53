#!/usr/bin/env bash
# Every test: install, build twice, run ctest in each tree.
#  build/       gcc, optimized: unit tests + differential runs (data/, corpus)
#  build-asan/  clang with ASan+UBSan: the same tests, plus a bounded
#               libFuzzer run (fuzz_smoke, H5C_FUZZ_SECONDS, default 120 s);
#               no GDAL plugin there (GDAL's tools are not sanitized)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure)
# the differential runs' closing lines (data/, corpus), for the log
grep -h "^corpus:" build/Testing/Temporary/LastTest.log || true
scripts/build.sh build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DH5C_SANITIZE=ON -DH5C_FUZZ=ON -DH5C_DRIVER=OFF -DH5C_FUZZ_SECONDS="${H5C_FUZZ_SECONDS:-120}"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure)

#!/usr/bin/env bash
# Run every libFuzzer target for SECONDS each (default 60) from the fuzz
# tree (default build-asan, configured with -DH5C_FUZZ=ON):
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR] [TARGET...]
# Seeds: data/ files (structure targets), messages and stored chunks cut
# from them (fuzz_replay --seeds), fuzz/seeds/<target>/ (text targets);
# with H5C_FUZZ_CORPUS=1 also the external corpus (files under 1 MiB).
# New inputs accumulate in BUILD_DIR/fuzz-corpus/<target>, crashes in
# BUILD_DIR/fuzz-crashes/ (copy each into tests/crashers/<target>/, named
# after its defect). Prints one line per target; exit 1 if any crashed.
# H5C_FUZZ_RUNS_EACH=N stops each target after N inputs (CI: the same
# inputs on every machine; SECONDS is then only a cap).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
build=${2:-build-asan}
shift 2 2>/dev/null || shift $#
src=$PWD
seeds=$build/fuzz-seeds
mkdir -p "$build/fuzz-corpus" "$build/fuzz-crashes" "$seeds/files"
files=$(ls data/*.h5 data/*.nc data/*.he5 2>/dev/null)
if [ "${H5C_FUZZ_CORPUS:-0}" = 1 ] && [ -d ../shared/corpus/files ]; then
  find ../shared/corpus/files -type f -size -1024k -exec cp -n {} "$seeds/files/" \; 2>/dev/null
fi
for f in $files; do cp -n "$f" "$seeds/files/"; done
"$build/fuzz/fuzz_replay" --seeds "$seeds" "$seeds"/files/* >/dev/null 2>&1
targets=${*:-$(cd fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
status=0
for t in $targets; do
  case $t in
    msg|dtype|dspace) seed_dirs="$seeds/msg"; max_len=65536 ;;
    filters) seed_dirs="$seeds/filters $src/fuzz/seeds/filters"; max_len=1048576 ;;
    http|creds|sigv4) seed_dirs="$src/fuzz/seeds/$t"; max_len=16384 ;;
    *) seed_dirs="$seeds/files"; max_len=1048576 ;;
  esac
  corpus=$build/fuzz-corpus/$t
  mkdir -p "$corpus"
  log=$build/fuzz-crashes/$t.log
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice "$build/fuzz/fuzz_$t" -seed=1 -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    ${H5C_FUZZ_RUNS_EACH:+-runs=$H5C_FUZZ_RUNS_EACH} -max_len=$max_len -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$t-" \
    "$corpus" $seed_dirs >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz $t: CRASH (exit $rc) after ${execs:-?} execs: $(grep -m1 -o 'ERROR: [^ ]* [^ ]*\|SUMMARY: .*' "$log" | head -1); log $log"
    ls "$build/fuzz-crashes/$t-"* 2>/dev/null | sed 's/^/  /'
  else
    echo "fuzz $t: ${execs:-?} execs in ${secs}s, $cov, corpus $(ls "$corpus" | wc -l) inputs, no crash"
  fi
done
exit $status

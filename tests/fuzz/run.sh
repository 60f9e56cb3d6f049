#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 30); TARGETs default to all four. The build goes to
# $MWAUTH_FUZZ_BUILD_DIR (default: build-fuzz in the source tree), with $MWAUTH_FUZZ_JOBS
# parallel jobs (default: all cores). Each target starts from a temporary copy of its seed
# corpus (tests/fuzz/corpus/<target>/), so the repository is never modified; the inputs
# it found are kept in <build>/fuzz-corpus/<target>/ for the next run, crash/leak inputs in
# <build>/fuzz-artifacts/<target>/, logs in <build>/fuzz-logs/<target>.log.
# Exits non-zero if any target crashed, leaked, hit a UBSan report, timed out or ran out
# of memory.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=${MWAUTH_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
jobs=${MWAUTH_FUZZ_JOBS:-$(nproc)}
seconds=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
all_targets=(fuzz_jws fuzz_jwk fuzz_oauth1_header fuzz_form)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: $0 [SECONDS] [TARGET...]   (targets: ${all_targets[*]})" >&2
    exit 2
fi

echo "== configuring $build_dir (clang, ASan + UBSan + libFuzzer)"
cmake -S "$source_dir" -B "$build_dir" \
    -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DMWAUTH_BUILD_FUZZERS=ON \
    -DMWAUTH_BUILD_TESTS=OFF \
    -DMWAUTH_BUILD_GUI=OFF \
    -DMWAUTH_BUILD_BENCH=OFF >/dev/null || exit 1
echo "== building ${targets[*]}"
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}" >/dev/null || {
    echo "build failed; rerun: cmake --build $build_dir --target ${targets[*]}" >&2
    exit 1
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Any sanitizer report is fatal (-fno-sanitize-recover=all makes UBSan abort too).
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"

failed=0
for target in "${targets[@]}"; do
    binary="$build_dir/tests/fuzz/$target"
    seeds="$here/corpus/$target"
    kept="$build_dir/fuzz-corpus/$target"
    artifacts="$build_dir/fuzz-artifacts/$target"
    log="$build_dir/fuzz-logs/$target.log"
    if [ ! -x "$binary" ] || [ ! -d "$seeds" ]; then
        echo "$target: FAILED (no binary at $binary or no seeds at $seeds)"
        failed=1
        continue
    fi
    mkdir -p "$kept" "$artifacts" "$(dirname "$log")" "$scratch/$target"
    cp "$seeds"/* "$kept"/* "$scratch/$target"/ 2>/dev/null
    dict=()
    [ -f "$here/dict/$target.dict" ] && dict=(-dict="$here/dict/$target.dict")

    "$binary" "$scratch/$target" "${dict[@]}" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
    status=$?

    # One line per target: executions, speed, coverage, corpus growth.
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")

    problem=""
    if grep -q 'runtime error:' "$log"; then problem="UBSan report"
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then problem="leak"
    elif grep -q 'ERROR: AddressSanitizer' "$log"; then problem="ASan report"
    elif grep -q 'INVARIANT BROKEN' "$log"; then problem="broken invariant"
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then problem="timeout"
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then problem="out of memory"
    elif [ "$status" -ne 0 ]; then problem="exit status $status"
    fi

    if [ -n "$problem" ]; then
        failed=1
        echo "$target: FAILED ($problem) after ${runs:-?} runs; input: $(ls -t "$artifacts" | head -n 1 | sed "s|^|$artifacts/|"); log: $log"
    else
        # Keep what this run found for the next one (never in the source tree).
        cp "$scratch/$target"/* "$kept"/ 2>/dev/null
        echo "$target: OK ${runs:-?} runs in ${seconds}s (${speed:-?} exec/s), cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?} (+${added:-0} new), peak RSS ${rss:-?} MB"
    fi
done
exit "$failed"

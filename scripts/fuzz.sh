#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ and fails on any crash.
#
#   scripts/fuzz.sh                               # CI: a fixed number of inputs per target from
#                                                 # seed 1 on a fresh corpus (about 4 minutes)
#   TAZALA_FUZZ_SECONDS=3600 scripts/fuzz.sh      # explore: an hour each, random seed, corpus
#                                                 # kept in fuzz/corpus/TARGET between runs
#   TAZALA_FUZZ_TARGETS=csv_reader scripts/fuzz.sh
#   TAZALA_FUZZ_RUNS=500000 scripts/fuzz.sh       # more inputs, still from seed 1
#   TAZALA_FUZZ_SEED=7 TAZALA_FUZZ_SECONDS=600 scripts/fuzz.sh
#
# CI counts inputs rather than seconds so that a slow or busy machine tries the same inputs as
# a fast one (libFuzzer's choices still drift after a few hundred inputs, as they depend on
# coverage timing; the count keeps the amount of work fixed).
#
# Needs only the stable toolchain: cargo-fuzz is installed if missing (`cargo install
# cargo-fuzz --locked`); the nightly-only flags it passes are allowed with RUSTC_BOOTSTRAP=1,
# and no sanitizer is used (AddressSanitizer needs nightly's runtime; tazala forbids unsafe
# code, so the fuzzers look for panics, overflows, hangs, runaway memory and broken
# invariants). A crash leaves its input in fuzz/artifacts/TARGET/ (and prints it in base64
# when it is small, so a CI log is enough to reproduce it); reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --codegen-units 16 TARGET fuzz/artifacts/TARGET/crash-…
# then fix it and add a regression test named after it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${TAZALA_FUZZ_SECONDS:-}"
if [[ -n "$seconds" ]]; then
    seed="${TAZALA_FUZZ_SEED:-0}" # 0: libFuzzer picks one
else
    seed="${TAZALA_FUZZ_SEED:-1}"
fi
targets="${TAZALA_FUZZ_TARGETS:-detectors csv_reader parquet_reader}"
# Inputs per target in CI mode: about 1 to 1.5 minutes each on a 2-core machine.
declare -A runs=([detectors]=180000 [csv_reader]=28000 [parquet_reader]=250000)
export RUSTC_BOOTSTRAP=1
# The same flags for build and run (other flags rebuild). Debug assertions and overflow
# checks are on (cargo-fuzz's default); 16 codegen units halve the build on a small machine.
flags=(--sanitizer none --codegen-units 16)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# Seeds: the demo store's tables and the sample text, so mutations start from real shapes.
seeds="fuzz/corpus/seeds"
mkdir -p "$seeds/detectors" "$seeds/csv_reader" "$seeds/parquet_reader"
cp fixtures/sample.txt "$seeds/detectors/"
find demo/store -name '*.csv' -exec cp {} "$seeds/csv_reader/" \;
find demo/store -name '*.parquet' -exec cp {} "$seeds/parquet_reader/" \;
# Every input that once crashed a reader is tried again first.
cp tests/regressions/*.parquet "$seeds/parquet_reader/"
head -c 4000 fixtures/sample.txt > "$seeds/detectors/sample-head.txt"
for f in "$seeds"/csv_reader/*.csv; do head -c 3000 "$f" > "$f.head"; done

cargo fuzz build "${flags[@]}"
for target in $targets; do
    if [[ -n "$seconds" ]]; then
        corpus="fuzz/corpus/$target"
        mkdir -p "$corpus"
        budget=(-max_total_time="$seconds")
        echo "== fuzz $target for ${seconds}s (seed $seed)"
    else
        # A fresh corpus: what earlier runs found must not change what this one tries.
        corpus="$(mktemp -d)"
        trap 'rm -rf "$corpus"' EXIT
        budget=(-runs="${TAZALA_FUZZ_RUNS:-${runs[$target]:-100000}}")
        echo "== fuzz $target: ${budget[0]#-runs=} inputs from seed $seed"
    fi
    log="fuzz/$target.log"
    # Only this run's crash is in the artifacts afterwards (and printed).
    rm -rf "fuzz/artifacts/$target"
    start=$SECONDS
    if ! cargo fuzz run "${flags[@]}" "$target" "$corpus" "$seeds/$target" -- \
        "${budget[@]}" -seed="$seed" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 40 "$log"
        for crash in fuzz/artifacts/"$target"/*; do
            if [[ -f "$crash" && $(stat -c %s "$crash") -le 16384 ]]; then
                echo "input $(basename "$crash") in base64 (decode with base64 -d):"
                base64 -w 0 "$crash"
                echo
            fi
        done
        echo "fuzz: $target crashed (input in fuzz/artifacts/$target/)"
        exit 1
    fi
    [[ -n "$seconds" ]] || rm -rf "$corpus"
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" || true
    echo "   $((SECONDS - start)) s"
done
echo "fuzz: no crash in $targets"

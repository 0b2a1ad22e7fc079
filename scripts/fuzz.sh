#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a bounded time and fails on any crash.
#
#   scripts/fuzz.sh                        # each target 45 s (what .ci/run does)
#   TAZALA_FUZZ_SECONDS=3600 scripts/fuzz.sh   # an hour each
#   TAZALA_FUZZ_TARGETS=csv_reader scripts/fuzz.sh
#   TAZALA_FUZZ_SEED=0 scripts/fuzz.sh        # a random seed (CI uses seed 1: reproducible)
#
# Needs only the stable toolchain: cargo-fuzz is installed if missing (`cargo install
# cargo-fuzz --locked`); the nightly-only flags it passes are allowed with RUSTC_BOOTSTRAP=1,
# and no sanitizer is used (AddressSanitizer needs nightly's runtime; tazala forbids unsafe
# code, so the fuzzers look for panics, overflows, hangs and broken invariants). A crash
# leaves its input in fuzz/artifacts/TARGET/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --codegen-units 16 TARGET fuzz/artifacts/TARGET/crash-…
# then fix it and add a regression test named after it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${TAZALA_FUZZ_SECONDS:-45}"
# A fixed seed keeps a CI run reproducible; 0 lets libFuzzer pick one.
seed="${TAZALA_FUZZ_SEED:-1}"
targets="${TAZALA_FUZZ_TARGETS:-detectors csv_reader parquet_reader}"
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
head -c 4000 fixtures/sample.txt > "$seeds/detectors/sample-head.txt"
for f in "$seeds"/csv_reader/*.csv; do head -c 3000 "$f" > "$f.head"; done

cargo fuzz build "${flags[@]}"
for target in $targets; do
    echo "== fuzz $target for ${seconds}s"
    mkdir -p "fuzz/corpus/$target"
    log="fuzz/corpus/$target.log"
    if ! cargo fuzz run "${flags[@]}" "$target" "fuzz/corpus/$target" "$seeds/$target" -- \
        -max_total_time="$seconds" -seed="$seed" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "fuzz: $target crashed (input in fuzz/artifacts/$target/)"
        exit 1
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" || true
done
echo "fuzz: no crash in $targets"

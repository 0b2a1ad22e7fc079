#!/usr/bin/env bash
# Scrubs the demo store with the release binary and checks that pyarrow, DuckDB and Python's
# csv module read the result like the input (same schema, header and row count).
#
# Needs python3 (3.9+) with venv, and PyPI. The venv is kept in target/interop-venv, so a
# second run installs nothing. Environment: TAZALA_BIN to test another binary.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${TAZALA_BIN:-target/release/tazala}"
[ -n "${TAZALA_BIN:-}" ] || cargo build --release --quiet
venv=target/interop-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check pyarrow duckdb zstandard

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" scrub demo/store -o "$work/clean" --key-file demo/demo.key --report "$work/report.json"
"$venv/bin/python" scripts/interop.py demo/store "$work/clean"

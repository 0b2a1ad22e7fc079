#!/usr/bin/env bash
# Scrubs the demo store with the release binary and checks that pyarrow, DuckDB and Python's
# csv module read the result like the input (same schema, header and row count); then the same
# for the demo's Parquet tables as pyarrow and DuckDB write them (other page layouts).
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

# Parquet from other writers (pyarrow with v2 data pages, zstd, small pages and statistics, and
# with v1 gzip pages without dictionaries; DuckDB; dictionaries larger than their columns), so
# that tazala's page-header check and reader meet files it did not write, and the result is
# read back like the rest.
"$venv/bin/python" - "$work/foreign" <<'PY'
import pathlib
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

out = pathlib.Path(sys.argv[1])
out.mkdir()
for src in sorted(pathlib.Path("demo/store").rglob("*.parquet")):
    table = pq.read_table(src)
    pq.write_table(table, out / f"pyarrow-v2-{src.name}", data_page_version="2.0",
                   compression="zstd", write_statistics=True, data_page_size=512)
    pq.write_table(table, out / f"pyarrow-v1-{src.name}", compression="gzip",
                   use_dictionary=False, data_page_size=256, row_group_size=7)
    duckdb.execute(f"COPY (SELECT * FROM read_parquet('{src}')) "
                   f"TO '{out / ('duckdb-' + src.name)}' (FORMAT parquet)")
# Dictionaries with more entries than the column has values: pyarrow keeps unused categories
# (a pandas Categorical), DuckDB writes every member of an enum.
statuses = pa.DictionaryArray.from_arrays(
    pa.array([0, 1, 0], type=pa.int32()),
    pa.array(["сдано", "не сдано", "пересдача", "зачёт", "незачёт", "отчислен"]))
pq.write_table(pa.table({"Статус": statuses, "Оценка": pa.array([5, 4, 3])}),
               out / "pyarrow-categories.parquet")
duckdb.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'great', 'calm')")
duckdb.execute(f"COPY (SELECT 'ok'::mood AS mood, 5 AS grade) "
               f"TO '{out / 'duckdb-enum.parquet'}' (FORMAT parquet)")
PY
"$bin" scrub "$work/foreign" -o "$work/foreign-clean" --key-file demo/demo.key
"$venv/bin/python" scripts/interop.py "$work/foreign" "$work/foreign-clean"

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
import datetime
import decimal
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
# Every type and footer field these writers make: logical types (timestamps, times, decimals,
# small and unsigned integers, float16, UUID, JSON, intervals), nested columns, statistics,
# size statistics, page indexes, sorting columns, bloom filters, checksums. The footer and
# page-header checks must accept them all, and the scrub must keep every type.
every = pa.table({
    "ts": pa.array([datetime.datetime(2024, 1, 1), None], pa.timestamp("ms", tz="UTC")),
    "ts_ns": pa.array([datetime.datetime(2024, 1, 1), None], pa.timestamp("ns")),
    "time_us": pa.array([datetime.time(1, 2, 3), None], pa.time64("us")),
    "time_ms": pa.array([datetime.time(1, 2, 3), None], pa.time32("ms")),
    "date": pa.array([datetime.date(2024, 1, 1), None], pa.date32()),
    "decimal": pa.array([decimal.Decimal("1.23"), None], pa.decimal128(10, 2)),
    "i8": pa.array([1, -2], pa.int8()),
    "u16": pa.array([1, 2], pa.uint16()),
    "u64": pa.array([1, 2], pa.uint64()),
    "f16": pa.array([1.5, None], pa.float16()),
    "f64": pa.array([1.5, float("nan")]),
    "flag": pa.array([True, None]),
    "bin": pa.array([b"ab", None]),
    "fixed": pa.array([b"abcd", None], pa.binary(4)),
    "numbers": pa.array([[1, 2], None], pa.list_(pa.int64())),
    "point": pa.array([{"x": 1}, None], pa.struct([("x", pa.int32())])),
    "category": pa.array(["a", "b"]).dictionary_encode(),
    "note": pa.array(["hello", None]),
}).replace_schema_metadata({"exported_by": "lms"})
pq.write_table(every, out / "pyarrow-every-type-v2.parquet", data_page_version="2.0",
               write_statistics=True, write_page_index=True, write_page_checksum=True,
               sorting_columns=[pq.SortingColumn(0)], compression="zstd")
pq.write_table(every, out / "pyarrow-every-type-v1.parquet", use_dictionary=False,
               compression="gzip", bloom_filter_options={"note": {"ndv": 10}})
duckdb.execute(
    "COPY (SELECT 1::TINYINT AS tiny, 'x' AS note, uuid() AS id, now() AS at, [1, 2] AS list, "
    "{'a': 1} AS struct, 1.5::DECIMAL(18, 3) AS amount, '{}'::JSON AS doc, 3::HUGEINT AS huge, "
    "2::UTINYINT AS utiny, '12:00'::TIME AS time, INTERVAL 1 DAY AS span) "
    f"TO '{out / 'duckdb-every-type.parquet'}' (FORMAT parquet)")
PY
# The binary columns cannot be searched: kept by a rule.
cat > "$work/keep-binary.toml" <<'TOML'
[[column]]
name = "bin"
action = "keep"

[[column]]
name = "fixed"
action = "keep"

[[column]]
name = "id"
action = "keep"
TOML
"$bin" scrub "$work/foreign" -o "$work/foreign-clean" --key-file demo/demo.key \
    --policy "$work/keep-binary.toml"
"$venv/bin/python" scripts/interop.py "$work/foreign" "$work/foreign-clean"

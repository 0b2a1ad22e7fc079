"""Checks that real readers read what tazala writes.

Usage: interop.py INPUT_DIR OUTPUT_DIR

For every Parquet file under INPUT_DIR, its scrubbed copy under OUTPUT_DIR must be read by
pyarrow and by DuckDB with the same schema (column names and types) and row count as the
input. For every CSV file (.csv/.tsv, optionally .gz/.zst), Python's csv module must read the
scrubbed copy with the same header and record count. Exits 1 on any difference, naming the
file and what differs (never a value).
"""

import csv
import gzip
import io
import pathlib
import sys

import duckdb
import pyarrow.parquet as pq
import zstandard


def parquet_checks(src: pathlib.Path, out: pathlib.Path) -> list[str]:
    errors = []
    a, b = pq.read_table(src), pq.read_table(out)
    if a.schema.remove_metadata() != b.schema.remove_metadata():
        errors.append(f"pyarrow schema differs:\n  in:  {a.schema}\n  out: {b.schema}")
    if a.num_rows != b.num_rows:
        errors.append(f"pyarrow rows {a.num_rows} in, {b.num_rows} out")
    con = duckdb.connect()
    shape = []
    for path in (src, out):
        cols = con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
            [str(path)],
        ).fetchall()
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
        shape.append((cols, rows))
    if shape[0][0] != shape[1][0]:
        errors.append(f"DuckDB columns differ: {shape[0][0]} in, {shape[1][0]} out")
    if shape[0][1] != shape[1][1] or shape[1][1] != a.num_rows:
        errors.append(f"DuckDB rows {shape[0][1]} in, {shape[1][1]} out")
    return errors


def text_of(path: pathlib.Path) -> str:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif path.name.endswith(".zst"):
        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def csv_records(path: pathlib.Path) -> list[list[str]]:
    text = text_of(path)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def csv_checks(src: pathlib.Path, out: pathlib.Path) -> list[str]:
    a, b = csv_records(src), csv_records(out)
    errors = []
    if a[:1] != b[:1]:
        errors.append("header differs")
    if len(a) != len(b):
        errors.append(f"records {len(a) - 1} in, {len(b) - 1} out")
    if any(len(r) != len(a[0]) for r in b):
        errors.append("a scrubbed record has a different number of fields")
    return errors


def main() -> int:
    src_root, out_root = map(pathlib.Path, sys.argv[1:3])
    failures, checked = 0, 0
    for src in sorted(src_root.rglob("*")):
        name = src.name.lower()
        if name.endswith(".parquet"):
            check = parquet_checks
        elif any(name.endswith(e + c) for e in (".csv", ".tsv") for c in ("", ".gz", ".zst")):
            check = csv_checks
        else:
            continue
        out = out_root / src.relative_to(src_root)
        errors = [f"{out} missing"] if not out.exists() else check(src, out)
        checked += 1
        status = "ok" if not errors else "FAILED"
        print(f"interop: {src.relative_to(src_root)}: {status}")
        for e in errors:
            print(f"  {e}")
        failures += bool(errors)
    if checked == 0:
        print("interop: no table found under", src_root)
        return 1
    print(f"interop: {checked} file(s), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

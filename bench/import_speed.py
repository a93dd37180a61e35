"""Import speed: heritage's validating importer against a bare sqlite-utils insert of the same rows.

Run: .venv/bin/python bench/import_speed.py [--rows N] [--only-derived]
Each measurement runs in a process of its own, so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
NATIONAL_LIST = SHARED / "ich-national-list" / "records.jsonl"
INHERITORS = SHARED / "ich-inheritors" / "records.jsonl"
ENGINES = {"heritage": "heritage import（校验、修订、发件箱）", "bare": "sqlite-utils insert_all（对照：不校验）"}


def derived_sheet(path: Path, rows: int, ids: bool = True) -> None:
    """A census sheet of N rows derived from the shipped corpus: new titles, shuffled sentences, and new
    ids (or, without ids, an empty 编号 column, so that rows are matched by name, category and place)."""
    with (ROOT / "corpus" / "records.csv").open(encoding="utf-8") as handle:
        base = list(csv.DictReader(handle))
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(base[0]))
        writer.writeheader()
        for number in range(rows):
            row = dict(base[number % len(base)])
            sentences = [s for s in row["基本内容"].split("。") if s]
            rng.shuffle(sentences)
            row.update(
                编号=f"B{number:07d}" if ids else "",
                项目名称=f"{row['项目名称']}·{number}",
                基本内容="。".join(sentences) + "。",
            )
            writer.writerow(row)


def _rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def run_one(engine: str, path: Path, fmt: str, home: Path) -> None:
    """One timed import in this process; prints seconds and peak RSS in KiB."""
    import sqlite_utils

    from heritage.importer import import_file
    from heritage.store import open_store

    fmt = None if fmt == "-" else fmt
    if engine == "heritage":
        db = open_store(home)
        if fmt == "ich-inheritors":  # inheritors link to items: load those first, untimed
            import_file(db, NATIONAL_LIST, "ich-list")
        start = time.perf_counter()
        report = import_file(db, path, fmt)
        assert report.committed, report.render()
    else:
        db = sqlite_utils.Database(home / "bare.db")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        start = time.perf_counter()
        rows = (
            {
                k: v if isinstance(v, (str, int, type(None))) else json.dumps(v, ensure_ascii=False)
                for k, v in row.items()
            }
            for row in _rows(path)
        )
        with db.conn:
            db["rows"].insert_all(rows, batch_size=500, alter=True)
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(engine: str, path: Path, fmt: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, __file__, "--one", engine, str(path), fmt or "-", home],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    seconds, peak_kib = out.split()
    return float(seconds), int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the derived sheet")
    parser.add_argument("--only-derived", action="store_true", help="skip the national list")
    parser.add_argument("--one", nargs=4, metavar=("ENGINE", "PATH", "FORMAT", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        engine, path, fmt, home = args.one
        run_one(engine, Path(path), fmt, Path(home))
        return
    with tempfile.TemporaryDirectory() as work:
        sheet, anonymous = Path(work) / "derived.csv", Path(work) / "derived-no-ids.csv"
        derived_sheet(sheet, args.rows)
        derived_sheet(anonymous, args.rows, ids=False)
        cases = [
            (f"派生普查表 {args.rows:,} 行（CSV，有编号）", sheet, None, args.rows),
            (f"派生普查表 {args.rows:,} 行（CSV，无编号）", anonymous, None, args.rows),
        ]
        if NATIONAL_LIST.exists() and not args.only_derived:
            cases += [
                ("国家级名录 3,610 条（ich-list）", NATIONAL_LIST, "ich-list", 3610),
                ("国家级传承人 3,995 位（ich-inheritors）", INHERITORS, "ich-inheritors", 3995),
            ]
        else:
            print(f"跳过国家级名录：{NATIONAL_LIST} 不存在", file=sys.stderr)
        print("| 数据 | 方式 | 秒 | 条/秒 | MB/秒 | 峰值内存 MB |")
        print("|---|---|---:|---:|---:|---:|")
        for label, path, fmt, rows in cases:
            size_mb = path.stat().st_size / 1e6
            for engine, name in ENGINES.items():
                seconds, peak = measure(engine, path, fmt)
                print(
                    f"| {label} | {name} | {seconds:.1f} | {rows / seconds:,.0f} "
                    f"| {size_mb / seconds:.2f} | {peak:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

"""Peak memory of `heritage import` on hostile files, beside an ordinary census sheet of similar size.

Run: .venv/bin/python bench/import_memory.py [--long-mb 100] [--python OTHER/.venv/bin/python]
Each import runs in a process of its own (address space capped at --cap-gb, so a runaway reader fails
instead of taking the machine); its peak RSS comes from wait4(). --python measures another checkout's
importer (such as the main branch) in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HEADER = "编号,项目名称,类别,民族,分布区域,基本内容\n"


def ordinary(path: Path, megabytes: int) -> None:
    row = "H{n},苗族古歌{n},民间文学,苗族,贵州省台江县," + "创世史诗，" * 40 + "\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        n = 0
        while out.tell() < megabytes << 20:
            out.write(row.format(n=n))
            n += 1


def one_long_line(path: Path, megabytes: int) -> None:
    """Short cells, all on the second line."""
    with path.open("wb") as out:
        out.write(HEADER.encode())
        for _ in range(megabytes):
            out.write(b"ab," * ((1 << 20) // 3))


def xlsx_bomb(path: Path, megabytes: int) -> None:
    """A real workbook whose first sheet unpacks to the given size (short rows) from about a thousandth of it."""
    import openpyxl

    book = openpyxl.Workbook()
    seed = io.BytesIO()
    book.save(seed)
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            if entry.filename != sheet:
                archive.writestr(entry, source.read(entry))
        with archive.open(sheet, "w", force_zip64=True) as part:
            part.write(
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                '<row><c t="inlineStr"><is><t>项目名称</t></is></c></row>'.encode()
            )
            block = b'<row><c t="inlineStr"><is><t>ab</t></is></c></row>' * 20_000
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</sheetData></worksheet>")


def run(python: str, home: Path, path: Path, cap: int) -> tuple[int, float, float, str]:
    """Exit code, seconds, peak RSS in MB and the first problem line of one import."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    command = [python, "-c", "from heritage.cli import main; main()", "--home", str(home)]
    subprocess.run(command + ["init", "--no-corpus"], cwd=home, check=True, capture_output=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        command + ["import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=limit,
        cwd=home,
        env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
    )
    output = child.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    found = next((n for n, line in enumerate(lines) if line.startswith("发现")), None)
    said = (
        lines[found + 1]
        if found is not None
        else next((line for line in reversed(lines) if "Error" in line or "错误" in line), lines[-1] if lines else "")
    )
    return child.returncode, seconds, usage.ru_maxrss / 1024, said[:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long-mb", type=int, default=100, help="size of the one-line CSV")
    parser.add_argument("--bomb-mb", type=int, default=1000, help="unpacked size of the XLSX bomb")
    parser.add_argument("--python", action="append", default=[], help="another checkout's Python to measure too")
    parser.add_argument("--cap-gb", type=float, default=4, help="address space of each import")
    args = parser.parse_args()
    pythons = [("本分支", sys.executable)] + [(p, p) for p in args.python]
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        cases = [
            ("普通普查表（对照）", folder / "ordinary.csv", ordinary, 20),
            ("一行很长的 CSV", folder / "long.csv", one_long_line, args.long_mb),
            ("XLSX 压缩炸弹", folder / "bomb.xlsx", xlsx_bomb, args.bomb_mb),
        ]
        print("| 文件 | 大小 MB | 导入程序 | 退出码 | 秒 | 峰值内存 MB | 报告 |")
        print("|---|---:|---|---:|---:|---:|---|")
        for label, path, build, size in cases:
            build(path, size)
            for name, python in pythons:
                with tempfile.TemporaryDirectory() as home:
                    code, seconds, peak, said = run(python, Path(home), path, int(args.cap_gb * 2**30))
                print(
                    f"| {label} | {path.stat().st_size / 2**20:.1f} | {name} | {code} | {seconds:.1f} "
                    f"| {peak:,.0f} | {said} |",
                    flush=True,
                )
            path.unlink()


if __name__ == "__main__":
    main()

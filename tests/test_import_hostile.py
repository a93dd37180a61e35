"""Hostile files, generated here, fed to the real `heritage import` (in a process with 1 GB of address space)
and to the real web server: each is refused with a specific Chinese message, never a traceback or a 500,
the store stays as it was, and the server's memory does not grow with the file."""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import tabular, users
from heritage.importer import import_file
from heritage.store import open_store
from tests.live import start_server
from tests.test_server_faults import Curator

HEADER = "编号,项目名称,类别,民族,分布区域,基本内容\n"
ROW = "H{n},苗族古歌{n},民间文学,苗族,贵州省台江县,创世史诗\n"
HERITAGE = Path(sys.executable).with_name("heritage")
MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def good_rows(count: int = 2, start: int = 1) -> str:
    return "".join(ROW.format(n=n) for n in range(start, start + count))


# ---- the hostile corpus: each builder writes one file into a folder and returns its path ----


def one_long_line(folder: Path, megabytes: int = 30) -> Path:
    """Megabytes of short cells on one line: enough for the old reader to need gigabytes."""
    path = folder / "long.csv"
    with path.open("wb") as out:
        out.write(HEADER.encode())
        for _ in range(megabytes):
            out.write(b"a," * (1 << 19))
    return path


def wide_header(folder: Path) -> Path:
    path = folder / "wide.csv"
    path.write_text(",".join(f"列{i}" for i in range(5000)) + "\n" + "x," * 4999 + "x\n", "utf-8")
    return path


def mixed_utf8_gb(folder: Path) -> Path:
    path = folder / "mixed.csv"
    path.write_bytes((HEADER + good_rows(1)).encode() + ROW.format(n=9).encode("gb18030") + good_rows(1, 3).encode())
    return path


def gb_with_utf8_row(folder: Path) -> Path:
    path = folder / "gb.csv"
    path.write_bytes((HEADER + good_rows(2)).encode("gb18030") + ROW.format(n=9).encode())
    return path


def invalid_gb(folder: Path) -> Path:
    path = folder / "bad-gb.csv"
    path.write_bytes((HEADER + good_rows(2)).encode("gb18030") + b"H9,\x81\x20bad,\xff\xfe\n")
    return path


def multiline_cells(folder: Path) -> Path:
    """Row 3 as a spreadsheet shows it starts on line 5 of the file."""
    path = folder / "multiline.csv"
    path.write_text(
        HEADER + 'H1,苗族古歌,民间文学,苗族,贵州省台江县,"第一段\n第二段\n第三段"\n'
        "H2,侗族大歌,传统音乐,火星族,贵州省黎平县,合唱\n",
        "utf-8",
    )
    return path


def xlsx_bomb(folder: Path) -> Path:
    """A small zip whose shared strings unpack to 200 MB."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1 << 20)
            for _ in range(200):
                part.write(chunk)
    return path


def xlsx_many_entries(folder: Path) -> Path:
    path = folder / "entries.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(1500):
            archive.writestr(f"xl/media/{n}.bin", b"")
    return path


def _xlsx_with(folder: Path, name: str, sheet_xml: str | None = None, shared_xml: str | None = None) -> Path:
    """A real workbook (openpyxl) with its first sheet or its shared strings replaced."""
    book = openpyxl.Workbook()
    book.active.append(["编号", "项目名称", "类别"])
    book.active.append(["H1", "苗族古歌", "民间文学"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = folder / name
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            if entry.filename == "xl/sharedStrings.xml" and shared_xml is not None:
                continue
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml.encode()
            target.writestr(entry.filename, data)
        if shared_xml is not None:
            target.writestr("xl/sharedStrings.xml", shared_xml)
    return path


SHEET = (
    '<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>项目名称</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>类别</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c>{cell}<c r="C2" t="inlineStr"><is><t>民间文学</t></is></c></row>'
    "</sheetData></worksheet>"
)


def _sheet(cell: str = '<c r="B2" t="inlineStr"><is><t>苗族古歌</t></is></c>', doctype: str = "") -> str:
    return SHEET.format(cell=cell, doctype=doctype)


def xlsx_dtd(folder: Path) -> Path:
    return _xlsx_with(folder, "dtd.xlsx", _sheet(doctype="<!DOCTYPE worksheet>"))


def xlsx_billion_laughs(folder: Path) -> Path:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return _xlsx_with(
        folder,
        "laughs.xlsx",
        _sheet('<c r="B2" t="inlineStr"><is><t>&a9;</t></is></c>', f"<!DOCTYPE worksheet [{entities}]>"),
    )


def xlsx_external_entity(folder: Path) -> Path:
    return _xlsx_with(
        folder,
        "xxe.xlsx",
        _sheet(
            '<c r="B2" t="inlineStr"><is><t>&x;</t></is></c>',
            '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        ),
    )


def xlsx_malformed(folder: Path) -> Path:
    return _xlsx_with(folder, "malformed.xlsx", _sheet()[:-40])


def xlsx_bad_shared_index(folder: Path) -> Path:
    return _xlsx_with(
        folder,
        "shared.xlsx",
        _sheet('<c r="B2" t="s"><v>99999</v></c>'),
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
        "<si><t>苗族古歌</t></si></sst>",
    )


def xlsx_control_reference(folder: Path) -> Path:
    return _xlsx_with(folder, "control.xlsx", _sheet('<c r="B2" t="inlineStr"><is><t>苗族&#1;古歌</t></is></c>'))


def xlsx_huge_number(folder: Path) -> Path:
    return _xlsx_with(folder, "number.xlsx", _sheet(f'<c r="B2"><v>{"9" * 5000}</v></c>'))


def xlsx_far_column(folder: Path) -> Path:
    return _xlsx_with(folder, "far.xlsx", _sheet('<c r="XFD2" t="inlineStr"><is><t>远处</t></is></c>'))


def jsonl_nested(folder: Path) -> Path:
    path = folder / "nested.jsonl"
    path.write_text('{"项目名称": ' + "[" * 100_000 + "]" * 100_000 + ', "类别": "民俗"}\n', "utf-8")
    return path


def jsonl_huge_int(folder: Path) -> Path:
    path = folder / "int.jsonl"
    path.write_text('{"项目名称": "苗族古歌", "类别": "民间文学", "公布年份": ' + "9" * 5000 + "}\n", "utf-8")
    return path


def jsonl_surrogate(folder: Path) -> Path:
    path = folder / "surrogate.jsonl"
    path.write_text('{"项目名称": "苗族\\ud800古歌", "类别": "民间文学"}\n', "utf-8")
    return path


def directory(folder: Path) -> Path:
    path = folder / "folder.csv"
    path.mkdir()
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def dev_zero(folder: Path) -> Path:
    path = folder / "zero.csv"
    path.symlink_to("/dev/zero")
    return path


HOSTILE = {
    "one_long_line": (one_long_line, "第 2 行：这一行超过 4,000,000 字"),
    "wide_header": (wide_header, "表头有 5000 列，超过上限 100 列"),
    "mixed_utf8_gb": (mixed_utf8_gb, "第 3 行：从这一行起不是有效的 UTF-8"),
    "gb_with_utf8_row": (gb_with_utf8_row, "第 4 行：这一行是 UTF-8 编码，文件的其余部分却是 GB18030"),
    "invalid_gb": (invalid_gb, "第 4 行：既不是有效的 UTF-8，也不是有效的 GB18030"),
    "multiline_cells": (multiline_cells, "第 3 行（文件第 5 行）「民族」列：未知的民族“火星族”"),
    "xlsx_bomb": (xlsx_bomb, "xl/sharedStrings.xml 解压后有 200 MB，超过上限 128 MB（可能是压缩炸弹）"),
    "xlsx_many_entries": (xlsx_many_entries, "XLSX 压缩包内有 1,501 个文件，超过上限 1000 个"),
    "xlsx_dtd": (xlsx_dtd, "xl/worksheets/sheet1.xml 含有 DTD（文档类型声明）"),
    "xlsx_billion_laughs": (xlsx_billion_laughs, "含有 DTD（文档类型声明）：为安全起见拒绝读取"),
    "xlsx_external_entity": (xlsx_external_entity, "含有 DTD（文档类型声明）：为安全起见拒绝读取"),
    "xlsx_malformed": (xlsx_malformed, "xl/worksheets/sheet1.xml 不是有效的 XML：内容不完整"),
    "xlsx_bad_shared_index": (xlsx_bad_shared_index, "第 2 行：第 2 列引用了不存在的共享字符串（编号 99999，共 1 个）"),
    "xlsx_control_reference": (xlsx_control_reference, "引用了 XML 不允许的控制字符"),
    "xlsx_huge_number": (xlsx_huge_number, "第 2 行：第 2 列的数字超过 300 位"),
    "xlsx_far_column": (xlsx_far_column, "第 2 行：这一行超过 100 列"),
    "jsonl_nested": (jsonl_nested, "第 1 行：JSON 嵌套过深"),
    "jsonl_huge_int": (jsonl_huge_int, "第 1 行：含有位数过多的数字（超过 4300 位）"),
    "jsonl_surrogate": (jsonl_surrogate, "第 1 行：含有不成对的代理字符"),
    "directory": (directory, "是一个文件夹，不是文件"),
    "fifo": (fifo, "不是普通文件（命名管道）"),
    "dev_zero": (dev_zero, "不是普通文件（字符设备，如 /dev/zero）"),
}


def heritage_import(home: Path, path: Path, *options: str) -> subprocess.CompletedProcess:
    """The real command, with 1 GB of address space and a time limit."""
    return subprocess.run(
        [str(HERITAGE), "--home", str(home), "import", str(path), *options],
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=_limit_memory,
    )


def store_state(home: Path) -> tuple:
    db = open_store(home)
    try:
        return tuple(
            db.execute(f"SELECT count(*), max(rowid) FROM {t}").fetchone() for t in ("records", "revisions", "outbox")
        )
    finally:
        db.conn.close()


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A data folder holding two records."""
    home = tmp_path / "instance"
    open_store(home).conn.close()  # as `heritage init --no-corpus` would
    path = tmp_path / "seed.csv"
    path.write_text(HEADER + good_rows(2, 100), "utf-8")
    assert heritage_import(home, path).returncode == 0
    return home


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_with_a_chinese_reason(name, seeded, tmp_path):
    build, message = HOSTILE[name]
    path = build(tmp_path)
    before = store_state(seeded)
    result = heritage_import(seeded, path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output, output
    assert "Traceback" not in output and "root:" not in output
    assert store_state(seeded) == before


def test_skip_invalid_never_imports_part_of_an_unreadable_file(seeded, tmp_path):
    before = store_state(seeded)
    result = heritage_import(seeded, mixed_utf8_gb(tmp_path), "--skip-invalid")
    assert result.returncode == 1 and "这个文件无法完整读取" in result.stdout
    assert store_state(seeded) == before


def test_utf16_without_bom_is_read(seeded, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes((HEADER + good_rows(2)).encode("utf-16-le"))
    result = heritage_import(seeded, path)
    assert result.returncode == 0 and "utf-16-le" in result.stdout and "新增 2 条" in result.stdout, result.stdout


def test_rows_past_the_limit_are_refused(db, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + good_rows(5), "utf-8")
    report = import_file(db, path, skip_invalid=True)
    assert not report.committed and "第 5 行：超过 3 行" in report.render()


def test_external_entities_are_never_resolved(db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密内容", "utf-8")
    sheet = _sheet(
        '<c r="B2" t="inlineStr"><is><t>&x;</t></is></c>',
        f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>',
    )
    report = import_file(db, _xlsx_with(tmp_path, "xxe.xlsx", sheet), dry_run=True)
    assert "秘密内容" not in report.render() and "DTD" in report.render()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.lists(
                st.sampled_from(["苗族", "民俗", '"', ",", "\n", "\r", "\x00", "\t", "项目名称", "类别", "x"]),
                max_size=12,
            ).map("".join),
            max_size=6,
        ).map(lambda lines: "\n".join(lines).encode()),
        st.text(max_size=200).map(lambda text: ("项目名称,类别\n" + text).encode("utf-8", "surrogatepass")),
    ),
    st.sampled_from([".csv", ".jsonl", ".xlsx"]),
)
def test_any_bytes_give_a_report_never_an_exception(db, tmp_path, data, suffix):
    path = tmp_path / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(data)
    report = import_file(db, path, dry_run=True)
    assert isinstance(report.render(), str)
    assert db.execute("SELECT count(*) FROM records").fetchone()[0] == 0


# ---- the browser path: a real `heritage serve` ----


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status)[1])


def _upload(curator: Curator, path: Path) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    data = path.read_bytes()
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{curator.csrf}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nrecord\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    import http.client

    connection = http.client.HTTPConnection(curator.host, timeout=180)
    connection.request(
        "POST",
        "/curate/import/",
        body=body,
        headers={"Cookie": curator.cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


WEB_FILES = [name for name in HOSTILE if name not in ("directory", "fifo", "dev_zero")]  # a browser sends bytes


def test_hostile_uploads_get_a_page_with_the_reason_and_the_server_stays_small(seeded, tmp_path):
    users.add_user(open_store(seeded), "uploader", "uploader-pass-01", "curator")
    process, address = start_server(seeded, tmp_path / "server.log")
    try:
        curator = Curator(address)
        curator.sign_in("uploader", "uploader-pass-01")
        curator.request("GET", "/curate/import/")
        status, _ = _upload(curator, wide_header(tmp_path))  # warm up: the first import loads its modules
        baseline = _rss_kib(process.pid)
        before = store_state(seeded)
        for name in WEB_FILES:
            folder = tmp_path / name
            folder.mkdir()
            path = one_long_line(folder, 20) if name == "one_long_line" else HOSTILE[name][0](folder)  # under 24 MB
            status, page = _upload(curator, path)
            assert status == 200 and HOSTILE[name][1].split("：")[-1] in page, (name, status, page[-2000:])
            assert "Traceback" not in page
        grown = _rss_kib(process.pid) - baseline
        assert grown < 30 * 1024, f"网站进程的内存增长了 {grown} KiB"
        assert store_state(seeded) == before
        assert not list((seeded / "uploads").iterdir())  # refused files are not kept
    finally:
        process.kill()
        process.wait()

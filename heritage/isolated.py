"""An import in a child process with bounded memory and CPU time, for callers that must not be hurt by a
hostile file (the web server): the child reads, checks and writes; the caller only receives the report.
"""

from __future__ import annotations

import multiprocessing
import resource
from pathlib import Path
from typing import Any

from heritage.importer import ImportReport, report_from_json
from heritage.tabular import Problem

MEMORY_BYTES = 2 << 30  # address space of the child
CPU_SECONDS = 900
WAIT_SECONDS = 1800


def import_isolated(home: Path, path: Path, kind: str = "record", **options: Any) -> ImportReport:
    """Run :func:`heritage.importer.import_file` on the store in ``home`` in a child process.

    ``kind`` is "record" or "inheritor"; other keyword arguments go to import_file as they are."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of the caller's memory is shared
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(home), str(path), kind, options, send), daemon=True)
    child.start()
    send.close()
    try:
        text = receive.recv() if receive.poll(WAIT_SECONDS) else None
    except EOFError:
        text = None
    finally:
        receive.close()
    child.join(10)
    if child.is_alive():
        child.kill()
        child.join()
    if text is None:
        return _failed(path, kind, options, child.exitcode)
    return report_from_json(text)


def _failed(path: Path, kind: str, options: dict[str, Any], exitcode: int | None) -> ImportReport:
    reason = (
        "导入超出了时间上限，已停止；数据库未作任何改动。请把文件分成几个，或用命令 heritage import 导入"
        if exitcode in (None, -24, -9)
        else f"导入进程意外退出（退出码 {exitcode}）；数据库未作任何改动"
    )
    report = ImportReport(
        str(path), options.get("fmt") or Path(path).suffix.lstrip("."), kind, dry_run=bool(options.get("dry_run"))
    )
    report.add(Problem(None, None, reason))
    return report


def _child(home: str, path: str, kind: str, options: dict[str, Any], send: Any) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    from heritage.importer import import_file, report_json
    from heritage.store import INHERITOR, RECORD, open_store

    try:
        report = import_file(open_store(home), Path(path), kind=INHERITOR if kind == "inheritor" else RECORD, **options)
    except MemoryError:
        report = _failed(Path(path), kind, options, 0)
        report.problems = [Problem(None, None, "文件超出了导入进程的内存上限；数据库未作任何改动")]
    send.send(report_json(report))
    send.close()

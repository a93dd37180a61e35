"""``heritage index`` and ``heritage search``: plugged into the heritage command by entry points."""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
import time
from pathlib import Path

import click
import sqlite_utils

from heritage import outbox
from heritage.progress import progress_bar
from heritage.store import open_store
from indexer import choice
from indexer import index as index_store
from indexer.search import MODES, SORTS, SearchRequest, run


def _home(ctx: click.Context) -> Path:
    return Path(ctx.find_root().obj)


@click.command("index")
@click.option("--rebuild", is_flag=True, help="从数据库重建整个检索索引（并行），完成后原子切换。")
@click.option("--watch", is_flag=True, help="持续运行：每隔 --interval 秒把新的修改写入索引。")
@click.option("--interval", default=2.0, show_default=True, help="--watch 的间隔秒数。")
@click.option("--procs", default=2, show_default=True, help="重建时使用的进程数。")
@click.pass_context
def index_command(ctx: click.Context, rebuild: bool, watch: bool, interval: float, procs: int) -> None:
    """把数据库的修改同步到检索索引（唯一的写入者）；没有索引或加 --rebuild 时重建。"""
    home = _home(ctx)
    db = open_store(home)
    if not rebuild and index_store.current_generation(home) and index_store.worker_running(home):
        pending = outbox.pending_count(db)
        backlog = (
            f"发件箱中的 {pending} 项修改会由它在几秒内写入检索索引" if pending else "发件箱已清空，检索索引是最新的"
        )
        click.echo(
            f"网站（heritage serve）或 heritage index --watch 的索引同步正在运行：{backlog}，"
            f"无需再运行 heritage index{' --watch' if watch else ''}。"
        )
        return
    if rebuild or index_store.current_generation(home) is None:
        _rebuild(home, db, procs)
    if watch:
        click.echo(f"持续同步中（每 {interval:g} 秒），按 Ctrl+C 结束。")

        def synced(n: int) -> None:
            if n:
                click.echo(f"已同步 {n} 条记录的修改。")

        worker = index_store.SyncWorker(home, interval, synced)
        try:
            worker.run()
        except KeyboardInterrupt:
            worker.stop()
        return
    try:
        applied = index_store.sync(home, db)
    except index_store.LockError as error:
        click.echo(f"错误：{error}", err=True)
        sys.exit(1)
    click.echo(f"已同步 {applied} 条记录的修改。")


def _rebuild(home: Path, db: sqlite_utils.Database, procs: int) -> None:
    started = time.perf_counter()
    try:
        kind = choice.chosen(home)
        with progress_bar("建索引") as progress:
            count = index_store.rebuild(home, db, procs=procs, progress=progress)
    except (choice.UnknownEngine, index_store.IndexUnavailable) as error:
        click.echo(f"错误：{error}", err=True)
        sys.exit(1)
    click.echo(f"已重建检索索引：{count} 条记录，用时 {time.perf_counter() - started:.1f} 秒（检索引擎 {kind}）。")


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.option("--limit", default=10, show_default=True, help="每页条数（至多 50）。")
@click.option("--page", default=1, show_default=True)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=MODES[0],
    show_default=True,
    help="public：只查公开发布的记录，词与引号短语；research：可用字段、AND/OR/NOT 和括号。",
)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--category", help="类别，如 传统技艺")
@click.option("--ethnic", help="民族，如 苗族")
@click.option("--region", help="地区：行政区划代码或名称，如 522600 或 黔东南")
@click.pass_context
def search_command(ctx, query, as_json, limit, page, mode, sort, category, ethnic, region) -> None:
    """检索普查记录：heritage search 蜡染；heritage search --mode research '类别:传统技艺 民族:苗族'"""
    home = _home(ctx)
    filters = {"category": category, "ethnic": ethnic, "region": region}
    asked = SearchRequest(" ".join(query), mode=mode, filters=filters, sort=sort, page=page, limit=limit)
    answer = run(home, open_store(home, readonly=True), asked).as_json()
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False))
    else:
        click.echo(_render(answer))
    if answer["error"]:
        sys.exit(1)


def _render(answer: dict) -> str:
    if answer["error"]:
        return f"错误：{answer['error']}"
    lines = []
    if answer["corrected"]:
        lines.append(f"没有找到“{answer['query']}”，以下是“{answer['suggestion']}”的结果。")
    elif answer["suggestion"]:
        lines.append(f"您是不是要找：{answer['suggestion']}")
    if answer["answer"]:
        lines += _told(answer["answer"])
    lines += [_person(person) for person in answer["people"]]
    if answer.get("relaxed"):
        lines.append(answer["relaxed"]["note"])
    lines += [f"“{typed}”按拼音也查了“{'”“'.join(words)}”" for typed, words in answer["spelled"].items()]
    if answer["total"]:
        lines.append(f"共 {answer['total']} 条，第 {answer['page']}/{answer['pages']} 页")
    else:
        lines.append(f"没有找到与“{answer['query']}”相关的记录。")
    for number, hit in enumerate(answer["results"], start=(answer["page"] - 1) * answer["limit"] + 1):
        places = "、".join(r["name"] for r in hit["regions"][:3])
        lines.append(
            f"{number}. {hit['title']}〔{hit['category']}〕{'、'.join(hit['ethnic_groups'])} {places}  ({hit['id']})"
        )
        if hit.get("missing"):
            lines.append(f"   未包含：{'、'.join(hit['missing'])}")
        snippet = hit["snippet"].replace("<mark>", "【").replace("</mark>", "】")
        lines.append("   " + html.unescape(snippet).replace("\n", " ")[:120])
    return "\n".join(lines)


def _told(told: dict) -> list[str]:
    """A question's direct answer (indexer.intents) as lines above the results."""
    said = {
        "date": lambda: "；".join(f"{d['text']}（{'；'.join(d['rules'])}）" for d in told["dates"]),
        "place": lambda: "、".join([p["name"] for p in told["places"]] + told["place_texts"]),
        "people": lambda: "、".join(
            p["name"] + (f"（{p['ethnic_group']}）" if p["ethnic_group"] else "") for p in told["people"]
        ),
        "process": lambda: told["excerpt"]["text"],
    }[told["intent"]]()
    records = "、".join(f"{r['title']}（{r['id']}）" for r in told["sources"])
    return [f"【{told['item']}的{told['label']}】{said}", f"  依据记录：{records}"]


def _person(person: dict) -> str:
    """One line for an inheritor the query names: who they are, and the items they carry on."""
    about = [
        person["sex"],
        person["ethnic_group"],
        f"{person['birth_year']} 年生" if person["birth_year"] else "",
        "、".join(r["name"] for r in person["regions"]),
    ]
    items = "、".join(f"{item['title']}（{item['id']}）" for item in person["items"]) or "无公开的项目"
    return f"传承人：{person['name']}（{'，'.join(filter(None, about))}）({person['id']})  传承项目：{items}"


STALLED_AFTER = dt.timedelta(minutes=10)  # an outbox row older than this means no sync is running


def check_index(home: Path, db: sqlite_utils.Database) -> list[str]:
    """Real problems of the index, for ``heritage check``: none while the outbox explains the lag.

    A missing index, records or dictionary words the index lacks that no pending outbox row
    will bring, an outbox nobody drains, a dictionary file that does not match its hash."""
    state = index_store.status(home, db)
    if not state["available"]:
        return [state["message"]]
    problems = []
    for key, label in (("missing", "缺少"), ("stale", "版本过旧"), ("extra", "多出")):
        unexplained = [i for i in state[key] if i not in set(state["waiting"])]
        if unexplained:
            sample = "、".join(unexplained[:5])
            problems.append(
                f"检索索引{label} {len(unexplained)} 条记录（如 {sample}），发件箱里也没有它们的修改："
                "运行 heritage index --rebuild"
            )
    oldest = state["oldest_pending"]
    if oldest and dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(oldest) > STALLED_AFTER:
        problems.append(
            f"发件箱中有 {state['pending']} 条修改未写入检索索引，最早的在 {oldest}，"
            "已超过 10 分钟：索引同步没有在运行？启动 heritage serve 或运行 heritage index"
        )
    unexplained_words = sorted(set(state["new_words"]) - set(state["waiting_words"]))
    if unexplained_words:
        problems.append(
            f"领域词典缺少 {len(unexplained_words)} 个词（如 {'、'.join(unexplained_words[:5])}），"
            "发件箱里也没有带来它们的修改：运行 heritage index --rebuild"
        )
    if not state["schema_current"]:
        problems.append(
            "检索索引是按旧的文档结构或分析规则建立的（如数字日期与中文数字的统一）：运行 heritage index --rebuild"
        )
    if not state["dictionary_intact"]:
        problems.append("检索索引的词典文件与记下的散列不符（文件可能损坏）：运行 heritage index --rebuild")
    engine = f"检索引擎：{state['engine']}（索引 {state['generation']}，{state['indexed']} 条记录）"
    click.echo(engine if problems else f"{engine}：完好。")
    return problems

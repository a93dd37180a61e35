"""The ``heritage`` command: set up, import, export, count, check and back up the census store."""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

import click

from heritage import census, corpus, maintenance, outbox, transcode, users
from heritage import media as media_files
from heritage.clihelp import ChineseGroup, password_option
from heritage.exporter import export
from heritage.importer import import_file, report_json
from heritage.progress import progress_bar
from heritage.report import write_xlsx
from heritage.sources import SOURCE_FORMATS
from heritage.stats import census_stats
from heritage.store import DB_NAME, INHERITOR, RECORD, open_store
from heritage.tabular import FORMATS, file_problem

KINDS = {"record": RECORD, "inheritor": INHERITOR}


class HeritageGroup(ChineseGroup):
    """Notes whether the command line only asks for help, so that help needs no data folder."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta["help_only"] = bool(set(rest) & set(ctx.help_option_names)) or (
            isinstance(command, click.Group) and not rest
        )
        return name, command, rest


@click.group(cls=HeritageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    envvar="HERITAGE_HOME",
    default="instance",
    show_default=True,
    help="数据文件夹（也可用环境变量 HERITAGE_HOME 指定）。",
)
@click.pass_context
def main(ctx: click.Context, home: Path) -> None:
    """智慧民族之家：民族文化遗产普查资源库的管理命令。"""
    ctx.obj = home  # absolute: resolved here, once, so no command ever sees a relative path
    if ctx.invoked_subcommand != "init" and not ctx.meta.get("help_only"):
        _require_store(home)


def _require_store(home: Path) -> None:
    """Only ``init`` creates a data folder: every other command refuses one that is missing or empty."""
    if (home / DB_NAME).is_file():
        return
    problem = "不存在" if not home.exists() else f"中没有数据库 {DB_NAME}"
    _fail(
        f"数据文件夹 {home} {problem}。\n"
        f"若要在这里新建，请先运行：heritage --home {home} init\n"
        "若文件夹写错了，请用 --home 或环境变量 HERITAGE_HOME 指定正确的数据文件夹。"
    )


def _plugins(group: str):
    """What other packages of the project plug into this command (``heritage.commands``, ``heritage.checks``)."""
    return [entry.load() for entry in metadata.entry_points(group=group)]


def _db(ctx: click.Context):
    return open_store(ctx.obj)


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


@main.command()
@click.option("--no-corpus", is_flag=True, help="只建立空数据库，不载入随附的普查记录。")
@click.pass_context
def init(ctx: click.Context, no_corpus: bool) -> None:
    """建立（或升级）数据库，并载入随附的普查记录与封面图。可重复运行。"""
    db = _db(ctx)
    click.echo(f"数据库：{Path(ctx.obj) / 'heritage.db'}")
    if no_corpus:
        return
    report = corpus.load(db, Path(ctx.obj))
    click.echo(report.render())
    if not report.committed:
        sys.exit(1)
    stats = census_stats(db)
    click.echo(
        f"库中共有 {stats['records']} 条普查记录、{stats['inheritors']} 位传承人；"
        f"{len(stats['by_ethnic'])} 个民族，{len(stats['by_category'])} 个类别。"
    )


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS + SOURCE_FORMATS),
    help="文件格式；默认按扩展名判断。ich-list / ich-inheritors 读取中国非物质文化遗产网的名录数据。",
)
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
    default="record",
    show_default=True,
    help="导入普查记录（record）还是传承人（inheritor）。",
)
@click.option("--skip-invalid", is_flag=True, help="跳过有问题的行，只导入有效的行。")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不改动数据库。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入报告。")
@click.option("--user", default="import", show_default=True, help="记入修订历史的操作人。")
@click.pass_context
def import_command(ctx, file: Path, fmt, kind, skip_invalid, dry_run, as_json, user) -> None:
    """导入 CSV、XLSX 或 JSON Lines 文件。默认全有或全无：任何一行有问题，就什么也不导入。"""
    problem = file_problem(file)
    if problem:
        _fail(f"{file}：{problem}")
    db = _db(ctx)
    with progress_bar("写入中") as progress:
        report = import_file(
            db, file, fmt, KINDS[kind], skip_invalid=skip_invalid, dry_run=dry_run, user=user, progress=progress
        )
    click.echo(report_json(report) if as_json else report.render())
    if report.problems and not (skip_invalid and report.committed) and not dry_run:
        sys.exit(1)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--kind", type=click.Choice(list(KINDS)), default="record", show_default=True)
@click.option("--english", is_flag=True, help="使用英文表头（title）而不是中文表头（项目名称）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件；默认写到标准输出。")
@click.pass_context
def export_command(ctx, fmt, kind, english, output) -> None:
    """导出全部记录，表头与导入时相同，可原样再导入。"""
    db = _db(ctx)
    if output:
        with output.open("wb") as out:
            count = export(db, KINDS[kind], out, fmt, english)
        click.echo(f"已导出 {count} 条到 {output}", err=True)
    else:
        export(db, KINDS[kind], sys.stdout.buffer, fmt, english)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="以一个 JSON 对象输出。")
@click.pass_context
def stats(ctx, as_json: bool) -> None:
    """按类别、民族、省份统计记录数，以及传承人、专题展览、有民族语名称与有县级代码的记录数。"""
    numbers = census_stats(_db(ctx))
    if as_json:
        click.echo(json.dumps(numbers, ensure_ascii=False))
        return
    click.echo(
        f"普查记录：{numbers['records']}　传承人：{numbers['inheritors']}　专题展览：{numbers['exhibits']}"
        f"　有民族语名称：{numbers['with_native_names']}　有县级代码：{numbers['county_coverage']:.1%}"
    )
    for title, key in (("按类别", "by_category"), ("按民族", "by_ethnic"), ("按省份", "by_province")):
        click.echo(f"\n{title}：")
        for name, number in numbers[key].items():
            click.echo(f"  {name}\t{number}")


@main.command()
@click.option("--from", "start", metavar="DATE", help="起始日期（含），如 2024-01-01；按记录的入库日期。")
@click.option("--to", "end", metavar="DATE", help="结束日期（含），如 2024-12-31。")
@click.option(
    "--region",
    metavar="CODE",
    help="地区代码或地名；默认为部署地区（HERITAGE_REGION 或 site.cfg 的 REGION），否则全国。",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 XLSX 文件。"
)
@click.pass_context
def report(ctx, start, end, region, output: Path) -> None:
    """把普查概况（覆盖、流程、完整度、传承风险）写成 XLSX 报告，与工作台的统计页相同。"""
    try:
        chosen = census.scope(census.deployment_region(ctx.obj) if region is None else region, start, end)
    except census.ScopeError as problem:
        _fail(str(problem))
    if output.suffix.lower() != ".xlsx":
        _fail(f"{output}：报告是 XLSX 文件，文件名应以 .xlsx 结尾")
    found = census.census(_db(ctx), chosen)
    write_xlsx(found, output)
    click.echo(f"已写出 {chosen.label} 的报告（{found.count('total')} 条记录）到 {output}")


@main.command()
@click.pass_context
def check(ctx) -> None:
    """检查数据库的完整性（SQLite 完整性、外键、修订历史），以及检索索引是否与数据库同步。"""
    db = _db(ctx)
    problems = maintenance.check(db)
    for plugin_check in _plugins("heritage.checks"):
        problems += plugin_check(Path(ctx.obj), db)
    for problem in problems:
        click.echo(problem)
    pending = outbox.pending_count(db)
    if pending:
        click.echo(f"提示：{pending} 项修改尚未进入检索索引。")
    if problems:
        sys.exit(1)
    click.echo("数据库完好。")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx, path: Path) -> None:
    """用 SQLite 在线备份接口备份数据库到 PATH 并校验；图片与封面复制到 PATH.media/。运行中也可安全备份。"""
    try:
        size = maintenance.backup(_db(ctx), path)
        files = maintenance.backup_media(Path(ctx.find_root().obj), path)
    except (FileExistsError, RuntimeError) as error:
        _fail(str(error))
    click.echo(f"已备份到 {path}（{size / 1024 / 1024:.1f} MB），校验通过；图片与封面 {files} 个文件在 {path}.media/。")


@main.group()
def user() -> None:
    """管理账户。"""


@user.command("add")
@click.argument("username", metavar="用户名")
@click.option(
    "--role",
    type=click.Choice(users.ROLES),
    default="curator",
    show_default=True,
    metavar="[" + "|".join(map(users.role_label, users.ROLES)) + "]",
    help="账户的角色。",
)
@click.option("--name", "display_name", default="", help="显示名称。")
@password_option(
    "--password",
    envvar="HERITAGE_PASSWORD",
    prompt="密码",
    confirmation="再次输入密码",
    help="密码（至少 10 位）；不给出时会提示输入。",
)
@click.pass_context
def user_add(ctx, username, role, display_name, password) -> None:
    """新建账户：heritage user add 张三 --role reviewer"""
    try:
        users.add_user(open_store(ctx.find_root().obj), username, password, role, display_name)
    except ValueError as error:
        _fail(str(error))
    click.echo(f"已新建用户“{username}”，角色 {users.role_label(role)}。")


@user.command("passwd")
@click.argument("username", metavar="用户名")
@password_option(
    "--password",
    envvar="HERITAGE_PASSWORD",
    prompt="新密码",
    confirmation="再次输入新密码",
    help="新密码（至少 10 位）；不给出时会提示输入。",
)
@click.pass_context
def user_passwd(ctx, username, password) -> None:
    """改密码（同时解除锁定）：heritage user passwd 张三"""
    try:
        users.set_password(open_store(ctx.find_root().obj), username, password)
    except ValueError as error:
        _fail(str(error))
    click.echo(f"已为“{username}”设置新密码。")


@user.command("disable")
@click.argument("username", metavar="用户名")
@click.option("--enable", is_flag=True, help="重新启用。")
@click.pass_context
def user_disable(ctx, username, enable) -> None:
    """停用账户（不能再登录，修订记录保留）：heritage user disable 张三；--enable 重新启用"""
    try:
        users.set_disabled(open_store(ctx.find_root().obj), username, not enable)
    except ValueError as error:
        _fail(str(error))
    click.echo(f"已{'启用' if enable else '停用'}“{username}”。")


@user.command("list")
@click.pass_context
def user_list(ctx) -> None:
    """列出账户：用户名、角色、显示名称、是否停用。"""
    db = open_store(ctx.find_root().obj)
    click.echo("用户名\t角色\t显示名称\t状态")
    for row in db.query("SELECT username, role, display_name, disabled FROM users ORDER BY username"):
        click.echo(
            f"{row['username']}\t{users.role_label(row['role'])}\t{row['display_name']}\t{'已停用' if row['disabled'] else ''}"
        )


@main.group()
def media() -> None:
    """管理记录的图片、音频和视频。"""


@media.command("rebuild")
@click.pass_context
def media_rebuild(ctx) -> None:
    """重新生成全部派生文件：图片的三种尺寸，音频和视频的网页版本、波形图与海报帧。"""
    home = Path(ctx.find_root().obj)
    db = open_store(home)
    done, missing = media_files.rebuild(home, db)
    click.echo(f"已重新生成 {done} 张图片的派生图。")
    queued = transcode.queue_all(db)
    _work(home, db)
    failed = [r["media_id"] for r in db.query("SELECT media_id FROM media_jobs WHERE state = ?", [transcode.FAILED])]
    click.echo(f"已重新转码 {queued - len(failed)} 个音频和视频。")
    problems = [f"{len(missing)} 张图片缺少原图：{'、'.join(missing[:10])}"] if missing else []
    problems += [f"{len(failed)} 个音频或视频转码失败：{'、'.join(failed[:10])}"] if failed else []
    if problems:
        _fail("；".join(problems))


def _work(home: Path, db) -> int:
    return transcode.work(
        home, db, lambda row: click.echo(f"{row['id']}（{row['original_name']}）：{_job_label(db, row['id'])}")
    )


def _job_label(db, media_id: str) -> str:
    job = transcode.job(db, media_id) or {}
    return job.get("message") or job.get("label", "")


@media.command("work")
@click.pass_context
def media_work(ctx) -> None:
    """转码排队中的音频和视频（heritage serve 运行时会在后台自动进行）。"""
    home = Path(ctx.find_root().obj)
    click.echo(f"已处理 {_work(home, open_store(home))} 个转码任务。")


for _command in _plugins("heritage.commands"):
    main.add_command(_command)

if __name__ == "__main__":
    main(prog_name=os.path.basename(sys.argv[0]))

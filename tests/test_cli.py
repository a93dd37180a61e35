"""The heritage command as a user runs it."""

import json

import pytest
from click.testing import CliRunner

from heritage import covers
from heritage.cli import main
from tests.conftest import write_csv
from tests.shipped import SHIPPED, shipped_exhibits, shipped_records


@pytest.fixture
def cli(home):
    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(main, ["--home", str(home), *args], catch_exceptions=False, **kwargs)

    return invoke


ENGLISH_FRAME = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message",
    "[default:",
    "Error:",
    "Try '",
    "Missing ",
    "No such",
    "Invalid value",
    "is not one of",
)


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name)
        yield from _commands(command, (*path, name)) if hasattr(command, "commands") else ()


def test_every_command_has_help_in_chinese(cli):
    paths = [()] + list(_commands(main))
    assert {("index",), ("search",), ("serve",), ("user", "add"), ("media", "rebuild")} <= set(paths)
    for path in paths:
        result = cli(*path, "--help")
        assert result.exit_code == 0 and result.output.startswith("用法：main"), path
        assert "选项：" in result.output and "显示本帮助并退出。" in result.output, path
        assert not any(english in result.output for english in ENGLISH_FRAME), (path, result.output)
    assert "命令：" in cli("--help").output and "[默认：instance]" in cli("--help").output


def test_usage_errors_and_roles_are_in_chinese(cli):
    cli("init", "--no-corpus")
    cases = {
        ("--bogus",): "错误：没有选项 --bogus。",
        ("import",): "错误：缺少参数 FILE。",
        ("nosuch",): "错误：没有命令 nosuch。",
        ("user", "lis"): "您是不是要用 'list'？",
        ("search", "--limit", "abc", "x"): "错误：--limit 的值无效：“abc”不是整数。",
        ("user", "add", "甲", "--role", "boss"): "“boss”不是可选值",
    }
    for args, message in cases.items():
        result = cli(*args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
        assert "用法：main" in result.output and "查看帮助：main" in result.output
        assert not any(english in result.output for english in ENGLISH_FRAME), (args, result.output)
    assert "curator（普查员）" in cli("user", "add", "--help").output
    assert cli("user", "add", "张三", "--role", "reviewer", "--password", "correct horse battery").exit_code == 0
    listed = cli("user", "list").output.splitlines()
    assert listed[0] == "用户名\t角色\t显示名称\t状态" and "张三\treviewer（审核人）" in "\n".join(listed[1:])
    typed = cli("user", "add", "李四", input="correct horse 1\ncorrect horse 2\ncorrect horse 1\ncorrect horse 1\n")
    assert typed.exit_code == 0 and "错误：两次输入的密码不一致，请重新输入。" in typed.output
    assert "Error" not in typed.output and "李四\tcurator（普查员）" in cli("user", "list").output


def test_init_loads_the_corpus_and_stats(cli, home):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert f"新增 {SHIPPED} 条" in result.output
    assert len(list(covers.cover_file(home, "C001").parent.glob("*.png"))) == SHIPPED
    assert f"未变 {SHIPPED} 条" in cli("init").output
    numbers = json.loads(cli("stats", "--json").stdout)
    assert set(numbers) == {
        *("records", "inheritors", "exhibits", "with_native_names"),
        *("by_category", "by_ethnic", "by_province", "county_coverage"),
    }
    assert numbers["records"] == SHIPPED and len(numbers["by_category"]) == 10
    shipped_native = sum(1 for row in shipped_records() if row["民族语名称"].strip())
    assert numbers["with_native_names"] == shipped_native and numbers["exhibits"] == len(shipped_exhibits()) >= 8
    assert len([g for g in numbers["by_ethnic"] if g != "汉族"]) >= 25
    assert f"普查记录：{SHIPPED}" in cli("stats").output


def test_corpus_meets_its_brief(cli, home):
    cli("init")
    from heritage.store import open_store

    db = open_store(home)
    festivals = db.execute("SELECT count(DISTINCT record_id) FROM record_values WHERE field = 'dates'").fetchone()[0]
    crafts = db.execute("SELECT count(*) FROM records WHERE category IN ('传统技艺', '传统美术')").fetchone()[0]
    titles = {row[0] for row in db.execute("SELECT title FROM records")}
    assert festivals >= 40 and crafts >= 40
    assert {"梭戛长角苗文化", "彝族火把节", "苗族跳花节"} <= titles


def test_import_export_check_backup(cli, home, tmp_path):
    cli("init", "--no-corpus")
    good = write_csv(tmp_path / "a.csv", "项目名称,类别,分布区域\n苗族古歌,民间文学,贵州省台江县\n")
    assert "已导入：新增 1 条" in cli("import", str(good)).output
    bad = write_csv(tmp_path / "b.csv", "项目名称,类别\n甲,烹饪\n")
    result = cli("import", str(bad))
    assert result.exit_code == 1 and "第 2 行「类别」列：未知的类别“烹饪”" in result.output
    report = json.loads(cli("import", "--json", "--dry-run", str(good)).stdout)
    assert report["unchanged"] == 1 and report["committed"] is False
    missing = cli("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "找不到文件" in missing.output
    out = tmp_path / "out.csv"
    assert cli("export", "-o", str(out)).exit_code == 0 and "苗族古歌" in out.read_text("utf-8-sig")
    unindexed = cli("check")
    assert unindexed.exit_code == 1 and "检索索引尚未建立" in unindexed.output
    assert "已重建检索索引：1 条记录" in cli("index").output
    assert "数据库完好" in cli("check").output
    kept = home / "media" / "images" / "ab" / "ab12" / "master.jpg"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"image")
    assert "校验通过" in cli("backup", str(tmp_path / "b.db")).output
    assert (tmp_path / "b.db.media" / "images" / "ab" / "ab12" / "master.jpg").read_bytes() == b"image"
    assert cli("backup", str(tmp_path / "b.db")).exit_code == 1


def test_user_add(cli, home):
    cli("init", "--no-corpus")
    result = cli("user", "add", "张三", "--role", "reviewer", "--password", "correct horse battery")
    assert result.exit_code == 0 and "已新建用户" in result.output
    again = cli("user", "add", "张三", "--password", "correct horse battery")
    assert again.exit_code == 1 and "已存在" in again.output
    short = cli("user", "add", "李四", "--password", "short")
    assert short.exit_code == 1 and "至少 10 位" in short.output
    from heritage.store import open_store
    from heritage.users import verify_password

    stored = open_store(home).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("scrypt$") and verify_password("correct horse battery", stored)
    assert not verify_password("wrong", stored)


def test_search_from_the_command_line(cli, home):
    cli("init")
    assert f"已重建检索索引：{SHIPPED} 条记录" in cli("index").output
    answer = json.loads(cli("search", "蠟染", "--json").stdout)
    assert {"total", "results", "facets", "suggestion"} <= set(answer)
    assert {"id", "ref", "title", "score"} <= set(answer["results"][0]) and answer["results"][0]["id"] == "C134"
    text = cli("search", "火把结").output
    assert "火把节" in text and "彝族火把节" in text
    research = cli("search", "--mode", "research", "类别:传统技艺 民族:苗族", "--limit", "3")
    assert research.exit_code == 0 and "共 " in research.output
    broken = cli("search", "--mode", "research", "(((")
    assert broken.exit_code == 1 and "检索式不完整" in broken.output
    filtered = json.loads(cli("search", "节", "--category", "民俗", "--region", "黔东南", "--json").stdout)
    assert filtered["total"] and all(r["category"] == "民俗" for r in filtered["results"])


def test_only_init_creates_a_data_folder(cli, home, tmp_path):
    commands = [
        ["serve"],
        ["index"],
        ["search", "蜡染"],
        ["import", str(tmp_path / "a.csv")],
        ["export"],
        ["stats"],
        ["check"],
        ["backup", str(tmp_path / "b.db")],
        ["user", "list"],
        ["media", "rebuild"],
    ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 1, command
        assert f"数据文件夹 {home} 不存在" in result.output and "init" in result.output, command
        assert not home.exists(), command
    home.mkdir()
    assert f"数据文件夹 {home} 中没有数据库 heritage.db" in cli("stats").output
    assert not (home / "heritage.db").exists()
    assert cli("index", "--help").exit_code == 0 and "用法" in cli("user").output
    assert cli("init", "--no-corpus").exit_code == 0 and cli("stats").exit_code == 0


def test_a_relative_home_is_made_absolute_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["--home", "data", "init", "--no-corpus"]).exit_code == 0
    monkeypatch.setenv("HERITAGE_HOME", "data")
    result = runner.invoke(main, ["init", "--no-corpus"])
    assert f"数据库：{tmp_path / 'data' / 'heritage.db'}" in result.output
    monkeypatch.delenv("HERITAGE_HOME")
    assert f"数据库：{tmp_path / 'instance' / 'heritage.db'}" in runner.invoke(main, ["init", "--no-corpus"]).output

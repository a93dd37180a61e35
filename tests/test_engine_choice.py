"""Choosing the search engine per data folder: site.cfg or the environment, a clear error for a name we
do not have, and switching as a rebuild (an index built by the other engine is not used)."""

import pytest
from click.testing import CliRunner

from heritage.cli import main
from indexer import choice, index
from indexer.search import search
from tests.conftest import write_csv


@pytest.fixture
def cli(home, monkeypatch):
    monkeypatch.delenv(choice.VARIABLE, raising=False)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, ["--home", str(home), *args], catch_exceptions=False)

    return invoke


def _choose(home, name):
    (home / "site.cfg").write_text(f"SEARCH_ENGINE = {name!r}\n", "utf-8")


def test_site_cfg_wins_over_the_environment_and_whoosh_is_the_default(home, monkeypatch):
    home.mkdir(parents=True)
    monkeypatch.delenv(choice.VARIABLE, raising=False)
    assert choice.chosen(home) == "whoosh"
    monkeypatch.setenv(choice.VARIABLE, "tantivy")
    assert choice.chosen(home) == "tantivy"
    _choose(home, "Whoosh")
    assert choice.chosen(home) == "whoosh"
    _choose(home, "lucene")
    with pytest.raises(choice.UnknownEngine, match="未知的检索引擎“lucene”.*应为 whoosh 或 tantivy"):
        choice.chosen(home)


def test_rebuild_builds_the_chosen_engine_and_check_names_it(cli, home, tmp_path):
    cli("init", "--no-corpus")
    cli(
        "import",
        str(write_csv(tmp_path / "a.csv", "项目名称,类别,分布区域,状态\n苗族古歌,民间文学,贵州省台江县,已发布\n")),
    )
    _choose(home, "tantivy")
    built = cli("index", "--rebuild")
    assert built.exit_code == 0 and "已重建检索索引：1 条记录" in built.output and "检索引擎 tantivy" in built.output
    assert (index.current_generation(home) / "tantivy" / "meta.json").exists()
    checked = cli("check")
    assert checked.exit_code == 0 and "检索引擎：tantivy" in checked.output and "数据库完好" in checked.output
    found = cli("search", "古歌")
    assert found.exit_code == 0 and "苗族古歌" in found.output


def test_switching_is_a_rebuild(cli, home, db, tmp_path):
    cli("init", "--no-corpus")
    cli(
        "import",
        str(write_csv(tmp_path / "a.csv", "项目名称,类别,分布区域,状态\n苗族古歌,民间文学,贵州省台江县,已发布\n")),
    )
    cli("index", "--rebuild")
    assert search(home, db, "古歌")["total"] == 1
    _choose(home, "tantivy")
    refused = search(home, db, "古歌")
    assert refused["error"] == (
        "检索暂不可用：检索索引由 whoosh 建立，而数据文件夹设置的检索引擎是 tantivy：请运行 heritage index --rebuild"
    )
    assert "检索索引由 whoosh 建立" in cli("check").output
    cli("index", "--rebuild")
    assert search(home, db, "古歌")["total"] == 1


def test_an_unknown_engine_is_a_clear_error_everywhere(cli, home, db):
    cli("init", "--no-corpus")
    _choose(home, "elastic")
    rebuilt = cli("index", "--rebuild")
    assert rebuilt.exit_code == 1 and "错误：未知的检索引擎“elastic”" in rebuilt.output
    answer = search(home, db, "古歌")
    assert answer["error"].startswith("检索暂不可用：未知的检索引擎“elastic”")
    checked = cli("check")
    assert checked.exit_code == 1 and "未知的检索引擎“elastic”" in checked.output


WITHOUT_TANTIVY = """
import sys
sys.modules["tantivy"] = None  # as in an environment installed before tantivy was a dependency
from heritage.cli import main
main(sys.argv[1:])
"""


def test_a_whoosh_folder_runs_without_tantivy_installed_and_a_tantivy_one_is_told_to_install_it(home):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != choice.VARIABLE}

    def heritage(*args):
        command = [sys.executable, "-c", WITHOUT_TANTIVY, "--home", str(home), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)

    assert heritage("init").returncode == 0  # the shipped corpus
    assert heritage("index", "--rebuild").returncode == 0
    found = heritage("search", "苗族古歌")
    assert found.returncode == 0 and "(C053)" in found.stdout, found.stderr
    _choose(home, "tantivy")
    refused = heritage("index", "--rebuild")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "所选的检索引擎 tantivy 没有安装：运行 bash scripts/setup" in refused.stdout + refused.stderr

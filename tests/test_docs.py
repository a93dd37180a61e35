"""The README documents every column the importer reads, every command and option, and the code as it is."""

import ast
import importlib
import re
from importlib import metadata
from pathlib import Path

import click
import pytest

from heritage.cli import main
from heritage.fields import INHERITOR_FIELDS, RECORD_FIELDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_field_is_documented():
    for field in RECORD_FIELDS + INHERITOR_FIELDS:
        assert f"| {field.zh} | `{field.name}` |" in README, field.name


def test_every_command_is_documented():
    for name in main.commands:
        assert f"heritage {name}" in README, name


def test_the_two_commands_are_there():
    assert "bash scripts/run" in README and "bash scripts/test" in README


# ---- every option the README names exists in the real command ----

CODE_BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
# Command lines in the README that run something else; their options are not the heritage command's.
OTHER_PROGRAMS = ("pip", "python", ".venv/bin/python", "pytest", "bash scripts/test", "bash scripts/setup")
# scripts/run ends in `heritage serve "$@"`: its options are serve's.
ALIASES = {"bash scripts/run": "heritage serve"}


def _command_lines() -> list[str]:
    """Every command the README shows: each line of a code block (comments dropped) and each code span."""
    blocks = CODE_BLOCK.findall(README)
    lines = [re.sub(r"\s+#.*", "", line).strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line] + CODE_SPAN.findall(CODE_BLOCK.sub("", README))


def _options(command: click.Command) -> set[str]:
    """A command's own options, --help included."""
    params = command.get_params(click.Context(command, help_option_names=["-h", "--help"]))
    return {opt for param in params for opt in param.opts + param.secondary_opts if opt.startswith("-")}


def _every_option(command: click.Command) -> set[str]:
    found = _options(command)
    for sub in getattr(command, "commands", {}).values():
        found |= _every_option(sub)
    return found


def _words(line: str) -> list[str]:
    """A command line's words, without the brackets of optional parts, quotes and escaped | of a table."""
    return [word.strip("[]'\"") for word in line.replace("\\|", " ").split()]


def _heritage_options(line: str) -> tuple[str, set[str]]:
    """The command path a README line runs and the options it may use there (the command's and its parents')."""
    command, path, allowed = main, ["heritage"], _options(main)
    for word in _words(line)[1:]:
        sub = getattr(command, "commands", {}).get(word)
        if sub is not None:
            command = sub
            path.append(word)
            allowed |= _options(command)
    return " ".join(path), allowed


def test_the_plugin_commands_are_part_of_the_command():
    plugged = {entry.name for entry in metadata.entry_points(group="heritage.commands")}
    assert plugged and plugged <= set(main.commands)


def test_every_option_in_a_heritage_command_line_exists_on_that_command():
    checked, wrong = 0, []
    for line in _command_lines():
        line = line.removeprefix(".venv/bin/")
        for alias, command in ALIASES.items():
            if line.startswith(alias):
                line = command + line[len(alias) :]
        if not line.startswith("heritage "):
            continue
        path, allowed = _heritage_options(line)
        for option in OPTION.findall(" ".join(_words(line))):
            checked += 1
            if option not in allowed:
                wrong.append(f"{path} {option}（README：{line}）")
    assert checked > 20 and wrong == []


def test_every_option_the_readme_names_exists_somewhere_in_the_command():
    foreign = set()
    for line in _command_lines():
        if line.startswith(OTHER_PROGRAMS):
            foreign |= set(re.findall(r"--[a-z][\w-]*", line))
    named = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", README))
    assert {"--home", "--port", "--dry-run", "--skip-invalid", "--enable"} <= named
    assert named - foreign - _every_option(main) == set()


# ---- the code map names every module of heritage/, indexer/ and web/, and nothing else ----

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("heritage", "indexer", "web")


def _code_map() -> dict[str, str]:
    """The code map's text for each package (the lines from `name/` up to the next top-level entry)."""
    block = README.split("## 代码结构", 1)[1]
    block = CODE_BLOCK.search(block)[1]
    sections: dict[str, str] = {}
    for line in block.splitlines():
        entry = re.match(r"(\S+)/\s+(.*)", line)
        if entry:
            current = entry[1]
            sections[current] = entry[2]
        elif line.strip():
            sections[current] += line.strip()
    return sections


def _mapped(package: str) -> set[str]:
    """The modules a package's code map names, as paths (curate/records for a subpackage's module).

    Notes in parentheses and Chinese labels are not names; in a segment (between ；) `name/ 子包：` opens a
    subpackage whose modules follow it."""
    text = _code_map()[package].split("：", 1)[1]
    while re.search(r"（[^（）]*）", text):
        text = re.sub(r"（[^（）]*）", "", text)
    names = set()
    for segment in text.split("；"):
        prefix = ""
        for name, slash in re.findall(r"(?<![\w/])([a-z_][a-z0-9_]*)(/?)", segment):
            names.add(prefix + name)
            if slash:
                prefix = f"{name}/"
    return names


def _modules(folder: Path, prefix: str = "") -> set[str]:
    """The modules and subpackages actually in a package folder (names its __init__ defines count too)."""
    found = set()
    for path in folder.iterdir():
        if path.suffix == ".py" and path.stem != "__init__":
            found.add(prefix + path.stem)
        elif (path / "__init__.py").is_file():
            found |= {prefix + path.name} | _modules(path, f"{prefix}{path.name}/")
    return found


def _defined_in_init(folder: Path) -> set[str]:
    tree = ast.parse((folder / "__init__.py").read_text("utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("package", PACKAGES)
def test_the_code_map_names_every_module(package: str):
    assert _modules(ROOT / package) - _mapped(package) == set()


@pytest.mark.parametrize("package", PACKAGES)
def test_the_code_map_names_no_module_that_does_not_exist(package: str):
    folder = ROOT / package
    assert _mapped(package) - _modules(folder) - _defined_in_init(folder) == set()


def test_every_document_the_readme_names_is_in_the_repository():
    named = set(re.findall(r"[\w./-]+\.md\b", README))
    assert named and all((ROOT / name).is_file() for name in named), sorted(
        n for n in named if not (ROOT / n).is_file()
    )


# ---- the documents in docs/ name only modules and functions that exist ----

DOTTED = re.compile(r"\b(?:heritage|indexer|web)(?:\.[A-Za-z_]\w*)+")


def _resolves(name: str) -> bool:
    """Whether a dotted name is one of our modules or something in one (heritage.db.write, indexer.engines.Engine.suspects)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for part in parts[cut:]:
            if not hasattr(found, part):
                return False
            found = getattr(found, part)
        return True
    return False


@pytest.mark.parametrize("document", sorted((ROOT / "docs").glob("*.md")), ids=lambda path: path.name)
def test_every_module_and_function_a_document_names_exists(document: Path):
    named = {name for span in CODE_SPAN.findall(document.read_text("utf-8")) for name in DOTTED.findall(span)}
    assert named and sorted(name for name in named if not _resolves(name)) == []

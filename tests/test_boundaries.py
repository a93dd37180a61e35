"""The boundaries between the packages, read from the source: no SQL outside the domain, no status or
access literal outside the domain (the rule lives in heritage.visibility), and no blueprint that
imports another.  PACKAGES lists the packages held to these rules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from heritage import visibility, vocab
from heritage.fields import ACCESS_LABELS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("web", "indexer")
# The one place a query language is named: its plain language is called "public", like the access level.
NAMED_ELSEWHERE = {("indexer/search.py", "public")}
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIEW)"
    r"|DROP\s+TABLE|ALTER\s+TABLE)\b",
    re.IGNORECASE | re.DOTALL,
)
DB_CALLS = ("execute", "executemany", "query", "table")
LITERALS = {*vocab.STATUSES, *ACCESS_LABELS, *visibility.OPENS}


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """String constants, leaving out docstrings and a Blueprint's name (a namespace of endpoints)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint" and node.args:
            skipped.add(id(node.args[0]))
    return [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped
    ]


def sql_in(path: Path, tables: list[str]) -> list[str]:
    """SQL text, database calls (``db.execute(…)``, ``.query(…)``, ``.table(…)``) and a table taken by
    name (``db["records"]``) in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{n.lineno}: {n.value[:60]}" for n in _strings(tree) if SQL.search(n.value)]
    found += [
        f"{n.lineno}: .{n.func.attr}("
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in DB_CALLS
    ]
    found += [
        f"{n.lineno}: [{n.slice.value!r}]"
        for n in ast.walk(tree)
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and n.slice.value in tables
    ]
    return found


def literals_in(path: Path, name: str = "") -> list[str]:
    """Status and access values written out in a module (alone, or quoted inside a longer text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{n.lineno}: {n.value[:60]!r}"
        for n in _strings(tree)
        if (name, n.value) not in NAMED_ELSEWHERE
        and (n.value in LITERALS or any(f"'{w}'" in n.value or f'"{w}"' in n.value for w in LITERALS))
    ]


def _defines_blueprint(path: Path) -> bool:
    return any(
        isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Blueprint"
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_sql_outside_the_domain(package, db):
    found = {_name(p): hits for p in sources(package) if (hits := sql_in(p, db.table_names()))}
    assert not found, f"SQL belongs in heritage/ (a named query function): {found}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_status_or_access_literal_outside_the_domain(package):
    found = {_name(p): hits for p in sources(package) if (hits := literals_in(p, _name(p)))}
    assert not found, f"ask heritage.visibility (or name the value in heritage/): {found}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_blueprint_imports_another(package):
    blueprints = {_module(p) for p in sources(package) if _defines_blueprint(p)}
    found = {
        _module(p): sorted(_imported_modules(p) & (blueprints - {_module(p)}))
        for p in sources(package)
        if _module(p) in blueprints
    }
    assert not any(found.values()), f"share through a helper module or the domain: {found}"


def test_the_checks_see_what_they_look_for(tmp_path, db):
    """Each check finds its kind of trouble in a small module written for it."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""已发布"""\nfrom flask import Blueprint\nbp = Blueprint("public", __name__)\n'
        "rows = db.execute(\"SELECT id FROM records WHERE status = '已发布'\")\n"
        'reader = "researcher"\ndb["records"].insert({})\n',
        encoding="utf-8",
    )
    assert sorted(hit.split(":")[0] for hit in sql_in(sample, db.table_names())) == ["4", "4", "6"]
    assert sorted(hit.split(":")[0] for hit in literals_in(sample)) == ["4", "5"]
    assert _defines_blueprint(sample)


KIND_ATTRIBUTE = re.compile(r"\b\w+\.kind\b")
KIND_COLUMN = re.compile(r"\bkind\s*(=|IN\b)", re.IGNORECASE)


@pytest.mark.parametrize("package", ("heritage", "indexer", "web"))
def test_kind_means_only_the_kind_of_entity(package):
    """ "kind" names the kind of entity (record, inheritor) and nothing else: a field has a value type, a
    medium is image, audio or video, an article has a genre.  So nothing has a ``.kind`` attribute, no
    column is called kind, and no template reads ``x.kind``."""
    found = []
    for path in sources(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            f"{_name(path)}:{n.lineno}: .kind"
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == "kind"
        ]
        found += [f"{_name(path)}:{n.lineno}: {n.value[:50]}" for n in _strings(tree) if KIND_COLUMN.search(n.value)]
    for path in sorted((ROOT / package).rglob("*.html")):
        found += [f"{_name(path)}: {m}" for m in KIND_ATTRIBUTE.findall(path.read_text(encoding="utf-8"))]
    assert not found, "kind used for something other than the kind of entity:\n" + "\n".join(found)

"""The indexer reads and writes the store only through heritage's functions: no SQL, no table names."""
import ast
import re
from pathlib import Path

INDEXER = Path(__file__).resolve().parents[1] / "indexer"
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b")


def _offences(source: str, tables: set[str]) -> list[str]:
    """SQL text, a table taken by name (db["outbox"], db.table("outbox")) and calls that run SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{node.lineno}: {node.value[:60]!r}")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in tables:
            found.append(f"{node.lineno}: [{node.slice.value!r}]")
        elif isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript", "table"):
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def test_the_check_finds_sql_and_table_names():
    source = 'db.execute("SELECT id FROM x")\nrows = db["outbox"].rows\nstate = {"outbox": 1}\n'
    assert len(_offences(source, {"outbox"})) == 3


def test_no_module_of_the_indexer_runs_sql_or_names_a_table(db):
    tables = set(db.table_names())
    offences = {path.name: found for path in sorted(INDEXER.glob("*.py")) if (found := _offences(path.read_text("utf-8"), tables))}
    assert offences == {}

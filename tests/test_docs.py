"""The README documents every column the importer reads, and every command."""
from pathlib import Path

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

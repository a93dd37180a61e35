"""The national list and its inheritors import completely, with regions, groups and links."""
from heritage.importer import import_file
from heritage.stats import census_stats
from tests.conftest import INHERITORS, NATIONAL_LIST, needs_shared


@needs_shared(INHERITORS)
@needs_shared(NATIONAL_LIST)
def test_national_list_and_inheritors(db):
    items = import_file(db, NATIONAL_LIST, "ich-list")
    assert items.committed and not items.problems and items.created == 3610
    stats = census_stats(db)
    no_province = db.execute(
        "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM record_values v"
        " WHERE v.record_id = r.id AND v.field = 'region_codes')").fetchone()[0]
    assert no_province == 0
    assert stats["county_coverage"] >= 0.80  # see README: 1,202 items name no county at all
    assert sum(1 for _ in db.query("SELECT DISTINCT record_id FROM record_values WHERE field = 'ethnic_groups'")) >= 600
    first = next(db.query("SELECT * FROM records WHERE ref = 'ihchina:12178'"))
    assert first["title"] == "苗族古歌" and first["batch"] == 1 and first["year"] == 2006
    assert "&lt;" not in first["content"] and not first["content"].startswith("申报地区")

    people = import_file(db, INHERITORS, "ich-inheritors")
    assert people.committed and not people.problems and people.created == 3995
    linked = db.execute("SELECT count(DISTINCT inheritor_id) FROM inheritor_items").fetchone()[0]
    assert linked >= 3900
    again = import_file(db, NATIONAL_LIST, "ich-list")
    assert again.unchanged == 3610

"""Nothing a reader may not see reaches them by any route: a unique word is planted in every field of
every kind of entity that is hidden (record-level 内部 or 研究人员, field-level 内部, not published,
changed since the last index sync), the store is indexed, and every GET route of the site and the API
is asked for it — by anonymous readers, and by a researcher for what researchers may see."""

from __future__ import annotations

import datetime as dt
import random
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import exhibits, store, users
from heritage.db import write
from heritage.fields import INHERITOR_FIELDS, LIST_TYPES, RECORD_FIELDS
from heritage.store import open_store
from heritage.visibility import WITHHELD_NAME, view
from indexer import index
from indexer.documents import BODY_FIELDS
from tests.test_curate import Session
from web import create_app

YEAR = dt.date.today().year
SETTABLE = ("id", "access", "field_access", "status", "items")
# Values for the fields that cannot hold a word: a rare group and place, so that a filter on them is telling.
FIXED = {
    "category": "传统技艺",
    "level": "县级",
    "batch": 5,
    "year": 2011,
    "listing_type": "新增项目",
    "ethnic_groups": ["珞巴族"],
    "region_codes": ["540424"],
    "value_tags": ["历史价值"],
    "vitality": "良好",
    "dates": ["农历六月二十四"],
    "survey_date": "2020-05-01",
    "informant_consent": True,
    "sex": "女",
    "ethnic_group": "珞巴族",
    "birth_date": "1950",
    "death_year": 2020,
    "native_name": None,
}


def planted(fields, word: str) -> dict:
    """An entity with ``word`` in every field that holds text, and fixed values in the others."""
    entity = {}
    for field in fields:
        if field.name in SETTABLE:
            continue
        if field.name in FIXED:
            entity[field.name] = FIXED[field.name]
        elif field.type == "native":
            entity[field.name] = [{"name": word, "script": "", "transliteration": word}]
        elif field.type in LIST_TYPES:
            entity[field.name] = [word]
        else:
            entity[field.name] = f"{word} {field.name}"
    return entity


def every_field_internal(fields) -> dict:
    return {f.name: "internal" for f in fields if f.name not in ("id", "access", "field_access")}


# word -> (entity id, kind, entity): hidden from the public
HIDDEN = {
    "zqfieldhid": (
        "RFA",
        store.RECORD,
        {"access": "public", "status": "已发布", "field_access": every_field_internal(RECORD_FIELDS)},
    ),
    "zqresonly": ("RRES", store.RECORD, {"access": "researcher", "status": "已发布"}),
    "zqinternal": ("RINT", store.RECORD, {"access": "internal", "status": "已发布"}),
    "zqpending": ("RDRAFT", store.RECORD, {"access": "public", "status": "待审核"}),
    "zqresfield": (
        "RFRES",
        store.RECORD,
        {
            "access": "public",
            "status": "已发布",
            "field_access": {
                f.name: "researcher" for f in RECORD_FIELDS if f.name not in ("id", "access", "field_access", "status")
            },
        },
    ),
    "zqpfieldhid": (
        "PFA",
        store.INHERITOR,
        {"access": "public", "items": ["RPUB"], "field_access": every_field_internal(INHERITOR_FIELDS)},
    ),
    "zqpinternal": ("PINT", store.INHERITOR, {"access": "internal", "items": ["RPUB"]}),
    "zqpresonly": ("PRES", store.INHERITOR, {"access": "researcher", "items": ["RPUB"]}),
    "zqplate": ("PLATE", store.INHERITOR, {"access": "internal", "items": ["RPUB"]}),
}
# An inheritor's name is the planted word itself, so that a search for it names them (indexer.persons)
# and would find the item they carry on (RPUB) if the name counted where it must not.
# Hidden only after the index was built (no sync since): the index still holds the name as public.
LATE_HIDDEN = {"zqplate"}
# Published after planting: a record later unpublished, another whose content became internal (no sync since)
STALE = {"zqunpublished": "RUNPUB", "zqlatehidden": "RLATE"}
RESEARCHERS_SEE = {"zqresonly", "zqresfield", "zqpresonly"}
VISIBLE = "zqvisible"  # in the public fields of RPUB and PPUB: the routes do show planted words
DEFAULT_INTERNAL = "zqdefaulthid"  # in RPUB's and PPUB's fields that are internal by default


def default_internal_too(fields, visible: dict) -> dict:
    return visible | {
        f.name: f"{DEFAULT_INTERNAL} {f.name}" for f in fields if f.access != "public" and f.type == "text"
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    home = tmp_path_factory.mktemp("visibility") / "instance"
    db = open_store(home)
    with write(db):
        store.put(
            db,
            store.RECORD,
            default_internal_too(
                RECORD_FIELDS,
                planted(RECORD_FIELDS, VISIBLE)
                | {"id": "RPUB", "status": "已发布", "ethnic_groups": ["苗族"], "region_codes": ["522630"]},
            ),
            "test",
        )
        for word, (entity_id, kind, chosen) in HIDDEN.items():
            name = {"name": word} if kind is store.INHERITOR else {}
            late = {"access": "public"} if word in LATE_HIDDEN else {}
            store.put(db, kind, planted(kind.fields, word) | chosen | name | late | {"id": entity_id}, "test")
        store.put(
            db,
            store.INHERITOR,
            default_internal_too(
                INHERITOR_FIELDS,
                planted(INHERITOR_FIELDS, VISIBLE)
                | {"id": "PPUB", "name": VISIBLE, "items": ["RPUB"], "access": "public"},
            ),
            "test",
        )
        store.put(
            db,
            store.RECORD,
            {"id": "RSOUND", "title": "蝾螈舞", "category": "传统舞蹈", "status": "已发布", "access": "internal"},
            "test",
        )
        for word, entity_id in STALE.items():
            store.put(db, store.RECORD, planted(RECORD_FIELDS, word) | {"id": entity_id, "status": "已发布"}, "test")
        exhibits.put(
            db,
            {
                "id": "EX",
                "title": "展览",
                "status": "已发布",
                "items": [{"record_id": r} for r in ("RPUB", "RFA", "RRES", "RINT", "RDRAFT")],
            },
            "test",
        )
    users.add_user(db, "reader1", "research-pass-1", "researcher")
    index.rebuild(home, db, procs=1)
    with write(db):  # changed after the index was built: the index still holds the old text
        store.put(db, store.RECORD, store.get(db, store.RECORD, "RUNPUB") | {"status": "调查中"}, "test")
        store.put(
            db,
            store.RECORD,
            store.get(db, store.RECORD, "RLATE") | {"field_access": every_field_internal(RECORD_FIELDS)},
            "test",
        )
        for word in LATE_HIDDEN:
            entity_id, kind, chosen = HIDDEN[word]
            store.put(db, kind, store.get(db, kind, entity_id) | chosen, "test")
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(home)})
    yield app
    db.conn.close()


RECORD_IDS = ["RPUB", "RFA", "RRES", "RINT", "RDRAFT", "RFRES", "RUNPUB", "RLATE"]
INHERITOR_IDS = ["PPUB", "PFA", "PINT", "PRES", "PLATE"]
ARGUMENTS = {
    "record_id": RECORD_IDS,
    "inheritor_id": INHERITOR_IDS,
    "entity_id": RECORD_IDS,
    "year": [str(YEAR)],
    "month": [str(m) for m in range(1, 13)],
    "kind": ["records", "inheritors"],
    "number": ["1"],
    "code": ["540000", "540424"],
    "exhibit_id": ["EX"],
    "article_id": ["none"],
    "media_id": ["none"],
    "size": ["thumb"],
    "name": ["web.m4a", "captions.vtt"],  # a recording's files
    "status": ["已发布"],
    "kinds": ["records"],
    "version": ["1"],
    "draft_id": ["1"],
    "username": ["reader1"],
    "fmt": ["csv", "xlsx"],
    "figure": ["total", "vitality", "unplaced"],
}
SEARCHING = (
    "public.search_page",
    "api.api_search",
    "api.api_facets",
    "public.export",
    "api.api_records",
    "browse.inheritors",
)


def every_get_url(app) -> list[str]:
    """Every GET route with every planted id in its path, and the searching routes asked for every word."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        paths = [rule.rule]
        for name in rule.arguments:
            paths = [
                re.sub(rf"<(?:[^:>]+:)?{name}>|<any\([^)]*\):{name}>", quote(value), p)
                for p in paths
                for value in ARGUMENTS[name]
            ]
        for path in paths:
            urls.append(path)
            if rule.endpoint in SEARCHING:
                words = [*HIDDEN, *STALE, VISIBLE, DEFAULT_INTERNAL]
                urls += [f"{path}?q={w}" for w in words] + [f"{path}?q={w}&format=json" for w in words]
                urls += [f"{path}?mode=research&q=title:{w}" for w in words]
                urls += [f"{path}?ethnic=珞巴族", f"{path}?region=540424", f"{path}?ethnic=珞巴族&format=json"]
        if rule.endpoint == "festivals.api_festivals":
            urls.append(f"{rule.rule}?from={YEAR}-01-01&to={YEAR}-12-31")
        if rule.endpoint == "festivals.ics":
            urls.append(f"{rule.rule}?year={YEAR}")
    return urls


def fetch_all(client, urls: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        with client.get(url) as response:
            assert response.status_code < 500, url
            # a picture is drawn from the reader's view (tests/test_pictures.py); here only text is read
            pages[url] = "" if response.mimetype.startswith("image/") else response.get_data(as_text=True)
    return pages


def test_planted_entities_are_what_the_test_means(site):
    """The plants are hidden by the rule itself: a check that the test checks what it says."""
    db = open_store(site.config["HERITAGE_HOME"])
    for word, (entity_id, kind, _) in HIDDEN.items():
        seen = view(store.get(db, kind, entity_id), kind.fields)
        assert seen is None or word not in str(seen), entity_id
    assert VISIBLE in str(view(store.get(db, store.RECORD, "RPUB")))


def test_no_hidden_word_reaches_an_anonymous_reader_by_any_route(site):
    urls = every_get_url(site)
    assert len(urls) > 200
    pages = fetch_all(site.test_client(), urls)
    leaks = [
        (url, w)
        for url, text in pages.items()
        for w in [*HIDDEN, *STALE, DEFAULT_INTERNAL]
        if w in text and w not in url
    ]  # (a search page repeats its own query)
    assert not leaks, leaks[:10]
    holder = {w: entity_id for w, (entity_id, _, _) in HIDDEN.items()} | STALE
    queried = [url for url in pages if url.split("?")[0] in ("/search", "/api/search", "/api/facets", "/search/export")]
    leaks = [url for url in queried for w, i in holder.items() if w in url and re.search(rf"\b{i}\b", pages[url])]
    assert not leaks, leaks[:10]
    never_shown = ("RRES", "RINT", "RDRAFT", "RUNPUB", "PINT", "PRES", "PLATE")
    leaks = [
        (url, i) for url, text in pages.items() for i in never_shown if re.search(rf"\b{i}\b", text) and i not in url
    ]  # (a sign-in link repeats the address asked for)
    assert not leaks, leaks[:10]
    # the control: the same routes do show planted words where the public may see them
    assert VISIBLE in pages["/search?q=" + VISIBLE] and VISIBLE in pages["/records/RPUB"]
    assert VISIBLE in pages["/inheritors/PPUB"] and VISIBLE in pages["/api/search?q=" + VISIBLE]
    assert '"total":1' in pages["/api/search?q=" + VISIBLE].replace(" ", "")
    assert 'href="/inheritors/PPUB"' in pages["/search?q=" + VISIBLE]  # a public inheritor named in the query
    assert "RFA" in pages["/api/records"] and "RLATE" in pages["/api/records"]


def test_a_hidden_word_or_value_never_makes_a_record_match(site):
    client = site.test_client()
    for word in [*HIDDEN, *STALE]:
        for url in (f"/api/search?q={word}", f"/api/facets?q={word}", f"/api/search?mode=research&q=title:{word}"):
            assert client.get(url).get_json()["total"] == 0, url
        assert client.get(f"/api/search?q={word}").get_json()["people"] == [], word
    # RFA's group and place are hidden: a filter on them finds nothing, and no facet counts them
    assert client.get("/api/search?ethnic=珞巴族").get_json()["total"] == 0
    assert client.get("/api/records?region=540424").get_json()["total"] == 0
    facets = client.get("/api/facets").get_json()["facets"]
    assert "珞巴族" not in {f["value"] for f in facets["ethnic"]}
    # nor does "did you mean" offer a hidden title that sounds like the query
    assert "蝾螈" not in str(client.get("/api/search?q=荣原舞").get_json())
    people = client.get("/inheritors?ethnic=珞巴族").get_data(as_text=True)
    assert "PFA" not in people and "/inheritors/PPUB" in people  # PPUB's group is public, PFA's is not


def test_a_researcher_sees_researchers_words_and_never_internal_ones(site):
    researcher = Session(site)
    assert researcher.post("/login", username="reader1", password="research-pass-1").status_code == 302
    pages = fetch_all(researcher.client, [u for u in every_get_url(site) if not u.startswith("/curate")])
    internal_words = [w for w in [*HIDDEN, *STALE, DEFAULT_INTERNAL] if w not in RESEARCHERS_SEE]
    leaks = [(url, w) for url, text in pages.items() for w in internal_words if w in text and w not in url]
    assert not leaks, leaks[:10]
    assert "zqresonly" in pages["/search?q=zqresonly"] and "zqresonly" in pages["/records/RRES"]
    assert "zqresfield" in pages["/records/RFRES"] and "zqpresonly" in pages["/inheritors/PRES"]
    assert researcher.get("/api/search?q=zqresonly").get_json()["total"] == 1
    named = researcher.get("/api/search?q=zqpresonly").get_json()  # a researchers' inheritor: their item too
    assert [p["id"] for p in named["people"]] == ["PRES"] and [r["id"] for r in named["results"]] == ["RPUB"]


LEVELS = ("public", "researcher", "internal")
WORDY = [f for f in RECORD_FIELDS if f.type in ("text", "long", "list", "names", "native") and f.name != "ref"]
SEARCHED = [f for f in WORDY if f.name in {"title", "aliases", "native_names", *BODY_FIELDS}]


@settings(max_examples=200, deadline=None)
@given(
    access=st.sampled_from(LEVELS),
    status=st.sampled_from(["已发布", "待审核", "调查中"]),
    overrides=st.dictionaries(
        st.sampled_from([f.name for f in INHERITOR_FIELDS + RECORD_FIELDS]), st.sampled_from(LEVELS)
    ),
    reader=st.sampled_from(["public", "researcher"]),
    fields=st.sampled_from([RECORD_FIELDS, INHERITOR_FIELDS]),
)
def test_the_view_holds_only_what_the_reader_may_see(access, status, overrides, reader, fields):
    entity = {f.name: f"值{f.name}" for f in fields} | {
        "access": access,
        "status": status,
        "version": 1,
        "field_access": overrides,
    }
    seen = view(entity, fields, reader)
    opens = ("public",) if reader == "public" else ("public", "researcher")
    if access not in opens or (fields is RECORD_FIELDS and status != "已发布"):
        assert seen is None
        return
    for field in fields:
        may = overrides.get(field.name, field.access) in opens and field.name not in ("access", "field_access")
        if field.name == "id" or may:
            assert seen[field.name] == entity[field.name]
        elif field.name in ("title", "name"):
            assert seen[field.name] == WITHHELD_NAME
        else:
            assert field.name not in seen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hidden=st.sampled_from(WORDY),
    shown=st.sampled_from(SEARCHED),
    level=st.sampled_from(["internal", "researcher"]),
    number=st.integers(0, 10**6),
    synced=st.booleans(),
)
def test_a_word_in_any_hidden_field_never_matches_for_the_public(site, hidden, shown, level, number, synced):
    """Property: a record with one word in a field hidden from the public and another word in a public
    field is found by the second word only (once indexed), and never by the first, synced or not."""
    if hidden == shown:
        return
    secret, open_word = f"zqsecret{number}x", f"zqopen{number}x"
    record = {
        "id": "RPROP",
        "title": "属性测试",
        "category": "传统技艺",
        "status": "已发布",
        "access": "public",
        "field_access": {hidden.name: level},
    }
    for field, word in ((hidden, secret), (shown, open_word)):
        record[field.name] = (
            [{"name": word, "script": "", "transliteration": word}]
            if field.type == "native"
            else [word]
            if field.type in LIST_TYPES
            else word
        )
    db = open_store(site.config["HERITAGE_HOME"])
    with write(db):
        store.put(db, store.RECORD, record, "hypothesis")
    if synced:
        random.seed()  # Whoosh names segments with `random`, which Hypothesis seeds the same in every example
        index.sync(site.config["HERITAGE_HOME"], db)
    client = site.test_client()
    assert client.get(f"/api/search?q={secret}").get_json()["total"] == 0, hidden.name
    if synced:
        found = client.get(f"/api/search?q={open_word}").get_json()
        assert found["total"] == 1 and secret not in str(found), (hidden.name, shown.name)
    db.conn.close()

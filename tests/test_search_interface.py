"""The search interface: SearchRequest checks, error codes and their statuses, the one table of filters."""

import dataclasses

import pytest

from heritage.store import open_store
from indexer import filters
from indexer.errors import STATUS, SearchError
from indexer.search import SearchRequest, run
from web import create_app
from web.openapi import openapi

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)


def test_a_request_is_checked_and_settled_when_made():
    request = SearchRequest("蜡染", filters={"category": "传统技艺", "ethnic": "", "level": None}, page=0, limit=500)
    assert dict(request.filters) == {"category": "传统技艺"} and (request.page, request.limit) == (1, 50)
    assert request.audience == "public" and SearchRequest("x", mode="research").audience == "researcher"
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.page = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        request.filters["ethnic"] = "苗族"  # type: ignore[index]
    for bad in ({"mode": "sql"}, {"sort": "random"}, {"audience": "curator"}):
        with pytest.raises(SearchError) as raised:
            SearchRequest("蜡染", **bad)
        assert raised.value.code == "request" and raised.value.status == 400


def test_an_error_code_is_one_of_four_and_names_its_status():
    assert STATUS == {"request": 400, "syntax": 400, "filter": 400, "unavailable": 503}
    with pytest.raises(ValueError):
        SearchError("timeout", "超时")


def test_errors_carry_their_code(corpus_index, tmp_path):
    home, db = corpus_index
    assert run(home, db, SearchRequest("(((", mode="research")).error.code == "syntax"
    assert run(home, db, SearchRequest("地区:火星")).error.code == "syntax"
    failed = run(home, db, SearchRequest("蜡染", filters={"ethnic": "火星人", "colour": "红"})).error
    assert failed.code == "filter" and failed.message == "筛选条件有误：民族“火星人”无法识别；“colour”不是筛选条件"
    empty = tmp_path / "empty"
    assert run(empty, open_store(empty), SearchRequest("蜡染")).error.code == "unavailable"


def test_the_api_and_the_pages_answer_each_code_with_its_status(client, tmp_path):
    for path in (
        "/api/search?q=(((&mode=research",
        "/api/facets?category=火星",
        "/search?q=(((&mode=research",
        "/search?ethnic=火星人",
        "/search/export?q=(((&mode=research",
    ):
        assert client.get(path).status_code == 400, path
    error = client.get("/api/search?region=火星").get_json()["error"]
    assert error == {"code": 400, "message": "筛选条件有误：地区“火星”无法识别"}
    empty = tmp_path / "no-index"
    open_store(empty).conn.close()
    unindexed = create_app({"TESTING": True, "HERITAGE_HOME": str(empty)}).test_client()
    for path in ("/api/search?q=蜡染", "/api/records", "/api/facets", "/search?q=蜡染", "/search/export?q=蜡染"):
        assert unindexed.get(path).status_code == 503, path
    assert unindexed.get("/api/search?q=蜡染").get_json()["error"]["message"].startswith("检索暂不可用")


def _documented_filters(path: str) -> dict[str, dict]:
    parameters = openapi()["paths"][path]["get"]["parameters"]
    return {
        p["name"]: p["schema"] for p in parameters if p["name"] not in ("q", "mode", "correct", "page", "limit", "sort")
    }


@pytest.mark.parametrize("path", ["/api/search", "/api/records", "/api/facets"])
def test_every_filter_the_api_documents_is_the_one_the_compiler_takes(path):
    documented = _documented_filters(path)
    assert list(documented) == [f.name for f in filters.FILTERS]
    for name, schema in documented.items():
        for value in schema.get("enum", []):
            assert filters.BY_NAME[name].resolve(value) is not None, (name, value)


def test_every_documented_filter_value_is_accepted_by_a_search(corpus_index):
    home, db = corpus_index
    examples = {"region": "522600", "batch": "1"}
    for name, schema in _documented_filters("/api/search").items():
        for value in schema.get("enum", [examples.get(name)]):
            assert run(home, db, SearchRequest("", filters={name: value}, limit=1)).error is None, (name, value)
    assert filters.resolve({"region": "黔东南", "batch": "2", "listing": "扩展"}) == {
        "region": "522600",
        "batch": "2",
        "listing": "扩展项目",
    }

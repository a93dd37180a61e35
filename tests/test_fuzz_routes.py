"""Every GET route, fuzzed: hostile path values and query parameters are a 4xx at worst, never a 5xx;
numbers are read one way (ASCII digits within bounds) and a refusal names the parameter and its range."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMETERS = (
    "q",
    "page",
    "limit",
    "year",
    "sort",
    "format",
    "from",
    "to",
    "mode",
    "category",
    "ethnic",
    "region",
    "level",
    "batch",
    "listing",
    "next",
    "kind",
    "title",
)
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "²",
            "①",
            "٣",
            "߁",
            "𝟗",
            "-1",
            "0",
            "1e3",
            "0x10",
            " 1",
            "1 ",
            "+1",
            "9" * 30,
            "9" * 400,
            "\x00",
            "\t",
            "\u202e",
            "\ud800",
            "\udfff",
            "年",
            "%",
            "../..",
            "<script>",
        ]
    ),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=30),
    st.text(min_size=1, max_size=4).map(lambda text: text * 1500),
    st.text(st.characters(categories=["Nd", "No", "Cc", "Cs"]), max_size=10),
)


def encoded(value: str) -> str:
    """A value as a browser would send it: UTF-8 percent-encoded (a lone surrogate as its raw bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def get_routes(app) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"), key=lambda r: r.rule
    )


def path_of(rule, values: list[str]) -> str:
    parts = iter(values)
    return re.sub(r"<[^>]+>", lambda m: encoded(next(parts)), rule.rule)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_no_get_route_answers_a_5xx(client, data):
    """Each example: one draw of hostile query parameters and path values, sent to every GET route."""
    query = data.draw(
        st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=5)), HOSTILE, min_size=1, max_size=4),
        label="query",
    )
    tail = "?" + "&".join(f"{encoded(k)}={encoded(v)}" for k, v in query.items())
    values = data.draw(
        st.lists(
            st.one_of(HOSTILE, st.sampled_from(["C001", "2027", "1", "records", "thumb"])), min_size=3, max_size=3
        ),
        label="path values",
    )
    for rule in get_routes(client.application):
        url = path_of(rule, values) + tail
        response = client.get(url)
        assert response.status_code < 500, url
        response.close()


def test_the_fuzz_covers_every_get_route(client):
    endpoints = {r.endpoint for r in get_routes(client.application)}
    assert {"public.search_page", "api.api_search", "sitemap.part", "curate.show_draft", "festivals.ics"} <= endpoints


@pytest.mark.parametrize(
    ("url", "name", "limits"),
    [
        ("/search?page=²", "page", "1–1000"),
        ("/search?limit=①", "limit", "1–50"),
        ("/search?page=٣", "page", "1–1000"),
        ("/calendar.ics?year=²", "year", "1901–2099"),
        ("/search?page=" + "9" * 30, "page", "1–1000"),
        ("/inheritors?page=0", "page", "1–"),
    ],
)
def test_a_bad_number_is_a_400_that_names_it(client, url, name, limits):
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and f"参数 {name} 应为 {limits}" in text, text[-500:]


@pytest.mark.parametrize(
    ("url", "name", "limits"),
    [
        ("/api/search?q=苗&page=²", "page", "1–1000"),
        ("/api/records?limit=①", "limit", "1–50"),
        ("/api/records?limit=99", "limit", "1–50"),
        ("/api/festivals?from=２０２７-01-01&to=2027-02-01", "from", "YYYY-MM-DD"),
    ],
)
def test_an_api_400_names_the_parameter_and_its_range(client, url, name, limits):
    response = client.get(url)
    message = response.get_json()["error"]["message"]
    assert response.status_code == 400 and name in message and limits in message, message


@pytest.mark.parametrize(
    "url",
    ["/sitemaps/records-" + "9" * 30 + ".xml", "/calendar/" + "9" * 30, "/calendar/٢٠٢٧", "/calendar/2027/" + "1" * 40],
)
def test_a_huge_or_unicode_number_in_a_path_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_huge_draft_number_is_not_found(corpus_index):
    from heritage import users
    from tests.test_curate import Session
    from web import create_app

    home, db = corpus_index
    users.add_user(db, "fuzz-admin", "fuzz-admin-pass", "admin")
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(home)})
    session = Session(app)
    session.post("/login", username="fuzz-admin", password="fuzz-admin-pass")
    assert session.get("/curate/").status_code == 200
    assert session.get("/curate/drafts/" + "9" * 30).status_code == 404
    assert session.get("/curate/queue/待审核?page=²").status_code == 400


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=25), st.integers(-10, 10**25).map(str), st.from_regex(r"0{15,25}[0-9]{1,3}", fullmatch=True)
    ),
    low=st.integers(0, 100),
    span=st.integers(0, 10**6),
)
def test_whole_reads_ascii_digits_within_bounds_only(text, low, span):
    """Property: a number is read exactly when it is at most 19 ASCII digits within bounds; nothing raises."""
    from web.numbers import whole

    value = whole(text, low, low + span)
    ascii_number = re.fullmatch(r"[0-9]{1,19}", text) is not None
    assert value == (int(text) if ascii_number and low <= int(text) <= low + span else None)

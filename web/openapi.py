"""The API described in OpenAPI 3.1, built from the same lists of parameters the code checks."""

from __future__ import annotations

from typing import Any

from indexer.filters import FILTERS
from indexer.search import MODES, PLAIN_MODE, RESEARCH_MODE, SORTS


def _param(
    name: str, description: str, schema: dict[str, Any], where: str = "query", required: bool = False
) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


_TEXT = {"type": "string"}
_FILTERS = [_param(f.name, f.description, f.schema) for f in FILTERS]
_PAGING = [
    _param("page", "页码", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}),
    _param("limit", "每页条数", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}),
    _param("sort", "排序", {"type": "string", "enum": list(SORTS)}),
]
_QUERY = [
    _param(
        "q", "检索词：简体、繁体、拼音或问句，可用字段（类别:传统技艺）；research 模式另可用 AND/OR/NOT 与括号", _TEXT
    ),
    _param("mode", f"{PLAIN_MODE}（默认）或 {RESEARCH_MODE}（检索式）", {"type": "string", "enum": list(MODES)}),
    _param("correct", "0：不自动改查同音错字（仍给出 suggestion）", {"type": "string", "enum": ["0", "1"]}),
]
_ID = [_param("id", "编号", _TEXT, where="path", required=True)]
_ERROR = {
    "description": "错误（JSON：error.code、error.message）",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_RESULT = {
    "type": "object",
    "properties": {
        "id": _TEXT,
        "ref": _TEXT,
        "title": _TEXT,
        "title_html": _TEXT,
        "category": _TEXT,
        "ethnic_groups": {"type": "array", "items": _TEXT},
        "regions": {"type": "array", "items": {"type": "object", "properties": {"code": _TEXT, "name": _TEXT}}},
        "level": _TEXT,
        "year": {"type": "integer"},
        "score": {"type": "number"},
        "snippet": _TEXT,
        "missing": {"type": "array", "items": _TEXT, "description": "放宽检索时：这条结果未包含的词"},
    },
}
_ANSWER = {
    "type": "object",
    "properties": {
        "query": _TEXT,
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
        "facets": {"type": "object"},
        "suggestion": {"type": ["string", "null"]},
        "corrected": {"type": "boolean"},
        "answer": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/DirectAnswer"}]},
        "people": {
            "type": "array",
            "description": "检索词所指的传承人（按姓名、繁体或拼音全拼、首字母，至多 10 位；与页码和筛选无关）",
            "items": {"$ref": "#/components/schemas/Person"},
        },
        "relaxed": {
            "type": ["object", "null"],
            "description": "全部实词都须匹配时结果太少，改为按包含的词数排列：strict_total、words、dropped、note",
            "properties": {
                "strict_total": {"type": "integer"},
                "words": {"type": "array", "items": _TEXT},
                "dropped": {"type": "array", "items": _TEXT},
                "note": _TEXT,
            },
        },
        "spelled": {
            "type": "object",
            "description": "按拼音输入的词 -> 同时按它拼出的汉字词检索（如 niuyangge -> [扭秧歌]）",
            "additionalProperties": {"type": "array", "items": _TEXT},
        },
    },
}
_LINKED = {"type": "object", "properties": {"id": _TEXT, "title": _TEXT}}
# A question about one item answered directly (indexer.intents): only the key of its intent is present.
_DIRECT_ANSWER = {
    "type": "object",
    "description": "问句的直接回答（只在问题指向一个项目时给出）：时间、分布区域、传承人或制作工序，只含读者可见的内容",
    "properties": {
        "intent": {"type": "string", "enum": ["date", "place", "people", "process"]},
        "label": _TEXT,
        "asked": _TEXT,
        "item": _TEXT,
        "sources": {"type": "array", "items": _LINKED},
        "dates": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "record": _TEXT,
                    "date": {"type": "string", "format": "date"},
                    "days": {"type": "integer"},
                    "rules": {"type": "array", "items": _TEXT},
                    "text": _TEXT,
                },
            },
        },
        "places": {"type": "array", "items": {"type": "object", "properties": {"code": _TEXT, "name": _TEXT}}},
        "place_texts": {"type": "array", "items": _TEXT},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": _TEXT, "name": _TEXT, "ethnic_group": _TEXT, "region_text": _TEXT},
            },
        },
        "excerpt": {"type": "object", "properties": {"record": _TEXT, "text": _TEXT}},
    },
}
_PERSON = {
    "type": "object",
    "properties": {
        "id": _TEXT,
        "name": _TEXT,
        "sex": {"type": ["string", "null"]},
        "ethnic_group": {"type": ["string", "null"]},
        "birth_year": {"type": ["integer", "null"], "description": "出生日期对读者公开时才有"},
        "category": {"type": ["string", "null"]},
        "regions": {"type": "array", "items": {"type": "object", "properties": {"code": _TEXT, "name": _TEXT}}},
        "items": {
            "type": "array",
            "description": "读者能看到的所传承项目（项目编号相同的其他子项在检索结果中紧随其后）",
            "items": {
                "type": "object",
                "properties": {"id": _TEXT, "title": _TEXT, "item_number": {"type": ["string", "null"]}},
            },
        },
    },
}


def _get(summary: str, parameters: list[dict[str, Any]], schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "成功", "content": {"application/json": {"schema": schema}}},
                "400": _ERROR,
                "404": _ERROR,
            },
        }
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI document served at /api/openapi.json."""
    answer, obj = {"$ref": "#/components/schemas/Answer"}, {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "智慧民族之家 API",
            "version": "1",
            "description": "民族文化遗产普查资源库的开放接口：只提供已发布、公开的记录与字段。",
        },
        "paths": {
            "/api/search": _get("检索记录", _QUERY + _FILTERS + _PAGING, answer),
            "/api/records": _get("按筛选条件列出记录（默认按名称拼音）", _FILTERS + _PAGING, answer),
            "/api/records/{id}": _get("一条记录的公开字段", _ID, obj),
            "/api/facets": _get("分面计数", _QUERY + _FILTERS, obj),
            "/api/festivals": _get(
                "两个日期之间的节日（至多两年）",
                [
                    _param("from", "起始日期 YYYY-MM-DD", {"type": "string", "format": "date"}, required=True),
                    _param("to", "结束日期 YYYY-MM-DD", {"type": "string", "format": "date"}, required=True),
                ],
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            "id": _TEXT,
                            "title": _TEXT,
                            "days": {"type": "integer"},
                            "rule": _TEXT,
                        },
                    },
                },
            ),
            "/api/exhibits": _get("专题展览", [], {"type": "array", "items": obj}),
            "/api/exhibits/{id}": _get("一个专题展览及其记录", _ID, obj),
            "/api/articles": _get("政策宣传文章", [], {"type": "array", "items": obj}),
            "/api/articles/{id}": _get("一篇文章", _ID, obj),
            "/api/inheritors/{id}": _get("一位传承人的公开字段", _ID, obj),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": _TEXT}}
                    },
                },
                "Result": _RESULT,
                "Answer": _ANSWER,
                "DirectAnswer": _DIRECT_ANSWER,
                "Person": _PERSON,
            }
        },
    }

"""The query language: what a person types, parsed into a small tree, with clear errors.

Public mode takes words, "quoted phrases" and the same fields (``类别:传统技艺``), all of which
must match; operators, wildcards and grouping have no meaning there.  Research mode adds
AND/OR/NOT (also 与/或/非 and a leading -) and parentheses.  Field names, in Chinese or English
(``类别:传统技艺 民族:苗族 地区:黔东南``), are defined once, in FIELDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.errors import SearchError

MAX_QUERY_CHARS = 200
MAX_TERMS = 20

FIELDS = {
    "标题": "title",
    "名称": "title",
    "title": "title",
    "别称": "aliases",
    "alias": "aliases",
    "aliases": "aliases",
    "正文": "body",
    "内容": "body",
    "body": "body",
    "类别": "category",
    "category": "category",
    "民族": "ethnic",
    "ethnic": "ethnic",
    "地区": "region",
    "region": "region",
    "级别": "level",
    "level": "level",
    "批次": "batch",
    "batch": "batch",
    "年份": "year",
    "year": "year",
    "类型": "listing",
    "listing": "listing",
}
_OPERATORS = {"and": "AND", "与": "AND", "or": "OR", "或": "OR", "not": "NOT", "非": "NOT"}


class QuerySyntaxError(SearchError):
    """A research query that cannot be read; the message says where and why, in Chinese."""

    def __init__(self, message: str):
        super().__init__("syntax", message)


@dataclass(frozen=True)
class Words:
    """Text to match as words (a user's word, which may segment into several tokens)."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Text to match exactly, in this order."""

    text: str


@dataclass(frozen=True)
class FieldQuery:
    """``field:value`` in research mode."""

    field: str
    value: str


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


_TOKEN = re.compile(
    r'\s*(?:(?P<quote>["“”「」『』])|(?P<open>[(（])|(?P<close>[)）])|(?P<word>[^\s"“”「」『』()（）]+))'
)


def _lex(text: str) -> list[tuple[str, str, int]]:
    """(tag, value, offset) tokens tagged phrase, open, close, word; an unclosed quote is an error."""
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            break
        at = match.end()
        if match["quote"]:
            closing = re.compile(r'["“”「」『』]').search(text, at)
            if not closing:
                raise QuerySyntaxError(f"第 {match.start('quote') + 1} 个字符处的引号没有闭合")
            tokens.append(("phrase", text[at : closing.start()], match.start("quote")))
            at = closing.end()
        elif match["open"]:
            tokens.append(("open", "(", match.start("open")))
        elif match["close"]:
            tokens.append(("close", ")", match.start("close")))
        else:
            tokens.append(("word", match["word"], match.start("word")))
    return tokens


def clean(text: str) -> str:
    """The query with control characters removed and its length capped."""
    text = "".join(ch if ch.isprintable() else " " for ch in text or "")
    return text.strip()[:MAX_QUERY_CHARS]


def parse_public(text: str) -> And:
    """Public mode: words, quoted phrases and the fields of research mode (类别:传统技艺), all required;
    operators, wildcards and unknown field names are plain text."""
    text = clean(text)
    try:
        tokens = _lex(text)
    except QuerySyntaxError:
        tokens = _lex(re.sub(r'["“”「」『』]', " ", text))
    nodes: list[object] = []
    at = 0
    while at < len(tokens):
        tag, value, offset = tokens[at]
        at += 1
        following = tokens[at] if at < len(tokens) else None
        field = _field_syntax(value) if tag == "word" else None
        if field:
            name, rest = field
            if not rest:  # 类别: 传统技艺, or 地区:"黔东南 州"
                if following is None or following[0] not in ("word", "phrase"):
                    raise QuerySyntaxError(f"第 {offset + 1} 个字符处的“{value}”后面缺少要检索的内容，如 类别:传统技艺")
                rest, at = following[1], at + 1
            nodes.append(FieldQuery(name, rest))
        elif tag == "phrase" and value.strip():
            nodes.append(Phrase(value.strip()))
        elif tag == "word":
            nodes += [Words(part) for part in re.split(r"[:：*?~^\[\]{}]+", value) if part.strip("-")]
    return And(tuple(nodes[:MAX_TERMS]))


def _field_syntax(word: str) -> tuple[str, str] | None:
    """(field, value) when a word is ``字段:值`` with a known field name (the value may be empty)."""
    match = re.fullmatch(r"([^:：]+)[:：](.*)", word)
    if match and match[1].lower() in FIELDS:
        return FIELDS[match[1].lower()], match[2]
    return None


def parse_research(text: str) -> object:
    """Research mode: fields, AND/OR/NOT, phrases and grouping; raises QuerySyntaxError."""
    tokens = _lex(clean(text))
    if len(tokens) > MAX_TERMS * 2:
        raise QuerySyntaxError(f"检索式过长：至多 {MAX_TERMS * 2} 个词或符号")
    parser = _Parser(tokens)
    node = parser.or_expr()
    extra = parser.peek()
    if extra is not None:
        tag, value, offset = extra
        raise QuerySyntaxError(
            f"第 {offset + 1} 个字符处多了“{value}”" if tag == "close" else f"第 {offset + 1} 个字符处无法理解“{value}”"
        )
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _operator(self) -> str | None:
        token = self.peek()
        if token and token[0] == "word":
            return _OPERATORS.get(token[1].lower())
        return None

    def or_expr(self) -> object:
        nodes = [self.and_expr()]
        while self._operator() == "OR":
            self.at += 1
            nodes.append(self.and_expr())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_expr(self) -> object:
        nodes = [self.unary()]
        while True:
            token = self.peek()
            if token is None or token[0] == "close" or self._operator() == "OR":
                break
            if self._operator() == "AND":
                self.at += 1
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> object:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("检索式不完整：运算符或括号后面缺少检索词")
        tag, value, offset = token
        if self._operator() == "NOT" or (tag == "word" and value.startswith("-") and len(value) > 1):
            if self._operator() == "NOT":
                self.at += 1
            else:
                self.tokens[self.at] = ("word", value[1:], offset + 1)
            return Not(self.unary())
        if self._operator() in ("AND", "OR"):
            raise QuerySyntaxError(f"第 {offset + 1} 个字符处的“{value}”前面缺少检索词")
        self.at += 1
        if tag == "open":
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing[0] != "close":
                raise QuerySyntaxError(f"第 {offset + 1} 个字符处的括号没有闭合")
            self.at += 1
            return node
        if tag == "close":
            raise QuerySyntaxError(f"第 {offset + 1} 个字符处多了右括号")
        if tag == "phrase":
            return Phrase(value)
        return self._word(value, offset)

    def _word(self, value: str, offset: int) -> object:
        match = re.fullmatch(r"([^:：]+)[:：](.*)", value)
        if not match:
            return Words(value)
        name, rest = match.groups()
        known = _field_syntax(value)
        if known is None:
            raise QuerySyntaxError(
                f"第 {offset + 1} 个字符处的“{name}”不是可检索的字段：可用 "
                + "、".join(k for k in FIELDS if not k.isascii())
            )
        field = known[0]
        if rest:
            return FieldQuery(field, rest)
        following = self.peek()
        if following and following[0] == "phrase":
            self.at += 1
            return FieldQuery(field, following[1])
        raise QuerySyntaxError(f"第 {offset + 1} 个字符处的“{name}:”后面缺少要检索的内容")

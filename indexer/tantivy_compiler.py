"""The compiler's query trees (indexer.compiler) as tantivy queries: terms, phrases, the year range and
their boolean combinations, each with its boost, so tantivy's BM25 scores what Whoosh's BM25F scores."""

from __future__ import annotations

import tantivy
from whoosh import query as Q

_ALL = tantivy.Query.all_query


def tantivy_query(query: Q.Query, schema: tantivy.Schema) -> tantivy.Query:
    """A compiled query tree as a tantivy query."""
    if query is Q.NullQuery:
        return tantivy.Query.empty_query()
    if isinstance(query, Q.Every):
        found = _ALL()
    elif isinstance(query, Q.Term):
        found = tantivy.Query.term_query(schema, query.fieldname, query.text)
    elif isinstance(query, Q.Phrase):
        words = list(query.words)
        found = (
            tantivy.Query.phrase_query(schema, query.fieldname, words)
            if len(words) > 1
            else tantivy.Query.term_query(schema, query.fieldname, words[0])
        )
    elif isinstance(query, Q.NumericRange):
        found = tantivy.Query.range_query(
            schema,
            query.fieldname,
            tantivy.FieldType.Integer,
            query.start,
            query.end,
            not query.startexcl,
            not query.endexcl,
        )
    elif isinstance(query, Q.Not):
        found = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, _ALL()), (tantivy.Occur.MustNot, tantivy_query(query.query, schema))]
        )
    elif isinstance(query, (Q.And, Q.Or)):
        found = _boolean(query, schema)
    else:
        raise TypeError(f"no tantivy form for {type(query).__name__}")
    boost = getattr(query, "boost", 1.0)
    return tantivy.Query.boost_query(found, boost) if boost != 1.0 else found


def _boolean(query: Q.And | Q.Or, schema: tantivy.Schema) -> tantivy.Query:
    """An AND (its NOTs excluded) or an OR; only exclusions match everything but them."""
    if isinstance(query, Q.Or):
        clauses = [(tantivy.Occur.Should, tantivy_query(q, schema)) for q in query.subqueries]
    else:
        clauses = [
            (tantivy.Occur.MustNot, tantivy_query(q.query, schema))
            if isinstance(q, Q.Not)
            else (tantivy.Occur.Must, tantivy_query(q, schema))
            for q in query.subqueries
        ]
    if not clauses:
        return tantivy.Query.empty_query()
    if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
        clauses.insert(0, (tantivy.Occur.Must, _ALL()))
    return tantivy.Query.boolean_query(clauses)

"""How well content words pick the subject out of the generated questions (长问句, 短问句).

For each question, the content words (indexer.analysis.content_words, segmented with the
dictionary an index of the national list would use) should be exactly the item's name:
nothing of the name lost, nothing of the question kept.  Beside it: the same cut with only the
stop list (stopwords-iso, numerals kept) taken out, no parts of speech, no list of question words.

Run: .venv/bin/python bench/question_words.py [--details]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated import LONG_QUESTIONS, SHORT_QUESTIONS, Source, load, questions  # noqa: E402
from national import NATIONAL_LIST  # noqa: E402

from heritage import corpus, vocab  # noqa: E402
from heritage.regions import divisions, name_stem  # noqa: E402
from indexer import analysis  # noqa: E402
from indexer.documents import name_words  # noqa: E402


def national_dictionary(source: Source) -> list[str]:
    """The words an index of the national list segments with (indexer.documents.dictionary_words)."""
    words = [g.name for g in vocab.ETHNIC_GROUPS] + [c.name for c in vocab.CATEGORIES]
    words += [w for r in divisions().regions.values() for w in (r.name, name_stem(r.name))]
    return words + corpus.domain_words() + name_words(i["title"] for i in source.items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", action="store_true", help="list the questions whose content words are wrong")
    args = parser.parse_args()
    source = Source(load(NATIONAL_LIST), [], [])
    analysis.use_dictionary(national_dictionary(source))
    for name, templates in (("长问句", LONG_QUESTIONS), ("短问句", SHORT_QUESTIONS)):
        rng = random.Random(f"2026:{name}")
        names = source.distinct_names()
        made = list(questions(templates)(source, rng))
        exact = stop_list = 0
        for query, _ in made:
            subject = re.sub(r"\W", "", analysis.normalize(next(n for n in names if n in query)))
            found = analysis.content_words(query)
            stop_list += "".join(w for w in analysis.words(query) if w not in analysis._stop_words()) == subject
            if "".join(found) == subject:
                exact += 1
            elif args.details:
                print(f"  {query} -> {found}")
        print(
            f"{name}: {exact}/{len(made)} questions keep the item name intact and nothing else"
            f" (the stop list alone: {stop_list}/{len(made)})"
        )


if __name__ == "__main__":
    main()

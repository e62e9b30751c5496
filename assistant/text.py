"""Text every stage reads alike: content terms and stopwords, the sentence splitter, quotation patterns, the span nearest some words.

One home for them, so the index, the composer, the comparer and the conflict
detector agree on what a "term" or a "quotation" is.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Protocol, Sequence, TypeVar

# --- quotation patterns ----------------------------------------------------------------------------
# Each reads quotations for a different purpose; they differ on purpose, and are named for it.

QUOTED_SPANS = re.compile(r"“[^”]*”|\"[^\"]*\"")  # any double-quoted span, to blank quoted words out (framing)
QUOTED_PASSAGES = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")  # a quoted passage of some length (whose words?)
QUOTED_PASSAGES_OR_SINGLE = re.compile(  # the same, and single-quoted passages (the same quotation in two outlets)
    r"“([^”]{12,})”|\"([^\"]{12,})\"|(?:^|\s)'([^']{12,})'(?=\s|$|[,.])"
)
QUOTATIONS_IN_LLM_TEXT = re.compile(r"“([^”]{1,800})”|\"([^\"]{1,800})\"|«([^»]{1,800})»")  # what an LLM claims was said


# --- sentences -------------------------------------------------------------------------------------


def bundled_nltk_data() -> str:
    """llama-index's packaged NLTK data folder, found without importing llama-index."""
    spec = importlib.util.find_spec("llama_index.core")
    assert spec and spec.submodule_search_locations, "llama-index-core is not installed"
    return str(Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache")


@lru_cache(maxsize=1)
def punkt():
    """NLTK's Punkt sentence splitter for English: its model (shipped inside llama-index; never downloaded)
    run by assistant/ingest/punkt.py, which gives nltk's spans without importing nltk (2-4 s) and runs
    several times faster (tests/ingest/test_punkt.py, bench/sentence_split.py)."""
    from assistant.ingest.punkt import FastPunkt

    return FastPunkt(Path(bundled_nltk_data()) / "tokenizers" / "punkt_tab" / "english")


def nltk_punkt():
    """NLTK's own Punkt splitter on the same model: the reference the fast one is checked against."""
    import nltk
    from nltk.tokenize import PunktTokenizer

    data = bundled_nltk_data()
    if data not in nltk.data.path:
        nltk.data.path.insert(0, data)
    return PunktTokenizer("english")


# --- terms and stopwords ---------------------------------------------------------------------------


WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# Question words carry no content to match ("Who speaks for ...": "who" is in
# any sentence with a relative clause); bm25s's English list keeps some of them.
QUESTION_WORDS = frozenset({"who", "whom", "whose", "what", "which", "where", "when", "why", "how", "did", "does", "do"})


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """NLTK's English list (shipped inside llama-index), bm25s's, and question words."""
    nltk_list = (Path(bundled_nltk_data()) / "corpora" / "stopwords" / "english").read_text().split()
    return bm25s_stopwords() | frozenset(nltk_list) | QUESTION_WORDS


@lru_cache(maxsize=1)
def bm25s_stopwords() -> frozenset[str]:
    """bm25s's English stopword list ("en"), read from its module file without importing bm25s."""
    spec = importlib.util.find_spec("bm25s")  # a top-level name: located, not imported
    assert spec and spec.submodule_search_locations, "bm25s is not installed"
    source = Path(next(iter(spec.submodule_search_locations))) / "stopwords.py"
    namespace: dict = {}
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)
    return frozenset(namespace["STOPWORDS_EN"])


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words: what BM25 and overlap scores compare."""
    return list(_terms(text))


@lru_cache(maxsize=65_536)
def _terms(text: str) -> tuple[str, ...]:
    # Cached: the composer and the comparer stem the same candidate sentences question after question.
    words = [w for w in WORD.findall(text.lower()) if w not in stopwords()]
    return tuple(stemmer().stemWords(words))


class Located(Protocol):
    start: int
    end: int


SpanT = TypeVar("SpanT", bound=Located)
NEAR = 60  # characters either side of a span that count as around it


def nearest_to_words(wanted: Iterable[str], text: str, spans: Sequence[SpanT]) -> SpanT | None:
    """Of `spans` in `text`, the one with most of the `wanted` terms (stems) within NEAR characters, then the
    closest to one of them; None when `text` has none of them (the question's words place the answer)."""
    wanted = set(wanted)
    places = [(m.start(), m.end()) for m in WORD.finditer(text) if set(terms(m.group())) & wanted]
    if not spans or not places:
        return None

    def rank(span: SpanT) -> tuple[int, int]:
        outside = [(start, end) for start, end in places if end <= span.start or start >= span.end]  # not its own words
        if not outside:
            return 0, 10**6
        near = sum(1 for start, end in outside if span.start - NEAR <= start and end <= span.end + NEAR)
        closest = min(min(abs(start - span.end), abs(end - span.start)) for start, end in outside)
        return -near, closest

    return min(spans, key=rank)

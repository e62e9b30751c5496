"""The fast Punkt port (assistant/ingest/punkt.py) gives nltk's own spans, and the build never imports nltk.

Checked on the bundled articles, on hand-made hard cases (abbreviations, initials, numbers, ellipses,
quotes, brackets, line breaks) and on a RealTime QA corpus sample (skipped without ../shared).
"""

from __future__ import annotations

import subprocess
import sys
from itertools import islice

import pytest

from assistant.ingest.clean import body_spans, normalise
from assistant.text import nltk_punkt, punkt
from tests.conftest import BUNDLED, ROOT, SHARED

HARD_CASES = [
    "Mr. Smith went to Washington. He arrived at 5 p.m. on Tuesday.",
    "The U.S. Senate voted 52-48. Sen. J. R. Ewing said no.",
    "It cost $4.5 million. Shares rose 3.2 percent... Then they fell.",
    "\u201cWe will win.\u201d The crowd cheered. \u201cReally?\u201d he asked.",
    "(This is a test.) It continues here. [And here.] Done!",
    "He said: \"Go!\" and left. She stayed.\nNew line here. And here.",
    "Gen. Mark A. Milley spoke at 10 a.m. The briefing ended at noon.",
    "Vote No. 5 passed. No. It did not. Ms. Jones, Dr. Who and St. Louis.",
    "Wow!!! Really?! Yes... no -- maybe. OK.",
    "The 1990s. The 2000s. In Jan. 2021, the U.K. left.",
    "i.e. the end. e.g. the start. etc. and so on.",
    "Line one without a stop\n\nLine two. Line three.\n",
    "A sentence\twith a tab. Another\x0bone. And\x0cthree.",
    "Quote at the end \u2018single.\u2019 Next sentence \u00abguillemet.\u00bb Last.",
    "",
    "   ",
    ".",
    "No stop at all",
]


def _pieces(text: str) -> list[str]:
    return [text[s.start : s.end] for s in body_spans(text)] + [text]


def _assert_same(texts) -> int:
    fast, reference = punkt(), nltk_punkt()
    count = 0
    for text in texts:
        assert list(fast.span_tokenize(text)) == list(reference.span_tokenize(text)), text[:200]
        count += 1
    return count


def test_hard_cases_split_as_nltk_does():
    assert _assert_same(HARD_CASES) == len(HARD_CASES)


def test_bundled_articles_split_as_nltk_does():
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED.glob("*.txt"))]
    assert texts
    _assert_same(piece for text in texts for piece in _pieces(text))


@pytest.mark.skipif(not (SHARED / "realtimeqa").is_dir(), reason="needs ../shared/datasets/realtimeqa")
def test_corpus_sample_splits_as_nltk_does():
    from bench.common import corpus_records

    texts = [r["text"] for r in islice(corpus_records(400), 0, None, 2) if (r.get("text") or "").strip()]
    assert len(texts) > 150
    _assert_same(piece for text in texts for piece in _pieces(text))


def test_normalise_matches_the_translate_table():
    table = str.maketrans("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb", "''''\"\"\"\"\"")
    for text in HARD_CASES + ["\u201eQuoted\u201c and \u201bodd\u2019 \u00abmarks\u00bb  Here", "\u0130stanbul \u03a3"]:
        assert normalise(text) == " ".join(text.lower().translate(table).split())


def test_a_build_imports_neither_nltk_nor_llama_index():
    code = (
        "import sys\n"
        "from assistant.index.sentence_rows import split_articles\n"
        "from assistant.index.store import IndexSettings\n"
        "from assistant.model import Article\n"
        "split_articles([Article(doc_id='a', text='One sentence. Another one, Mr. Smith said.')], IndexSettings())\n"
        "print(sorted(m for m in ('nltk', 'llama_index.core', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

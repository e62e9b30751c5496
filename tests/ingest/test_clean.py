"""Page furniture never reaches the index; outlets come only from mastheads, sign-offs or URLs."""

from __future__ import annotations

import pytest

from assistant.ingest.clean import body_spans, guess_title
from assistant.ingest.masthead import infer_outlet, outlet_from_url
from assistant.ingest.sentences import split_sentences
from tests.conftest import BUNDLED

FURNITURE = [
    "Share",
    "Leave a Reply",
    "Your email address will not be published",
    "Read More",
    "Join the mailing list",
    "JOIN NOW",
    "Sign up now",
    "Download our apps",
    "DMCA.com",
    "Photo by: Reuters",
    "TRTWorld and agencies",
    "Home / News",
    "4 min read",
    "Listen to our podcasts",
]


def bundled_text(stem: str) -> str:
    return next(BUNDLED.glob(f"{stem}*.txt")).read_text(encoding="utf-8")


def all_sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_no_furniture_in_the_sentences_of_the_bundled_articles(stem):
    sentences = all_sentences(bundled_text(stem))
    assert sentences
    for sentence in sentences:
        for furniture in FURNITURE:
            assert furniture not in sentence, (furniture, sentence)


def test_repeated_headlines_are_indexed_at_most_once():
    text = bundled_text("002")
    headline = "Free Syrian Army rejects Russian proposal to help"
    assert text.count(headline) == 4
    assert sum(headline in s for s in all_sentences(text)) == 0  # a headline is metadata, not a quote
    assert guess_title(text) == headline


def test_a_headline_glued_to_the_first_paragraph_is_cut_off():
    sentences = all_sentences(bundled_text("004"))
    glued = [s for s in sentences if "The calls for collaboration came after" in s]
    assert glued and glued[0].startswith("The calls for collaboration")


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_every_sentence_is_an_exact_slice_of_the_original(stem):
    text = bundled_text(stem)
    spans = split_sentences(text)
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
    starts = [s.start for s in spans]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_quotations_and_attributions_stay_in_one_sentence():
    sentences = all_sentences(bundled_text("000"))
    assert (
        "“Russia is bombing the Free Syrian Army and now it wants to cooperate with us, while it remains committed "
        "to [Syrian President Bashar] Assad? We don’t understand Russia at all!” the spokesman said."
    ) in sentences


@pytest.mark.parametrize(
    "stem, outlet",
    [
        ("000", None),  # only "told Russian RIA Novosti news agency" inside a sentence: a source, not the outlet
        ("001", "Iran Press TV"),
        ("002", "SBS News"),
        ("003", "TRT World"),
        ("004", None),  # quotes AFP and Al Jazeera, names no publisher
    ],
)
def test_outlet_inference_on_the_seed_articles(stem, outlet):
    assert infer_outlet(bundled_text(stem)) == ((outlet, "masthead") if outlet else (None, None))


def test_names_inside_sentences_are_never_taken_for_the_outlet():
    text = "Officials met on Monday.\nThe minister told Reuters the talks would go on.\nA BBC News report said so too."
    assert infer_outlet(text) == (None, None)


def test_url_domain_is_the_fallback():
    assert outlet_from_url("https://www.usatoday.com/story/news") == "usatoday.com"
    # issue 24: a known domain is named by the outlet registry; an unknown one shows its domain
    assert infer_outlet("Plain story text.", "http://edition.cnn.com/2022/x") == ("CNN", "url")
    assert infer_outlet("Plain story text.", "https://www.city-times.example/x") == ("city-times.example", "url")


def test_body_spans_leave_the_original_text_untouched():
    text = bundled_text("001")
    spans = body_spans(text)
    assert spans and all(0 <= s.start < s.end <= len(text) for s in spans)
    assert not any(text[s.start : s.end].startswith("The Largest Security-Cleared") for s in spans)

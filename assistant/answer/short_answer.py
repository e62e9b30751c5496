"""The short answer inside a quote: "2,500 people" for "How many people were killed?".

A reader scans for the figure or the date before the sentence around it, so
an answer to a "how many / how much" or "when / what year" question leads
with it ("2,500 people: SBS News reports: ..."), and the page highlights it
inside the quote and in the article. A figure or a date has a shape that a pattern finds, and a "which country" or
"which state" quote that names exactly one country or state the question does
not ("Mexico: CNN reports: ...") has only one candidate. For "who", "where" and
"which X" the parse picks the filler (assistant.answer.alignment.filler): the
name that is the subject of the question's relation, or the place it happens
in, and only when it singles out one: picking the wrong name out of an exact
quote would be a confident error.

The short answer is the figure (or date) the question does not already
mention. When the question says what it counts ("how many *miles*"), only a
figure followed by it will do; otherwise figures in digits come before count
words ("one", "several"), and of several the one nearest the question's own
words in the quote wins.
A hedge before a figure stays with it ("at least 2,500"): dropping it would
misquote. Offsets are into the quote, so `quote[start:end]` is the short
answer, character for character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.filler import filler
from assistant.answer.analysis import analyse
from assistant.answer.answer_types import AnswerType, PlaceAnswer, answer_type, place_answer
from assistant.answer.constraints import asking_part
from assistant.answer.places import country_names, mentions_of
from assistant.answer.support import numbers_in
from assistant.model import Answer, ShortAnswer
from assistant.outlets.conflicts.dates import WEEKDAYS
from assistant.text import nearest_to_words, terms

HEDGE = r"(?:(?:about|around|nearly|almost|some|over|under|roughly|approximately|an estimated|up to|as many as|more than|less than|fewer than|at least|at most)\s+)?"
COUNT_WORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"several|a few|dozens|hundreds|thousands|millions|billions|a dozen|a hundred|a thousand|a million|half"
)
SCALE = r"(?:\s(?:hundred|thousand|million|billion|trillion))?"
FIGURE = re.compile(
    rf"(?<![\w.,]){HEDGE}(?:[$£€]\s?\d(?:[\d,]*\d)?(?:\.\d+)?|\d(?:[\d,]*\d)?(?:\.\d+)?|(?:{COUNT_WORD})\b){SCALE}(?:\s?%|\s(?:percent|per cent)\b)?",
    re.IGNORECASE,
)
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
WEEKDAY = f"(?:{'|'.join(WEEKDAYS)})"  # matched ignoring case, like the conflict checks' date reader
DATE = re.compile(
    "|".join(
        (
            rf"\b(?:{WEEKDAY},?\s+)?{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b",
            rf"\b(?:{WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?\b",
            rf"\b(?:(?:early|mid|late)[- ])?{MONTH}\s+(?:of\s+)?\d{{4}}\b",
            r"\b(?:the\s+)?(?:early\s+|mid-?|late\s+)?\d{4}s?\b",
            r"\b\d+\s*(?:BC|BCE|AD|CE)\b|\b(?:AD|CE)\s*\d+\b",
            r"\b(?:the\s+)?(?:early\s+|late\s+)?\d{1,2}(?:st|nd|rd|th)(?:[- ]century|\s+centuries)\b",
            rf"\b(?:last|this|next|on)\s+{WEEKDAY}\b|\b{WEEKDAY}\b",
            r"\b(?:yesterday|today|tomorrow|tonight)\b|\b(?:last|this|next)\s+(?:week|month|year)\b",
        )
    ),
    re.IGNORECASE,
)
YEAR = re.compile(r"^\d{4}$")
DURATION_UNITS = ("second", "minute", "hour", "day", "week", "month", "year", "decade", "centur")
UNITS = {  # what "how long / far / tall / old" is measured in, as stems
    "long": DURATION_UNITS + ("mile", "kilomet", "km", "metre", "meter", "feet", "foot"),
    "far": ("mile", "kilomet", "km", "metre", "meter", "feet", "foot", "yard", "light-year"),
    "tall": ("metre", "meter", "feet", "foot", "ft", "inch", "storey", "stor"),
    "high": ("metre", "meter", "feet", "foot", "ft", "inch", "storey", "stor"),
    "old": ("year",),
}
PERCENT = re.compile(r"%|\bper ?cent|\bpercentage\b|\bshare\b|\bproportion\b", re.IGNORECASE)
HOW_MEASURED = re.compile(r"\bhow (long|far|tall|high|old)\b", re.IGNORECASE)
COUNTED = re.compile(r"\bhow (?:many|much)\s+(?:of\s+the\s+)?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """[start, end) of the short answer inside the quote."""

    start: int
    end: int


def lead_with_short_answer(answer: Answer) -> Answer:
    """The answer with its short answer set and leading the text ("2,500 people: SBS News reports: ...").

    Only for the extractive composer's answers, and not when outlets disagree:
    leading with one side's figure would take that side."""
    if answer.abstained or answer.conflicts or answer.mode != "extractive" or not answer.citations:
        return answer
    first = answer.citations[0]
    span = short_answer_span(answer.question, first.quote)
    if span is None:
        return answer
    text = first.quote[span.start : span.end]
    answer.short_answer = ShortAnswer(text, first.doc_id, first.start + span.start, first.start + span.end)
    notice = answer.notice if answer.notice and answer.text.startswith(answer.notice) else ""  # an LLM fallback's
    rest = answer.text[len(notice) :].lstrip()
    answer.text = f"{notice}\n\n{text}: {rest}" if notice else f"{text}: {rest}"
    return answer


def short_answer_span(question: str, quote: str) -> Span | None:
    """The figure or date in `quote` that answers a number or date question, the country or state
    that answers a "which country / state" one, or None."""
    wanted = answer_type(question)
    if wanted is None:
        place = place_answer(question)
        if place is not None:
            return _place(quote, place)
        named = filler(analyse(asking_part(question)), quote)  # who / where / which: the parse's one filler
        return Span(*named) if named else None
    found = _figures(quote, wanted) if wanted.label == "number" else _dates(quote, wanted)
    if not found:
        return None
    counted = _counted_noun(question)
    if counted:  # "how many people": only a figure of people answers; "One leading rebel" does not
        followed = [span for span in found if _followed_by(quote, span, counted)]
        return _with_noun(quote, _nearest_to_question(question, quote, followed, counted), counted) if followed else None
    units = _units_asked(question)
    measured = [span for span in found if any(_followed_by(quote, span, unit) for unit in units)]
    if measured:  # "how long": "10 years" before a bare "28"; "how far": "3 miles" before "209"
        span = _nearest_to_question(question, quote, measured)
        unit = next(unit for unit in units if _followed_by(quote, span, unit))
        return _with_noun(quote, span, unit)
    if not PERCENT.search(asking_part(question)):  # "how many were hurt": a count, not "3.5 per cent of them"
        found = [span for span in found if not PERCENT.search(quote[span.start : span.end])] or found
    figures = [span for span in found if any(c.isdigit() for c in quote[span.start : span.end])]
    return _nearest_to_question(question, quote, figures or found)


def _place(quote: str, wanted: PlaceAnswer) -> Span | None:
    """The quote's name of the one country (or state) it names that the question does not, or the name
    its adjective begins with ("Iran" in "Iranian lawmakers"); None when it names several, or only by an
    adjective that does not spell the name ("Dutch")."""
    found = [m for m in mentions_of(quote, wanted.label) if m.place not in wanted.asked]
    if len({m.place for m in found}) != 1:
        return None
    names = [m for m in found if not m.adjective]
    if names:
        longest = max(names, key=lambda m: (m.end - m.start, -m.start))
        return Span(longest.start, longest.end)
    for m in found:  # "Iranian": the adjective begins with the country's name, as written
        spelled = [name for name, place in country_names().items() if place == m.place and quote.startswith(name, m.start)]
        if spelled:
            return Span(m.start, m.start + len(max(spelled, key=len)))
    return None


def _figures(quote: str, wanted: AnswerType) -> list[Span]:
    spans = []
    for match in FIGURE.finditer(quote):
        text = match.group()
        digits = numbers_in(text)
        if digits and digits <= wanted.asked_numbers:
            continue  # the question's own figure, restated
        if YEAR.match(text.strip()) and 1000 <= int(text.strip()) <= 2100:
            continue  # a year answers "when", not "how many"
        if not digits and text.lower() in wanted.asked_words:
            continue
        spans.append(Span(match.start(), match.end()))
    return spans


def _dates(quote: str, wanted: AnswerType) -> list[Span]:
    spans = []
    for match in DATE.finditer(quote):
        text = match.group()
        digits = numbers_in(text)
        if digits and digits <= wanted.asked_numbers:
            continue  # the question's own date, restated
        if not digits and set(re.findall(r"[a-z]+", text.lower())) <= wanted.asked_words:
            continue
        spans.append(Span(match.start(), match.end()))
    return spans


def _units_asked(question: str) -> tuple[str, ...]:
    match = HOW_MEASURED.search(asking_part(question))
    return UNITS[match.group(1).lower()] if match else ()


def _counted_noun(question: str) -> str | None:
    """'how many miles ...' -> 'mile': what the question counts, as a stem matched at a word's start."""
    match = COUNTED.search(asking_part(question))
    if not match:
        return None
    noun = match.group(1).lower()
    if not terms(noun) or noun.endswith("ed"):  # "how many were hurt", "how many died": a verb, not what is counted
        return None
    return noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun


def _followed_by(quote: str, span: Span, noun: str) -> bool:
    """The counted noun within the two words after the figure: '7 million miles', '2,500 people'."""
    after = quote[span.end : span.end + 40].lower().split()[:3]
    return any(word.strip(".,;:()\"'").startswith(noun) for word in after)


def _with_noun(quote: str, span: Span, noun: str) -> Span:
    """The figure and the noun it counts, as they stand in the quote."""
    match = re.compile(rf"\s+(?:[\w-]+\s+)?{re.escape(noun)}\w*", re.IGNORECASE).match(quote, span.end)
    return Span(span.start, match.end()) if match else span


def _nearest_to_question(question: str, quote: str, spans: list[Span], counted: str | None = None) -> Span:
    """The span with most of the question's own words around it ("350,000 Syrians have claimed asylum"
    for "How many Syrians have claimed asylum?", not "250,000 Syrians were killed" earlier in the
    quote), then the closest to one of them, then the first. The counted noun itself does not count."""
    wanted = {t for t in terms(asking_part(question)) if not (counted and t.startswith(counted[:4]))}
    return nearest_to_words(wanted, quote, spans) or spans[0]

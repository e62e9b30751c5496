"""The gold-answer rule, one for every system: a gold answer is found in a quote when its content words stand
there as whole words, in any order, numbers read as numbers ("one president" meets "1")."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

from assistant.eval.text import normalize

# Function words a gold answer may carry or drop ("the Pentagon", "in 1994"); never numbers, never
# negations. A short list typed here on purpose: the retrieval stopword lists hold "one", "first",
# "fire", "system" and other words an answer can be. Left out as answer words too: "may" (May
# 2022), "us" (U.S. reads "us"), "i" (World War I must not meet World War II), "who" (WHO).
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from by with about as into onto than per via and or nor but "
    "is are was were be been being am has have had do does did would shall should could might must "
    "its this that these those he him his she her hers they them their theirs we our you your me my s".split()
)
UNITS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ORDINALS = {
    w: f"{i}{'st' if i == 1 else 'nd' if i == 2 else 'rd' if i == 3 else 'th'}"
    for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)
}
THOUSANDS_SEPARATOR = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")  # 1,000 -> 1000 (not 3,50)
DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
DECIMAL_MARK = "point"  # kept inside the token ("2point5") so normalize does not split 2.5 into 2 and 5
INITIALISM = re.compile(r"\b([^\W\d_])\.(?=[^\W\d_]\b)")  # u.s. -> us., then "us"
NUMBER = re.compile(r"\d+(?:point\d+)?")


def _digits(token: str) -> Decimal | None:
    if not NUMBER.fullmatch(token):
        return None
    try:
        return Decimal(token.replace(DECIMAL_MARK, "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", DECIMAL_MARK)


def read_numbers(words: Sequence[str]) -> list[str]:
    """Normalised words with number words and figures read as one number each.

    "one" -> "1", "twenty five" -> "25", "three hundred and twenty" -> "320",
    "2point5 million" -> "2500000", "first" -> "1st". Two figures side by side stay
    two numbers ("2022 3"), and nothing is added after a scale word ("nine million,
    one of them" is 9000000 and 1: normalize has dropped the comma).
    """
    out: list[str] = []
    total: Decimal | None = None  # the scaled part read so far ("2 million")
    current: Decimal | None = None  # the part below it ("three hundred")
    last = ""  # what the last word was: "", "digits", "unit", "tens", "hundred", "scale", "and"

    def flush() -> None:
        nonlocal total, current, last
        if total is not None or current is not None:
            out.append(_number_text((total or Decimal(0)) + (current or Decimal(0))))
        total = current = None
        last = ""

    for word in words:
        figure = _digits(word)
        if last == "and" and figure is None and word not in UNITS and word not in TENS:
            flush()  # "a hundred and some": the "and" was a word after all
            out.append("and")
        if figure is not None:
            flush()
            current, last = figure, "digits"
        elif word in UNITS:
            if last in ("tens", "hundred", "and") and (last == "hundred" or current % 10 == 0):
                current += UNITS[word]
            else:
                flush()
                current = Decimal(UNITS[word])
            last = "unit"
        elif word in TENS:
            if last in ("hundred", "and"):
                current += TENS[word]
            else:
                flush()
                current = Decimal(TENS[word])
            last = "tens"
        elif word == "hundred":
            if last in ("unit", "tens", "digits") and current < 100:
                current *= 100
            else:
                flush()
                current = Decimal(100)
            last = "hundred"
        elif word in SCALES:
            if last in ("", "scale", "and"):
                flush()
                current = Decimal(1)
            total = current * SCALES[word]
            current = None
            last = "scale"
        elif word == "and" and last == "hundred":
            last = "and"  # "three hundred and twenty"
        else:
            flush()
            out.append(ORDINALS.get(word, word))
    flush()
    return out


def answer_words(text: str) -> list[str]:
    """`normalize`d words with figures kept whole ("1,000" -> "1000", "2.5") and number words as numbers."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = THOUSANDS_SEPARATOR.sub("", text)
    text = DECIMAL_POINT.sub(DECIMAL_MARK, text)
    while True:
        shorter = INITIALISM.sub(r"\1", text)
        if shorter == text:
            break
        text = shorter
    return read_numbers(normalize(text).split())


def content_words(text: str) -> Counter:
    """The words of `text` that must all be found: `answer_words` less function words (all of them if none is left)."""
    words = answer_words(text)
    content = [w for w in words if w not in FUNCTION_WORDS]
    return Counter(content or words)


def gold_found(quote: str, answer: str) -> bool:
    """Whether a gold answer stands in a quote: every content word of it, as whole words, in any order.

    "one president" meets "1"; "Paris Hilton" does not meet "Paris, France" (no "France").
    """
    needed = content_words(answer)
    if not needed:
        return False
    return not (needed - Counter(answer_words(quote)))


def gold_found_any(quotes: Iterable[str], answers: Sequence[str]) -> bool:
    """A gold answer found in one quote (words of two quotes are never combined)."""
    quotes = list(quotes)
    return any(gold_found(quote, answer) for answer in answers for quote in quotes)

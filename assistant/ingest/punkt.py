"""NLTK's Punkt sentence splitter for English, without NLTK: the same spans, several times faster.

NLTK's `PunktTokenizer("english")` costs a build about 2-4 s of imports before the
first sentence (nltk pulls in scipy) and then runs every candidate boundary through
regex wrappers with a wall-clock guard. This module is a line-by-line port of the
parts a trained English model uses to *split* (not to train), reading the same
parameter files (`punkt_tab/english`, shipped inside llama-index: nothing
downloaded) and compiling the same patterns with the same engine (`regex`, which
nltk itself uses; stdlib `re` only when `regex` is missing). Each candidate
boundary is decided from its short context string alone, so decisions are cached
by context ("said. The" recurs in every article).

`span_tokenize(text)` yields the same (start, end) pairs as
`nltk.tokenize.PunktTokenizer("english").span_tokenize(text)`: checked on the
bundled articles and on a RealTime QA corpus sample by tests/ingest/test_punkt.py,
and measured by bench/sentence_split.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

try:  # the engine nltk compiles these patterns with; Unicode classes (\s, \w) follow it
    import regex as _re
except ImportError:  # pragma: no cover - regex comes with nltk, which llama-index requires
    import re as _re

SENT_END_CHARS = (".", "?", "!")
INTERNAL_PUNCTUATION = tuple(";:,.!?")  # PunktSentenceTokenizer.PUNCTUATION
WHITESPACE = " \t\n\r\x0b\x0c"  # string.whitespace, as nltk's _get_last_whitespace_index uses it

# Orthographic context flags (nltk.tokenize.punkt _ORTHO_*).
BEG_UC, MID_UC, UNK_UC, BEG_LC, MID_LC, UNK_LC = (1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6)
ORTHO_UC = BEG_UC + MID_UC + UNK_UC
ORTHO_LC = BEG_LC + MID_LC + UNK_LC

# PunktLanguageVars, English defaults, as nltk formats them.
_SENT_END_RE = "[%s]" % re.escape("".join(SENT_END_CHARS))
_NON_WORD = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb%s])" % re.escape("".join(sorted(set(SENT_END_CHARS) - {"."})))
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
_WORD_TOKENIZER = _re.compile(
    r"""(
        %(MultiChar)s
        |
        (?=%(WordStart)s)\S+?  # Accept word characters until end is found
        (?= # Sequences marking a word's end
            \s|                                 # White-space
            $|                                  # End-of-string
            %(NonWord)s|%(MultiChar)s|          # Punctuation
            ,(?=$|\s|%(NonWord)s|%(MultiChar)s) # Comma if at end of word
        )
        |
        \S
    )""" % {"NonWord": _NON_WORD, "MultiChar": _MULTI_CHAR, "WordStart": _WORD_START},
    _re.UNICODE | _re.VERBOSE,
)
_PERIOD_CONTEXT = _re.compile(
    r"""
        %(SentEndChars)s             # a potential sentence ending
        (?=(?P<after_tok>
            %(NonWord)s              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))""" % {"NonWord": _NON_WORD, "SentEndChars": _SENT_END_RE},
    _re.UNICODE | _re.VERBOSE,
)
_BOUNDARY_REALIGNMENT = _re.compile(r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', _re.MULTILINE)
# PunktToken's patterns
_ELLIPSIS = _re.compile(r"\.\.+$")
_NUMERIC = _re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = _re.compile(r"[^\W\d]\.$", _re.UNICODE)

CACHE_LIMIT = 200_000  # decided contexts kept (a few tens of MB at most); cleared when full


class _Token:
    """What the boundary decision reads of a PunktToken; the first pass depends on the string alone."""

    __slots__ = ("tok", "type", "period_final", "sentbreak", "abbr", "ellipsis")

    def __init__(self, tok: str, first_pass: tuple[str, bool, bool, bool, bool]) -> None:
        self.tok = tok
        self.type, self.period_final, self.sentbreak, self.abbr, self.ellipsis = first_pass

    @property
    def type_no_period(self) -> str:
        return self.type[:-1] if len(self.type) > 1 and self.type[-1] == "." else self.type

    @property
    def type_no_sentperiod(self) -> str:
        return self.type_no_period if self.sentbreak else self.type


def first_pass(tok: str, abbrev_types: frozenset[str]) -> tuple[str, bool, bool, bool, bool]:
    """PunktToken's type and PunktBaseClass._first_pass_annotation: (type, period_final, sentbreak, abbr, ellipsis)."""
    typ = _NUMERIC.sub("##number##", tok.lower())
    period_final = tok.endswith(".")
    sentbreak = abbr = ellipsis = False
    if tok in SENT_END_CHARS:
        sentbreak = True
    elif _ELLIPSIS.match(tok):
        ellipsis = True
    elif period_final and not tok.endswith(".."):
        stem = tok[:-1].lower()
        if stem in abbrev_types or stem.split("-")[-1] in abbrev_types:
            abbr = True
        else:
            sentbreak = True
    return typ, period_final, sentbreak, abbr, ellipsis


class FastPunkt:
    """`span_tokenize` of a trained Punkt model (parameters read from a `punkt_tab/<language>` folder)."""

    def __init__(self, folder: str | Path) -> None:
        folder = Path(folder)

        def lines(name: str) -> list[str]:
            with open(folder / name, encoding="utf-8") as handle:  # nltk's TabDecoder: strip one final newline
                return [line[:-1] if line.endswith("\n") else line for line in handle]

        self.collocations = frozenset(tuple(line.split("\t")) for line in lines("collocations.tab"))
        self.sent_starters = frozenset(lines("sent_starters.txt"))
        self.abbrev_types = frozenset(lines("abbrev_types.txt"))
        self.ortho_context = {key: int(value) for key, value in (line.split("\t") for line in lines("ortho_context.tab"))}
        self._decided: dict[str, bool] = {}
        self._first: dict[str, tuple] = {}  # token string -> first_pass(...)

    # --- one candidate boundary --------------------------------------------------------------

    def _tokens(self, text: str) -> list[_Token]:
        """PunktBaseClass._tokenize_words plus the first pass (line and paragraph starts are not read)."""
        tokens, known = [], self._first
        for line in text.split("\n"):
            if line.strip():
                for tok in _WORD_TOKENIZER.findall(line):
                    passed = known.get(tok)
                    if passed is None:
                        passed = known[tok] = first_pass(tok, self.abbrev_types)
                    tokens.append(_Token(tok, passed))
        return tokens

    def _ortho_heuristic(self, token: _Token):
        if token.tok in INTERNAL_PUNCTUATION:
            return False
        context = self.ortho_context.get(token.type_no_sentperiod, 0)
        first = token.tok[0]
        if first.isupper() and (context & ORTHO_LC) and not (context & MID_UC):
            return True
        if first.islower() and ((context & ORTHO_UC) or not (context & BEG_LC)):
            return False
        return "unknown"

    def _second_pass(self, token1: _Token, token2: _Token) -> None:
        """PunktSentenceTokenizer._second_pass_annotation, for a pair of neighbours (updates token1)."""
        if not token1.period_final:
            return
        typ = token1.type_no_period
        next_typ = token2.type_no_sentperiod
        initial = bool(_INITIAL.match(token1.tok))
        if (typ, next_typ) in self.collocations:
            token1.sentbreak, token1.abbr = False, True
            return
        if (token1.abbr or token1.ellipsis) and not initial:
            starter = self._ortho_heuristic(token2)
            if starter is True:
                token1.sentbreak = True
                return
            if token2.tok[0].isupper() and next_typ in self.sent_starters:
                token1.sentbreak = True
                return
        if initial or typ == "##number##":
            starter = self._ortho_heuristic(token2)
            if starter is False:
                token1.sentbreak, token1.abbr = False, True
                return
            if (starter == "unknown" and initial and token2.tok[0].isupper()
                    and not (self.ortho_context.get(next_typ, 0) & ORTHO_LC)):
                token1.sentbreak, token1.abbr = False, True

    def text_contains_sentbreak(self, text: str) -> bool:
        """Whether a token other than the last one ends a sentence (PunktSentenceTokenizer.text_contains_sentbreak)."""
        decided = self._decided.get(text)
        if decided is None:
            tokens = self._tokens(text)
            decided = False
            for token1, token2 in zip(tokens, tokens[1:]):
                self._second_pass(token1, token2)
                if token1.sentbreak:
                    decided = True
                    break
            if len(self._decided) >= CACHE_LIMIT:
                self._decided.clear()
                self._first.clear()
            self._decided[text] = decided
        return decided

    # --- a whole text ----------------------------------------------------------------------------

    def _potential_end_contexts(self, text: str):
        """PunktSentenceTokenizer._match_potential_end_contexts: (match, context) per candidate boundary."""
        previous_start, previous_stop, previous_match = 0, 0, None
        spaces = [c for c in WHITESPACE if c in text]  # usually " " and perhaps "\n"
        for match in _PERIOD_CONTEXT.finditer(text):
            start = match.start()
            last_space = max([text.rfind(c, previous_stop, start) for c in spaces], default=-1) - previous_stop
            if last_space > 0:
                word_start = previous_stop + last_space + 1
            else:
                word_start = previous_start
            if previous_match is not None and previous_stop <= word_start:
                yield previous_match, text[previous_start:previous_stop] + previous_match.group() + previous_match.group("after_tok")
            previous_match, previous_start, previous_stop = match, word_start, start
        if previous_match is not None:
            yield previous_match, text[previous_start:previous_stop] + previous_match.group() + previous_match.group("after_tok")

    def _slices(self, text: str) -> Iterator[tuple[int, int]]:
        last_break = 0
        for match, context in self._potential_end_contexts(text):
            if self.text_contains_sentbreak(context):
                yield last_break, match.end()
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        yield last_break, len(text.rstrip())

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each sentence of `text`, closing quotes and brackets realigned onto the sentence they end."""
        realign = 0
        previous = None
        for current in self._slices(text):
            if previous is not None:
                start, stop = previous[0] + realign, previous[1]
                m = _BOUNDARY_REALIGNMENT.match(text[current[0] : current[1]])
                if m:
                    yield start, current[0] + len(m.group(0).rstrip())
                    realign = m.end()
                else:
                    realign = 0
                    if stop > start:
                        yield start, stop
            previous = current
        if previous is not None:
            start, stop = previous[0] + realign, previous[1]
            if stop > start:
                yield start, stop

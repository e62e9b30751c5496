"""Who is speaking inside a quoted sentence ("..., Lavrov said").

A citation names the outlet that published a sentence; when that sentence
reports someone else's words, the reader also needs the speaker. Without a
parser, the speaker is found from the shape of news attribution:

- after a closing quotation mark: `"...," Lavrov said` / `"...!" said Lieutenant
  Colonel Ahmad Saoud, a spokesman for ...`;
- before a speech verb: `The Free Syrian Army's Issam al-Reis says ...`,
  `Samir Nashar, an individual from the coalition, said "80 percent" ...`;
- `according to X`.

With spaCy's English pipeline installed, the speaker is read from the parse
instead (`assistant.outlets.speaker_parse`: the subject of the speech verb,
"the city council said", "said Lavrov", "according to ...", with its role),
and the patterns only without that pipeline; measured on
data/speakers_labelled.jsonl by bench/speakers.py.

Pronouns and role nouns ("he said", "the spokesman said", "the FSA
representative said") are resolved to the nearest person named as a speaker
earlier in the article, and a surname alone ("Masri") to the fullest form of
the name in the article ("Fahad al-Masri"). A quotation with no attribution
of its own takes the speaker of the sentence before it (or of the sentence
after it, when the quotation runs on into it) only when that speaker is a
person: precision over recall, a wrong speaker is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from assistant.model import Span
from assistant.outlets.attribution import (
    CLOSE_QUOTES,
    LOOK_BACK,
    NOT_NAMES,
    OPEN_QUOTES,
    ORG_WORDS,
    ROLE_NOUNS,
    bare_quotation,
    drop_possessor,
    drop_titles,
    head_noun,
    is_org,
    sentence_speaker,
)


@dataclass(frozen=True)
class Speaker:
    """A speaker as the sentence names them, whether it is a named person, and their role when stated."""

    name: str
    person: bool
    role: str | None = None


def find_speaker(sentence: str) -> tuple[str, str, str | None] | None:
    """(kind, speaker, role) the sentence itself names: from the parse when spaCy's pipeline is installed,
    else from the patterns. kind: 'name', 'group' (a body named
    by a description: 'the city council'), 'description' (a role: 'the spokesman'), or 'pronoun'."""
    from assistant.outlets.speaker_parse import UNAVAILABLE, parse_speaker

    parsed = parse_speaker(sentence)
    if parsed is not UNAVAILABLE:  # the parse alone: adding the patterns where it finds no speaker lost 5 points (bench/speakers.py)
        return (parsed.kind, parsed.text, parsed.role) if parsed else None
    raw = sentence_speaker(sentence)
    return (raw[0], raw[1], None) if raw else None


class Attributor:
    """Speakers of the sentences of one article (spans in reading order)."""

    def __init__(self, text: str, spans: Sequence[Span | tuple[int, int]]) -> None:
        self.text = text
        self.spans = [s if isinstance(s, Span) else Span(int(s[0]), int(s[1])) for s in spans]
        self._index = {(s.start, s.end): i for i, s in enumerate(self.spans)}
        self._cache: dict[int, Speaker | None] = {}

    @cached_property
    def _names(self) -> list[str]:
        """Every multi-token person-like name in the article, longest first."""
        found = set()
        pattern = r"(?<![\w’'])[A-Z][\w’'-]*(?: +(?:(?:al|el|bin|ibn|abu|de|van|von)[- ] ?)?[A-Z][\w’'-]*)+"
        for match in re.finditer(pattern, self.text):
            name = drop_titles(drop_possessor(match.group(0)))
            tokens = name.split()
            if (
                len(tokens) >= 2
                and not is_org(name)
                and tokens[0].lower() not in NOT_NAMES
                and all(len(t) > 1 for t in tokens)
            ):
                found.add(name)
        return sorted(found, key=len, reverse=True)

    def full_name(self, name: str) -> str:
        """'Masri' -> 'Fahad al-Masri' when the article spells the name out somewhere."""
        last = name.split()[-1]
        key = re.sub(r"^(?:al|el)-", "", last.lower())
        for candidate in self._names:
            tail = re.sub(r"^(?:al|el)-\s?", "", candidate.split()[-1].lower())
            if tail == key and len(candidate) > len(name) and candidate.endswith(last.split("-")[-1]):
                return candidate
        return name

    def speaker(self, start: int, end: int) -> str | None:
        """The speaker of the sentence at [start, end), or None when it reports nobody's words."""
        found = self.speaker_detail(start, end)
        return found.name if found else None

    def speaker_detail(self, start: int, end: int) -> Speaker | None:
        """The speaker of the sentence at [start, end) with their role, or None."""
        index = self._index.get((start, end))
        if index is None:
            return self._resolve_raw(find_speaker(self.text[start:end]), None, self.text[start:end])
        return self._speaker_at(index)

    def _speaker_at(self, index: int) -> Speaker | None:
        if index in self._cache:
            return self._cache[index]
        self._cache[index] = None  # guards against cycles
        span = self.spans[index]
        sentence = self.text[span.start : span.end]
        found = self._resolve_raw(find_speaker(sentence), index, sentence)
        if found is None and bare_quotation(sentence):
            found = self._carried(index, sentence)
        self._cache[index] = found
        return found

    def _carried(self, index: int, sentence: str) -> Speaker | None:
        """A quotation without its own attribution: the next sentence's, if the quote runs on, or the previous one's."""
        opener = sentence.strip()[0]
        closes = sentence.strip()[-1] in CLOSE_QUOTES or sentence.rstrip(" .").endswith(tuple(CLOSE_QUOTES))
        if not closes and index + 1 < len(self.spans) and self._same_paragraph(index, index + 1):
            following = self._speaker_at(index + 1)
            if following and following.person:
                return following
        if opener in OPEN_QUOTES and index > 0:
            previous = self._speaker_at(index - 1)
            if previous and (previous.person or not is_org(previous.name)):
                return previous
        return None

    def _same_paragraph(self, a: int, b: int) -> bool:
        return "\n\n" not in self.text[self.spans[a].end : self.spans[b].start]

    def _resolve_raw(self, raw: tuple[str, str, str | None] | None, index: int | None, sentence: str) -> Speaker | None:
        if raw is None:
            return None
        kind, text, role = raw
        if kind == "group":  # the parse's subject of a speech verb: "the city council", "the company"
            return Speaker(text, False, role)
        if kind == "name":
            if is_org(text):
                return Speaker(text, False, role)
            full = self.full_name(text) if len(text.split()) == 1 else text  # a surname alone: "Masri" -> "Fahad al-Masri"
            return Speaker(full, len(full.split()) >= 2 or full != text, role)
        if kind == "pronoun":
            if text in {"it", "you", "we", "i"}:
                return None
            return self._antecedent(index, sentence, pronoun=True)
        # A description: a role ("the spokesman") points back at a person; a group stays as written.
        words = text.split()
        definite = words[0].lower() in {"the", "this", "that"} if words else False
        noun = head_noun(text)
        if definite and noun in ROLE_NOUNS:
            return self._antecedent(index, sentence)
        if definite and noun in ORG_WORDS:
            return Speaker(text, False)
        if definite or not words or words[0][:1].isdigit():
            return None
        return Speaker(text, False)

    def _antecedent(self, index: int | None, sentence: str, pronoun: bool = False) -> Speaker | None:
        """The person a pronoun or a role noun most likely means.

        A name earlier in the same sentence wins ("remarks by Sergei Lavrov,
        when he announced"); else the nearest earlier speaker who is a person
        (for a pronoun, the previous sentence's speaker even if unnamed: "One
        leading rebel told Reuters ..." / "..., he said").
        """
        inside = [n for n in self._names if n in sentence]
        if inside:
            return min(((sentence.find(n), n) for n in inside))[1] and Speaker(
                min(((sentence.find(n), n) for n in inside))[1], True
            )
        if index is None:
            return None
        for back in range(index - 1, max(-1, index - 1 - LOOK_BACK), -1):
            found = self._speaker_at(back)
            if found is None:
                continue
            if found.person or (pronoun and back >= index - 2 and not is_org(found.name)):
                return found
        return None


def speakers_for(text: str, spans: Sequence[Span | tuple[int, int]]) -> list[str | None]:
    """The speaker of every sentence of an article, in order."""
    attributor = Attributor(text, spans)
    return [attributor.speaker(span.start, span.end) for span in attributor.spans]

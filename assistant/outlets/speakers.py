"""Who is speaking inside a quoted sentence ("..., Lavrov said").

A citation names the outlet that published a sentence; when that sentence
reports someone else's words, the reader also needs the speaker. Without a
parser, the speaker is found from the shape of news attribution:

- after a closing quotation mark: `"...," Lavrov said` / `"...!" said Lieutenant
  Colonel Ahmad Saoud, a spokesman for ...`;
- before a speech verb: `The Free Syrian Army's Issam al-Reis says ...`,
  `Samir Nashar, an individual from the coalition, said "80 percent" ...`;
- `according to X`.

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

SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|announced|announces|insisted|insists|noted|"
    "explained|explains|warned|warns|claimed(?= that| it| he| she| they)|declared|declares|stressed|"
    "stresses|tweeted|wrote|writes|reiterated|reiterates|argued|argues|replied|confirmed(?= that)|denied|"
    "denies|admitted|acknowledged|emphasized|emphasised|asserted|maintained(?= that)"
)
VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
OPEN_QUOTES = "“\"‘'"
CLOSE_QUOTES = "”\"’'"
# A quotation's end followed by an attribution: `...," he said` or `...!' said X`.
AFTER_QUOTE = re.compile(rf"[,.!?…]\s*[{CLOSE_QUOTES}]\s*,?\s*(?P<tail>.+)$", re.S)
ACCORDING = re.compile(r"\b[Aa]ccording to (?P<who>[^,.;:]+)")
INVERTED = re.compile(rf"^(?:{SPEECH_VERBS})\s+(?P<who>[^,.;:]+)")

PARTICLE = r"(?:al|el|bin|ibn|abu|de|da|del|van|von|der|le|la|di)"
NAME_TOKEN = re.compile(
    rf"(?:{PARTICLE}[- ]\s?)?(?:[A-Z][\w’'.-]*|[A-Z]\.)(?:-[A-Z][\w’'-]*)?"
)
TITLES = {
    "president", "prime", "minister", "foreign", "defence", "defense", "interior", "secretary", "state",
    "general", "gen.", "lieutenant", "lt.", "colonel", "col.", "major", "maj.", "captain", "capt.",
    "sergeant", "sgt.", "commander", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "senator",
    "sen.", "rep.", "representative", "governor", "gov.", "chancellor", "king", "queen", "prince",
    "sheikh", "judge", "justice", "chairman", "chief", "deputy", "spokesman", "spokeswoman", "ambassador",
    "attorney", "attorney-general", "general", "health", "pope", "premier", "vice", "leader", "mayor", "director", "head", "syrian", "russian",
    "us", "u.s.", "top", "former", "acting", "first", "rebel", "opposition",
}
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "jan.", "feb.", "mar.", "apr.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "one", "two", "some", "several", "many"}
PRONOUNS = {"he", "she", "they", "we", "i", "it", "you"}
# Words that may sit between a speaker and the speech verb: "Masri further said".
BETWEEN = {
    "had", "has", "have", "was", "is", "also", "further", "however", "earlier", "later", "then", "on",
    "in", "from", "of", "for", "at", "who", "which", "with", "meanwhile", "additionally", "previously",
    "again", "reportedly", "quickly", "repeatedly", "recently", "yesterday", "today", "tonight", "once",
    "himself", "herself", "publicly", "separately", "would", "will", "could", "had", "last", "this",
    "told", "insisted", "said", "and", "but", ", ",
}
NOT_NAMES = DETERMINERS | PRONOUNS | {
    "and", "but", "or", "so", "yet", "in", "on", "at", "for", "if", "as", "since", "after", "before",
    "read", "more", "mr", "mrs", "ms", "when", "while", "what", "why", "how", "where", "who",
} | TIME_WORDS
ROLE_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "representative", "official", "minister", "diplomat",
    "leader", "founder", "chief", "head", "president", "commander", "source", "director", "secretary",
    "ambassador", "envoy", "adviser", "advisor", "aide", "man", "woman", "member", "lawyer", "father",
    "mother", "prosecutor", "officer", "general", "senator", "governor", "chairman", "premier",
}
ORG_WORDS = {
    "army", "ministry", "agency", "council", "coalition", "party", "government", "police", "department",
    "court", "office", "service", "news", "network", "forces", "force", "front", "group", "committee",
    "commission", "union", "organization", "organisation", "bureau", "administration", "house", "kremlin",
    "pentagon", "reuters", "afp", "ap", "bbc", "cnn", "tv", "radio", "press", "times", "state", "media",
    "television", "channel", "nations", "division", "brigade", "movement", "military", "embassy",
}
CLAUSE_MARKERS = re.compile(
    r"(?:^|\s)(?:as|that|when|while|but|and|what|after|because|since|if|so|yet|although|though|whereas)\s", re.I
)
TRAILING = re.compile(
    r"(?:\s+(?:has|had|have|was|is|were|are|also|further|however|earlier|later|then|meanwhile|additionally|"
    r"previously|again|reportedly|quickly|repeatedly|recently|publicly|separately|would|will|could|"
    r"on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))+$",
    re.I,
)
# A quotation mark (not an apostrophe): double quotes, or a single quote at a word's edge after punctuation.
QUOTE_MARK = re.compile(r"[“”\"]|(?<=[,.!?])['’]|(?<=\s)['‘](?=\w)|^['‘]")
CUT_DESCRIPTION = re.compile(
    r"\s(?:who|which|that|in|at|on|related|linked|affiliated|based|from|to|with|by|near)\s.*$"
)
MAX_SUBJECT_WORDS = 14
MAX_DESCRIPTION_WORDS = 8
LOOK_BACK = 4  # sentences searched for the person a pronoun or role noun points at


@dataclass(frozen=True)
class Speaker:
    """A speaker as the sentence names them, and whether it is a named person."""

    name: str
    person: bool


def _words(text: str) -> list[str]:
    return text.split()


def _strip_quotes(text: str) -> str:
    """The sentence with quoted stretches blanked (same length), so verbs inside quotes are ignored."""
    chars = list(text)
    for pattern in (r"“[^”]*”", r"\"[^\"]*\"", r"(?<!\w)'[^']*'(?!\w)"):
        for match in re.finditer(pattern, text):
            for i in range(match.start() + 1, match.end() - 1):
                chars[i] = " "
    return "".join(chars)


def _name_run(text: str) -> tuple[str, str] | None:
    """The run of capitalised name tokens at the start of `text`, and what follows it."""
    position, tokens = 0, []
    while True:
        rest = text[position:]
        spaces = len(rest) - len(rest.lstrip())
        match = NAME_TOKEN.match(rest, spaces)
        if not match or not match.group(0)[0].isupper() and not re.match(PARTICLE, match.group(0)):
            break
        token = match.group(0)
        if token.lower().rstrip(".,") in TIME_WORDS or token.lower() in DETERMINERS:
            break
        tokens.append(token)
        position += match.end()
        if not tokens[-1][-1].isalnum() and not tokens[-1].endswith("."):
            break
    if not tokens:
        return None
    return " ".join(tokens), text[position:].strip()


def _drop_possessor(run: str) -> str:
    """'Russia's Foreign Minister Sergei Lavrov' -> 'Foreign Minister Sergei Lavrov'."""
    parts = re.split(r"[’']s\s+", run)
    tail = parts[-1].strip()
    return tail if tail else run


def _drop_titles(run: str) -> str:
    """'Malaysian Health Minister Subramaniam Sathasivam' -> 'Subramaniam Sathasivam': the words after the last title."""
    tokens = run.split()

    def is_title(token: str) -> bool:
        return token.lower() in TITLES or all(part in TITLES for part in token.lower().split("-"))

    last = max((i for i, t in enumerate(tokens[:-1]) if is_title(t)), default=-1)
    return " ".join(tokens[last + 1 :])


def _is_org(name: str) -> bool:
    return any(token.lower().strip(".,") in ORG_WORDS for token in name.split())


def _head(segment: str) -> tuple[str, str] | None:
    """('name' | 'description' | 'pronoun', text) for the noun phrase that starts `segment`."""
    segment = segment.strip(" ,;:-—–")
    if not segment:
        return None
    words = segment.split()
    first = words[0].lower()
    if first in PRONOUNS and len(words) <= 2:
        return ("pronoun", first)
    candidate = segment
    if first in {"the", "a", "an"} and len(words) > 1 and words[1][:1].isupper():
        candidate = segment.split(None, 1)[1]
    run = _name_run(candidate) if candidate[:1].isupper() else None
    if run:
        name, after = run
        next_word = after.split()[0].lower().strip(",") if after.split() else ""
        if not next_word or next_word in BETWEEN or next_word.startswith("(") or next_word == "and":
            name = _drop_possessor(name)
            name = name if _is_org(name) else _drop_titles(name)
            if name.lower() in PRONOUNS:
                return ("pronoun", name.lower())
            return ("name", name)
    # "Sessions spokeswoman Sarah Isgur Flores": a description that ends with the name.
    ending = re.search(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+$", segment)
    if ending and ending.start() > 0 and not _is_org(ending.group(0)):
        return ("name", _drop_titles(ending.group(0)))
    description = CUT_DESCRIPTION.sub("", segment)
    if len(description.split()) > MAX_DESCRIPTION_WORDS:
        return None
    return ("description", description)


def _subject_before(text: str, verb_start: int) -> tuple[str, str] | None:
    """The speaker phrase in front of a speech verb, appositives and clause openers removed.

    In "Samir Nashar, an individual from the coalition, said" the speaker is
    the last comma-separated part that starts with a capital ("Samir
    Nashar"); what follows it ("an individual from ...") is an appositive.
    """
    left = text[:verb_start]
    marks = [m.end() for m in QUOTE_MARK.finditer(left)]
    if marks:
        left = left[marks[-1] :]
    left = re.sub(r"\([^)]*\)", " ", left)
    left = TRAILING.sub("", left.rstrip(" ,")).strip(" ,")
    if not left or len(left.split()) > MAX_SUBJECT_WORDS * 2:
        return None
    segments = [s.strip() for s in re.split(r",\s*", left) if s.strip()]
    main = 0
    for index in range(len(segments) - 1, -1, -1):
        if _starts_noun_phrase(CLAUSE_MARKERS.split(" " + segments[index])[-1].strip()):
            main = index
            break
    piece = CLAUSE_MARKERS.split(" " + segments[main])[-1].strip()
    if not piece or piece[:1].isdigit():
        return None
    head = _head(piece)
    if head and head[0] == "description":
        description = head[1]
        # "The foreign-backed Free Syrian Army militant group": a group, named inside the description.
        inner = re.search(r"[A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)+", description)
        if inner and _head_noun(description) not in ROLE_NOUNS:
            return ("name", inner.group(0))
    return head


def _starts_noun_phrase(piece: str) -> bool:
    """A capitalised word, 'the/a' + capitalised word, or a pronoun: where a speaker phrase can start."""
    words = piece.split()
    if not words:
        return False
    if words[0].lower() in PRONOUNS and len(words) <= 2:
        return True
    if words[0].lower() in {"the", "a", "an"} and len(words) > 1:
        return words[1][:1].isupper()
    return words[0][:1].isupper()


def _head_noun(description: str) -> str:
    """'The representative of the militant group' -> 'representative'."""
    core = re.split(r"\s(?:of|for|from|in|at|with|to)\s", description)[0]
    words = core.split()
    return words[-1].lower().strip(",.") if words else ""


def _quote_tail_speaker(sentence: str) -> tuple[str, str] | None:
    """The attribution after the sentence's last closing quotation mark."""
    masked_from = 0
    for match in AFTER_QUOTE.finditer(sentence):
        masked_from = match.start("tail")
    if not masked_from:
        return None
    tail = sentence[masked_from:].strip()
    if any(q in tail for q in "“\""):
        return None
    inverted = INVERTED.match(tail)
    if inverted:
        return _head(inverted.group("who"))
    verb = VERB.search(tail)
    if verb and len(tail[: verb.start()].split()) <= MAX_SUBJECT_WORDS:
        return _subject_before(tail, verb.start()) if tail[: verb.start()].strip() else None
    return None


def sentence_speaker(sentence: str) -> tuple[str, str] | None:
    """The raw speaker reference in one sentence: ('name'|'description'|'pronoun', text), or None."""
    found = _quote_tail_speaker(sentence)
    if found:
        return found
    masked = _strip_quotes(sentence)
    according = ACCORDING.search(masked)
    verb = VERB.search(masked)
    if according and (not verb or according.start() < verb.start()):
        return _head(sentence[according.start("who") : according.end("who")])
    if verb:
        if not masked[: verb.start()].strip():
            inverted = INVERTED.match(sentence)
            return _head(inverted.group("who")) if inverted else None
        return _subject_before(sentence, verb.start())
    if according:
        return _head(sentence[according.start("who") : according.end("who")])
    return None


def _bare_quotation(sentence: str) -> bool:
    stripped = sentence.strip()
    return bool(stripped) and stripped[0] in OPEN_QUOTES


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
            name = _drop_titles(_drop_possessor(match.group(0)))
            tokens = name.split()
            if (
                len(tokens) >= 2
                and not _is_org(name)
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
        index = self._index.get((start, end))
        if index is None:
            found = self._resolve_raw(sentence_speaker(self.text[start:end]), None, self.text[start:end])
            return found.name if found else None
        found = self._speaker_at(index)
        return found.name if found else None

    def _speaker_at(self, index: int) -> Speaker | None:
        if index in self._cache:
            return self._cache[index]
        self._cache[index] = None  # guards against cycles
        span = self.spans[index]
        sentence = self.text[span.start : span.end]
        found = self._resolve_raw(sentence_speaker(sentence), index, sentence)
        if found is None and _bare_quotation(sentence):
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
            if previous and (previous.person or not _is_org(previous.name)):
                return previous
        return None

    def _same_paragraph(self, a: int, b: int) -> bool:
        return "\n\n" not in self.text[self.spans[a].end : self.spans[b].start]

    def _resolve_raw(self, raw: tuple[str, str] | None, index: int | None, sentence: str) -> Speaker | None:
        if raw is None:
            return None
        kind, text = raw
        if kind == "name":
            if _is_org(text):
                return Speaker(text, False)
            full = self.full_name(text)
            return Speaker(full, len(full.split()) >= 2 or full != text)
        if kind == "pronoun":
            if text in {"it", "you", "we", "i"}:
                return None
            return self._antecedent(index, sentence, pronoun=True)
        # A description: a role ("the spokesman") points back at a person; a group stays as written.
        words = text.split()
        definite = words[0].lower() in {"the", "this", "that"} if words else False
        head_noun = _head_noun(text)
        if definite and head_noun in ROLE_NOUNS:
            return self._antecedent(index, sentence)
        if definite and head_noun in ORG_WORDS:
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
            if found.person or (pronoun and back >= index - 2 and not _is_org(found.name)):
                return found
        return None


def speakers_for(text: str, spans: Sequence[Span | tuple[int, int]]) -> list[str | None]:
    """The speaker of every sentence of an article, in order."""
    attributor = Attributor(text, spans)
    return [attributor.speaker(span.start, span.end) for span in attributor.spans]

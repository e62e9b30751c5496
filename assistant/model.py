"""The data model: articles, quotable sentences, citations and answers.

Everything a citation points at is a character range into an article's
*original* text, so `article.text[c.start:c.end] == c.quote` always holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Protocol

UNKNOWN_OUTLET = "unknown outlet"


def source_label(outlet: str, doc_id: str, capital: bool = False) -> str:
    """How answers name a source: the outlet, or the one article when its outlet is unknown
    (two such articles are never assumed to share a publisher)."""
    if outlet != UNKNOWN_OUTLET:
        return outlet
    return f"{'An' if capital else 'an'} article from an unknown outlet ({doc_id})"


def published_day(published: str | None) -> date | None:
    """The day of a publication date as loaders give it ("2022/06/12", "2022-06-12T08:00:00Z"), or None."""
    try:
        return date.fromisoformat(published[:10].replace("/", "-")) if published else None
    except ValueError:
        return None


@dataclass
class Article:
    """One news article as loaded: original text plus what is known about it."""

    doc_id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None
    outlet_source: str | None = None  # manifest, field, html, url, dateline, masthead or None
    source: str | None = None  # the folder or file it was indexed from
    record: str | None = None  # where a JSON/JSONL/CSV record stands in its file: "line 3", "row 7"
    outlet_domain: str | None = None  # the outlet's key: its registered domain (assistant/outlets/registry.json), when known
    desk: str | None = None  # the outlet's desk or sub-brand ("Business" for CNN Business): a detail, never a second outlet

    @property
    def outlet_name(self) -> str:
        return self.outlet or UNKNOWN_OUTLET

    @property
    def published_day(self) -> date | None:
        return published_day(self.published)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Span:
    """A character range [start, end) into an article's original text."""

    start: int
    end: int


@dataclass(frozen=True)
class ShortAnswer:
    """The figure or date that answers the question, inside the first citation's quote (offsets into its article)."""

    text: str
    doc_id: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SourceRef:
    """Another article that carries the same statement as a citation."""

    outlet: str
    doc_id: str
    path: str | None
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Citation:
    """A verbatim quote from one article, with where it stands."""

    outlet: str
    title: str | None
    url: str | None
    published: str | None
    doc_id: str
    path: str | None
    quote: str
    start: int
    end: int
    score: float
    also_in: list[SourceRef] = field(default_factory=list)
    speaker: str | None = None  # whose words the quote reports ("..., Lavrov said"), when it names someone
    speaker_role: str | None = None  # the speaker's role as the article states it ("spokesman for the Southern Front")
    outlet_count: int | None = None  # distinct outlets carrying the statement, a wire story's copies counted once
    syndicated: list[str] = field(default_factory=list)  # why some outlets were counted once (wire copies)
    via: str | None = None  # the outlet the sentence says first carried the words ("told the BBC": BBC), see assistant.outlets.carriers

    @property
    def outlets(self) -> list[str]:
        """Distinct outlets that carry this statement, this citation's first."""
        names = [self.outlet] + [ref.outlet for ref in self.also_in]
        return list(dict.fromkeys(names))

    @property
    def chain(self) -> list[str]:
        """Who said it, who first carried it, who carries it here: ["Issam al- Rayyes", "BBC", "TRT World"]."""
        return [part for part in (self.speaker, self.via, source_label(self.outlet, self.doc_id)) if part]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outlets"] = self.outlets
        data["chain"] = self.chain
        return data


@dataclass
class AnswerSentence:
    """A sentence an LLM wrote that its cited evidence supports.

    `text` is without citation markers (`Answer.text` has them); `citations` number `Answer.citations` from 1.
    """

    text: str
    citations: list[int]
    support: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UnsupportedSentence:
    """A sentence an LLM wrote that was left out of the answer, and why."""

    text: str
    reason: str
    cited: list[int] = field(default_factory=list)  # evidence numbers as the LLM wrote them
    support: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ConflictSide:
    """One side of a disagreement between outlets: its claim in a few words, and the quotes that make it."""

    claim: str
    citations: list[Citation] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(c.outlet for c in self.citations))

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "outlets": self.outlets, "citations": [c.to_dict() for c in self.citations]}


@dataclass
class Conflict:
    """Outlets reporting opposite or different things on the question, each side quoted."""

    kind: str  # "polarity", "number", "date", "name" (who did it or said it), "framing" (how it is described), "answer" (a different name for what the question asks: "in Cairo" / "in Geneva")
    about: str  # what they disagree on, in a few words
    sides: list[ConflictSide] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "about": self.about, "sides": [s.to_dict() for s in self.sides]}


@dataclass
class NearMiss:
    """The closest a declined question came: a sentence that meets every condition but one.

    "How many people have been wounded in Syria?" declined, with what the articles do say:
    `asked` "wounded", `found` "killed", `role` "relation", and the exact quote in `citation`.
    """

    citation: Citation
    asked: str  # the question's element the sentence does not meet
    found: str | None  # what the sentence has in that place (None: nothing there)
    role: str  # "agent", "object", "possessor", "place", "time", "relation", "negation", "answer"

    def to_dict(self) -> dict[str, Any]:
        return {"citation": self.citation.to_dict(), "asked": self.asked, "found": self.found, "role": self.role}


@dataclass
class Answer:
    """What `Assistant.ask` returns: readable text plus the citations behind it."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    query: str | None = None  # the question as searched (after follow-up condensing)
    confidence: float = 0.0
    retrieved_doc_ids: list[str] = field(default_factory=list)  # articles of the retrieved chunks, best first (scored by `newscite eval`)
    mode: str = "extractive"  # "llm": written by an LLM, every sentence verified; "extractive": the articles' sentences
    notice: str | None = None  # why an LLM answer fell back to extractive, or was not attempted
    llm: str | None = None  # which LLM was asked
    sentences: list[AnswerSentence] = field(default_factory=list)  # mode "llm": the verified sentences
    unsupported: list[UnsupportedSentence] = field(default_factory=list)  # mode "llm": sentences left out
    conflicts: list[Conflict] = field(default_factory=list)  # outlets that disagree on the question
    short_answer: ShortAnswer | None = None  # "2,500 people" for "how many ...", inside citations[0]; the text leads with it
    near_miss: NearMiss | None = None  # declined: the closest sentence and the one element it does not meet

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "query": self.query,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "mode": self.mode,
            "notice": self.notice,
            "llm": self.llm,
            "sentences": [s.to_dict() for s in self.sentences],
            "unsupported": [u.to_dict() for u in self.unsupported],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "short_answer": self.short_answer.to_dict() if self.short_answer else None,
            "near_miss": self.near_miss.to_dict() if self.near_miss else None,
        }


class Answerer(Protocol):
    """Anything that answers a question with citations (an `Assistant`): what adapters need, without the facade."""

    def ask(self, question: str, outlets: Iterable[str] | None = None) -> Answer: ...

"""The data model of a comparison: who says what on one question, what is corroborated, where outlets disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer.extractive import ScoredSentence
from assistant.model import Citation, Conflict
from assistant.outlets.conflicts.statement import Statement
from assistant.outlets.syndication import WireGroup


@dataclass
class Source:
    """An outlet, or one article whose outlet is unknown."""

    key: str
    label: str
    outlet: str
    docs: list[int]


@dataclass
class Scored:
    """A relevant sentence with its source, citation and what the conflict detector needs."""

    sentence: ScoredSentence
    source: Source
    citation: Citation
    statement: Statement


@dataclass
class OutletView:
    """What one outlet says on the question: its most relevant quotes."""

    outlet: str
    doc_ids: list[str]  # its articles that address the question, best first (not all its articles)
    best_score: float
    quotes: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "outlet": self.outlet,
            "doc_ids": self.doc_ids,
            "best_score": round(self.best_score, 4),
            "quotes": [q.to_dict() for q in self.quotes],
        }


@dataclass
class StatementGroup:
    """One statement as several outlets report it (a citation per outlet, best first)."""

    citations: list[Citation]
    outlets: list[str]
    outlet_count: int  # distinct outlets, a wire story's copies counted once
    syndicated: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "outlets": self.outlets,
            "outlet_count": self.outlet_count,
            "syndicated": self.syndicated,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass
class Comparison:
    """`bot.compare(question)`: the per-outlet view, what is corroborated, and where outlets disagree."""

    question: str
    outlets: list[OutletView] = field(default_factory=list)  # outlets that address the question, best first
    silent: list[str] = field(default_factory=list)  # outlets that do not
    statements: list[StatementGroup] = field(default_factory=list)  # corroborated statements first
    conflicts: list[Conflict] = field(default_factory=list)
    wire_copies: list[WireGroup] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "outlets": [o.to_dict() for o in self.outlets],
            "silent": self.silent,
            "statements": [s.to_dict() for s in self.statements],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "wire_copies": [w.to_dict() for w in self.wire_copies],
        }

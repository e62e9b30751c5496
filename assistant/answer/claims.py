"""A sentence an LLM wrote, aligned with the evidence it cites (the LLM path's support check, measured only).

"According to the evidence, the FSA proposed to meet in Cairo" is read as a
question is read (relation "propose", agent "FSA"), and each cited sentence is
checked for that relation said of the same agent with the same polarity.
bench/support_alignment.py measures it; the verifier does not use it, because
it did not pay on the hand-written claims (docs/alignment.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assistant.answer.alignment import AgentCheck, Candidate, Check, NegationCheck, RelationCheck, Verdict
from assistant.answer.analysis import analyse, reported_clause

class TextCandidate(Candidate):
    """A sentence given as text (a cited evidence sentence), judged like an indexed one."""

    def __init__(self, text: str) -> None:
        self.row = -1
        self.text = text
        self.predicate = None


@dataclass(frozen=True)
class ClaimAlignment:
    """How a written claim stands against the evidence it cites: `aligned` when one evidence sentence says
    its relation (by its own word: "proposed" / "have proposed") of the same agent and with the same polarity;
    `misaligned` names what a sentence that says the relation of the same things has instead."""

    aligned: bool
    misaligned: Verdict | None = None


def claim_alignment(claim: str, evidence: Sequence[str], relation: RelationCheck) -> ClaimAlignment | None:
    """The claim read as a question is read ("the FSA proposed to meet in Cairo": relation propose, agent FSA)
    and checked against each cited sentence; None without spaCy's pipeline or a relation to compare."""
    question = analyse(reported_clause(claim))  # "Assad says he will not stand": the standing is the claim
    if question is None or question.relation is None:
        return None
    # not the possessor: "Southern rebel groups" / "Syrian rebel groups" (modifiers vary in a retelling)
    checks: list[Check] = [relation, AgentCheck(), NegationCheck()]
    misses = []
    for text in evidence:
        candidate = TextCandidate(text)
        unmet = [v for v in (check.run(question, candidate) for check in checks) if not v.met]
        if not unmet and candidate.predicate is not None:  # its own word: a near one says too little for support
            return ClaimAlignment(True)
        misses.extend(unmet[:1])
    return ClaimAlignment(False, misses[0] if misses else None)

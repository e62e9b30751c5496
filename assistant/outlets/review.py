"""What `Assistant.ask` does after composing: compare the outlets on the question and annotate the answer."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from assistant.model import UNKNOWN_OUTLET, Answer, Citation, SourceRef
from assistant.outlets.comparer import Comparer
from assistant.outlets.comparison import Comparison, StatementGroup
from assistant.outlets.report import conflict_text, corroborated_text, syndication_note


def annotate(answer: Answer, comparison: Comparison, comparer: Comparer) -> Answer:
    """Speakers, corroborating outlets and conflicts on a composed answer; the text leads with any disagreement."""
    for citation in answer.citations:
        doc = comparer.data.doc_index.get(citation.doc_id)
        if doc is not None and citation.speaker is None:
            comparer.speak(citation, doc)
    if answer.abstained:
        return answer
    original = list(answer.citations)
    extended = False
    for citation in answer.citations:
        group = _group_of(citation, comparison)
        if group is None:
            continue
        extended = extended or bool(group.syndicated)
        known = {(citation.doc_id, citation.start)} | {(r.doc_id, r.start) for r in citation.also_in}
        for other in group.citations:
            if (other.doc_id, other.start) not in known:
                citation.also_in.append(
                    SourceRef(other.outlet, other.doc_id, other.path, other.quote, other.start, other.end)
                )
                known.add((other.doc_id, other.start))
                extended = True
        citation.outlet_count = max(group.outlet_count, 1)
        citation.syndicated = list(group.syndicated)
    for citation in answer.citations:
        if citation.outlet_count is None:
            citation.outlet_count = len({(r.outlet if r.outlet != UNKNOWN_OUTLET else r.doc_id) for r in citation.also_in} | {citation.outlet if citation.outlet != UNKNOWN_OUTLET else citation.doc_id})
    if extended and answer.mode == "extractive":
        answer.text = corroborated_text(original)
    elif answer.mode != "extractive" and any(c.syndicated for c in original):
        answer.text += "\n" + syndication_note(original)
    if comparison.conflicts:
        answer.conflicts = comparison.conflicts
        cited = {(c.doc_id, c.start) for c in answer.citations}
        for conflict in comparison.conflicts:
            for side in conflict.sides:
                first = side.citations[0]
                if (first.doc_id, first.start) not in cited:
                    answer.citations.append(first)  # every quote in the text is a citation
                    cited.add((first.doc_id, first.start))
        lead = "\n".join(conflict_text(c) for c in comparison.conflicts)
        answer.text = f"{lead}\n{answer.text}" if answer.text else lead
    return answer


def _group_of(citation: Citation, comparison: Comparison) -> StatementGroup | None:
    for group in comparison.statements:
        if any(c.doc_id == citation.doc_id and c.start == citation.start for c in group.citations):
            return group
    return None


def review_answer(
    comparer: Comparer, answer: Answer, query: str, query_vector: np.ndarray, outlets: Iterable[str] | None = None
) -> Answer:
    """Compare the outlets on the question (over the comparer's snapshot of the index) and annotate the answer."""
    if answer.abstained:
        return annotate(answer, Comparison(answer.question), comparer)
    comparison = comparer.compare_vector(answer.question, query, query_vector, outlets)
    if comparison.conflicts:  # a side about someone else (Russia's minister for "Syria's minister") is no disagreement on it
        alignment = comparer.composer.alignment(answer.question)
        comparison.conflicts = [
            c for c in comparison.conflicts
            if all(comparer.composer.about_the_same(alignment, side.citations[0].doc_id, side.citations[0].start) for side in c.sides if side.citations)
        ]
    return annotate(answer, comparison, comparer)

"""What a declined question says: which element the articles do not meet, and the near miss beside it."""

from __future__ import annotations

from assistant.answer.alignment import Verdict
from assistant.model import NearMiss, source_label


def is_near_miss(unmet: list[Verdict]) -> bool:
    """One element unmet, and the sentence has something in its place (a sentence with no number at all
    for "how many" says nothing a reader could weigh)."""
    return len(unmet) == 1 and unmet[0].role != "answer"


def abstention_text(scope: str, unmet: list[Verdict] | None = None) -> str:
    named = [v for v in unmet or [] if v.check == "named"]
    if named:  # the best sentence answers a look-alike question: say which part of this one it misses
        return f"The articles don't say: nothing in {scope} answers this question about \"{named[0].asked}\"."
    kinds = [v for v in unmet or [] if v.role == "answer"]
    if kinds:  # the closest sentences restate the question without its answer
        return f"The articles don't say: the sentences in {scope} closest to this question give no {kinds[0].asked}."
    return f"The articles don't say: nothing in {scope} answers this question."


def near_miss_text(scope: str, miss: NearMiss) -> str:
    """The abstention with what the articles do say: "... has "killed" where the question has "wounded"."""
    who = source_label(miss.citation.outlet, miss.citation.doc_id, capital=True)
    instead = f'"{miss.found}" where the question has "{miss.asked}"' if miss.found else f'nothing for "{miss.asked}"'
    return (
        f"The articles don't say: nothing in {scope} answers this question about \"{miss.asked}\".\n"
        f'The closest ({miss.role}: {instead}): {who} reports "{miss.citation.quote}"'
    )

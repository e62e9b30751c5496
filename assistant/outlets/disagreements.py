"""Where outlets disagree on the question: contradicting pairs gathered into sides, and framing camps."""

from __future__ import annotations

import re

from assistant.model import Conflict, ConflictSide, published_day
from assistant.outlets import framing
from assistant.outlets.comparison import Scored
from assistant.outlets.conflicts.answers import ANSWER_COSINE, answer_conflict
from assistant.outlets.conflicts.detect import detect
from assistant.outlets.conflicts.polarity import POLARITY_CLASSES
from assistant.outlets.conflicts.quantities import EVENTS
from assistant.outlets.conflicts.statement import Finding, same_topic
from assistant.outlets.syndication import WireCopies
from assistant.text import terms

CONFLICT_FOCUS = 0.4  # one side of a conflict must be within this of the best sentence overall
ANSWER_MARGIN = 0.1  # both sides of a different-answer conflict must score within this of the best sentence
SAME_EVENT_DAYS = 7  # ... and be published within a week of each other
REPORTED_CLAIM = re.compile(
    r"^(?:It|This) (?:was|had been|has been) (?:\w+ )?(?:reported|claimed|rumou?red|speculated|suggested|alleged)\b", re.I
)


def find_conflicts(pool: list[Scored], copies: WireCopies, best: float, question: str) -> list[Conflict]:
    """Disagreements on the question between the relevant sentences of different outlets."""
    focus = frozenset(terms(question))
    candidates = [p for p in pool if not REPORTED_CLAIM.search(p.citation.quote)]
    findings: list[tuple[Scored, Scored, Finding]] = []
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if a.source.key == b.source.key or copies.same_story(a.citation.doc_id, b.citation.doc_id):
                continue
            finding = detect(a.statement, b.statement, focus=focus)
            if finding is None and answers_both(a, b, best) and same_topic(a.statement, b.statement, threshold=ANSWER_COSINE):
                finding = answer_conflict(question, a.statement, b.statement)  # "in Cairo" / "in Geneva"
            if finding and on_question(finding, question, focus):
                findings.append((a, b, finding))
    return group_findings(findings, best)


def answers_both(a: Scored, b: Scored, best: float) -> bool:
    """Both sentences are answers to the question, not sentences beside it (a name that differs
    between two sentences only near the question is a different subject, not a different answer),
    and in reports of the same days: "NATO invited Montenegro" (2016) and "NATO invited Finland and
    Sweden" (2022) are two events, not two outlets disagreeing."""
    if min(a.sentence.score, b.sentence.score) < best - ANSWER_MARGIN:
        return False
    day_a, day_b = published_day(a.citation.published), published_day(b.citation.published)
    return day_a is None or day_b is None or abs((day_a - day_b).days) <= SAME_EVENT_DAYS


def framing_conflicts(question: str, pool: list[Scored]) -> list[Conflict]:
    actor = framing.actor_in(question)
    if not actor:
        return []
    camps: dict[str, dict[str, Scored]] = {}
    words: dict[str, list[str]] = {}
    placed: set[str] = set()  # each outlet stands in the camp of its most relevant labelled sentence
    for item in sorted(pool, key=lambda p: -p.sentence.score):
        found = framing.label(item.citation.quote, actor)
        if found and item.source.key not in placed:
            placed.add(item.source.key)
            camps.setdefault(found.camp, {})[item.source.key] = item
            words.setdefault(found.camp, []).extend(found.words)
    if len(camps) < 2 or not set(camps["hostile"]).symmetric_difference(camps["sympathetic"]):
        return []
    sides = [
        ConflictSide(", ".join(dict.fromkeys(words[camp])), [p.citation for p in members.values()])
        for camp, members in sorted(camps.items())
    ]
    return [Conflict("framing", f"how they describe the {actor}", sides)]


NUMBER_QUESTION = re.compile(r"\b(?:how many|how much|how old|number|toll|percent(?:age)?|share|figure|total|count|age|%)\b", re.I)
DATE_QUESTION = re.compile(r"\b(?:when|what day|which day|what date|date|what time|what year|which year)\b", re.I)
AGENT_QUESTION = re.compile(r"\b(?:who|whom|responsible|blame[sd]?|behind|caused?|by whom)\b", re.I)
RESPONSE_QUESTION = re.compile(r"\b(?:respond|response|react|reaction|answer|reply|say about|said about|think of)\b", re.I)


def on_question(finding: Finding, question: str, focus: frozenset[str]) -> bool:
    """Whether a disagreement bears on what the question asks, not on something beside it."""
    kind, _, detail = finding.key.partition(":")
    if kind == "class":
        words = frozenset(terms(" ".join(POLARITY_CLASSES[detail]))) | {"turn"}
        return bool(focus & words) or bool(RESPONSE_QUESTION.search(question))
    if kind == "stem":
        return detail in focus or bool(RESPONSE_QUESTION.search(question))
    if kind == "number":
        unit, _, event = detail.partition(":")
        event = event.split(":")[0]
        wanted = frozenset(terms(unit)) | frozenset(terms(" ".join(EVENTS.get(event, "").split())))
        return bool(NUMBER_QUESTION.search(question)) or bool(focus & wanted)
    if kind == "date":
        return bool(DATE_QUESTION.search(question))
    if kind in {"agent", "speaker"}:
        return bool(AGENT_QUESTION.search(question))
    return True


def group_findings(findings: list[tuple[Scored, Scored, Finding]], best: float) -> list[Conflict]:
    """Many contradicting pairs about one thing -> one disagreement with a side per stance."""
    by_key: dict[str, list[tuple[Scored, Scored, Finding]]] = {}
    for item in findings:
        by_key.setdefault(item[2].key, []).append(item)
    conflicts = []
    for key, items in by_key.items():
        stance_of: dict[int, tuple[str, str, Scored]] = {}  # id(scored) -> (stance, claim, scored)
        for a, b, finding in items:
            stance_of.setdefault(id(a), (finding.stance_a, finding.claim_a, a))
            stance_of.setdefault(id(b), (finding.stance_b, finding.claim_b, b))
        sides: dict[str, dict[str, tuple[str, Scored]]] = {}
        for stance, claim, scored in stance_of.values():
            sides.setdefault(stance, {})
            current = sides[stance].get(scored.source.key)
            if current is None or scored.sentence.score > current[1].sentence.score:
                sides[stance][scored.source.key] = (claim, scored)
        # A source on both sides keeps only its more relevant claim.
        placed: dict[str, tuple[str, float]] = {}
        for stance, members in sides.items():
            for source, (_, scored) in members.items():
                if source not in placed or scored.sentence.score > placed[source][1]:
                    placed[source] = (stance, scored.sentence.score)
        side_list = []
        for stance, members in sides.items():
            kept = [(claim, scored) for source, (claim, scored) in members.items() if placed[source][0] == stance]
            if kept:
                kept.sort(key=lambda m: -m[1].sentence.score)
                side_list.append(ConflictSide(kept[0][0], [scored.citation for _, scored in kept]))
        if len(side_list) < 2:
            continue
        top = max(c.score for side in side_list for c in side.citations)
        if top < best - CONFLICT_FOCUS:
            continue  # a disagreement beside the question, not on it
        side_list.sort(key=lambda s: -max(c.score for c in s.citations))
        conflicts.append(Conflict(items[0][2].kind, items[0][2].about, side_list))
    conflicts.sort(key=lambda c: -max(x.score for side in c.sides for x in side.citations))
    return conflicts

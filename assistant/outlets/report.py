"""A comparison as readable text: the summary line, the terminal lines, notes on corroboration and wire copies."""

from __future__ import annotations

from assistant.answer.extractive import answer_text
from assistant.model import Citation, Conflict, ConflictSide, source_label
from assistant.outlets.comparison import Comparison


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _who(citation: Citation) -> str:
    return source_label(citation.outlet, citation.doc_id)


def speaking(citation: Citation) -> str:
    """'Issam al- Rayyes (spokesman for the Southern Front of the Free Syrian Army)': the speaker and their role."""
    role = citation.speaker_role
    return f"{citation.speaker} ({role})" if role and role.casefold() not in citation.speaker.casefold() else str(citation.speaker)


def attributed(citation: Citation) -> str:
    """How the outlet got the words, original source first: ", quoting Issam al- Rayyes (spokesman for ...)
    via BBC" (he told the BBC; the line's outlet carries it), ", citing Reuters", ", quoting Lavrov"."""
    if citation.speaker and citation.via:
        return f", quoting {speaking(citation)} via {citation.via}"
    if citation.speaker:
        return f", quoting {speaking(citation)}"
    return f", citing {citation.via}" if citation.via else ""


def chain_text(citation: Citation) -> str:
    """"Issam al- Rayyes → BBC → TRT World": who said it, who first carried it, who carries it here."""
    return " → ".join(citation.chain)


def side_text(side: ConflictSide) -> str:
    first = side.citations[0]
    others = list(dict.fromkeys(_who(c) for c in side.citations[1:]))
    also = f" (also {', '.join(others)})" if others else ""
    via = f" (via {first.via})" if first.via else ""
    return f'{_who(first)}{via}{also} reports "{first.quote}"'


def conflict_lead(conflict: Conflict) -> str:
    """How a disagreement is announced. Different names for what the question asks are shown as just
    that: the check reads names and their slots in the sentences, not meaning, and 60-74% of its
    flags were right on held-out pairs (bench/answer_conflicts.py)."""
    return "Outlets name different answers" if conflict.kind == "answer" else "Outlets disagree"


def conflict_text(conflict: Conflict) -> str:
    return f"{conflict_lead(conflict)}: {'; '.join(side_text(s) for s in conflict.sides)}."


def comparison_text(comparison: Comparison) -> str:
    lines = [conflict_text(c) for c in comparison.conflicts]
    for view in comparison.outlets:
        quote = view.quotes[0]
        lines.append(f'{_capital(view.outlet)}{attributed(quote)}: "{quote.quote}"')
    for group in comparison.statements:
        if group.outlet_count > 1:
            note = f" ({'; '.join(group.syndicated)})" if group.syndicated else ""
            lines.append(f'Reported by {group.outlet_count} outlets ({", ".join(group.outlets)}){note}: "{group.citations[0].quote}"')
    if comparison.silent:
        lines.append(f"Silent on this: {', '.join(comparison.silent)}.")
    if not comparison.outlets:
        lines.insert(0, "No outlet addresses this question.")
    return "\n".join(lines)


def corroborated_text(citations: list[Citation]) -> str:
    """The composer's who-says-what lines over the widened `also_in`, and a line on any wire copies."""
    text = answer_text(citations)
    return f"{text}\n{syndication_note(citations)}" if any(c.syndicated for c in citations) else text


def syndication_note(citations: list[Citation]) -> str:
    notes = list(dict.fromkeys(note for c in citations for note in c.syndicated))
    return f"({'; '.join(notes)}.)"


def comparison_lines(comparison: Comparison) -> list[tuple[str, bool]]:
    """The comparison for a terminal: (line, dim) pairs; quotes with their positions, speakers and counts."""

    def where(c: Citation) -> str:
        chain = f" ({chain_text(c)})" if c.via else ""
        return f"{c.doc_id}[{c.start}:{c.end}]{attributed(c)}{chain}"

    lines: list[tuple[str, bool]] = []
    for conflict in comparison.conflicts:
        lines.append((conflict_text(conflict), False))
        for side in conflict.sides:
            lines.append((f"  {side.claim}: " + "; ".join(f"{_who(c)} {where(c)}" for c in side.citations), True))
    if comparison.conflicts:
        lines.append(("", False))
    if not comparison.outlets:
        lines.append(("No outlet addresses this question.", False))
    for view in comparison.outlets:
        lines.append((f"{_capital(view.outlet)}:", False))
        for quote in view.quotes:
            lines.append((f'  "{quote.quote}"', False))
            lines.append((f"    {where(quote)}", True))
    corroborated = [g for g in comparison.statements if g.outlet_count > 1]
    if corroborated:
        lines.append(("", False))
    for group in corroborated:
        lines.append((f'Reported by {group.outlet_count} outlets ({", ".join(group.outlets)}): "{group.citations[0].quote}"', False))
        for note in group.syndicated:
            lines.append((f"  {note}", True))
    if comparison.silent:
        lines.append(("", False))
        lines.append((f"Silent on this: {', '.join(comparison.silent)}.", False))
    return lines

"""HTML for who-says-what on the page: an answer's conflicts, a citation's speaker, the per-outlet panel.

Pure functions like `assistant.web.render`, whose helpers they reuse. Every
string that comes from an article (quotes, outlets, speakers, claims) goes
through `escape`; quotes carry `data-doc`/`data-start`/`data-end`, so a click
opens them where they stand in their article.
"""

from __future__ import annotations

from typing import Sequence

from assistant.model import Citation, Conflict, source_label
from assistant.outlets.comparison import Comparison
from assistant.outlets.report import conflict_lead
from assistant.web.highlight import escape
from assistant.web.pieces import Turn, open_attrs

COMPARE_PLACEHOLDER = (
    '<div class="nc-compare"><p class="nc-compare-empty">Ask a question, then press "Who says what" '
    "to see each outlet's quotes, what several outlets report, and where they disagree.</p></div>"
)

COMPARE_CSS = """
.nc-conflicts { border-left: 3px solid #c2410c; padding: 0.2em 0 0.2em 0.8em; margin: 0.4em 0 0.8em; }
.nc-conflicts .nc-disagree { font-weight: 600; margin: 0 0 0.3em; }
.nc-side { margin: 0.3em 0; }
.nc-claim { font-style: italic; }
.nc-speaker { font-size: 0.85em; color: var(--body-text-color-subdued); }
.nc-compare .nc-outlet-view { margin: 0.5em 0; }
.nc-compare .nc-silent, .nc-compare .nc-compare-empty { color: var(--body-text-color-subdued); }
.nc-compare blockquote { margin: 0.2em 0 0.2em 0.8em; cursor: pointer; }
"""


def _quote(citation: Citation) -> str:
    return (
        f'<blockquote class="nc-quote" {open_attrs(citation.doc_id, citation.start, citation.end)} '
        f'title="Show in the article">{escape(citation.quote)}</blockquote>'
    )


def render_speaker(citation: Citation) -> str:
    """'quoting Sergei Lavrov' when the quote reports someone's words."""
    return f' <span class="nc-speaker">quoting {escape(citation.speaker)}</span>' if citation.speaker else ""


def _who(citation: Citation) -> str:
    return escape(source_label(citation.outlet, citation.doc_id))


def render_conflicts(conflicts: Sequence[Conflict]) -> str:
    """'Outlets disagree', then each side: its claim, its outlets, its first quote."""
    if not conflicts:
        return ""
    parts = ['<div class="nc-conflicts">']
    for conflict in conflicts:
        parts.append(f'<p class="nc-disagree">{conflict_lead(conflict)} ({escape(conflict.about)}):</p>')
        for side in conflict.sides:
            first = side.citations[0]
            outlets = ", ".join(_who(c) for c in side.citations)
            parts.append(
                f'<div class="nc-side"><span class="nc-claim">“{escape(side.claim)}”</span>: {outlets}'
                f"{render_speaker(first)}{_quote(first)}</div>"
            )
    parts.append("</div>")
    return "".join(parts)


def render_comparison(comparison: Comparison) -> str:
    """The per-outlet panel: disagreements, each outlet's quotes, what several report, who is silent."""
    parts = ['<div class="nc-compare">', f'<p class="nc-lead">{escape(comparison.question)}</p>']
    parts.append(render_conflicts(comparison.conflicts))
    if not comparison.outlets:
        parts.append('<p class="nc-silent">No outlet addresses this question.</p>')
    for view in comparison.outlets:
        parts.append(f'<div class="nc-outlet-view"><span class="nc-outlet">{escape(view.outlet)}</span>')
        for quote in view.quotes:
            parts.append(f"{_quote(quote)}{render_speaker(quote)}")
        parts.append("</div>")
    for group in comparison.statements:
        if group.outlet_count < 2:
            continue
        notes = "".join(f'<div class="nc-speaker">{escape(n)}</div>' for n in group.syndicated)
        parts.append(
            f'<div class="nc-corroboration nc-corroborated">Reported by {group.outlet_count} outlets '
            f'({escape(", ".join(group.outlets))}):{_quote(group.citations[0])}{notes}</div>'
        )
    if comparison.silent:
        parts.append(f'<p class="nc-silent">Silent on this: {escape(", ".join(comparison.silent))}.</p>')
    parts.append("</div>")
    return "".join(parts)


def compare_panel(bot, question: str, outlets: Sequence[str] | None, turns: Sequence[Turn]) -> str:
    """The panel for the question typed (or else the last one asked), with the chat's outlet filter."""
    question = (question or "").strip() or (turns[-1].question if turns else "")
    if not question:
        return COMPARE_PLACEHOLDER
    try:
        return render_comparison(bot.compare(question, outlets=list(outlets or []) or None))
    except Exception as error:  # shown in the panel rather than as a broken page
        return f'<div class="nc-compare"><p class="nc-silent">Could not compare: {escape(str(error))}</p></div>'

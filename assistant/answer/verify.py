"""Check each sentence an LLM wrote against the evidence it cites; keep only what holds.

A sentence is kept when it cites at least one existing evidence number, every
quotation in it is copied from the cited evidence, every number in it stands
in the cited evidence, and the cited evidence supports it (`assistant.answer.support`).
Otherwise it goes to `unsupported` with the reason, and is not shown as part
of the answer.

Citations of kept sentences become `Citation`s made from the evidence's
offsets (the quote is a slice of the article, never the LLM's words),
numbered in order of first use; the sentence's markers are rewritten to those
numbers. A citation that does not support the sentence while the others do
is dropped (ALCE's citation precision). The same statement from several
outlets becomes one citation with `also_in`, as in the extractive answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.constraints import name_context
from assistant.answer.evidence import Evidence
from assistant.answer.extractive import AnswerComposer, make_citation
from assistant.answer.support import Support, is_supported, support
from assistant.llm.drafts import Draft
from assistant.llm.quotations import verify_quotations
from assistant.model import AnswerSentence, Citation, SourceRef, UnsupportedSentence
from assistant.text import terms

END = re.compile(r"([.!?]+)$")
CLOSING_QUOTE = ("\"", "”", "»", "'", "’")


@dataclass
class _Checked:
    shown: str
    cited: list[Evidence]
    result: Support


class Verifier:
    """Feed it the LLM's sentences one by one (`check`); it builds the verified answer."""

    def __init__(self, composer: AnswerComposer, evidence: list[Evidence], threshold: float | None = None) -> None:
        """`threshold` None: the bar of whoever scores support (the support head's, or SUPPORT_THRESHOLD without it)."""
        self.composer = composer
        self.data = composer.data
        self.evidence = evidence
        self.threshold = threshold
        self.citations: list[Citation] = []
        self.sentences: list[AnswerSentence] = []
        self.unsupported: list[UnsupportedSentence] = []
        self.drafts_seen = 0
        self._number_of_row: dict[int, int] = {}
        self._last_paragraph: int | None = None
        self.pieces: list[str] = []

    # --- one sentence -------------------------------------------------------------

    def check(self, draft: Draft) -> str | None:
        """The text to show for this sentence (with a separator in front), or None when it is left out."""
        self.drafts_seen += 1
        checked = self._verify(draft)
        if checked is None:
            return None
        numbers = list(dict.fromkeys(self._number_for(e, checked.result.score) for e in checked.cited))
        text = with_markers(checked.shown, numbers)
        self.sentences.append(AnswerSentence(checked.shown, numbers, round(checked.result.score, 4)))
        self.pieces.append(self._separator(draft.paragraph) + text)
        return self.pieces[-1]

    def _reject(self, draft: Draft, reason: str, result: Support | None = None) -> None:
        self.unsupported.append(
            UnsupportedSentence(draft.bare, reason, draft.numbers, None if result is None else round(result.score, 4))
        )

    def _verify(self, draft: Draft) -> _Checked | None:
        valid = [n for n in draft.numbers if 1 <= n <= len(self.evidence)]
        if not draft.numbers:
            self._reject(draft, "cites no evidence")
            return None
        if not valid:
            self._reject(draft, f"cites evidence that does not exist: {', '.join(map(str, draft.numbers))}")
            return None
        cited = [self.evidence[n - 1] for n in valid]
        shown, invented = verify_quotations(draft.bare, [e.text for e in cited])
        if invented:
            self._reject(draft, f'puts in quotation marks words the cited evidence does not contain: "{invented[0]}"')
            return None
        vector = self.composer.vectors.embedder.embed([draft.bare])[0]
        result = self._support(draft.bare, vector, cited)
        if result.missing_numbers:
            self._reject(draft, f"has numbers the cited evidence does not: {', '.join(result.missing_numbers)}", result)
            return None
        if result.missing_names:
            self._reject(draft, f"names what the cited evidence does not: {', '.join(result.missing_names)}", result)
            return None
        if result.contradiction:
            self._reject(draft, f"says the opposite of the cited evidence: {result.contradiction}", result)
            return None
        if not is_supported(result, self.threshold):
            self._reject(
                draft, f"the cited evidence does not support it (support {result.score:.2f} < {result.threshold if self.threshold is None else self.threshold:.2f})", result
            )
            return None
        return _Checked(shown, self._relevant(draft.bare, vector, cited), result)

    def _support(self, sentence: str, vector, cited: list[Evidence]) -> Support:
        vectors = self.composer.vectors.get([e.row for e in cited])
        outlet_terms = frozenset(terms(" ".join(e.outlet for e in cited)))
        context = [text for e in cited for text in name_context(self.data, e.row)]
        return support(sentence, vector, [e.text for e in cited], vectors, outlet_terms, context=context)

    def _relevant(self, sentence: str, vector, cited: list[Evidence]) -> list[Evidence]:
        """Drop a citation that alone does not support the sentence when the others still do."""
        kept = list(cited)
        by_strength = sorted(cited, key=lambda e: self._support(sentence, vector, [e]).score)
        for evidence in by_strength:
            if len(kept) == 1:
                break
            if is_supported(self._support(sentence, vector, [evidence]), self.threshold):
                continue
            rest = [e for e in kept if e is not evidence]
            if is_supported(self._support(sentence, vector, rest), self.threshold):
                kept = rest
        return kept

    # --- numbering ----------------------------------------------------------------

    def _number_for(self, evidence: Evidence, score: float) -> int:
        """The answer's citation number for this evidence, making the citation on first use."""
        if evidence.row in self._number_of_row:
            return self._number_of_row[evidence.row]
        article = self.data.articles[evidence.scored.doc]
        same = [
            other
            for other in self.evidence
            if other.row not in self._number_of_row
            and other.scored.doc != evidence.scored.doc
            and self.composer.same_statement(evidence.scored, other.scored)
        ]
        also_in = [
            SourceRef(
                outlet=other.outlet,
                doc_id=self.data.articles[other.scored.doc].doc_id,
                path=self.data.articles[other.scored.doc].path,
                quote=other.text,
                start=other.scored.start,
                end=other.scored.end,
            )
            for other in same
        ]
        self.citations.append(make_citation(article, evidence.scored.start, evidence.scored.end, score, also_in))
        number = len(self.citations)
        for row in [evidence.row, *(other.row for other in same)]:
            self._number_of_row[row] = number
        return number

    def _separator(self, paragraph: int) -> str:
        previous, self._last_paragraph = self._last_paragraph, paragraph
        if previous is None:
            return ""
        if paragraph == previous:
            return " "
        return "\n" if paragraph == previous + 1 else "\n\n"

    # --- the result ---------------------------------------------------------------

    @property
    def text(self) -> str:
        """The verified sentences as shown, exactly as `check` handed them out."""
        return "".join(self.pieces)


def with_markers(sentence: str, numbers: list[int]) -> str:
    """'The FSA refused.' + [1, 2] -> 'The FSA refused [1][2].' (after a closing quote: '... said." [1]')."""
    markers = "".join(f"[{n}]" for n in numbers)
    if sentence.endswith(CLOSING_QUOTE):
        return f"{sentence} {markers}"
    end = END.search(sentence)
    if end:
        return f"{sentence[: end.start()]} {markers}{end.group(1)}"
    return f"{sentence} {markers}"

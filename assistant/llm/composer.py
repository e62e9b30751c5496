"""Written answers from any llama-index LLM, with every sentence checked and every quote exact.

The LLM gets the best sentences of the retrieved chunks as numbered evidence
(prompts/answer.txt) and must cite them like [2]. Its answer is cut into
sentences; each is verified against what it cites (`assistant.answer.verify`), and
the answer's citations are slices of the articles by offset, never the
LLM's words. When the LLM fails, overruns the deadline, or writes nothing
that its evidence supports, the answer falls back to the extractive
composer and says so (`notice`, and a first line in `text`).

Streaming hands out each verified sentence as soon as the next one has
begun (its citations are known by then), so nothing unverified is ever shown;
the final `Answer` is authoritative and replaces what was streamed (they
differ only after a fallback).
"""

from __future__ import annotations

from typing import Any, Iterator

from assistant.answer.evidence import MAX_EVIDENCE, Evidence, outlets_of, render_evidence, select_evidence
from assistant.answer.extractive import AnswerComposer
from assistant.answer.retrieval import Retrieval
from assistant.answer.verify import Verifier
from assistant.llm.call import DEFAULT_TIMEOUT, LLMError, LLMTimeout, stream_text
from assistant.llm.drafts import DraftStream
from assistant.llm.prompts import render
from assistant.llm.specs import describe
from assistant.model import Answer

NOT_ASKED = "The LLM was not asked: nothing in the articles scored as relevant to the question."
NO_ANSWER_PHRASES = ("don't say", "do not say", "does not say", "doesn't say")


def answer_prompt(question: str, evidence: list[Evidence]) -> str:
    outlets = outlets_of(evidence)
    conflict = render("conflict", outlets=", ".join(outlets)) if len(outlets) > 1 else ""
    return render("answer", question=question, evidence=render_evidence(evidence), conflict=conflict)


def fallback_notice(reason: str) -> str:
    return f"Written answer unavailable: {reason.rstrip('. ')}. These are the articles' own sentences instead."


class LLMComposer:
    """Composes an `Answer` with an LLM; the extractive `composer` is its evidence scorer and fallback."""

    def __init__(
        self,
        composer: AnswerComposer,
        llm: Any,
        timeout: float = DEFAULT_TIMEOUT,
        max_evidence: int = MAX_EVIDENCE,
        support_threshold: float | None = None,  # None: the support check's own bar
    ) -> None:
        self.composer = composer
        self.llm = llm
        self.timeout = timeout
        self.max_evidence = max_evidence
        self.support_threshold = support_threshold
        self.name = describe(llm)

    def compose(self, found: Retrieval) -> Answer:
        """The verified answer, asking the LLM for its whole text at once."""
        *_, answer = self.compose_stream(found, stream=False)
        return answer

    def compose_stream(self, found: Retrieval, stream: bool = True) -> Iterator[str | Answer]:
        """Yield verified answer text piece by piece, then the final `Answer`.

        `found.avoid` (sentences the conversation already quoted) applies to the extractive fallback;
        the LLM sees the evidence and writes its own follow-up answer."""
        question, query = found.question, found.query
        composer = self.composer
        scored = composer.evidence_scored(found)
        best = scored[0].score if scored else 0.0
        if best < composer.threshold:
            answer = composer.compose(found)
            answer.notice, answer.llm = NOT_ASKED, self.name
            yield answer
            return
        evidence = select_evidence(composer.data, scored, self.max_evidence)
        verifier = Verifier(composer, evidence, self.support_threshold)
        drafts = DraftStream()
        try:
            for delta in stream_text(self.llm, answer_prompt(question, evidence), self.timeout, stream):
                for draft in drafts.feed(delta):
                    piece = verifier.check(draft)
                    if piece is not None:
                        yield piece
        except LLMTimeout:
            yield self._fallback(found, f"the LLM did not answer within {self.timeout:g} s", verifier)
            return
        except LLMError as error:
            yield self._fallback(found, str(error), verifier)
            return
        for draft in drafts.finish():
            piece = verifier.check(draft)
            if piece is not None:
                yield piece
        if not verifier.sentences:
            reason = self._why_nothing(verifier, drafts.text)
            yield self._fallback(found, reason, verifier)
            return
        yield Answer(
            question, verifier.text, False, verifier.citations, query, best,
            mode="llm", llm=self.name, sentences=verifier.sentences, unsupported=verifier.unsupported,
        )

    @staticmethod
    def _why_nothing(verifier: Verifier, text: str) -> str:
        if not text.strip():
            return "the LLM returned no text"
        if all(not u.cited for u in verifier.unsupported):
            lowered = text.casefold().replace("’", "'")
            if any(phrase in lowered for phrase in NO_ANSWER_PHRASES):
                return "the LLM found no answer in the evidence"
            return "the LLM's answer cited no evidence"
        return "no sentence of the LLM's answer is supported by the evidence it cites"

    def _fallback(self, found: Retrieval, reason: str, verifier: Verifier) -> Answer:
        answer = self.composer.compose(found)
        answer.mode, answer.llm = "extractive", self.name
        answer.notice = fallback_notice(reason)
        answer.text = f"{answer.notice}\n\n{answer.text}"
        answer.unsupported = verifier.unsupported
        return answer

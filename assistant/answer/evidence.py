"""The numbered evidence an LLM answers from, and how it is shown in the prompt.

Evidence is the best-scoring sentences of the retrieved chunks (the same
scores the extractive composer uses), grouped by article in reading order so
each sentence keeps some context. Each line is `[n] (Outlet) sentence`.

Article text is data, never instructions: the block is wrapped in
<evidence> tags, and whatever in an article could pass for prompt structure
is neutralised in the rendered copy (angle brackets, which could close the
tag, become ‹ ›; bracketed numbers, which could pass for evidence numbers,
become parentheses; line breaks, which could start a fake numbered line,
become spaces). A sentence that reads like a prompt injection ("ignore
previous instructions...", "note to the AI...") is withheld from the LLM
altogether; it can still be quoted by the extractive composer. Quotes are
always taken from the article by offsets, never from this rendered copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.extractive import ScoredSentence
from assistant.index.store import IndexData

MAX_EVIDENCE = 12
_AI = r"(?:ai|a\.i\.|assistants?|chatbots?|llms?|language models?|gpt|chatgpt|bots?)"
INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|your)\b"
    r"[^.]{0,20}?\b(?:instructions?|prompts?|directions)\b"
    rf"|\b(?:notes?|messages?|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AI}\b"
    r"|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"
    rf"|\byou\s+are\s+(?:now\s+)?(?:an?\s+|the\s+)?{_AI}\b"
    r"|\bnew\s+instructions?\s*:"
    r"|</?\s*(?:evidence|conversation|system|instructions?)\b",  # our own delimiters: an attempt to break out
    re.IGNORECASE,
)


@dataclass
class Evidence:
    """One numbered evidence sentence: a slice of an article."""

    number: int
    scored: ScoredSentence
    outlet: str
    text: str  # article.text[start:end], exact

    @property
    def row(self) -> int:
        return self.scored.row


def looks_like_instruction(text: str) -> bool:
    """Whether an article sentence reads like an instruction aimed at an AI (a prompt injection)."""
    return bool(INSTRUCTION_LIKE.search(text))


def select_evidence(data: IndexData, scored: list[ScoredSentence], limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """The `limit` best sentences, numbered 1.., grouped by article (best article first), in reading order."""
    chosen = [s for s in scored if not looks_like_instruction(data.articles[s.doc].text[s.start : s.end])][:limit]
    article_rank: dict[int, int] = {}
    for sentence in chosen:
        article_rank.setdefault(sentence.doc, len(article_rank))
    ordered = sorted(chosen, key=lambda s: (article_rank[s.doc], s.start))
    evidence = []
    for number, sentence in enumerate(ordered, start=1):
        article = data.articles[sentence.doc]
        evidence.append(Evidence(number, sentence, article.outlet_name, article.text[sentence.start : sentence.end]))
    return evidence


def neutralise(text: str) -> str:
    """A copy of article text that cannot pass for prompt structure."""
    text = text.replace("<", "‹").replace(">", "›")
    text = re.sub(r"\[(\s*\d+\s*)\]", r"(\1)", text)
    return re.sub(r"\s+", " ", text).strip()


def render_evidence(evidence: list[Evidence]) -> str:
    """The evidence block for the prompt, one numbered line per sentence."""
    lines = [f"[{e.number}] ({neutralise(e.outlet)}) {neutralise(e.text)}" for e in evidence]
    return "<evidence>\n" + "\n".join(lines) + "\n</evidence>"


def outlets_of(evidence: list[Evidence]) -> list[str]:
    return list(dict.fromkeys(e.outlet for e in evidence))

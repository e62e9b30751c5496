"""Compose a cited answer from the articles' own sentences.

The composer scores the sentences of the retrieved chunks against the
question (embedding similarity plus keyword overlap), quotes the best ones
verbatim by offset, folds the same statement from several outlets into one
citation (`also_in`), and abstains when even the best sentence scores below a
threshold calibrated on SQuAD 2.0's unanswerable questions, or when no sentence
above it aligns with what the question asks (assistant.answer.alignment: every
condition met in its role, "killed" is not "wounded"), or when the reading head
(assistant.answer.reading) judges the picked sentence not to answer. A declined
question shows its near miss: the best sentence that misses one element only.
Near-ties at the top are re-ordered by a cross-encoder (assistant.answer.rerank).
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from assistant.answer.alignment import Alignment, RelationCheck
from assistant.answer.analysis import analyse
from assistant.answer.answer_types import wanted_answer
from assistant.answer.constraints import Neighbourhoods, question_constraints, sentence_row
from assistant.answer.declines import abstention_text, is_near_miss, near_miss_text
from assistant.answer.conversation import own_part
from assistant.answer.reading import CandidateScores, ReadingHead, shipped_head
from assistant.answer.rerank import Reranker, shipped_reranker
from assistant.answer.retrieval import ChunkHit, Retrieval
from assistant.embed.embedding import Embedder
from assistant.index.store import IndexData
from assistant.model import Answer, Article, Citation, NearMiss, SourceRef, source_label
from assistant.outlets.conflicts.detect import claims_agree
from assistant.outlets.conflicts.statement import Statement
from assistant.text import terms

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
DENSE_WEIGHT = 0.6  # the rest goes to IDF-weighted keyword overlap
SAME_STATEMENT_COSINE = 0.86
SAME_STATEMENT_JACCARD = 0.6
SECOND_CITATION_MARGIN = 0.08  # further citations must score within this of the best
MAX_CANDIDATES = 48
MAX_JUDGED = 5  # candidates above the threshold that the alignment reads before the composer declines
NEAR_MISS_MARGIN = 0.05  # a near miss may score this far below the threshold
READ_AHEAD = 3  # candidates parsed in one batch before judging (most answers are among the first three)
CLOSING_MARKS = "\"'”’)]» \n"


QUOTE_MARKS = "\"'“”‘’«»"
APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def asks_a_question(sentence: str) -> bool:
    """The article's own question ("When will the by-elections take place?") answers nothing: never quote it.

    A quoted question is kept: "Why does Russia bomb us?" is what a speaker said, often their point.
    """
    if not sentence.rstrip(CLOSING_MARKS).endswith("?"):
        return False
    unquoted = APOSTROPHE.sub("", sentence)  # "next year’s Super Bowl": an apostrophe, not a quotation mark
    return not any(mark in unquoted for mark in QUOTE_MARKS)


FOCUS_BOOST = 2.0  # weight of the user's own words over context added to a follow-up


@lru_cache(maxsize=1)
def calibrated_threshold() -> float:
    """The abstention threshold written by train/calibrate_abstention.py."""
    return float(json.loads(CALIBRATION_FILE.read_text())["threshold"])


@dataclass
class ScoredSentence:
    row: int  # row of the sentence table
    doc: int
    start: int
    end: int
    score: float
    cosine: float
    overlap: float
    terms: frozenset[str]


class SentenceVectors:
    """Sentence vectors: read from the index (stored at build time), else embedded on demand (bounded LRU)."""

    def __init__(self, data: IndexData, embedder: Embedder, capacity: int = 50_000) -> None:
        self.data = data
        self.embedder = embedder
        self.capacity = capacity
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        stored = data.sentence_vectors
        self.stored = stored if stored is not None and len(stored) == len(data.sentences) else None

    def get(self, rows: Sequence[int]) -> np.ndarray:
        if self.stored is not None:
            return self.stored.rows(rows) if len(rows) else np.zeros((0, self.embedder.dim), dtype=np.float32)
        missing = [row for row in rows if row not in self._cache]
        if missing:
            vectors = self.embedder.embed([self.data.sentence_text(row) for row in missing])
            for row, vector in zip(missing, vectors):
                self._cache[row] = vector
        for row in rows:
            self._cache.move_to_end(row)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        if not rows:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.vstack([self._cache[row] for row in rows])


def keyword_overlap(query_terms: frozenset[str], sentence_terms: frozenset[str], weights: dict[str, float]) -> float:
    """Weighted share of the question's terms that the sentence contains."""
    total = sum(weights[t] for t in query_terms)
    if not total:
        return 0.0
    return sum(weights[t] for t in query_terms & sentence_terms) / total


def local_idf(query_terms: frozenset[str], candidates: list[frozenset[str]]) -> dict[str, float]:
    """IDF of each question term among the candidate sentences.

    A term every candidate shares ("Russia" in a story about Russia) says
    nothing about which sentence answers; a rare one ("proposed") does.
    """
    n = len(candidates)
    return {t: math.log(1 + n / (1 + sum(t in c for c in candidates))) for t in query_terms}


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class AnswerComposer:
    """Turns retrieved chunks into an `Answer` whose quotes are article slices."""

    def __init__(
        self,
        data: IndexData,
        vectors: SentenceVectors,
        threshold: float | None = None,
        max_citations: int = 3,
        reading: ReadingHead | None | str = "shipped",
        reranker: Reranker | None | str = "shipped",
    ) -> None:
        self.data = data
        self.vectors = vectors
        self.threshold = calibrated_threshold() if threshold is None else threshold
        self.max_citations = max_citations
        # the veto of assistant.answer.reading: None answers with the threshold and constraint rule alone
        self.reading = shipped_head() if reading == "shipped" else reading
        # assistant.answer.rerank: None keeps the composer's own order
        self.reranker = shipped_reranker() if reranker == "shipped" else reranker
        self.relation = RelationCheck(vectors.embedder)  # remembers the predicates' vectors across questions

    def candidates(self, hits: Iterable[ChunkHit]) -> list[int]:
        rows: list[int] = []
        for hit in hits:
            _, first, last = self.data.chunks[hit.row]
            rows.extend(range(int(first), int(last) + 1))
        return list(dict.fromkeys(rows))[:MAX_CANDIDATES]

    def score(
        self, query: str, query_vector: np.ndarray, rows: list[int], question: str | None = None
    ) -> list[ScoredSentence]:
        """Every candidate sentence scored against the question, best first.

        When a follow-up was rewritten (`query` differs from the user's own
        `question`), the user's own words weigh double in the keyword overlap:
        in "What did he say about elections?" the focus is elections, and the
        name standing in for "he" is context.
        """
        texts = {row: self.data.sentence_text(row) for row in rows}
        rows = [row for row in rows if not asks_a_question(texts[row])]
        if not rows:
            return []
        query_terms = frozenset(terms(query))
        cosines = self.vectors.get(rows) @ query_vector
        sentence_terms = [frozenset(terms(texts[row])) for row in rows]
        weights = local_idf(query_terms, sentence_terms)
        own_terms: frozenset[str] = frozenset()
        if question is not None and question != query:
            focus = set(terms(question))
            weights = {t: w * (FOCUS_BOOST if t in focus else 1.0) for t, w in weights.items()}
            own = own_part(query)
            own_terms = frozenset(terms(own)) if own != query else frozenset()
        own_weights = local_idf(own_terms, sentence_terms) if own_terms else {}
        scored = []
        for row, cosine, these_terms in zip(rows, cosines, sentence_terms):
            doc, start, end = (int(v) for v in self.data.sentences[row])
            overlap = keyword_overlap(query_terms, these_terms, weights)
            if own_terms:  # "What did they reaffirm? (Who met King Salman?)": all of "reaffirm" counts
                overlap = max(overlap, keyword_overlap(own_terms, these_terms, own_weights))
            score = DENSE_WEIGHT * float(cosine) + (1 - DENSE_WEIGHT) * overlap
            scored.append(ScoredSentence(row, doc, start, end, score, float(cosine), overlap, these_terms))
        return sorted(scored, key=lambda s: -s.score)

    def same_statement(self, a: ScoredSentence, b: ScoredSentence) -> bool:
        """Alike in words or meaning, and agreeing on figures, dates and names (assistant.outlets.conflicts.detect.claims_agree)."""
        if jaccard(a.terms, b.terms) < SAME_STATEMENT_JACCARD:
            va, vb = self.vectors.get([a.row, b.row])
            if float(va @ vb) < SAME_STATEMENT_COSINE:
                return False
        text_a, text_b = self.data.sentence_text(a.row), self.data.sentence_text(b.row)
        return claims_agree(Statement(text_a, terms=a.terms), Statement(text_b, terms=b.terms))

    def compose(self, found: Retrieval) -> Answer:
        """A "this week" question is answered from that week's articles when one of them answers
        (`found.recent_hits`, assistant.answer.recency), else from all the hits."""
        if found.recent_hits:
            answer = self.compose_from(found, found.recent_hits)
            if not answer.abstained:
                return answer
        return self.compose_from(found, found.hits)

    def evidence_scored(self, found: Retrieval) -> list[ScoredSentence]:
        """The candidate sentences an LLM reads, best first: a "this week" question's week when one
        of its sentences clears the threshold, else all the hits'."""
        if found.recent_hits:
            recent = self.score(found.query, found.query_vector, self.candidates(found.recent_hits), found.question)
            if recent and recent[0].score >= self.threshold:
                return recent
        return self.score(found.query, found.query_vector, self.candidates(found.hits), found.question)

    def compose_from(self, found: Retrieval, hits: list[ChunkHit]) -> Answer:
        """`avoid`: (doc_id, start, end) of what the conversation already quoted; a follow-up gets new
        sentences when one clears the threshold, and the earlier ones only when nothing new does."""
        question, query, avoid = found.question, found.query, found.avoid
        scored = self.score(query, found.query_vector, self.candidates(hits), question)
        if avoid:
            fresh = [s for s in scored if not quoted_before(self.data.articles[s.doc].doc_id, s, avoid)]
            if fresh and fresh[0].score >= self.threshold:
                scored = fresh
        scored = self.rerank(query, scored)
        choice = self.choose(found, scored)
        if isinstance(choice, Answer):
            return choice
        first, alignment = choice
        best = first.score
        if self.reading is not None and not self.reading.answers(query, self.data.sentence_text(first.row), self.candidate_scores(scored, first)):
            return Answer(question, abstention_text(found.scope), True, [], query, scored[0].score)
        floor = max(self.threshold, best - SECOND_CITATION_MARGIN)
        citations: list[Citation] = []
        used: set[int] = set()
        for sentence in scored:
            if len(citations) == self.max_citations or sentence.score < floor:
                break
            if sentence.row in used or alignment.unmet(sentence.row):
                continue
            group = [
                other
                for other in scored
                if other.row not in used and other.row != sentence.row and self.same_statement(sentence, other)
            ]
            used.update([sentence.row, *(o.row for o in group)])
            citations.append(self.citation(sentence, group))
        return Answer(question, answer_text(citations), False, citations, query, best)

    def rerank(self, query: str, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """Near-ties first in the re-ranker's order (score + weight x logit); the rest as scored.

        Only candidates above the abstention threshold move, so the first sentence clears it
        exactly when the composer's best does, and every moved one scores within `margin` of it.
        """
        if self.reranker is None or len(scored) < 2:
            return scored
        plan = self.reranker.combination
        floor = max(self.threshold, scored[0].score - plan.margin)
        close = [s for s in scored[: plan.top] if s.score >= floor]
        if len(close) < 2:
            return scored
        logits = self.reranker.logits(query, [self.data.sentence_text(s.row) for s in close])
        order = sorted(range(len(close)), key=lambda i: -(close[i].score + plan.weight * logits[i]))
        moved = {s.row for s in close}
        return [close[i] for i in order] + [s for s in scored if s.row not in moved]

    def choose(self, found: Retrieval, scored: list[ScoredSentence]) -> Answer | tuple[ScoredSentence, Alignment]:
        """The best sentence that aligns with the question (with the alignment, which judges the further
        citations), or an abstention that shows the near miss."""
        question, query = found.question, found.query
        best = max((s.score for s in scored), default=0.0)
        alignment = self.alignment(question)
        judged = [s for s in scored if s.score >= self.threshold - NEAR_MISS_MARGIN][:MAX_JUDGED]
        alignment.read_ahead([s.row for s in judged[:READ_AHEAD]])
        first = next((s for s in judged if s.score >= self.threshold and not alignment.unmet(s.row)), None)
        if first is not None:
            return first, alignment
        near = next(((s, alignment.unmet(s.row)[0]) for s in judged if is_near_miss(alignment.unmet(s.row))), None)
        if near is None:
            unmet = alignment.unmet(scored[0].row) if scored and best >= self.threshold else []
            return Answer(question, abstention_text(found.scope, unmet), True, [], query, best)
        sentence, verdict = near
        miss = NearMiss(self.citation(sentence, []), verdict.asked, verdict.found, verdict.role)
        return Answer(question, near_miss_text(found.scope, miss), True, [], query, best, near_miss=miss)

    def alignment(self, question: str) -> Alignment:
        """The chain of checks for one question (assistant.answer.alignment)."""
        near = Neighbourhoods(self.data, question_constraints(question), wanted_answer(question))
        return Alignment.standard(self.data, analyse(question), near, self.relation)

    def about_the_same(self, alignment: Alignment, doc_id: str, start: int) -> bool:
        """Whether the sentence of article `doc_id` starting at `start` is about whose thing the question names
        (its possessor met): a side of a disagreement may say the opposite ("rejected" / "did not refuse"),
        but not of someone else ("Russia's minister" for "Syria's minister")."""
        row = sentence_row(self.data, doc_id, start)
        return row is not None and not any(v.check == "possessor" for v in alignment.unmet(row))

    @staticmethod
    def candidate_scores(scored: list[ScoredSentence], sentence: ScoredSentence) -> CandidateScores:
        """The composer's view of `sentence` among `scored` (rank and gap by score, whatever the re-ranker's order), as the reading head reads it."""
        rank = sum(s.score > sentence.score for s in scored)
        best = max(s.score for s in scored)
        return CandidateScores(sentence.score, sentence.cosine, sentence.overlap, rank, best - sentence.score)

    def compose_stream(self, found: Retrieval, stream: bool = True) -> Iterator[str | Answer]:
        """Nothing to stream: the answer is the articles' own sentences, whole."""
        yield self.compose(found)

    def citation(self, sentence: ScoredSentence, same: list[ScoredSentence]) -> Citation:
        article = self.data.articles[sentence.doc]
        also_in = [
            SourceRef(
                outlet=self.data.articles[o.doc].outlet_name,
                doc_id=self.data.articles[o.doc].doc_id,
                path=self.data.articles[o.doc].path,
                quote=self.data.articles[o.doc].text[o.start : o.end],
                start=o.start,
                end=o.end,
            )
            for o in same
            if o.doc != sentence.doc
        ]
        return make_citation(article, sentence.start, sentence.end, sentence.score, also_in)


def quoted_before(doc_id: str, sentence: ScoredSentence, avoid: frozenset[tuple[str, int, int]]) -> bool:
    """Whether the sentence lies inside a quote given before (a quote may span two sentences)."""
    return any(doc == doc_id and start <= sentence.start and sentence.end <= end for doc, start, end in avoid)


def make_citation(article: Article, start: int, end: int, score: float, also_in: list[SourceRef] | None = None) -> Citation:
    return Citation(
        outlet=article.outlet_name,
        title=article.title,
        url=article.url,
        published=article.published,
        doc_id=article.doc_id,
        path=article.path,
        quote=article.text[start:end],
        start=start,
        end=end,
        score=round(score, 4),
        also_in=also_in or [],
    )


def answer_text(citations: list[Citation]) -> str:
    """Readable who-says-what lines, one per cited statement."""
    lines = []
    for citation in citations:
        who = source_label(citation.outlet, citation.doc_id, capital=True)
        own = source_label(citation.outlet, citation.doc_id)
        # another article of the citation's own outlet is not a second outlet reporting it (issue 24)
        others = [o for o in dict.fromkeys(source_label(ref.outlet, ref.doc_id) for ref in citation.also_in) if o != own]
        also = f" (also reported by {', '.join(others)})" if others else ""
        verb = "says" if who.startswith("An article") else "reports"
        lines.append(f'{who}{also} {verb}: "{citation.quote}"')
    return "\n".join(lines)

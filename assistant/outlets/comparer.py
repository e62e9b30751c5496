"""Who says what: the per-outlet view of a question, corroboration and disagreement.

`Comparer.compare(question)` gives every outlet its own chance: the index is
searched once per outlet (the retriever's outlet filter), not only for the
overall best chunks, so a short article from a small outlet is not crowded
out. Its sentences are scored with the composer's own scoring, and an outlet
addresses the question when its best sentence clears the composer's
abstention threshold and comes close to the best sentence of any outlet;
the others are listed as silent.

From the relevant sentences of all outlets it then builds:

- statement groups: the same statement in several outlets (the same
  quotation, the same sentence, or the same fact in other words), with the
  number of distinct outlets; syndicated copies of one wire story count once;
- conflicts: pairs the detector in `assistant.outlets.conflicts.detect` flags, gathered
  into disagreements with two (or more) sides, each side quoted with its
  outlets.

Each article whose outlet is unknown is its own source: two such articles
are not assumed to come from the same publisher.

`annotate(answer, ...)` applies the same to an `Answer` from the composer:
speakers on its citations, corroborating outlets in `also_in` and
`outlet_count`, `Answer.conflicts`, and a first line that says plainly that
the outlets disagree instead of picking one side.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from assistant.outlets import framing
from assistant.outlets.speakers import Attributor
from assistant.answer.extractive import AnswerComposer, ScoredSentence, answer_text, jaccard, make_citation
from assistant.outlets.conflicts.detect import EVENTS, POLARITY_CLASSES, Finding, Statement, claims_agree, detect
from assistant.embed.embedding import Embedder
from assistant.index.bm25 import terms
from assistant.answer.retrieval import HybridRetriever, reciprocal_rank_fusion
from assistant.index.store import IndexData
from assistant.outlets.syndication import WireCopies, WireGroup, find_copies
from assistant.model import UNKNOWN_OUTLET, Answer, Citation, Conflict, ConflictSide, SourceRef

PER_OUTLET_CHUNKS = 4  # chunks retrieved for each outlet
WIDE_CHUNKS = 30  # chunks retrieved over all outlets (finds the unknown-outlet articles that matter)
MAX_OUTLETS_SEARCHED = 16  # outlets searched one by one; beyond, only the wide search speaks for them
CACHED_DOCS = 512  # articles whose speaker finder (and sets of copies) stay cached
COPY_JACCARD = 0.6  # wire copies repeat their sentences: only articles with such a pooled sentence are compared
DEEP_K = 1000  # large (IVF) collections: each outlet's chunks come from one search this deep, not one search each
RELEVANCE_MARGIN = 0.4  # an outlet addresses the question when its best sentence is within this of the best
QUOTE_MARGIN = 0.1  # further quotes of an outlet must score within this of its best
QUOTES_PER_OUTLET = 3
POOL_PER_OUTLET = 8  # sentences per outlet compared for corroboration and conflicts
POOL_SLACK = 0.1  # pooled sentences may score this much under the abstention threshold
POOL_TOTAL = 48  # and at most this many in all (pairs grow with the square)
CONFLICT_FOCUS = 0.4  # one side of a conflict must be within this of the best sentence overall
SAME_FACT_COSINE = 0.6  # "the same fact in other words": cosine, with a shared date or figure
PARAPHRASE_COSINE = 0.8  # or this cosine with shared content words
SAME_QUOTE_SHARE = 0.6  # share of quoted words two quotations have in common
RARE_SHARE = 0.05  # a word in at most this share of the candidate sentences is "rare"
EXTENSION_MARGIN = 0.15  # a group may take in another outlet's sentence scoring this much under the threshold
REPORTED_CLAIM = re.compile(
    r"^(?:It|This) (?:was|had been|has been) (?:\w+ )?(?:reported|claimed|rumou?red|speculated|suggested|alleged)\b", re.I
)


@dataclass
class Source:
    """An outlet, or one article whose outlet is unknown."""

    key: str
    label: str
    outlet: str
    docs: list[int]


@dataclass
class Scored:
    """A relevant sentence with its source, citation and what the conflict detector needs."""

    sentence: ScoredSentence
    source: Source
    citation: Citation
    statement: Statement


@dataclass
class OutletView:
    """What one outlet says on the question: its most relevant quotes."""

    outlet: str
    doc_ids: list[str]  # its articles that address the question, best first (not all its articles)
    best_score: float
    quotes: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "outlet": self.outlet,
            "doc_ids": self.doc_ids,
            "best_score": round(self.best_score, 4),
            "quotes": [q.to_dict() for q in self.quotes],
        }


@dataclass
class StatementGroup:
    """One statement as several outlets report it (a citation per outlet, best first)."""

    citations: list[Citation]
    outlets: list[str]
    outlet_count: int  # distinct outlets, a wire story's copies counted once
    syndicated: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "outlets": self.outlets,
            "outlet_count": self.outlet_count,
            "syndicated": self.syndicated,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass
class Comparison:
    """`bot.compare(question)`: the per-outlet view, what is corroborated, and where outlets disagree."""

    question: str
    outlets: list[OutletView] = field(default_factory=list)  # outlets that address the question, best first
    silent: list[str] = field(default_factory=list)  # outlets that do not
    statements: list[StatementGroup] = field(default_factory=list)  # corroborated statements first
    conflicts: list[Conflict] = field(default_factory=list)
    wire_copies: list[WireGroup] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "outlets": [o.to_dict() for o in self.outlets],
            "silent": self.silent,
            "statements": [s.to_dict() for s in self.statements],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "wire_copies": [w.to_dict() for w in self.wire_copies],
        }


def source_label(outlet: str, doc_id: str) -> str:
    return f"an article from an unknown outlet ({doc_id})" if outlet == UNKNOWN_OUTLET else outlet


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


class Comparer:
    """Builds comparisons over one consistent snapshot of the index."""

    def __init__(self, data: IndexData, retriever: HybridRetriever, composer: AnswerComposer, embedder: Embedder) -> None:
        self.data = data
        self.retriever = retriever
        self.composer = composer
        self.embedder = embedder
        self._attributors: OrderedDict[int, Attributor] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._copies: dict[tuple[str, ...], WireCopies] = {}
        bounds = np.searchsorted(data.sentences[:, 0], np.arange(len(data.articles) + 1)) if len(data.sentences) else None
        self._sentence_bounds = bounds
        self._chunk_bounds = np.searchsorted(data.chunks[:, 0], np.arange(len(data.articles) + 1))
        codes, outlet_of_doc = data.outlet_codes
        order = np.argsort(outlet_of_doc, kind="stable")
        groups = np.split(order, np.searchsorted(outlet_of_doc[order], np.arange(1, len(codes))))
        # casefolded outlet name -> its articles in index order (outlets in order of first appearance)
        self._docs_of_outlet: dict[str, list[int]] = {key: groups[code].tolist() for key, code in codes.items()}
        chunks_per_doc = np.diff(self._chunk_bounds)
        self._chunks_of_outlet = {key: int(chunks_per_doc[docs].sum()) for key, docs in self._docs_of_outlet.items()}
        self.deep_search = not data.searcher.exact  # see _deep_rankings

    # --- searching ----------------------------------------------------------------------------------

    def sources(self, outlets: Iterable[str] | None, hit_docs: set[int]) -> list[Source]:
        """Outlets (filtered), plus each unknown-outlet article the wide search reached."""
        wanted = {o.casefold() for o in outlets} if outlets else None
        known: list[Source] = []
        unknown: list[Source] = []
        for key, docs in self._docs_of_outlet.items():
            if wanted is not None and key not in wanted:
                continue
            name = self.data.articles[docs[0]].outlet_name
            if name != UNKNOWN_OUTLET:
                known.append(Source(key, name, name, list(docs)))
                continue
            small = len(self.data.articles) <= WIDE_CHUNKS
            for doc in docs if small else sorted(d for d in hit_docs if self.data.articles[d].outlet_name == UNKNOWN_OUTLET):
                doc_id = self.data.articles[doc].doc_id
                unknown.append(Source(f"doc:{doc_id}", source_label(name, doc_id), name, [doc]))
        return known + unknown

    def source_key(self, doc: int) -> str:
        article = self.data.articles[doc]
        return f"doc:{article.doc_id}" if article.outlet_name == UNKNOWN_OUTLET else article.outlet_name.casefold()

    def _sources_of_docs(self, sources: list[Source], docs: set[int]) -> dict[int, Source]:
        """The source of each of `docs` among `sources` (a large outlet has thousands of articles: map only these)."""
        by_key = {source.key: source for source in sources}
        found = {doc: by_key.get(self.source_key(doc)) for doc in docs}
        return {doc: source for doc, source in found.items() if source is not None}

    def chunk_count(self, source: Source) -> int:
        if source.key in self._chunks_of_outlet:
            return self._chunks_of_outlet[source.key]
        return int(sum(self._chunk_bounds[d + 1] - self._chunk_bounds[d] for d in source.docs))

    def _chunk_mask(self, docs: Sequence[int]) -> np.ndarray:
        allowed = np.zeros(len(self.data.articles), dtype=bool)
        allowed[list(docs)] = True
        return allowed[self.data.chunks[:, 0]] if len(self.data.chunks) else np.zeros(0, dtype=bool)

    def _search(self, query: str, query_vector: np.ndarray, docs: Sequence[int] | None, k: int) -> list[int]:
        mask = self._chunk_mask(docs) if docs is not None else None
        dense = self.retriever.dense(query_vector, max(k, self.retriever.dense_k if docs is None else k * 2), mask)
        lexical = self.retriever.lexical(query, max(k, self.retriever.lexical_k if docs is None else k * 2), mask)
        return [row for row, _ in reciprocal_rank_fusion([dense, lexical])[:k]]

    def _deep_rankings(self, query: str, query_vector: np.ndarray) -> tuple[list[int], list[int]]:
        """The question's DEEP_K nearest chunks by each ranking, searched once for every outlet.

        In a large collection a filtered search per outlet probes many IVF cells and scans long
        posting lists (tens of ms for 16 outlets). An outlet with no chunk this deep counts as
        silent on the question.
        """
        return self.retriever.dense(query_vector, DEEP_K, None), self.retriever.lexical(query, DEEP_K, None)

    def _best_of(self, deep: tuple[list[int], list[int]], docs: Sequence[int], k: int) -> list[int]:
        """Top k chunks of `docs` among the deep rankings, fused as `_search` fuses its own."""
        wanted = set(docs)
        doc_of_chunk = self.data.chunks[:, 0]
        rankings = [[row for row in ranking if int(doc_of_chunk[row]) in wanted][: k * 2] for ranking in deep]
        return [row for row, _ in reciprocal_rank_fusion(rankings)[:k]]

    def _sentences_of_chunks(self, chunk_rows: Iterable[int]) -> list[int]:
        rows: list[int] = []
        for chunk in chunk_rows:
            _, first, last = self.data.chunks[chunk]
            rows.extend(range(int(first), int(last) + 1))
        return rows

    # --- building blocks ----------------------------------------------------------------------------

    def attributor(self, doc: int) -> Attributor:
        """The article's speaker finder, kept for the most recently used articles only (an archive has thousands)."""
        with self._cache_lock:
            found = self._attributors.get(doc)
        if found is None:
            start, end = int(self._sentence_bounds[doc]), int(self._sentence_bounds[doc + 1])
            spans = [(int(s), int(e)) for _, s, e in self.data.sentences[start:end]]
            found = Attributor(self.data.articles[doc].text, spans)
        with self._cache_lock:
            self._attributors[doc] = found
            self._attributors.move_to_end(doc)
            while len(self._attributors) > CACHED_DOCS:
                self._attributors.popitem(last=False)
        return found

    def speaker(self, doc: int, start: int, end: int) -> str | None:
        return self.attributor(doc).speaker(start, end)

    def citation(self, sentence: ScoredSentence) -> Citation:
        article = self.data.articles[sentence.doc]
        citation = make_citation(article, sentence.start, sentence.end, sentence.score)
        citation.speaker = self.speaker(sentence.doc, sentence.start, sentence.end)
        return citation

    def wire_copies(self, docs: Iterable[int], label: dict[str, str]) -> WireCopies:
        articles = [self.data.articles[d] for d in sorted(set(docs))]
        if len(articles) < 2:
            return WireCopies()
        key = tuple(a.doc_id for a in articles)
        with self._cache_lock:
            found = self._copies.get(key)
        if found is None:
            found = find_copies(articles, label)
            with self._cache_lock:
                self._copies[key] = found
                while len(self._copies) > CACHED_DOCS:
                    self._copies.pop(next(iter(self._copies)))
        return found

    # --- the comparison -----------------------------------------------------------------------------

    def compare(self, question: str, outlets: Iterable[str] | None = None, query: str | None = None) -> Comparison:
        question = question.strip()
        if not question:
            raise ValueError("The question is empty.")
        query = query or question
        query_vector = self.embedder.embed_query(query)
        return self.compare_vector(question, query, query_vector, outlets)

    def compare_vector(
        self, question: str, query: str, query_vector: np.ndarray, outlets: Iterable[str] | None = None
    ) -> Comparison:
        outlets = list(outlets) if outlets else None
        allowed = None
        if outlets:
            wanted = {o.casefold() for o in outlets}
            allowed = sorted(d for key in wanted for d in self._docs_of_outlet.get(key, []))
        wide = self._search(query, query_vector, allowed, WIDE_CHUNKS) if len(self.data.chunks) else []
        hit_docs = {int(self.data.chunks[row][0]) for row in wide}
        sources = self.sources(outlets, hit_docs)
        chunk_rows = list(wide)
        hit_keys = {self.source_key(doc) for doc in hit_docs}
        deep = self._deep_rankings(query, query_vector) if self.deep_search and len(self.data.chunks) else None
        for source in sorted(sources, key=lambda s: s.key not in hit_keys)[:MAX_OUTLETS_SEARCHED]:
            if self.chunk_count(source) <= 2 * PER_OUTLET_CHUNKS:  # a short article: read all of it
                chunk_rows.extend(int(row) for d in source.docs for row in range(self._chunk_bounds[d], self._chunk_bounds[d + 1]))
            elif deep is not None:
                chunk_rows.extend(self._best_of(deep, source.docs, PER_OUTLET_CHUNKS))
            else:
                chunk_rows.extend(self._search(query, query_vector, source.docs, PER_OUTLET_CHUNKS))
        rows = list(dict.fromkeys(self._sentences_of_chunks(dict.fromkeys(chunk_rows))))
        scored = self.composer.score(query, query_vector, rows)
        return self._assemble(question, sources, scored)

    def _assemble(self, question: str, sources: list[Source], scored: list[ScoredSentence]) -> Comparison:
        comparison = Comparison(question)
        source_of_doc = self._sources_of_docs(sources, {sentence.doc for sentence in scored})
        by_source: dict[str, list[ScoredSentence]] = {}
        for sentence in scored:
            source = source_of_doc.get(sentence.doc)
            if source is not None:
                by_source.setdefault(source.key, []).append(sentence)
        best = max((s.score for s in scored if s.doc in source_of_doc), default=0.0)
        threshold = self.composer.threshold
        relevance = max(threshold, best - RELEVANCE_MARGIN)
        pool: list[Scored] = []
        addressing: list[tuple[float, OutletView, Source]] = []
        for source in sources:
            sentences = by_source.get(source.key, [])
            top = sentences[0].score if sentences else 0.0
            if top < relevance:
                comparison.silent.append(source.label)
                continue
            addressing_docs = dict.fromkeys(self.data.articles[s.doc].doc_id for s in sentences if s.score >= relevance)
            view = OutletView(source.label, list(addressing_docs), top)
            floor = max(relevance, top - QUOTE_MARGIN)
            for sentence in sentences:
                if len(view.quotes) == QUOTES_PER_OUTLET or sentence.score < floor:
                    break
                if any(jaccard(sentence.terms, frozenset(terms(q.quote))) >= 0.6 for q in view.quotes):
                    continue
                view.quotes.append(self.citation(sentence))
            addressing.append((top, view, source))
            for sentence in [s for s in sentences if s.score >= threshold - POOL_SLACK][:POOL_PER_OUTLET]:
                citation = self.citation(sentence)
                pool.append(Scored(sentence, source, citation, Statement(citation.quote, None, sentence.terms, citation.speaker)))
        comparison.outlets = [view for _, view, _ in sorted(addressing, key=lambda item: -item[0])]
        frequency: dict[str, int] = {}
        for sentence in scored:
            for term in sentence.terms:
                frequency[term] = frequency.get(term, 0) + 1
        rare = frozenset(t for t, n in frequency.items() if n <= max(2, RARE_SHARE * len(scored)))
        pool = sorted(pool, key=lambda p: -p.sentence.score)[:POOL_TOTAL]
        if pool:
            vectors = self.composer.vectors.get([p.sentence.row for p in pool])
            for item, vector in zip(pool, vectors):
                item.statement.vector = vector
        label = {self.data.articles[p.sentence.doc].doc_id: p.source.label for p in pool}
        copies = self.wire_copies(copy_candidates(pool), label)
        comparison.wire_copies = copies.groups
        comparison.conflicts = self.conflicts(pool, copies, best, question)
        if framing.asks_for_description(question):
            described = [
                Scored(s, source_of_doc[s.doc], self.citation(s), Statement(""))
                for s in scored
                if s.doc in source_of_doc and source_of_doc[s.doc].label not in comparison.silent
            ]
            comparison.conflicts.extend(self.framing_conflicts(question, described))
        extra = [
            s for s in scored
            if s.doc in source_of_doc and s.score >= threshold - EXTENSION_MARGIN and source_of_doc[s.doc].label not in comparison.silent
        ]
        comparison.statements = self.statement_groups(pool, copies, comparison.conflicts, extra, source_of_doc, rare)
        comparison.text = comparison_text(comparison)
        return comparison

    # --- corroboration ------------------------------------------------------------------------------

    def same_statement(self, a: Scored, b: Scored, rare: frozenset[str] = frozenset()) -> bool:
        """The same quotation, the same sentence, or the same fact in other words; never two
        sentences whose figures, dates or names differ."""
        return self._alike(a, b, rare) and claims_agree(a.statement, b.statement)

    def _alike(self, a: Scored, b: Scored, rare: frozenset[str]) -> bool:
        quotes_a, quotes_b = _quotations(a.citation.quote), _quotations(b.citation.quote)
        if any(len(x & y) >= SAME_QUOTE_SHARE * min(len(x), len(y)) for x in quotes_a for y in quotes_b if x and y):
            return True
        if jaccard(a.sentence.terms, b.sentence.terms) >= 0.6:
            return True
        cosine = float(a.statement.vector @ b.statement.vector)
        shared = a.sentence.terms & b.sentence.terms
        if cosine >= PARAPHRASE_COSINE and len(shared) >= 3:
            return True
        if cosine < SAME_FACT_COSINE or len(shared) < 3:
            return False
        # The same fact in other words: a shared figure or date, or two words the other sentences rarely use.
        return _shared_fact(a.citation.quote, b.citation.quote) or len(shared & rare) >= 2

    def statement_groups(
        self,
        pool: list[Scored],
        copies: WireCopies,
        conflicts: list[Conflict],
        extra: list[ScoredSentence] = (),
        source_of_doc: dict[int, Source] | None = None,
        rare: frozenset[str] = frozenset(),
    ) -> list[StatementGroup]:
        """Group the pool's statements (single link, one per outlet, never two sides of a conflict);
        then let a group take in a less relevant sentence of another outlet that says the same thing."""
        opposed = {
            frozenset({(x.doc_id, x.start), (y.doc_id, y.start)})
            for c in conflicts
            for i, side in enumerate(c.sides)
            for other in c.sides[i + 1 :]
            for x in side.citations
            for y in other.citations
        }
        groups: list[list[Scored]] = []
        for item in sorted(pool, key=lambda p: -p.sentence.score):
            for group in groups:
                if any(member.source.key == item.source.key for member in group):
                    continue
                if any(frozenset({(m.citation.doc_id, m.citation.start), (item.citation.doc_id, item.citation.start)}) in opposed for m in group):
                    continue
                if any(self.same_statement(member, item, rare) for member in group):
                    group.append(item)
                    break
            else:
                groups.append([item])
        in_pool = {p.sentence.row for p in pool}
        others = [s for s in extra if s.row not in in_pool and source_of_doc]
        if others:
            vectors = self.composer.vectors.get([s.row for s in others])
            for sentence, vector in zip(others, vectors):
                source = source_of_doc[sentence.doc]
                citation = self.citation(sentence)
                item = Scored(sentence, source, citation, Statement(citation.quote, vector, sentence.terms, citation.speaker))
                for group in groups:
                    if len(group) < 2 and not group[0].sentence.score >= max(p.sentence.score for p in pool) - RELEVANCE_MARGIN:
                        continue
                    if any(member.source.key == source.key for member in group):
                        continue
                    if any(self.same_statement(member, item, rare) for member in group):
                        group.append(item)
                        break
        result = []
        for group in groups:
            result.append(self._group(group, copies))
        result.sort(key=lambda g: (-g.outlet_count, -g.citations[0].score))
        return result

    def _group(self, group: list[Scored], copies: WireCopies) -> StatementGroup:
        counted: dict[str, str] = {}
        syndicated: list[str] = []
        for member in group:
            key = copies.key(member.citation.doc_id)
            if key in counted and counted[key] != member.source.label:
                note = f"{counted[key]} and {member.source.label} carry the same wire story (counted once)"
                syndicated.append(note)
                continue
            counted.setdefault(key, member.source.label)
        source_keys = {
            f"wire:{copies.key(m.citation.doc_id)}" if m.citation.doc_id in copies.counted_as else m.source.key for m in group
        }
        return StatementGroup([m.citation for m in group], [m.source.label for m in group], len(source_keys), syndicated)

    # --- disagreement -------------------------------------------------------------------------------

    def conflicts(self, pool: list[Scored], copies: WireCopies, best: float, question: str) -> list[Conflict]:
        """Disagreements on the question between the relevant sentences of different outlets."""
        focus = frozenset(terms(question))
        candidates = [p for p in pool if not REPORTED_CLAIM.search(p.citation.quote)]
        findings: list[tuple[Scored, Scored, Finding]] = []
        for i, a in enumerate(candidates):
            for b in candidates[i + 1 :]:
                if a.source.key == b.source.key or copies.same_story(a.citation.doc_id, b.citation.doc_id):
                    continue
                finding = detect(a.statement, b.statement, focus=focus)
                if finding and on_question(finding, question, focus):
                    findings.append((a, b, finding))
        return group_findings(findings, best)

    def framing_conflicts(self, question: str, pool: list[Scored]) -> list[Conflict]:
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


QUOTATION = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"|(?:^|\s)'([^']{12,})'(?=\s|$|[,.])")


@lru_cache(maxsize=8192)
def _quotations(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(terms(next(g for g in m.groups() if g))) for m in QUOTATION.finditer(text))


@lru_cache(maxsize=8192)
def _facts(text: str) -> set[str]:
    """Figures, days, months and years a sentence states (the 'fact' two paraphrases must share)."""
    lower = text.lower()
    found = {m.replace(",", "") for m in re.findall(r"\b\d[\d,.]*\b", lower)}
    found |= set(re.findall(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b", lower))
    found |= set(re.findall(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", lower))
    words = {"eighty": "80", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "ninety": "90"}
    found |= {words[w] for w in re.findall(r"\b(" + "|".join(words) + r")\b", lower)}
    return found


def _shared_fact(a: str, b: str) -> bool:
    return bool(_facts(a) & _facts(b))


# --- readable text --------------------------------------------------------------------------------------


def _who(citation: Citation) -> str:
    return source_label(citation.outlet, citation.doc_id)


def side_text(side: ConflictSide) -> str:
    first = side.citations[0]
    others = list(dict.fromkeys(_who(c) for c in side.citations[1:]))
    also = f" (also {', '.join(others)})" if others else ""
    return f'{_who(first)}{also} reports "{first.quote}"'


def conflict_text(conflict: Conflict) -> str:
    return f"Outlets disagree: {'; '.join(side_text(s) for s in conflict.sides)}."


def comparison_text(comparison: Comparison) -> str:
    lines = [conflict_text(c) for c in comparison.conflicts]
    for view in comparison.outlets:
        quote = view.quotes[0]
        speaker = f", quoting {quote.speaker}" if quote.speaker else ""
        lines.append(f'{_capital(view.outlet)}{speaker}: "{quote.quote}"')
    for group in comparison.statements:
        if group.outlet_count > 1:
            note = f" ({'; '.join(group.syndicated)})" if group.syndicated else ""
            lines.append(f'Reported by {group.outlet_count} outlets ({", ".join(group.outlets)}){note}: "{group.citations[0].quote}"')
    if comparison.silent:
        lines.append(f"Silent on this: {', '.join(comparison.silent)}.")
    if not comparison.outlets:
        lines.insert(0, "No outlet addresses this question.")
    return "\n".join(lines)


# --- answers ------------------------------------------------------------------------------------------


def annotate(answer: Answer, comparison: Comparison, comparer: Comparer) -> Answer:
    """Speakers, corroborating outlets and conflicts on a composed answer; the text leads with any disagreement."""
    for citation in answer.citations:
        doc = comparer.data.doc_index.get(citation.doc_id)
        if doc is not None and citation.speaker is None:
            citation.speaker = comparer.speaker(doc, citation.start, citation.end)
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


def corroborated_text(citations: list[Citation]) -> str:
    """The composer's who-says-what lines over the widened `also_in`, and a line on any wire copies."""
    text = answer_text(citations)
    return f"{text}\n{syndication_note(citations)}" if any(c.syndicated for c in citations) else text


def syndication_note(citations: list[Citation]) -> str:
    notes = list(dict.fromkeys(note for c in citations for note in c.syndicated))
    return f"({'; '.join(notes)}.)"


def _group_of(citation: Citation, comparison: Comparison) -> StatementGroup | None:
    for group in comparison.statements:
        if any(c.doc_id == citation.doc_id and c.start == citation.start for c in group.citations):
            return group
    return None


def copy_candidates(pool: list[Scored]) -> list[int]:
    """Articles with a pooled sentence that nearly repeats one of another outlet's article.

    Only these can be wire copies of each other (copies repeat their sentences, and a repeated
    sentence scores alike in both); shingling every pooled article would cost ~3 ms an article.
    """
    docs: set[int] = set()
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            if a.source.key != b.source.key and a.sentence.doc != b.sentence.doc and jaccard(a.sentence.terms, b.sentence.terms) >= COPY_JACCARD:
                docs.update((a.sentence.doc, b.sentence.doc))
    return sorted(docs)


# --- the Assistant's entry points -----------------------------------------------------------------------


def comparer_for(bot, data: IndexData | None = None) -> Comparer:
    """The comparer over `data` (default: the assistant's current index), reused while the index is unchanged."""
    from assistant.answer.extractive import SentenceVectors

    data = data if data is not None else bot.data
    cached = getattr(bot, "_comparer", None)
    if cached is None or cached.data is not data:
        composer = bot.composer if bot.data is data else AnswerComposer(data, SentenceVectors(data, bot.embedder), bot.threshold)
        cached = Comparer(data, HybridRetriever(data), composer, bot.embedder)
        bot._comparer = cached
    return cached


def review_answer(
    bot, answer: Answer, data: IndexData, query: str, query_vector: np.ndarray, outlets: Iterable[str] | None = None
) -> Answer:
    """What `Assistant.ask` does after composing: compare the outlets on the question and annotate the answer."""
    comparer = comparer_for(bot, data)
    if answer.abstained:
        return annotate(answer, Comparison(answer.question), comparer)
    comparison = comparer.compare_vector(answer.question, query, query_vector, outlets)
    return annotate(answer, comparison, comparer)


def comparison_lines(comparison: Comparison) -> list[tuple[str, bool]]:
    """The comparison for a terminal: (line, dim) pairs; quotes with their positions, speakers and counts."""

    def where(c: Citation) -> str:
        speaker = f", quoting {c.speaker}" if c.speaker else ""
        return f"{c.doc_id}[{c.start}:{c.end}]{speaker}"

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

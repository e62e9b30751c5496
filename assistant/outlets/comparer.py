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

import threading
from collections import OrderedDict
from typing import Iterable, Sequence

import numpy as np

from assistant.answer.extractive import AnswerComposer, ScoredSentence, jaccard, make_citation
from assistant.answer.retrieval import HybridRetriever, reciprocal_rank_fusion
from assistant.embed.embedding import Embedder
from assistant.index.depth import DEEP_SEARCH  # large (IVF) collections: one search this deep serves every outlet
from assistant.index.store import IndexData
from assistant.model import UNKNOWN_OUTLET, Citation, Conflict, source_label
from assistant.outlets import framing
from assistant.outlets.carriers import carried_from
from assistant.outlets.comparison import Comparison, OutletView, Scored, Source, StatementGroup
from assistant.outlets.conflicts.statement import Statement
from assistant.outlets.corroboration import copy_candidates, same_statement
from assistant.outlets.disagreements import find_conflicts, framing_conflicts
from assistant.outlets.report import comparison_text
from assistant.outlets.speakers import Attributor
from assistant.outlets.syndication import WireCopies, find_copies
from assistant.text import terms

PER_OUTLET_CHUNKS = 4  # chunks retrieved for each outlet
WIDE_CHUNKS = 30  # chunks retrieved over all outlets (finds the unknown-outlet articles that matter)
MAX_OUTLETS_SEARCHED = 16  # outlets searched one by one; beyond, only the wide search speaks for them
CACHED_DOCS = 512  # articles whose speaker finder (and sets of copies) stay cached
RELEVANCE_MARGIN = 0.4  # an outlet addresses the question when its best sentence is within this of the best
QUOTE_MARGIN = 0.1  # further quotes of an outlet must score within this of its best
QUOTES_PER_OUTLET = 3
POOL_PER_OUTLET = 8  # sentences per outlet compared for corroboration and conflicts
POOL_SLACK = 0.1  # pooled sentences may score this much under the abstention threshold
POOL_TOTAL = 48  # and at most this many in all (pairs grow with the square)
RARE_SHARE = 0.05  # a word in at most this share of the candidate sentences is "rare"
EXTENSION_MARGIN = 0.15  # a group may take in another outlet's sentence scoring this much under the threshold


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
        """The question's DEEP_SEARCH nearest chunks by each ranking, searched once for every outlet.

        In a large collection a filtered search per outlet probes many IVF cells and scans long
        posting lists (tens of ms for 16 outlets). An outlet with no chunk this deep counts as
        silent on the question.
        """
        return self.retriever.dense(query_vector, DEEP_SEARCH, None), self.retriever.lexical(query, DEEP_SEARCH, None)

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

    def speak(self, citation: Citation, doc: int) -> Citation:
        """Set the citation's speaker and the speaker's role (when the article states one), and the outlet
        the sentence says first carried the words (`via`: "told the BBC")."""
        found = self.attributor(doc).speaker_detail(citation.start, citation.end)
        citation.speaker, citation.speaker_role = (found.name, found.role) if found else (None, None)
        citation.via = carried_from(citation.quote, citation.outlet)
        return citation

    def citation(self, sentence: ScoredSentence) -> Citation:
        article = self.data.articles[sentence.doc]
        return self.speak(make_citation(article, sentence.start, sentence.end, sentence.score), sentence.doc)

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
        comparison.conflicts = find_conflicts(pool, copies, best, question)
        if framing.asks_for_description(question):
            described = [
                Scored(s, source_of_doc[s.doc], self.citation(s), Statement(""))
                for s in scored
                if s.doc in source_of_doc and source_of_doc[s.doc].label not in comparison.silent
            ]
            comparison.conflicts.extend(framing_conflicts(question, described))
        extra = [
            s for s in scored
            if s.doc in source_of_doc and s.score >= threshold - EXTENSION_MARGIN and source_of_doc[s.doc].label not in comparison.silent
        ]
        comparison.statements = self.statement_groups(pool, copies, comparison.conflicts, extra, source_of_doc, rare)
        comparison.text = comparison_text(comparison)
        return comparison

    # --- corroboration ------------------------------------------------------------------------------
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
                if any(same_statement(member, item, rare) for member in group):
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
                    if any(same_statement(member, item, rare) for member in group):
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

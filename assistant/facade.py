"""`Assistant`: the one object the CLI, the web app and Python users talk to."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

from assistant.answer.composer import Composer
from assistant.answer.conversation import Conversation
from assistant.answer.extractive import AnswerComposer, SentenceVectors
from assistant.answer.named_quote import name_what_is_asked
from assistant.answer.recency import HORIZON, horizon_articles, known_by, recent_articles, window_start
from assistant.answer.retrieval import HybridRetriever, Retrieval
from assistant.answer.short_answer import lead_with_short_answer
from assistant.embed.embedding import Embedder, question_embedder
from assistant.eval.runner import evaluate
from assistant.index.build import IndexReport, ProgressCallback, article_embedder, update_index
from assistant.index.store import IndexData, IndexSettings, load_index
from assistant.llm.call import DEFAULT_TIMEOUT as DEFAULT_LLM_TIMEOUT
from assistant.model import Answer, Article
from assistant.outlets.comparer import Comparer
from assistant.outlets.comparison import Comparison
from assistant.outlets.review import review_answer


class _Snapshot(NamedTuple):
    """One consistent state of the index and everything built over it (an upload swaps all at once)."""

    data: IndexData
    retriever: HybridRetriever
    writer: Composer  # the LLM composer when an LLM is set, else the extractive one
    comparer: Comparer


class Assistant:
    """Answers questions about an indexed set of news articles, with exact quotes."""

    def __init__(
        self,
        data: IndexData,
        index_dir: str | Path = "index",
        embedder: Embedder | None = None,
        threshold: float | None = None,
        chunks_per_question: int = 10,
        llm: Any | None = None,
        llm_timeout: float = DEFAULT_LLM_TIMEOUT,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.llm = llm  # any llama-index LLM: answers are then written by it and verified
        self.llm_timeout = llm_timeout
        self.embedder = embedder or question_embedder(data.backend)
        self.threshold = threshold
        self.chunks_per_question = chunks_per_question
        self.last_report: IndexReport | None = None
        self._lock = threading.Lock()
        self._use(data)

    def _use(self, data: IndexData) -> None:
        composer = AnswerComposer(data, SentenceVectors(data, self.embedder), self.threshold)
        retriever = HybridRetriever(data)
        writer = self._writer(composer)
        self.data, self.retriever, self.composer, self.writer = data, retriever, composer, writer
        self.comparer = Comparer(data, retriever, composer, self.embedder)  # speakers, corroboration, conflicts
        self._snapshot = _Snapshot(data, retriever, writer, self.comparer)
        self._by_id = data.doc_index

    def _writer(self, composer: AnswerComposer) -> Composer:
        """The LLM composer over `composer` when an LLM is set (it falls back to `composer`), else `composer`."""
        if self.llm is None:
            return composer
        from assistant.llm.composer import LLMComposer  # imports llama-index: only when an LLM is set

        return LLMComposer(composer, self.llm, self.llm_timeout)

    # --- building -----------------------------------------------------------------

    @classmethod
    def from_directory(
        cls,
        articles: str | Path | Sequence[str | Path],
        index_dir: str | Path = "index",
        *,
        rebuild: bool = False,
        embedder: Embedder | None = None,
        progress: ProgressCallback | None = None,
        **options,
    ) -> "Assistant":
        """Load the index in `index_dir`, (re)indexing `articles` first where they changed."""
        paths = [articles] if isinstance(articles, (str, Path)) else list(articles)
        articles_embedder = embedder or article_embedder(index_dir, rebuild)
        data, report = update_index(index_dir, paths, articles_embedder, rebuild=rebuild, progress=progress)
        assistant = cls(data, index_dir, embedder or question_embedder(data.backend, articles_embedder), **options)
        assistant.last_report = report
        return assistant

    @classmethod
    def load(cls, index_dir: str | Path = "index", **options) -> "Assistant":
        """Open a built index without looking at article files."""
        return cls(load_index(index_dir), index_dir, **options)

    def add(self, paths: Iterable[str | Path], progress: ProgressCallback | None = None) -> IndexReport:
        """Index more files (uploads) next to what is there; searchable as soon as this returns."""
        with self._lock:
            data, report = update_index(
                self.index_dir, list(paths), self.embedder, replace_sources=False, progress=progress,
                settings=IndexSettings(max_chunk_tokens=self.data.settings.max_chunk_tokens),
            )
            self._use(data)
            self.last_report = report
            return report

    # --- asking -------------------------------------------------------------------

    def ask(
        self,
        question: str,
        outlets: Iterable[str] | None = None,
        conversation: Conversation | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer from the articles' own sentences (or, with an LLM, in its verified words), or abstain.

        `as_of`: the day the question is asked (today unless told): "this week" means the week before it,
        and articles published after it are not read (undated ones are).
        """
        *_, answer = self.ask_stream(question, outlets, conversation, stream=False, as_of=as_of)
        return answer

    def ask_stream(
        self,
        question: str,
        outlets: Iterable[str] | None = None,
        conversation: Conversation | None = None,
        stream: bool = True,
        as_of: date | None = None,
    ) -> Iterator[str | Answer]:
        """Like `ask`, but yields the answer's text as it is written and verified (str pieces),
        then the final `Answer`, which replaces what was streamed. Without an LLM, only the `Answer`."""
        snapshot = self._snapshot  # one consistent snapshot, whatever an upload does meanwhile
        found = self._retrieve(snapshot, question, outlets, conversation, as_of)
        for item in snapshot.writer.compose_stream(found, stream=stream):
            yield self._finish(item, found, snapshot, conversation) if isinstance(item, Answer) else item

    def _retrieve(
        self,
        snapshot: _Snapshot,
        question: str,
        outlets: Iterable[str] | None,
        conversation: Conversation | None,
        as_of: date | None = None,
    ) -> Retrieval:
        question = question.strip()
        if not question:
            raise ValueError("The question is empty.")
        outlets = list(outlets) if outlets else None
        query = self._condense(question, conversation)
        query_vector = self.embedder.embed_query(query)
        horizon = horizon_articles(snapshot.data, query, as_of)  # "this week": not an article from years ago
        known = horizon if horizon is not None else known_by(snapshot.data, as_of)  # asked on a past day: what was published by then
        hits = snapshot.retriever.retrieve(query, query_vector, self.chunks_per_question, outlets, known)
        recent = recent_articles(snapshot.data, query, as_of)
        recent_hits = None
        if recent is not None:
            recent_hits = snapshot.retriever.retrieve(query, query_vector, self.chunks_per_question, outlets, recent)
        articles = len(snapshot.data.articles)
        scope = f"the articles from {', '.join(outlets)}" if outlets else f"the {articles} indexed articles"
        if horizon is not None and not outlets:  # "nothing in the 312 articles published since 9 June 2022 ..."
            since = window_start(query, as_of, HORIZON)
            scope = f"the {int(horizon.sum())} articles published since {since.day} {since:%B %Y} (or undated)"
        avoid = conversation.quoted() if conversation is not None and query != question else frozenset()
        return Retrieval(question, query, query_vector, hits, scope, avoid, outlets, recent_hits)

    def _finish(self, answer: Answer, found: Retrieval, snapshot: _Snapshot, conversation: Conversation | None) -> Answer:
        data = snapshot.data
        hits = (found.recent_hits or []) + found.hits  # what the composer read first: a "this week" question's week
        answer.retrieved_doc_ids = list(dict.fromkeys(data.articles[int(data.chunks[h.row][0])].doc_id for h in hits))
        answer = review_answer(snapshot.comparer, answer, found.query, found.query_vector, found.outlets)
        answer = lead_with_short_answer(answer)
        answer = name_what_is_asked(answer, data)
        if conversation is not None:
            conversation.add(found.question, answer)
        return answer

    def _condense(self, question: str, conversation: Conversation | None) -> str:
        """A follow-up as a standalone query: by the LLM when one is set, else by rules."""
        if conversation is None:
            return question
        if self.llm is None:
            return conversation.condense(question)
        from assistant.llm.condense import condense_with_llm  # imports llama-index: only when an LLM is set

        return condense_with_llm(self.llm, conversation, question, self.llm_timeout)

    def conversation(self) -> Conversation:
        return Conversation()

    def compare(self, question: str, outlets: Iterable[str] | None = None) -> Comparison:
        """Who says what: each outlet's quotes on the question, the silent outlets, what is corroborated
        and where outlets disagree."""
        return self.comparer.compare(question, outlets)

    def evaluate(self, questions, **options):
        """Score answers and citations on a question set; returns an EvalReport (`.metrics`).

        Options: format, baseline, report_dir, limit, ... (see `assistant.eval.runner.evaluate`).
        """
        return evaluate(self, questions, **options)

    # --- the collection -----------------------------------------------------------

    def article(self, doc_id: str) -> Article:
        """The indexed article, so any citation can be checked against its text."""
        try:
            return self.data.articles[self._by_id[doc_id]]
        except KeyError:
            raise KeyError(f"No article with doc_id {doc_id!r} in {self.index_dir}") from None

    @property
    def articles(self) -> list[Article]:
        return self.data.articles

    def outlets(self) -> list[str]:
        return sorted({a.outlet_name for a in self.data.articles}, key=str.casefold)

    def stats(self) -> dict:
        return {
            "articles": len(self.data.articles),
            "outlets": self.outlets(),
            "sentences": int(len(self.data.sentences)),
            "chunks": int(len(self.data.chunks)),
            "built_at": self.data.built_at,
            "backend": self.data.backend,
            "query_backend": getattr(self.embedder, "query_backend", self.data.backend),
            "backend_choice": self.data.extra.get("backend_choice"),
            "index_dir": str(self.index_dir),
        }

    # --- llama-index --------------------------------------------------------------

    def as_retriever(self, outlets: Iterable[str] | None = None):
        """A llama-index retriever whose nodes are the quotes (offsets and outlet in metadata)."""
        from assistant.llm.llamaindex import NewsCiteRetriever

        return NewsCiteRetriever(self, outlets=outlets)

    def as_query_engine(self, outlets: Iterable[str] | None = None):
        """A llama-index query engine; the response's source nodes are the citations."""
        from assistant.llm.llamaindex import NewsCiteQueryEngine

        return NewsCiteQueryEngine(self, outlets=outlets)

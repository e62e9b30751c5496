"""`Assistant`: the one object the CLI, the web app and Python users talk to."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable, Sequence

from assistant.composer import AnswerComposer, SentenceVectors
from assistant.conversation import Conversation
from assistant.embedding import Embedder, default_embedder
from assistant.indexing import IndexReport, ProgressCallback, update_index
from assistant.retrieval import HybridRetriever
from assistant.store import IndexData, IndexSettings, load_index
from assistant.types import Answer, Article


class Assistant:
    """Answers questions about an indexed set of news articles, with exact quotes."""

    def __init__(
        self,
        data: IndexData,
        index_dir: str | Path = "index",
        embedder: Embedder | None = None,
        threshold: float | None = None,
        chunks_per_question: int = 10,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder or default_embedder()
        self.threshold = threshold
        self.chunks_per_question = chunks_per_question
        self.last_report: IndexReport | None = None
        self._lock = threading.Lock()
        self._use(data)

    def _use(self, data: IndexData) -> None:
        self.data = data
        self.retriever = HybridRetriever(data)
        self.composer = AnswerComposer(data, SentenceVectors(data, self.embedder), self.threshold)
        self._by_id = data.doc_index

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
        embedder = embedder or default_embedder()
        data, report = update_index(index_dir, paths, embedder, rebuild=rebuild, progress=progress)
        assistant = cls(data, index_dir, embedder, **options)
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
    ) -> Answer:
        """Answer from the articles' own sentences, or abstain when they don't say."""
        question = question.strip()
        if not question:
            raise ValueError("The question is empty.")
        outlets = list(outlets) if outlets else None
        query = conversation.condense(question) if conversation else question
        data, retriever, composer = self.data, self.retriever, self.composer  # one consistent snapshot
        query_vector = self.embedder.embed_query(query)
        hits = retriever.retrieve(query, query_vector, k=self.chunks_per_question, outlets=outlets)
        scope = f"the articles from {', '.join(outlets)}" if outlets else f"the {len(data.articles)} indexed articles"
        answer = composer.compose(question, query, query_vector, hits, scope)
        answer.retrieved_doc_ids = list(dict.fromkeys(data.articles[int(data.chunks[h.row][0])].doc_id for h in hits))
        if conversation is not None:
            conversation.add(question, answer)
        return answer

    def conversation(self) -> Conversation:
        return Conversation()

    def evaluate(self, questions, **options):
        """Score answers and citations on a question set; returns an EvalReport (`.metrics`).

        Options: format, baseline, report_dir, limit, ... (see `assistant.evaluation.evaluate`).
        """
        from assistant.evaluation import evaluate

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
            "index_dir": str(self.index_dir),
        }

    # --- llama-index --------------------------------------------------------------

    def as_retriever(self, outlets: Iterable[str] | None = None):
        """A llama-index retriever whose nodes are the quotes (offsets and outlet in metadata)."""
        from assistant.llama import NewsCiteRetriever

        return NewsCiteRetriever(self, outlets=outlets)

    def as_query_engine(self, outlets: Iterable[str] | None = None):
        """A llama-index query engine; the response's source nodes are the citations."""
        from assistant.llama import NewsCiteQueryEngine

        return NewsCiteQueryEngine(self, outlets=outlets)

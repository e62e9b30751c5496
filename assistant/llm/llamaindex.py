"""llama-index adapters: NewsCite as a retriever, a query engine and an embedding model.

The retriever's nodes are the quotes themselves (not whole chunks), each with
the outlet, doc_id and character offsets in its metadata, so a llama-index
app gets exact, checkable citations.
"""

from __future__ import annotations

from typing import Any, Iterable

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.embed.embedding import Embedder, default_embedder
from assistant.model import Answer, Answerer, Citation


def citation_node(citation: Citation) -> NodeWithScore:
    """A citation as a llama-index node: text is the quote, offsets into the article."""
    node = TextNode(
        id_=f"{citation.doc_id}:{citation.start}-{citation.end}",
        text=citation.quote,
        start_char_idx=citation.start,
        end_char_idx=citation.end,
        metadata={
            "outlet": citation.outlet,
            "title": citation.title,
            "url": citation.url,
            "published": citation.published,
            "doc_id": citation.doc_id,
            "path": citation.path,
            "start": citation.start,
            "end": citation.end,
            "also_in": [ref.to_dict() for ref in citation.also_in],
        },
    )
    return NodeWithScore(node=node, score=citation.score)


class NewsCiteRetriever(BaseRetriever):
    """Retrieves the exact quotes that answer a query (empty when NewsCite abstains)."""

    def __init__(self, assistant: Answerer, outlets: Iterable[str] | None = None) -> None:
        super().__init__()
        self._assistant = assistant
        self._outlets = list(outlets) if outlets else None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        answer = self._assistant.ask(query_bundle.query_str, outlets=self._outlets)
        return [citation_node(c) for c in answer.citations]


class NewsCiteQueryEngine(CustomQueryEngine):
    """A query engine whose response text is the cited answer and source nodes its quotes."""

    assistant: Any
    outlets: list[str] | None = None

    def __init__(self, assistant: Answerer, outlets: Iterable[str] | None = None) -> None:
        super().__init__(assistant=assistant, outlets=list(outlets) if outlets else None)

    def custom_query(self, query_str: str) -> Response:
        answer: Answer = self.assistant.ask(query_str, outlets=self.outlets)
        return Response(
            response=answer.text,
            source_nodes=[citation_node(c) for c in answer.citations],
            metadata={"abstained": answer.abstained, "answer": answer.to_dict()},
        )


class NewsCiteEmbedding(BaseEmbedding):
    """The packaged MiniLM as a llama-index embedding model, for `Settings.embed_model`."""

    def __init__(self, embedder: Embedder | None = None, **kwargs: Any) -> None:
        embedder = embedder or default_embedder()
        super().__init__(model_name=embedder.name, embed_batch_size=16, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def use_offline_settings(embedder: Embedder | None = None) -> None:
    """Point llama-index's global Settings at local models so nothing reaches for OpenAI."""
    from llama_index.core import Settings

    Settings.embed_model = NewsCiteEmbedding(embedder)
    Settings.llm = None  # llama-index substitutes its MockLLM: no network

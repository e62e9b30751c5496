"""Group whole sentences into chunks that fit the embedding model.

llama-index's SentenceSplitter counts gpt tokens, so its chunks can overrun
MiniLM's 256 word-piece limit and lose their ends silently. This parser
counts the model's own tokens and never cuts a sentence, and each node keeps
character offsets into the original article text. A build plans the same chunks
without llama-index (assistant/ingest/chunk_plan.py, assistant/index/sentence_rows.py).
"""

from __future__ import annotations

from typing import Any, Sequence

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, Document, NodeRelationship, TextNode

from assistant.embed.embedding import TokenCounter
from assistant.ingest.chunk_plan import DEFAULT_MAX_TOKENS, ChunkPlan, plan_chunks  # noqa: F401 (ChunkPlan: imported from here too)
from assistant.ingest.sentences import split_sentences
from assistant.model import Span


class SentenceChunkParser(NodeParser):
    """llama-index node parser: sentence-aligned chunks with original offsets.

    Each node's metadata holds `sentences`, the [start, end] of every sentence
    in it, so a retriever can quote single sentences instead of whole chunks.
    """

    max_tokens: int = DEFAULT_MAX_TOKENS

    @classmethod
    def class_name(cls) -> str:
        return "NewsCiteSentenceChunkParser"

    def chunk_document(self, document: Document, counter: TokenCounter | None = None) -> list[TextNode]:
        text = document.text
        sentences = split_sentences(text)
        counts = (counter or _COUNTER).count_many([text[s.start : s.end] for s in sentences])
        nodes = []
        for plan in plan_chunks(counts, self.max_tokens):
            spans: list[Span] = sentences[plan.first : plan.last + 1]
            start, end = spans[0].start, spans[-1].end
            nodes.append(
                TextNode(
                    text=text[start:end],
                    start_char_idx=start,
                    end_char_idx=end,
                    metadata={**document.metadata, "sentences": [[s.start, s.end] for s in spans]},
                    excluded_embed_metadata_keys=list(document.metadata) + ["sentences"],
                    excluded_llm_metadata_keys=["sentences"],
                    relationships={NodeRelationship.SOURCE: document.as_related_node_info()},
                )
            )
        return nodes

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        parsed: list[BaseNode] = []
        for node in nodes:
            document = node if isinstance(node, Document) else Document(text=node.get_content(), metadata=node.metadata)
            parsed.extend(self.chunk_document(document))
        return parsed


_COUNTER = TokenCounter()

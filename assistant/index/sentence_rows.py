"""Articles into sentence rows and their vectors: the work of a build that runs the model.

Split into sentences and chunks (assistant/ingest/chunk.py), each distinct
sentence embedded once and stored as int8 (assistant/index/codes.py); an
article that cannot be split or embedded becomes a problem naming its file.
Used per shard by assistant/index/segments.py, locally or on a Ray worker.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from assistant.embed.embedding import Embedder
from assistant.embed.minilm import BATCH_SIZE
from assistant.index.articles import text_of
from assistant.index.codes import QuantizedVectors
from assistant.ingest.load import Problem, article_problem, unexpected
from assistant.model import Article

ProgressCallback = Callable[[int, int], None]  # (sentences embedded, sentences to embed)


@dataclass
class ArticleRows:
    """One article's sentences, chunks (local sentence numbers) and chunk vectors."""

    article: Article
    fingerprint: str
    sentences: np.ndarray  # (n, 2) start, end
    chunks: np.ndarray  # (m, 2) first, last (local)
    vectors: np.ndarray  # (m, dim)
    sentence_vectors: QuantizedVectors | None = None  # (n, dim); None when the index had none


def split_articles(articles: Sequence[Article], settings) -> tuple[list[tuple[Article, np.ndarray, np.ndarray, list[str]]], list[Problem]]:
    """Sentences and chunks per article; an article with no sentences is a problem."""
    from llama_index.core.schema import Document

    from assistant.ingest.chunk import SentenceChunkParser

    parser = SentenceChunkParser(max_tokens=settings.max_chunk_tokens)
    done, problems = [], []
    for article in articles:
        try:
            nodes = parser.chunk_document(Document(text=article.text, id_=article.doc_id))
        except Exception as error:  # one article never stops the others
            problems.append(article_problem(article, f"could not be split into sentences ({unexpected(error)})"))
            continue
        if not nodes:
            problems.append(article_problem(article, "no sentences found (nothing to index)"))
            continue
        sentences, chunks = [], []
        for node in nodes:
            first = len(sentences)
            sentences.extend(node.metadata["sentences"])
            chunks.append((first, len(sentences) - 1))
        done.append((article, np.array(sentences, dtype=np.int64), np.array(chunks, dtype=np.int64), [n.text for n in nodes]))
    return done, problems


EMBED_SLICE = BATCH_SIZE * 64  # texts per embed call: long enough to sort by length, short enough for progress


def embed_unique(texts: list[str], embedder: Embedder, progress: ProgressCallback | None) -> tuple[QuantizedVectors, int]:
    """int8 vectors of `texts`, each distinct text embedded once (boilerplate lines repeat across a
    newsroom's articles: 9% of sentences in 1,000 RealTime QA articles); also how many were embedded."""
    unique = list(dict.fromkeys(texts))
    vectors = embed_texts(unique, embedder, progress)
    if len(unique) == len(texts):
        return vectors, len(unique)
    position = {text: row for row, text in enumerate(unique)}
    rows = np.fromiter((position[text] for text in texts), dtype=np.int64, count=len(texts))
    return QuantizedVectors(vectors.codes[rows], vectors.scales[rows]), len(unique)


def embed_texts(texts: list[str], embedder: Embedder, progress: ProgressCallback | None) -> QuantizedVectors:
    """Vectors of `texts`, quantised slice by slice (float32 for a whole archive would take gigabytes)."""
    from tqdm import tqdm

    parts = []
    bar = tqdm(total=len(texts), unit="text", desc="Embedding", disable=not sys.stderr.isatty(), leave=False)
    with bar:
        for start in range(0, len(texts), EMBED_SLICE):
            batch = texts[start : start + EMBED_SLICE]
            parts.append(QuantizedVectors.encode(embedder.embed(batch)))
            bar.update(len(batch))
            if progress:
                progress(min(start + len(batch), len(texts)), len(texts))
    return QuantizedVectors.concat(parts, embedder.dim)


def without_unembeddable(segmented: list, embedder: Embedder) -> tuple[list, set[str], list[Problem]]:
    """The segmented articles the model can embed, article by article (only run after a batch failed);
    each one it cannot is a problem naming its file."""
    good, dropped, problems = [], set(), []
    for item in segmented:
        article, sentences = item[0], item[1]
        try:
            embedder.embed(sentence_texts(article, sentences))
        except Exception as error:
            problems.append(article_problem(article, f"could not be embedded ({unexpected(error)})"))
            dropped.add(article.doc_id)
        else:
            good.append(item)
    return good, dropped, problems


def sentence_texts(article: Article, sentences: np.ndarray) -> list[str]:
    text = text_of(article)  # an indexed article's text is read, not kept (assistant/index/articles.py)
    return [text[start:end] for start, end in sentences]

"""Articles into sentence rows and their vectors: the work of a build that runs the model.

Split into sentences and chunks (assistant/ingest/sentences.py, chunk_plan.py;
no llama-index or nltk import), every sentence tokenised once (its word pieces
plan the chunks and feed the model), each distinct sentence embedded once,
shortest first, and stored as int8 (assistant/index/codes.py); an
article that cannot be split or embedded becomes a problem naming its file.
Used per shard by assistant/index/segments.py, locally or on a Ray worker.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from assistant.embed.embedding import Embedder, TokenCounter
from assistant.embed.minilm import BATCH_SIZE
from assistant.index.articles import text_of
from assistant.index.codes import QuantizedVectors
from assistant.ingest.load import Problem, article_problem, unexpected
from assistant.model import Article

ProgressCallback = Callable[[int, int], None]  # (sentences embedded, sentences to embed)
_COUNTER = TokenCounter()  # the model's word pieces, one tokenizer per process (loaded on first use)


@dataclass
class ArticleRows:
    """One article's sentences, chunks (local sentence numbers) and chunk vectors."""

    article: Article
    fingerprint: str
    sentences: np.ndarray  # (n, 2) start, end
    chunks: np.ndarray  # (m, 2) first, last (local)
    vectors: np.ndarray  # (m, dim)
    sentence_vectors: QuantizedVectors | None = None  # (n, dim); None when the index had none


@dataclass
class SplitShard:
    """A shard's articles split into sentences and chunks, with every sentence's word pieces."""

    segmented: list[tuple[Article, np.ndarray, np.ndarray, list[str]]]  # article, sentences, chunks, chunk texts
    problems: list[Problem]
    tokens: list[list[int]]  # word pieces of every sentence of `segmented`, in order (untruncated, no [CLS]/[SEP])

    def texts(self) -> list[str]:
        return [t for article, sentences, *_ in self.segmented for t in sentence_texts(article, sentences)]



def split_shard(articles: Sequence[Article], settings) -> SplitShard:
    """Sentences (assistant/ingest/sentences.py), their word pieces (tokenised once, for the chunk plan
    and the model) and chunks (assistant/ingest/chunk_plan.py) per article; an article with no
    sentences, or one that cannot be split, is a problem naming its file. Imports no llama-index."""
    from assistant.ingest.chunk_plan import plan_chunks
    from assistant.ingest.sentences import split_sentences

    split, problems = [], []
    for article in articles:
        try:
            spans = split_sentences(article.text)
        except Exception as error:  # one article never stops the others
            problems.append(article_problem(article, f"could not be split into sentences ({unexpected(error)})"))
            continue
        if not spans:
            problems.append(article_problem(article, "no sentences found (nothing to index)"))
            continue
        split.append((article, spans))
    tokens = _COUNTER.pieces([article.text[span.start : span.end] for article, spans in split for span in spans])
    done, position = [], 0
    for article, spans in split:
        counts = [len(t) for t in tokens[position : position + len(spans)]]
        position += len(spans)
        sentences = np.array([[span.start, span.end] for span in spans], dtype=np.int64)
        chunks = np.array([[plan.first, plan.last] for plan in plan_chunks(counts, settings.max_chunk_tokens)], dtype=np.int64)
        chunk_texts = [article.text[sentences[first, 0] : sentences[last, 1]] for first, last in chunks]
        done.append((article, sentences, chunks, chunk_texts))
    return SplitShard(done, problems, tokens)


def split_articles(articles: Sequence[Article], settings) -> tuple[list[tuple[Article, np.ndarray, np.ndarray, list[str]]], list[Problem]]:
    """Sentences and chunks per article; an article with no sentences is a problem."""
    shard = split_shard(articles, settings)
    return shard.segmented, shard.problems


# Texts per embed call: long enough that most batches are full (8,192 against 1,024:
# 2% faster on the quick-bench articles), short enough for progress and a small float32 buffer.
EMBED_SLICE = BATCH_SIZE * 512


def token_embedder(embedder: Embedder):
    """The `embed_tokens` of the embedder (or of its article side), if it takes word pieces; else None."""
    for candidate in (embedder, getattr(embedder, "articles", None)):
        method = getattr(candidate, "embed_tokens", None)
        if method is not None:
            return method
    return None


def embed_unique(texts: list[str], embedder: Embedder, progress: ProgressCallback | None,
                 tokens: Sequence[Sequence[int]] | None = None) -> tuple[QuantizedVectors, int]:
    """int8 vectors of `texts`, each distinct text embedded once (boilerplate lines repeat across a
    newsroom's articles: 9% of sentences in 1,000 RealTime QA articles); also how many were embedded.
    `tokens`, the texts' word pieces when already counted, spare the embedder tokenising them again."""
    position: dict[str, int] = {}
    rows = np.fromiter((position.setdefault(text, len(position)) for text in texts), dtype=np.int64, count=len(texts))
    unique = list(position)
    unique_tokens = None
    if tokens is not None:
        _, firsts = np.unique(rows, return_index=True)  # each distinct text's first occurrence
        unique_tokens = [tokens[i] for i in firsts]
    vectors = embed_texts(unique, embedder, progress, unique_tokens)
    if len(unique) == len(texts):
        return vectors, len(unique)
    return QuantizedVectors(vectors.codes[rows], vectors.scales[rows]), len(unique)


def embed_texts(texts: list[str], embedder: Embedder, progress: ProgressCallback | None,
                tokens: Sequence[Sequence[int]] | None = None) -> QuantizedVectors:
    """Vectors of `texts`, quantised slice by slice (float32 for a whole archive would take gigabytes).

    With an embedder that takes word pieces (assistant/embed/onnx_embedder.py), the texts are
    embedded shortest first across the whole call, so each model batch holds texts of (nearly) one
    length (assistant/embed/batching.py), and each text is tokenised once."""
    from tqdm import tqdm

    by_tokens = token_embedder(embedder)
    bar = tqdm(total=len(texts), unit="text", desc="Embedding", disable=not sys.stderr.isatty(), leave=False)
    if by_tokens is None:
        parts = []
        with bar:
            for start in range(0, len(texts), EMBED_SLICE):
                batch = texts[start : start + EMBED_SLICE]
                parts.append(QuantizedVectors.encode(embedder.embed(batch)))
                bar.update(len(batch))
                if progress:
                    progress(min(start + len(batch), len(texts)), len(texts))
        return QuantizedVectors.concat(parts, embedder.dim)
    if tokens is None:
        tokens = _COUNTER.pieces(texts)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    order = np.argsort(lengths, kind="stable")
    codes = np.zeros((len(texts), embedder.dim), dtype=np.int8)
    scales = np.zeros(len(texts), dtype=np.float32)
    with bar:
        for start in range(0, len(texts), EMBED_SLICE):
            rows = order[start : start + EMBED_SLICE]
            part = QuantizedVectors.encode(by_tokens([tokens[i] for i in rows]))
            codes[rows], scales[rows] = part.codes, part.scales
            bar.update(len(rows))
            if progress:
                progress(min(start + len(rows), len(texts)), len(texts))
    return QuantizedVectors(codes, scales)


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

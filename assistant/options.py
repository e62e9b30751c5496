"""One way to open an assistant from options: the CLI, `newscite eval`, bench scripts and app.py all use it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from assistant.embed.embedding import Embedder, question_embedder
from assistant.eval.questions import QuestionSet
from assistant.facade import Assistant
from assistant.index.build import ProgressCallback, article_embedder, update_index
from assistant.index.store import IndexMismatchError, NewsCiteIndexError
from assistant.ingest.load import LoadResult
from assistant.llm.call import DEFAULT_TIMEOUT
from assistant.llm.specs import LLMSpecError, llm_from_spec


class CannotOpen(Exception):
    """The index or the LLM named in the options cannot be used; the message says why, for the user."""


@dataclass(frozen=True)
class AssistantOptions:
    """How to open an assistant: its index, the articles to sync into it first, and the LLM that writes answers."""

    index_dir: Path = Path("index")
    articles: Sequence[Path] = ()  # folders or files indexed first (only changes are embedded); none: open as built
    llm: str | None = None  # ollama:MODEL or openai-like:URL
    llm_timeout: float = DEFAULT_TIMEOUT
    progress: ProgressCallback | None = None  # while embedding articles


def make_llm(spec: str | None, timeout: float = DEFAULT_TIMEOUT) -> Any | None:
    """The LLM a --llm spec names (None without one), also set as llama-index's Settings.llm.

    Raises `LLMSpecError` for a spec it cannot use."""
    if not spec:
        return None
    from llama_index.core import Settings  # heavy: only when an LLM is asked for

    llm = llm_from_spec(spec, timeout)
    Settings.llm = llm  # explicit, so no llama-index component reaches for OpenAI
    return llm


def open_assistant(options: AssistantOptions) -> Assistant:
    """Load the index (syncing `options.articles` into it first when given); `CannotOpen` says why not."""
    try:
        llm = make_llm(options.llm, options.llm_timeout)
        if options.articles:
            return Assistant.from_directory(
                list(options.articles), index_dir=options.index_dir, llm=llm, llm_timeout=options.llm_timeout,
                progress=options.progress,
            )
        return Assistant.load(options.index_dir, llm=llm, llm_timeout=options.llm_timeout)
    except (LLMSpecError, NewsCiteIndexError) as error:
        raise CannotOpen(str(error)) from error


def assistant_for(
    question_set: QuestionSet,
    index_dir: str | Path,
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assistant:
    """An Assistant over exactly the question set's own articles (SQuAD paragraphs, RealTime QA news)."""
    if question_set.articles is None:
        raise ValueError(f"{question_set.source}: this question set brings no articles; index them yourself")
    articles_embedder = embedder or article_embedder(index_dir)  # a cached index keeps its own backend where native
    sources = sorted({a.source or question_set.source for a in question_set.articles})
    loaded = LoadResult(articles=list(question_set.articles))
    try:
        data, report = update_index(index_dir, sources, articles_embedder, loaded=loaded, progress=progress)
    except IndexMismatchError:  # a dataset's index is a cache: one built by another NewsCite version is rebuilt
        articles_embedder = embedder or article_embedder(index_dir, rebuild=True)
        data, report = update_index(index_dir, sources, articles_embedder, loaded=loaded, progress=progress, rebuild=True)
    bot = Assistant(data, index_dir, embedder or question_embedder(data.backend, articles_embedder))
    bot.last_report = report
    return bot

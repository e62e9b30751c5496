"""Articles on disk: metadata in articles.jsonl, texts in one file read on demand.

Parsing 26,869 articles' JSON (230 MB) takes 1-2 s and keeps every text in
memory, while a question reads a handful of articles. So a generation keeps
the metadata apart (a few MB, parsed at load) and the texts concatenated in
texts.bin, memory-mapped; an article's text is decoded the first time it is
used. Generations written before this layout (texts inside articles.jsonl)
still load.
"""

from __future__ import annotations

import json
import mmap
from dataclasses import fields
from pathlib import Path
from typing import Iterable

import numpy as np

from assistant.model import Article

META_FILE = "articles.jsonl"
TEXTS_FILE = "texts.bin"
OFFSETS_FILE = "text_offsets.npy"


class TextFile:
    """Byte offsets into a memory-mapped UTF-8 file; opened at load, so a later
    deletion of the generation (an update) cannot pull the texts away."""

    def __init__(self, folder: Path) -> None:
        self.offsets = np.load(folder / OFFSETS_FILE)
        with open(folder / TEXTS_FILE, "rb") as handle:
            size = (folder / TEXTS_FILE).stat().st_size
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def text(self, row: int) -> str:
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return self._map[start:end].decode("utf-8")


class StoredArticle(Article):
    """An `Article` whose `text` is read from the index the first time it is asked for."""

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: `text` until it is loaded.
        if name == "text":
            state = self.__dict__
            text = state["_texts"].text(state["_row"])
            state["text"] = text
            return text
        raise AttributeError(name)

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["text"] = self.text
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @classmethod
    def from_meta(cls, meta: dict, texts: TextFile, row: int) -> "StoredArticle":
        article = cls.__new__(cls)
        article.__dict__.update(meta)
        article.__dict__["_texts"] = texts
        article.__dict__["_row"] = row
        return article


def text_of(article: Article) -> str:
    """The article's text, without keeping it: a build reads every text once, and
    a `StoredArticle` would otherwise hold them all in memory afterwards."""
    state = article.__dict__
    if "text" in state:
        return state["text"]
    texts = state.get("_texts")
    return texts.text(state["_row"]) if texts is not None else article.text


def metadata_of(article: Article) -> dict:
    """Everything `to_dict` gives but the text (which `to_dict` would load and keep)."""
    return {f.name: getattr(article, f.name) for f in fields(Article) if f.name != "text"}


def save_articles(articles: Iterable[Article], folder: Path) -> None:
    offsets = [0]
    with open(folder / META_FILE, "w", encoding="utf-8") as meta, open(folder / TEXTS_FILE, "wb") as texts:
        for article in articles:
            record = metadata_of(article)
            data = text_of(article).encode("utf-8")
            texts.write(data)
            offsets.append(offsets[-1] + len(data))
            meta.write(json.dumps(record, ensure_ascii=False) + "\n")
    np.save(folder / OFFSETS_FILE, np.array(offsets, dtype=np.int64))


def load_articles(folder: Path) -> list[Article]:
    with open(folder / META_FILE, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    if not (folder / TEXTS_FILE).exists():  # the older layout: texts inside articles.jsonl
        return [Article(**record) for record in records]
    texts = TextFile(folder)
    return [StoredArticle.from_meta(record, texts, row) for row, record in enumerate(records)]

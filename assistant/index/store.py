"""The persisted index: articles, sentences, chunk vectors in FAISS, BM25.

Layout of an index folder::

    .newscite-index      marker: this folder is a NewsCite index (written at the first build)
    CURRENT              name of the live generation (replaced atomically)
    gen-<id>/            one complete, immutable build
        manifest.json    model, dimension, chunking, schema, article fingerprints
        articles.jsonl   every article's metadata (older generations: and its text)
        texts.bin, text_offsets.npy
                         the articles' texts, read on demand (assistant/index/articles.py)
        sentences.npy    (doc, start, end) per quotable sentence
        chunks.npy       (doc, first sentence, last sentence) per chunk
        vectors.npy      chunk embeddings, float32, row = chunk
        faiss.index      FAISS index over vectors.npy (exact or IVF by size: assistant/index/dense.py)
        sentence_codes.npy, sentence_scales.npy
                         sentence embeddings, int8 + scale per row (assistant/index/codes.py)
        bm25/            bm25s index over chunk texts

A build writes a new generation and only then points CURRENT at it, so an
interrupted build leaves the previous index usable.

The folder is NewsCite's own: a build refuses a non-empty folder that holds
no NewsCite marker or index, and cleanup deletes only generations (and
staging folders) that carry NewsCite's generation marker, never a folder
that merely looks like one (`gen-2023-photos/`, `thesis.tmp/`).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from assistant.embed.minilm import MODEL_DIM, MODEL_NAME
from assistant.index.articles import load_articles, save_articles, text_of
from assistant.index.bm25 import BM25Index
from assistant.index.bm25_build import write_bm25
from assistant.index.codes import QuantizedVectors
from assistant.index.dense import DenseSearcher, build_index, describe
from assistant.index.npy_files import release, save_array
from assistant.model import Article

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
FOLDER_MARKER = ".newscite-index"  # in the index folder: NewsCite made it and may write here
GENERATION_MARKER = ".newscite-generation"  # in each generation and staging folder NewsCite writes
MANIFEST_EXTRAS = ("faiss", "backend_choice")  # what a build records beyond the settings, read back on load
# Generations built before the generation marker existed: the exact name save_index gives them.
LEGACY_GENERATION = re.compile(r"gen-\d{8}T\d{6}-\d+-\d+")


class NewsCiteIndexError(RuntimeError):
    """Base for index problems the user can act on."""


class IndexMismatchError(NewsCiteIndexError):
    """The index on disk was built with another model or schema."""


class IndexMissingError(NewsCiteIndexError):
    """No index has been built in this folder yet."""


class IndexFolderError(NewsCiteIndexError):
    """The index folder is not NewsCite's to write: a file, or a non-empty folder of something else."""


def rebuild_hint(index_dir: Path) -> str:
    return f"Rebuild it with: newscite index ARTICLES --index-dir {index_dir} --rebuild"


@dataclass
class IndexSettings:
    """What a build depends on; a change to any of these needs a rebuild."""

    model: str = MODEL_NAME
    dim: int = MODEL_DIM
    max_chunk_tokens: int = 128
    schema_version: int = SCHEMA_VERSION

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "dim": self.dim,
            "max_chunk_tokens": self.max_chunk_tokens,
            "schema_version": self.schema_version,
        }


@dataclass
class IndexData:
    """One generation of the index, in memory (vectors memory-mapped)."""

    settings: IndexSettings
    articles: list[Article]
    fingerprints: list[str]
    sentences: np.ndarray  # int64 (n, 3): doc, start, end
    chunks: np.ndarray  # int64 (m, 3): doc, first sentence, last sentence
    vectors: np.ndarray  # float32 (m, dim)
    backend: str = "torch"
    built_at: str = ""
    extra: dict = field(default_factory=dict)
    folder: Path | None = None
    sentence_vectors: QuantizedVectors | None = None  # row = sentence; None in indexes built before them

    @cached_property
    def doc_index(self) -> dict[str, int]:
        return {article.doc_id: i for i, article in enumerate(self.articles)}

    @cached_property
    def outlet_codes(self) -> tuple[dict[str, int], np.ndarray]:
        """(casefolded outlet name -> code, code of each article): outlet filters without a loop over articles."""
        codes: dict[str, int] = {}
        of_doc = np.array([codes.setdefault(a.outlet_name.casefold(), len(codes)) for a in self.articles], dtype=np.int32)
        return codes, of_doc

    @cached_property
    def published_ordinals(self) -> np.ndarray:
        """Each article's publication day as a date ordinal (0 when unknown): date windows without a loop over articles."""
        days = [a.published_day for a in self.articles]
        return np.array([d.toordinal() if d else 0 for d in days], dtype=np.int64)

    @cached_property
    def faiss_index(self):
        import faiss

        if self.folder is not None and (self.folder / "faiss.index").exists():
            return faiss.read_index(str(self.folder / "faiss.index"))
        return build_faiss(self.vectors)

    @cached_property
    def searcher(self):
        """Dense search over the chunk vectors (assistant.index.dense.DenseSearcher), shared by every retriever."""
        return DenseSearcher(self.faiss_index, self.vectors)

    @cached_property
    def bm25(self) -> BM25Index:
        if self.folder is not None and (self.folder / "bm25").exists():
            return BM25Index.load(self.folder / "bm25")
        return BM25Index.build(self.chunk_texts())

    def chunk_text(self, row: int) -> str:
        doc, first, last = self.chunks[row]
        text = self.articles[doc].text
        return text[self.sentences[first, 1] : self.sentences[last, 2]]

    def chunk_texts(self) -> list[str]:
        return [self.chunk_text(row) for row in range(len(self.chunks))]

    def each_chunk_text(self) -> Iterator[str]:
        """Every chunk's text in row order, each article's text read once and not kept (for a build)."""
        doc, text = -1, ""
        for row in range(len(self.chunks)):
            chunk_doc, first, last = (int(v) for v in self.chunks[row])
            if chunk_doc != doc:
                doc, text = chunk_doc, text_of(self.articles[chunk_doc])
            yield text[self.sentences[first, 1] : self.sentences[last, 2]]

    def sentence_text(self, row: int) -> str:
        doc, start, end = self.sentences[row]
        return self.articles[doc].text[start:end]

    def manifest(self) -> dict:
        return {
            **self.settings.as_dict(),
            "backend": self.backend,
            "built_at": self.built_at,
            "counts": {"articles": len(self.articles), "sentences": len(self.sentences), "chunks": len(self.chunks)},
            "articles": {a.doc_id: fp for a, fp in zip(self.articles, self.fingerprints)},
            **self.extra,
        }


def build_faiss(vectors: np.ndarray):
    """Inner-product search (vectors are normalised, so this is cosine): exact when small, IVF-SQ8 when large.
    `vectors` may be memory-mapped: it is read in slices."""
    return build_index(vectors, vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else MODEL_DIM)


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    folder = index_dir / pointer.read_text().strip()
    return folder if folder.is_dir() else None


def check_compatible(manifest: dict, settings: IndexSettings, index_dir: Path) -> None:
    expected = settings.as_dict()
    for key in ("schema_version", "model", "dim"):
        if manifest.get(key) != expected[key]:
            raise IndexMismatchError(
                f"The index in {index_dir} was built with {key} {manifest.get(key)!r}, "
                f"but this NewsCite uses {expected[key]!r}. {rebuild_hint(index_dir)}"
            )


def load_index(index_dir: str | Path, settings: IndexSettings | None = None) -> IndexData:
    """Open the live generation; refuse one built with another model or schema."""
    index_dir = Path(index_dir)
    settings = settings or IndexSettings()
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexFolderError(f"{index_dir} is a file, not a folder: pass --index-dir the folder of an index.")
    folder = current_generation(index_dir)
    if folder is None:
        raise IndexMissingError(f"No index in {index_dir}. Build one with: newscite index ARTICLES --index-dir {index_dir}")
    manifest = json.loads((folder / "manifest.json").read_text())
    check_compatible(manifest, settings, index_dir)
    settings = IndexSettings(max_chunk_tokens=manifest["max_chunk_tokens"])
    articles = load_articles(folder)
    return IndexData(
        settings=settings,
        articles=articles,
        fingerprints=[manifest["articles"][a.doc_id] for a in articles],
        sentences=np.load(folder / "sentences.npy"),
        chunks=np.load(folder / "chunks.npy"),
        vectors=np.load(folder / "vectors.npy", mmap_mode="r"),
        backend=manifest.get("backend", "torch"),
        built_at=manifest.get("built_at", ""),
        extra={key: manifest[key] for key in MANIFEST_EXTRAS if manifest.get(key)},
        folder=folder,
        sentence_vectors=QuantizedVectors.load(folder),
    )


def indexed_backend(index_dir: str | Path) -> str | None:
    """The backend the live generation's vectors were embedded with, or None (no index yet)."""
    folder = current_generation(Path(index_dir))
    try:
        return json.loads((folder / "manifest.json").read_text()).get("backend") if folder else None
    except (OSError, ValueError):
        return None


def waiting_message(index_dir: Path) -> str:
    return f"Another NewsCite process is writing the index in {index_dir}; waiting for it to finish..."


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def claim_folder(index_dir: Path) -> None:
    """Make `index_dir` NewsCite's, or refuse: it must be new, empty, or already a NewsCite index."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexFolderError(f"{index_dir} is a file, not a folder: pass --index-dir a folder for the index.")
    if index_dir.is_dir() and not is_newscite_folder(index_dir):
        if any(path.name != ".lock" for path in index_dir.iterdir()):
            raise IndexFolderError(
                f"{index_dir} is not empty and holds no NewsCite index; NewsCite will not build in it "
                f"(it deletes old builds in its index folder). Choose a new or empty folder for --index-dir."
            )
    index_dir.mkdir(parents=True, exist_ok=True)
    marker = index_dir / FOLDER_MARKER
    if not marker.exists():
        marker.write_text(json.dumps({"made_by": "NewsCite", "what": "index folder"}) + "\n")


def is_newscite_folder(index_dir: Path) -> bool:
    """Marked by NewsCite, or an index built before the marker existed (CURRENT names a generation of ours)."""
    if (index_dir / FOLDER_MARKER).is_file():
        return True
    folder = current_generation(index_dir)
    return folder is not None and _is_generation(folder)


@contextmanager
def write_lock(index_dir: Path, on_wait: Callable[[str], None] = _say_waiting) -> Iterator[None]:
    """One writer at a time per index folder (the web app and the CLI may overlap); a writer that
    has to wait says so (`on_wait`), instead of hanging silently."""
    claim_folder(index_dir)
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(waiting_message(index_dir))
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_index(data: IndexData, index_dir: str | Path) -> Path:
    """Write a new generation, then switch CURRENT to it atomically."""
    import faiss

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    staging = index_dir / f".{name}.tmp"
    staging.mkdir()
    try:
        (staging / GENERATION_MARKER).write_text(name + "\n")
        save_articles(data.articles, staging)
        # arrays merged into files (assistant/index/segments.py) are hard-linked, not copied
        save_array(staging / "sentences.npy", data.sentences)
        save_array(staging / "chunks.npy", data.chunks)
        save_array(staging / "vectors.npy", data.vectors, np.float32)
        if data.sentence_vectors is not None:
            data.sentence_vectors.save(staging)
        dense = build_faiss(data.vectors)
        faiss.write_index(dense, str(staging / "faiss.index"))
        data.extra["faiss"] = describe(dense)
        del dense  # the FAISS index (SQ8 codes: 392 B a chunk) is on disk: free it before BM25
        release(data.vectors)
        write_bm25(data.each_chunk_text(), staging / "bm25")
        (staging / "manifest.json").write_text(json.dumps(data.manifest(), indent=1, ensure_ascii=False))
        _fsync_tree(staging)
        os.replace(staging, index_dir / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pointer_tmp = index_dir / f".{CURRENT}.tmp"
    pointer_tmp.write_text(name)
    os.replace(pointer_tmp, index_dir / CURRENT)
    remove_stale_generations(index_dir, keep=name)
    data.folder = index_dir / name
    return index_dir / name


def remove_stale_generations(index_dir: Path, keep: str) -> None:
    """Delete old generations and leftovers of interrupted builds: only folders NewsCite marked as its own."""
    for path in index_dir.iterdir():
        if path.name != keep and not path.is_symlink() and path.is_dir() and _is_generation(path):
            shutil.rmtree(path, ignore_errors=True)


def _is_generation(path: Path) -> bool:
    """A generation or staging folder NewsCite wrote: it carries the marker, or (built before the
    marker existed) has the exact generation name and a NewsCite manifest."""
    if (path / GENERATION_MARKER).is_file():
        return True
    if not LEGACY_GENERATION.fullmatch(path.name):
        return False
    try:
        manifest = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"schema_version", "model", "articles"} <= manifest.keys()


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())

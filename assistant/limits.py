"""Size limits for article files, single articles and web uploads.

A 20 MB text file is not a news article: segmenting and embedding it kept
the indexer busy for minutes and held up every good file beside it. Each
limit has a default that leaves real news alone (the longest RealTime QA
article is 100,000 characters; the 3,824-article NewsArticles.csv is 13 MB)
and can be changed with an environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one file, one article and one upload may be at most."""

    max_file_bytes: int = 64 * MB  # NEWSCITE_MAX_FILE_MB: any article file (a CSV or JSONL may hold thousands)
    max_article_chars: int = 200_000  # NEWSCITE_MAX_ARTICLE_CHARS: one article's text
    max_upload_bytes: int = 10 * MB  # NEWSCITE_MAX_UPLOAD_MB: one file uploaded through the web app

    @classmethod
    def from_env(cls) -> "Limits":
        """The defaults, overridden by NEWSCITE_MAX_FILE_MB, NEWSCITE_MAX_ARTICLE_CHARS, NEWSCITE_MAX_UPLOAD_MB."""
        default = cls()
        return cls(
            max_file_bytes=int(_number("NEWSCITE_MAX_FILE_MB", default.max_file_bytes / MB) * MB),
            max_article_chars=int(_number("NEWSCITE_MAX_ARTICLE_CHARS", default.max_article_chars)),
            max_upload_bytes=int(_number("NEWSCITE_MAX_UPLOAD_MB", default.max_upload_bytes / MB) * MB),
        )


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if not number > 0:
        raise ValueError(f"{name}={value!r} must be a positive number")
    return number


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


def limits() -> Limits:
    """The limits in force now (read from the environment on each call, so tests and servers can change them)."""
    return Limits.from_env()

"""NewsCite: cited answers from news articles, every quote exact."""

from assistant.assistant import Assistant
from assistant.types import Answer, Article, Citation, SourceRef

__all__ = ["Assistant", "Answer", "Article", "Citation", "SourceRef"]

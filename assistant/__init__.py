"""NewsCite: cited answers from news articles, every quote exact."""

from assistant.facade import Assistant
from assistant.model import Answer, Article, Citation, SourceRef

__all__ = ["Assistant", "Answer", "Article", "Citation", "SourceRef"]

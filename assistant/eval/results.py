"""What an evaluation run produced: each question's answer and scores, each system's metrics, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.eval.metrics import Metric, QuestionScore, verdict_counts
from assistant.eval.questions import Question, QuestionSet
from assistant.model import Answer


@dataclass
class QuestionResult:
    """One question, the answer a system gave, how long it took, and its scores."""

    question: Question
    answer: Answer
    latency: float
    score: QuestionScore
    quote_errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        answer = self.answer.to_dict()  # everything the answer carries (conflicts, mode, ...)
        answer.pop("question", None)
        answer["answer"] = answer.pop("text")
        return {
            **self.question.to_dict(),
            **answer,
            "retrieved_doc_ids": self.answer.retrieved_doc_ids,
            "latency_ms": round(self.latency * 1000, 2),
            "scores": self.score.to_dict(),
            "quote_errors": self.quote_errors,
        }


@dataclass
class SystemResult:
    """Everything one system (NewsCite or the baseline) did on the question set."""

    name: str
    results: list[QuestionResult]
    metrics: dict[str, Metric]
    by_type: dict[str, dict[str, Metric]]
    info: dict = field(default_factory=dict)

    @property
    def verdicts(self) -> dict[str, int]:
        """Questions answered right, wrong, declined; declined with a near miss; questions in all."""
        return verdict_counts([r.score for r in self.results])

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "info": self.info,
            "verdicts": self.verdicts,
            "metrics": {name: m.to_dict() for name, m in self.metrics.items()},
            "by_type": {t: {name: m.to_dict() for name, m in ms.items()} for t, ms in self.by_type.items()},
            "questions": [r.to_dict() for r in self.results],
        }


@dataclass
class EvalReport:
    """What `Assistant.evaluate` returns; `.metrics` holds NewsCite's overall numbers."""

    question_set: QuestionSet
    newscite: SystemResult
    baseline: SystemResult | None = None
    warnings: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, float | None]:
        """Metric name -> overall value (None where no question qualifies)."""
        return {name: m.value for name, m in self.newscite.metrics.items()}

    @property
    def intervals(self) -> dict[str, tuple[float | None, float | None]]:
        """Metric name -> 95% bootstrap interval."""
        return {name: (m.low, m.high) for name, m in self.newscite.metrics.items()}

    @property
    def results(self) -> list[QuestionResult]:
        return self.newscite.results

    @property
    def quote_failures(self) -> list[str]:
        return [f"{r.question.id}: {error}" for r in self.newscite.results for error in r.quote_errors]

    @property
    def passed(self) -> bool:
        """True when every NewsCite quote is exactly its source slice."""
        return not self.quote_failures

    def systems(self) -> list[SystemResult]:
        return [self.newscite] + ([self.baseline] if self.baseline else [])

    def to_dict(self) -> dict:
        qs = self.question_set
        return {
            "question_set": {
                "name": qs.name,
                "source": qs.source,
                "format": qs.format,
                "description": qs.description,
                "questions": len(qs.questions),
                "types": qs.types(),
            },
            "settings": self.settings,
            "passed": self.passed,
            "quote_failures": self.quote_failures,
            "warnings": self.warnings,
            "systems": {("newscite" if s is self.newscite else "baseline"): s.to_dict() for s in self.systems()},
        }

"""Run a question set through NewsCite (and optionally the llama-index baseline) and score it.

`evaluate(bot, "data/questions.jsonl")` asks every question (follow-ups in
the conversation of the question they follow), checks every quote against
its article, scores the answers and returns an `EvalReport`. A quote that
is not exactly its article's slice is a bug: the run fails
(`QuoteMismatchError`, and `newscite eval` exits non-zero) after the report
is written, so the report shows which quotes.
"""

from __future__ import annotations

import os
import platform
import time
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

from assistant.answer.conversation import Conversation
from assistant.answer.extractive import AnswerComposer
from assistant.embed.embedding import Embedder
from assistant.eval.baseline import LlamaIndexBaseline
from assistant.eval.datasets import load_question_set
from assistant.eval.metrics import BOOTSTRAP_SAMPLES, DEFAULT_KS, Cited, score_question, summarize
from assistant.eval.questions import Question, QuestionSet, QuestionSetError
from assistant.eval.report import write_report
from assistant.eval.results import EvalReport, QuestionResult, SystemResult
from assistant.model import Answer, Article, Citation


class Evaluated(Protocol):
    """What `evaluate` asks of an `Assistant` (structural: the runner never imports the facade)."""

    index_dir: Path
    embedder: Embedder
    composer: AnswerComposer

    @property
    def articles(self) -> list[Article]: ...

    def ask(
        self,
        question: str,
        outlets: Iterable[str] | None = None,
        conversation: Conversation | None = None,
        as_of: date | None = None,
    ) -> Answer: ...

    def article(self, doc_id: str) -> Article: ...

    def stats(self) -> dict: ...


NEWSCITE = "NewsCite"
Progress = Callable[[int, int], None]  # (questions done, questions in all)


class QuoteMismatchError(AssertionError):
    """A citation's quote differs from its article's text at its offsets: a bug, never a tolerance."""

    def __init__(self, report: "EvalReport") -> None:
        self.report = report
        failures = report.quote_failures
        super().__init__(f"{len(failures)} quote(s) differ from their source slices; first: {failures[0]}")


# --- one question -------------------------------------------------------------------------


def quote_errors(citations: Iterable[Citation], lookup: Callable[[str], Article]) -> tuple[int, list[str]]:
    """(quotes checked, what is wrong): each quote, also_in ones too, must equal article.text[start:end]."""
    checked, errors = 0, []
    for citation in citations:
        for ref in [citation, *citation.also_in]:
            checked += 1
            try:
                text = lookup(ref.doc_id).text
            except KeyError:
                errors.append(f"{ref.doc_id}[{ref.start}:{ref.end}]: cites an article that is not in the index")
                continue
            if not (0 <= ref.start <= ref.end <= len(text)) or text[ref.start : ref.end] != ref.quote:
                errors.append(
                    f"{ref.doc_id}[{ref.start}:{ref.end}]: quote {ref.quote[:60]!r} "
                    f"!= article slice {text[max(ref.start, 0) : max(ref.end, 0)][:60]!r}"
                )
    return checked, errors


def shown_citations(answer: Answer) -> list[Citation]:
    """Every citation the answer shows: its own, and those on each side of a reported conflict."""
    sides = [side for conflict in getattr(answer, "conflicts", None) or [] for side in conflict.sides]
    return list(answer.citations) + [c for side in sides for c in side.citations]


def cited(citation: Citation) -> Cited:
    refs = [citation, *citation.also_in]
    return Cited(doc_ids=[r.doc_id for r in refs], quotes=[r.quote for r in refs])


def score_system(
    name: str,
    results: list[QuestionResult],
    ks: Sequence[int],
    bootstrap: int,
    seed: int,
    info: dict | None = None,
) -> SystemResult:
    scores = [r.score for r in results]
    types = list(dict.fromkeys(r.question.type for r in results))
    by_type = {
        t: summarize([r.score for r in results if r.question.type == t], ks, bootstrap, seed) for t in types
    }
    return SystemResult(name, results, summarize(scores, ks, bootstrap, seed), by_type, info or {})


AskFn = Callable[[Question, Conversation | None], Answer]


def run_questions(
    ask: AskFn,
    questions: Sequence[Question],
    lookup: Callable[[str], Article],
    ks: Sequence[int] = DEFAULT_KS,
    progress: Progress | None = None,
) -> list[QuestionResult]:
    """Ask each question; a follow-up continues the conversation that ended with its `follow_up_of`."""
    turns: dict[str, list] = {}
    results = []
    for number, question in enumerate(questions, start=1):
        parent = turns.get(question.follow_up_of, []) if question.follow_up_of else []
        conversation = Conversation(turns=list(parent))
        started = time.perf_counter()
        answer = ask(question, conversation)
        latency = time.perf_counter() - started
        if not conversation.turns or conversation.turns[-1][1] is not answer:
            conversation.add(question.question, answer)
        turns[question.id] = list(conversation.turns)
        checked, errors = quote_errors(shown_citations(answer), lookup)
        score = score_question(
            question.gold,
            abstained=answer.abstained,
            answer_text=answer.text,
            citations=[cited(c) for c in answer.citations],
            retrieved=answer.retrieved_doc_ids,
            exact_quotes=checked - len(errors),
            quotes=checked,
            latency=latency,
            ks=ks,
            conflict_expected=question.type == "conflict",
            conflict_flagged=bool(getattr(answer, "conflicts", None)),
            near_miss=getattr(answer, "near_miss", None) is not None,
        )
        results.append(QuestionResult(question, answer, latency, score, errors))
        if progress:
            progress(number, len(questions))
    return results


# --- running ----------------------------------------------------------------------------------


def check_doc_ids(bot: Evaluated, question_set: QuestionSet) -> list[str]:
    """Warnings for doc_ids the index does not hold (retrieval scores would be meaningless for them)."""
    indexed = {a.doc_id for a in bot.articles}
    missing = [(q, d) for q in question_set.questions for d in q.doc_ids if d not in indexed]
    if missing and question_set.articles is not None:
        raise QuestionSetError(
            f"{len({d for _, d in missing})} of the {question_set.format} set's articles are not in the index at "
            f"{bot.index_dir}; build one for it with assistant.options.assistant_for(question_set, index_dir) "
            f"or run `newscite eval --format {question_set.format} ...`"
        )
    return [f"{q.where}: doc_id {d!r} is not in the index at {bot.index_dir}" for q, d in missing]


def evaluate(
    bot: Evaluated,
    questions: str | Path | QuestionSet,
    *,
    format: str = "jsonl",
    baseline: bool = False,
    report_dir: str | Path | None = None,
    limit: int | None = None,
    ks: Sequence[int] = DEFAULT_KS,
    bootstrap: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
    strict: bool = True,
    baseline_dir: str | Path | None = None,
    progress: Progress | None = None,
    **options,
) -> EvalReport:
    """Ask every question, score the answers, write the report when `report_dir` is given.

    `options` go to the dataset adapter (e.g. `distractors=` for RealTime QA).
    With `strict` (the default) a quote that is not its article's slice raises
    `QuoteMismatchError` once the report is written.
    """
    if isinstance(questions, QuestionSet):
        question_set = questions.limited(limit)
    else:
        question_set = load_question_set(questions, format, limit, **options)
    warnings = [str(p) for p in question_set.problems] + check_doc_ids(bot, question_set)
    ks = tuple(sorted(set(ks)))

    bot.embedder.embed_query("warm up")  # load the model before the clock starts

    def ask_newscite(question: Question, conversation: Conversation | None) -> Answer:
        return bot.ask(question.question, conversation=conversation, as_of=question.asked_on)

    newscite = score_system(
        NEWSCITE,
        run_questions(ask_newscite, question_set.questions, bot.article, ks, progress),
        ks,
        bootstrap,
        seed,
        {
            "index_dir": str(bot.index_dir),
            **{k: v for k, v in bot.stats().items() if k in ("articles", "chunks", "sentences", "backend", "query_backend")},
        },
    )
    baseline_result = None
    if baseline:
        articles = question_set.articles if question_set.articles is not None else bot.articles
        system = LlamaIndexBaseline(articles, persist_dir=baseline_dir)
        system.warm_up()
        by_id = system.articles
        baseline_result = score_system(
            system.name,
            run_questions(lambda q, _c: system.ask(q.question), question_set.questions, by_id.__getitem__, ks, progress),
            ks,
            bootstrap,
            seed,
            system.describe(),
        )
    report = EvalReport(
        question_set=question_set,
        newscite=newscite,
        baseline=baseline_result,
        warnings=warnings,
        settings={
            "ks": list(ks),
            "bootstrap_samples": bootstrap,
            "seed": seed,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "threshold": bot.composer.threshold,
        },
    )
    if report_dir is not None:
        report.files = write_report(report, Path(report_dir))
    if strict and not report.passed:
        raise QuoteMismatchError(report)
    return report


def default_index_dir(format: str) -> Path:
    """Where `newscite eval` keeps a dataset's own index between runs (only changes are re-embedded)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "newscite" / "eval-index" / format

"""`newscite eval`: open the right index, run the evaluation, print the numbers, set the exit code.

Exit codes: 0 all quotes exact; 1 a quote differs from its source slice (a
bug), or the question set / index could not be used at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from assistant.eval.baseline import BaselineUnavailable
from assistant.eval.datasets import load_question_set
from assistant.eval.metrics import label
from assistant.eval.questions import FORMATS, QuestionSetError
from assistant.eval.report import fmt, fmt_interval, verdict_line
from assistant.eval.runner import EvalReport, QuoteMismatchError, default_index_dir, evaluate
from assistant.options import AssistantOptions, CannotOpen, assistant_for, open_assistant

BASELINE_SUBDIR = "llamaindex-baseline"


def _progress(desc: str):
    """A tqdm bar on stderr (silent when not a terminal) and the callback that moves it."""
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="q", disable=not sys.stderr.isatty(), leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done == total:
            bar.reset()

    return bar, update


def print_summary(report: EvalReport) -> None:
    base = report.baseline
    width = max(len(label(n)) for n in report.newscite.metrics)
    head = f"{'metric':<{width}}  {'NewsCite':>8} {'95% CI':>13}" + (f"  {'baseline':>8} {'95% CI':>13}" if base else "")
    typer.echo(head)
    for name, metric in report.newscite.metrics.items():
        line = f"{label(name):<{width}}  {fmt(metric.value, name):>8} {fmt_interval(metric, name):>13}"
        if base:
            other = base.metrics[name]
            line += f"  {fmt(other.value, name):>8} {fmt_interval(other, name):>13}"
        typer.echo(line)
    for system in report.systems():
        typer.echo(f"{system.name}: {verdict_line(system)}")


def run_eval(
    questions: Path,
    *,
    articles: Path | None = None,
    index_dir: Path | None = None,
    report_dir: Path | None = None,
    format: str = "jsonl",
    baseline: bool = False,
    limit: int | None = None,
    distractors: int | None = None,
    split: str | None = None,
    timely: bool = False,
) -> int:
    def fail(message: str) -> int:
        typer.secho(message, fg=typer.colors.RED, err=True)
        return 1

    if format not in FORMATS:
        return fail(f"Unknown --format {format!r}; use one of {', '.join(FORMATS)}.")
    options = {}
    if distractors is not None:
        if format != "realtimeqa":
            return fail("--distractors only applies to --format realtimeqa.")
        options["distractors"] = distractors
    if split is not None or timely:
        if format != "realtimeqa-weekly":
            return fail("--split and --timely only apply to --format realtimeqa-weekly.")
        options["split"] = split or "all"
        options["timely"] = timely
    try:
        question_set = load_question_set(questions, format, limit, **options)
    except QuestionSetError as error:
        return fail(str(error))
    for problem in question_set.problems:
        typer.secho(f"skipped {problem}", fg=typer.colors.YELLOW, err=True)

    baseline_dir = None
    if question_set.articles is not None:
        if articles is not None:
            return fail(f"--articles is for jsonl question sets; the {format} set brings its own articles.")
        # the weekly set's splits hold different articles: each keeps its own index
        index_dir = index_dir or default_index_dir(question_set.name if format == "realtimeqa-weekly" else format)
        typer.echo(f"Indexing {len(question_set.articles)} {format} articles in {index_dir} (only changes are embedded)...", err=True)
        bot = assistant_for(question_set, index_dir)
        typer.echo(f"{index_dir}: {bot.last_report.summary()}", err=True)
        baseline_dir = Path(index_dir) / BASELINE_SUBDIR
    else:
        try:
            bot = open_assistant(AssistantOptions(index_dir or Path("index"), [articles] if articles is not None else []))
        except CannotOpen as error:
            return fail(str(error))
        if articles is not None:
            for problem in bot.last_report.problems:
                typer.secho(f"skipped {problem}", fg=typer.colors.YELLOW, err=True)

    report_dir = report_dir or Path("reports") / question_set.name
    bar, progress = _progress("Evaluating")
    try:
        with bar:
            report = evaluate(bot, question_set, baseline=baseline, report_dir=report_dir, baseline_dir=baseline_dir, progress=progress)
    except QuoteMismatchError as error:
        report = error.report
    except QuestionSetError as error:
        return fail(str(error))
    except BaselineUnavailable as error:  # the baseline's optional dependency is missing
        return fail(str(error))
    for warning in report.warnings[len(question_set.problems):][:20]:
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"{question_set.description or question_set.source}: {len(question_set.questions)} questions")
    print_summary(report)
    typer.echo("Report: " + ", ".join(str(path) for path in report.files.values()))
    if not report.passed:
        failures = report.quote_failures
        typer.secho(f"FAILED: {len(failures)} quote(s) differ from their source slices (a bug):", fg=typer.colors.RED, err=True)
        for failure in failures[:20]:
            typer.secho(f"  {failure}", fg=typer.colors.RED, err=True)
        return 1
    return 0

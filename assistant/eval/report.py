"""Write an evaluation report: summary.md, results.json (every question) and chart.png."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.eval.metrics import Metric, label
from assistant.eval.results import EvalReport, SystemResult

TYPE_COLUMNS = (
    "answer_accuracy", "answered_precision", "citation_recall", "citation_precision", "RECALL", "mrr", "source_coverage", "conflict_recall",
    "abstention_recall",
)
CHART_METRICS = ("answer_accuracy", "answered_precision", "citation_precision", "citation_recall", "RECALL", "mrr", "abstention_precision", "abstention_recall")
MISSES_SHOWN = 25


NONE = Metric(None, None, None, 0)


def _get(metrics: dict[str, Metric], name: str) -> Metric:
    """A metric, or an empty one when these results predate it."""
    return metrics.get(name, NONE)


def _is_latency(name: str) -> bool:
    return name.startswith("latency")


def fmt(value: float | None, name: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if _is_latency(name) else f"{100 * value:.1f}%"


def fmt_interval(metric: Metric, name: str) -> str:
    if metric.low is None or metric.high is None:
        return ""
    if _is_latency(name):
        return f"{metric.low:.0f}-{metric.high:.0f}"
    return f"{100 * metric.low:.1f}-{100 * metric.high:.1f}"


def _columns(report: EvalReport, names: tuple[str, ...]) -> list[str]:
    recall = f"recall@{max(report.settings.get('ks') or [5])}"
    return [recall if n == "RECALL" else n for n in names]


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown(report: EvalReport) -> str:
    qs = report.question_set
    nc, base = report.newscite, report.baseline
    info = nc.info
    types = ", ".join(f"{count} {name}" for name, count in qs.types().items())
    lines = [
        f"# Evaluation: {qs.name}",
        "",
        f"{qs.description or qs.source}. {len(qs.questions)} questions ({types}).",
        f"NewsCite index: {info.get('articles')} articles, {info.get('chunks')} chunks, built with {info.get('backend')}, "
        f"queried with {info.get('query_backend')} "
        f"(`{info.get('index_dir')}`); abstention threshold {report.settings.get('threshold')}.",
        f"95% intervals: percentile bootstrap over questions, {report.settings.get('bootstrap_samples')} resamples "
        f"(seed {report.settings.get('seed')}). Run {report.settings.get('created')} on {report.settings.get('machine')}.",
        "",
    ]
    exact = nc.metrics["quote_exactness"]
    quotes = sum(r.score.quotes for r in nc.results)
    if report.passed:
        lines.append(f"**Quote exactness: all {quotes} NewsCite quotes (also_in ones included) equal their article slices.**")
    else:
        lines.append(f"**FAILED: {len(report.quote_failures)} of {quotes} quotes differ from their article slices "
                     f"(exactness {fmt(exact.value, 'quote_exactness')}). This is a bug.**")
        lines += [f"- {failure}" for failure in report.quote_failures[:50]]
    lines += ["", *verdict_table(report), "", "## Overall", ""]
    header = "| metric | NewsCite | 95% CI |" + (f" {base.name} | 95% CI |" if base else "") + " n |"
    lines += [header, "|---" * (header.count("|") - 1) + "|"]
    for name, metric in nc.metrics.items():
        row = f"| {label(name)} | {fmt(metric.value, name)} | {fmt_interval(metric, name)} |"
        if base:
            other = _get(base.metrics, name)
            row += f" {fmt(other.value, name)} | {fmt_interval(other, name)} |"
        lines.append(row + f" {metric.n} |")
    columns = _columns(report, TYPE_COLUMNS)
    lines += ["", "## By question type", ""]
    if base:
        lines += ["Each cell: NewsCite / baseline.", ""]
    lines.append("| type | n | " + " | ".join(short(c) for c in columns) + " |")
    lines.append("|---|---|" + "---|" * len(columns))
    for qtype, metrics in nc.by_type.items():
        n = sum(1 for r in nc.results if r.question.type == qtype)
        cells = []
        for c in columns:
            cell = fmt(_get(metrics, c).value, c)
            if base:
                cell += " / " + fmt(_get(base.by_type[qtype], c).value, c)
            cells.append(cell)
        lines.append(f"| {qtype} | {n} | " + " | ".join(cells) + " |")
    lines += ["", *misses(nc)]
    if report.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report.warnings[:100]]
        if len(report.warnings) > 100:
            lines.append(f"- ... and {len(report.warnings) - 100} more (see results.json)")
    if base:
        lines += ["", "## The baseline", ""] + [f"- {k}: {v}" for k, v in base.info.items()]
    lines += ["", DEFINITIONS]
    return "\n".join(lines) + "\n"


def verdict_line(system: SystemResult) -> str:
    """"121 right, 91 wrong, 88 declined (3 near misses); precision when answering 57.1% (50.2-63.8)"."""
    v = system.verdicts
    precision = _get(system.metrics, "answered_precision")
    interval = fmt_interval(precision, "answered_precision")
    return (
        f"{v['right']} right, {v['wrong']} wrong, {v['declined']} declined "
        f"({v['near_misses']} near miss{'' if v['near_misses'] == 1 else 'es'}); "
        f"precision when answering {fmt(precision.value, 'answered_precision')}" + (f" ({interval})" if interval else "")
    )


def verdict_table(report: EvalReport) -> list[str]:
    """Right, wrong and declined counts per system: what a reader who trusts the answers wants to know."""
    lines = [
        "## Right, wrong, declined",
        "",
        "Right: answered, and a gold answer's content words stand in one of its quotes (any order, number words "
        "as numbers). Wrong: answered without one (an answer to an unanswerable question is wrong). "
        "The same rule for every system.",
        "",
        "| system | questions | right | wrong | declined | near misses | precision when answering | 95% CI |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for system in report.systems():
        v = system.verdicts
        precision = _get(system.metrics, "answered_precision")
        share = lambda n: f"{n} ({100 * n / v['questions']:.1f}%)" if v["questions"] else str(n)  # noqa: E731
        lines.append(
            f"| {system.name} | {v['questions']} | {share(v['right'])} | {share(v['wrong'])} | {share(v['declined'])} | "
            f"{v['near_misses']} | {fmt(precision.value, 'answered_precision')} | {fmt_interval(precision, 'answered_precision')} |"
        )
    return lines


def misses(system: SystemResult) -> list[str]:
    wrong = [
        r for r in system.results
        if (r.question.answerable and not r.score.correct) or (not r.question.answerable and not r.answer.abstained)
    ]
    lines = [f"## {system.name}'s misses ({len(wrong)} of {len(system.results)})", ""]
    if not wrong:
        return lines + ["None."]
    lines += ["| id | type | question | expected | answer (first quote) |", "|---|---|---|---|---|"]
    for r in wrong[:MISSES_SHOWN]:
        expected = "; ".join(r.question.answers) or "(abstain)"
        got = "(abstained)" if r.answer.abstained else (r.answer.citations[0].quote if r.answer.citations else r.answer.text)
        lines.append(f"| {r.question.id} | {r.question.type} | {_short(r.question.question)} | {_short(expected, 60)} | {_short(got)} |")
    if len(wrong) > MISSES_SHOWN:
        lines.append(f"\n... {len(wrong) - MISSES_SHOWN} more in results.json.")
    return lines


DEFINITIONS = """## How the metrics are computed

- **right / wrong / declined**: every question is one of the three. Declined: the system abstained.
  Right: it answered and a gold answer is found in one of its quotes (main or also_in): after
  normalising, every content word of the answer (articles, prepositions, pronouns and auxiliaries
  left out) stands in the quote as a whole word, in any order, number words and figures read as
  numbers ("one president" meets "1", "1,000" meets "1000", "2.5 million" meets "2,500,000").
  Wrong: it answered without that, or answered an unanswerable question. **Precision when
  answering** = right / (right + wrong). **Near misses**: declines that show the closest sentence
  (`Answer.near_miss`). Answer accuracy below keeps its older rule (the answer string as it
  stands, in the answer text or a quote), so its figures stay comparable with earlier runs.
- **answer accuracy**: over answerable questions; right when an acceptable answer occurs, normalised
  (case, punctuation, articles, spacing), as whole words in the answer text or one of its quotes.
  An abstention is wrong. **Overall accuracy** also counts an abstention on an unanswerable question as right.
- **retrieval recall@k / MRR**: over questions with `doc_ids`; the retrieved chunks' articles, best first,
  each article once; recall@k = share of the supporting articles among the first k; MRR = mean 1/rank of
  the first supporting article (0 if none).
- **citation precision**: share of the citations on answerable questions that come from a supporting
  article (main quote or an also_in source) or contain an acceptable answer or a reference quote.
  No NLI model is available offline, so string containment and doc_ids stand in for ALCE's entailment.
- **citation recall**: share of answerable questions with at least one such citation.
- **source coverage**: over questions with two or more supporting articles, the share of them the
  answer cites (main quote or also_in): does the answer show every outlet that reports it?
- **conflicts flagged**: share of questions of type `conflict` whose answer reports outlets
  disagreeing (`Answer.conflicts`); **false conflict flags**: the same share on all other questions.
- **quote exactness**: share of quotes (also_in ones and those on the sides of a reported
  conflict included) equal to `article.text[start:end]`; anything below 100% fails the run.
- **abstention precision / recall**: of the abstentions, the share on unanswerable questions; of the
  unanswerable questions, the share abstained on.
- **latency**: wall time of one `ask` (embedding, search, composing), model already loaded.
"""


SHORT = {
    "answer_accuracy": "answer accuracy",
    "answered_precision": "precision when answering",
    "citation_recall": "citation recall",
    "citation_precision": "citation precision",
    "mrr": "MRR",
    "source_coverage": "source coverage",
    "conflict_recall": "conflicts flagged",
    "conflict_false_alarms": "false conflict flags",
    "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall",
}


def short(name: str) -> str:
    return SHORT.get(name, name)


def _bars(ax, xs, metrics: list[Metric], width: float, name: str, errors: bool = False, **style) -> None:
    """Bars with a visible "0" where a metric is zero (an absent bar means n/a)."""
    import numpy as np

    values = np.array([np.nan if m.value is None else m.value for m in metrics])
    kwargs = {}
    if errors:
        low = [0 if m.low is None or m.value is None else m.value - m.low for m in metrics]
        high = [0 if m.high is None or m.value is None else m.high - m.value for m in metrics]
        kwargs = {"yerr": [low, high], "capsize": 2}
    ax.bar(xs, values, width, label=name, **kwargs, **style)
    for x, value in zip(xs, values):
        if value == 0:
            ax.text(x, 0.01, "0", ha="center", va="bottom", fontsize=6)


def write_chart(report: EvalReport, path: Path) -> None:
    """Metrics by question type; NewsCite vs baseline overall; latency distribution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = report.systems()
    panels = 3 if report.baseline else 2
    fig, axes = plt.subplots(1, panels, figsize=(6.4 * panels, 5.0))
    nc = report.newscite
    columns = _columns(report, TYPE_COLUMNS)
    types = list(nc.by_type)
    width = 0.8 / len(columns)
    ax = axes[0]
    for i, name in enumerate(columns):
        _bars(ax, np.arange(len(types)) + i * width, [_get(nc.by_type[t], name) for t in types], width, short(name))
    ax.set_xticks(np.arange(len(types)) + width * (len(columns) - 1) / 2)
    ax.set_xticklabels([f"{t}\n(n={sum(r.question.type == t for r in nc.results)})" for t in types], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("NewsCite by question type (no bar: n/a)", fontsize=10)
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    if report.baseline:
        ax = axes[1]
        names = _columns(report, CHART_METRICS)
        width = 0.8 / len(systems)
        for i, system in enumerate(systems):
            _bars(ax, np.arange(len(names)) + i * width, [_get(system.metrics, n) for n in names], width, system.name, errors=True)
        ax.set_xticks(np.arange(len(names)) + width * (len(systems) - 1) / 2)
        ax.set_xticklabels([short(n) for n in names], rotation=25, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title("Overall, with 95% bootstrap intervals", fontsize=10)
        ax.legend(fontsize=7)
    ax = axes[-1]
    for system in systems:
        ms = np.array([r.latency * 1000 for r in system.results])
        bins = np.logspace(np.log10(max(ms.min(), 0.1)), np.log10(max(ms.max(), 1)) + 0.01, 30)
        ax.hist(ms, bins=bins, alpha=0.6, label=f"{system.name} (median {np.median(ms):.0f} ms)")
    ax.set_xscale("log")
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution", fontsize=10)
    ax.legend(fontsize=7)
    qs = report.question_set
    fig.suptitle(f"Evaluation on {Path(qs.source).name} ({qs.format}): {len(nc.results)} questions", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: EvalReport, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"summary": folder / "summary.md", "json": folder / "results.json", "chart": folder / "chart.png"}
    files["summary"].write_text(markdown(report), encoding="utf-8")
    files["json"].write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
    write_chart(report, files["chart"])
    return files

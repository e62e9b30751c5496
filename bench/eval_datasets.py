"""Evaluate NewsCite and the llama-index baseline on the bundled set, SQuAD 2.0 and RealTime QA.

Writes bench/results/eval_<set>.json (overall and per-type metrics with 95%
bootstrap intervals, sample sizes, timings, machine load), full reports
(summary.md, results.json with every question, chart.png) under
reports/bench/<set>/, and the numbers table into docs/evaluation.md between the
`eval-table` markers.

    python bench/eval_datasets.py                       # all three, with the baseline
    python bench/eval_datasets.py --only squad --squad-questions 100
    python bench/eval_datasets.py --no-baseline --no-readme
    python bench/eval_datasets.py --only squad --squad-titles 6-9 --squad-questions 0   # every question of titles 6-9

Samples (defaults): SQuAD 2.0 dev-half titles 6-15 (held out from the
abstention calibration, which uses titles 0-5): their 405 paragraphs are the
articles, 300 questions drawn with seed 0. RealTime QA: all 220 questions
that have gold articles, their gold articles, and 1,000 distractors (the
articles the dataset's own retriever returned for these questions come
first, then a seeded random fill from news_corpus.jsonl.gz; 1,000 are all
retriever hits). 1,000 rather than more: about 140k sentences and chunks to
embed for 2,000, 45 minutes on two shared cores before the baseline's own
build. Indexes are cached in ~/.cache/newscite/eval-index/ so a rerun embeds
nothing new.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.eval.datasets import load_realtimeqa, load_squad  # noqa: E402
from assistant.eval.questions import load_jsonl  # noqa: E402
from assistant.eval.runner import EvalReport, default_index_dir, evaluate  # noqa: E402
from assistant.options import assistant_for  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results"
REPORTS = ROOT / "reports" / "bench"
README = ROOT / "docs" / "evaluation.md"  # the page that holds the eval-table block
TABLE_START, TABLE_END = "<!-- eval-table:start -->", "<!-- eval-table:end -->"
SETS = ("bundled", "squad", "realtimeqa")
TITLES = {"bundled": "bundled set", "squad": "SQuAD 2.0", "realtimeqa": "RealTime QA"}


def load_set(name: str, args: argparse.Namespace):
    if name == "bundled":
        from assistant.ingest.load import load_path

        question_set = load_jsonl(ROOT / "data" / "questions.jsonl")
        question_set.articles = load_path(ROOT / "data" / "articles").articles
        question_set.description = f"Bundled set: {len(question_set.questions)} questions over the 5 articles in data/articles"
        return question_set
    if name == "squad":
        first, count = squad_titles(args)
        return load_squad(DATASETS / "squad2_dev_half", limit=args.squad_questions or None, first_title=first, titles=count, seed=0)
    return load_realtimeqa(DATASETS / "realtimeqa", distractors=args.rtqa_distractors, seed=0)


def squad_titles(args: argparse.Namespace) -> tuple[int, int | None]:
    """`--squad-titles 6-9` -> (6, 4); without it, every title from `--squad-first-title` on."""
    if not args.squad_titles:
        return args.squad_first_title, None
    first, _, last = args.squad_titles.partition("-")
    return int(first), int(last or first) - int(first) + 1


def index_name(name: str, args: argparse.Namespace) -> str:
    """A title range gets its own cached index: syncing the default one to fewer titles would drop the others' vectors."""
    return f"bench-squad-{args.squad_titles}" if name == "squad" and args.squad_titles else f"bench-{name}"


def run_set(name: str, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    question_set = load_set(name, args)
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index" if name == "bundled" else default_index_dir(index_name(name, args))
        t0 = time.perf_counter()

        def indexing(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - t0, 1e-9)
            print(f"\r[{name}] embedded {done}/{total} chunks ({rate:.1f}/s)", end="", file=sys.stderr)

        bot = assistant_for(question_set, index_dir, progress=indexing)  # the embedders `newscite` itself uses
        print(file=sys.stderr)
        index_seconds = time.perf_counter() - t0
        print(f"[{name}] {question_set.description}; index {bot.last_report.summary()}; backends {bot.stats()['backend']} / {bot.stats()['query_backend']}", file=sys.stderr)
        t0 = time.perf_counter()
        report: EvalReport = evaluate(
            bot,
            question_set,
            baseline=not args.no_baseline,
            baseline_dir=Path(index_dir) / "llamaindex-baseline",
            report_dir=REPORTS / name if args.results == RESULTS else args.results / name,
            strict=False,
            progress=lambda done, total: print(f"\r[{name}] {done}/{total}", end="", file=sys.stderr),
        )
        print(file=sys.stderr)
        eval_seconds = time.perf_counter() - t0
    return {
        "set": name,
        "description": question_set.description,
        "questions": len(question_set.questions),
        "types": question_set.types(),
        "articles": len(question_set.articles or []),
        "passed": report.passed,
        "quote_failures": report.quote_failures[:50],
        "seconds": {
            "index": round(index_seconds, 1),
            "evaluate (both systems)": round(eval_seconds, 1),
            "total": round(time.perf_counter() - started, 1),
            "baseline build": report.baseline.info.get("build_seconds") if report.baseline else None,
        },
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "code": code_state(),
        "settings": report.settings,
        "systems": {
            key: {
                "name": system.name,
                "info": system.info,
                "metrics": {n: m.to_dict() for n, m in system.metrics.items()},
                "by_type": {t: {n: m.to_dict() for n, m in ms.items()} for t, ms in system.by_type.items()},
            }
            for key, system in (("newscite", report.newscite), ("baseline", report.baseline))
            if system is not None
        },
        "report": str(REPORTS / name),
    }


def code_state() -> dict:
    """The commit measured, and which assistant/ files differed from it (a shared checkout moves)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout
        except OSError:
            return ""

    dirty = [line[3:] for line in git("status", "--porcelain", "--", "assistant").splitlines() if line[:2].strip() == "M"]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "modified_assistant_files": dirty,
            "calibration": json.loads((ROOT / "assistant" / "answer" / "calibration.json").read_text())}


def pct(metric: dict | None, interval: bool = False) -> str:
    if not metric or metric.get("value") is None:
        return "n/a"
    text = f"{100 * metric['value']:.1f}"
    if interval and metric.get("low") is not None:
        text += f" ({100 * metric['low']:.0f}-{100 * metric['high']:.0f})"
    return text


def table(results: list[dict]) -> str:
    lines = [
        "| set (sample) | system | answer accuracy | first quote | citation precision | citation recall | recall@5 | MRR "
        "| source coverage | abstention P / R | quote exactness | latency p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        sample = f"{TITLES[result['set']]} ({result['questions']} q, {result['articles']} articles)"
        for key, system in result["systems"].items():
            m = system["metrics"]
            latency = f"{m['latency_median_ms']['value']:.0f} / {m['latency_p95_ms']['value']:.0f}"
            lines.append(
                f"| {sample if key == 'newscite' else ''} | {system['name']} | {pct(m['answer_accuracy'], True)} "
                f"| {pct(m.get('first_quote_accuracy'))} | {pct(m['citation_precision'], True)} | {pct(m['citation_recall'], True)} | {pct(m['recall@5'])} "
                f"| {pct(m['mrr'])} | {pct(m['source_coverage'])} "
                f"| {pct(m['abstention_precision'])} / {pct(m['abstention_recall'])} | {pct(m['quote_exactness'])} | {latency} |"
            )
    return "\n".join(lines)


def write_readme_table(results: list[dict]) -> None:
    text = README.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        print(f"{README.relative_to(ROOT)} has no {TABLE_START} ... {TABLE_END} block; table not written", file=sys.stderr)
        return
    stamp = time.strftime("%Y-%m-%d")
    block = f"{TABLE_START}\n_Measured {stamp} by `python bench/eval_datasets.py`; percentages, 95% bootstrap intervals in brackets._\n\n{table(results)}\n{TABLE_END}"
    README.write_text(re.sub(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), lambda _: block, text, flags=re.S), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SETS), help="comma-separated: bundled, squad, realtimeqa")
    parser.add_argument("--squad-questions", type=int, default=300, help="0: every question of the chosen titles")
    parser.add_argument("--squad-first-title", type=int, default=6)
    parser.add_argument("--squad-titles", default="", help="a title range such as 6-9 (held-out evaluation titles)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for eval_<set>.json")
    parser.add_argument("--rtqa-distractors", type=int, default=1000)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-readme", action="store_true", help="don't rewrite the table in docs/evaluation.md")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    if any(s != "bundled" for s in chosen) and not DATASETS.is_dir():
        sys.exit(f"{DATASETS} not found: SQuAD and RealTime QA need ../shared/datasets")
    args.results.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        result = run_set(name, args)
        (args.results / f"eval_{name}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(json.dumps({k: result[k] for k in ("set", "questions", "passed", "seconds")}), file=sys.stderr)
    if not args.no_readme:
        results = [json.loads((RESULTS / f"eval_{s}.json").read_text()) for s in SETS if (RESULTS / f"eval_{s}.json").exists()]
        write_readme_table(results)
    print(table([json.loads((args.results / f"eval_{s}.json").read_text()) for s in chosen]))


if __name__ == "__main__":
    main()

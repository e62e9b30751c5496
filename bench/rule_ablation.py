"""Does each answer-side rule pay on questions it was not tuned on? One rule off at a time, on RealTime QA test days.

The rules of issue 14 (tuned on the 220 questions of `realtimeqa/`) and the
alignment's checks of issue 23 (tuned on the look-alike dev pairs and SQuAD
titles 0-5) are switched off one at a time, and every timely question of the
weekly set's test days (`--format realtimeqa-weekly --split test --timely`,
days never looked at while tuning) is asked on its own day over the articles
its retriever returned. Right / wrong / declined use the evaluation's one
gold-answer rule (assistant.eval.metrics.verdict). A rule pays when switching
it off costs right answers or adds wrong ones.

    python bench/rule_ablation.py out/eval-realtimeqa-weekly-test-all     # an index of the test days' articles
    python bench/rule_ablation.py out/eval-realtimeqa-weekly-test-all "all on" "alignment off (no parse)"

Rules this run removed (bench/results/rule_ablation_before.json, the run that decided it): the agent check
and "where needs a place" (issue 23), time phrases left out of the keyword overlap and a whole number met by
its rounding (issue 14); each cost right answers or added wrong ones on the test days.

The index is built there first when missing (the same one `newscite eval ... --index-dir` builds). Writes
bench/results/rule_ablation.json: per variant the counts, and the questions whose verdict differs from "all on".
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WEEKLY = ROOT.parent / "shared" / "datasets" / "realtimeqa_weekly"
RESULTS = ROOT / "bench" / "results" / "rule_ablation.json"


@contextmanager
def patched(target: object, name: str, value: object) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


def variants() -> dict[str, Callable[[], object]]:
    """Each rule off, as a context manager that switches it off."""
    import assistant.answer.alignment as alignment
    import assistant.answer.answer_types as answer_types
    import assistant.answer.constraints as constraints
    import assistant.answer.extractive as extractive
    import assistant.facade as facade

    def without_check(name: str):
        original = alignment.Alignment.standard.__func__

        def standard(cls, data, question, near, relation):
            chain = original(cls, data, question, near, relation)
            chain.parsed = [c for c in chain.parsed if c.name != name]
            return chain

        return patched(alignment.Alignment, "standard", classmethod(standard))

    return {
        "all on": lambda: patched(extractive, "MAX_JUDGED", extractive.MAX_JUDGED),
        "alignment off (no parse)": lambda: patched(extractive, "analyse", lambda question: None),
        "relation check off": lambda: without_check("relation"),
        "possessor check off": lambda: without_check("possessor"),
        "negation check off": lambda: without_check("negation"),
        "which country / state rule off (14)": lambda: patched(answer_types, "place_answer", lambda question: None),
        "past day reads everything (14)": lambda: patched(facade, "known_by", lambda data, as_of: None),
        "no four-window horizon (14)": lambda: patched(facade, "horizon_articles", lambda data, query, as_of=None: None),
        "year not met by publication year (14)": lambda: patched(constraints.Neighbourhoods, "dated", lambda self, doc: constraints.mentions("")),
    }


def main() -> None:
    from assistant import Assistant
    from assistant.options import assistant_for
    from assistant.eval.datasets import load_realtimeqa_weekly
    from assistant.eval.metrics import Cited, verdict

    index_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "eval-realtimeqa-weekly-test-all"
    chosen = set(sys.argv[2:])  # variant names; none: every one
    questions = load_realtimeqa_weekly(WEEKLY, split="test", timely=True)
    bot = Assistant.load(index_dir) if (index_dir / "CURRENT").exists() else assistant_for(questions, index_dir)
    report: dict[str, dict] = {}
    baseline: dict[str, str] = {}
    for name, switch_off in variants().items():
        if chosen and name not in chosen and name != "all on":
            continue
        started = time.perf_counter()
        outcome: dict[str, str] = {}
        near = 0
        with switch_off():
            for question in questions.questions:
                answer = bot.ask(question.question, as_of=question.asked_on)
                cited = [Cited([c.doc_id], [c.quote]) for c in answer.citations]
                outcome[question.id] = verdict(question.gold, answer.abstained, cited)
                near += answer.near_miss is not None
        counts = {v: sum(1 for o in outcome.values() if o == v) for v in ("right", "wrong", "declined")}
        answered = counts["right"] + counts["wrong"]
        row = {**counts, "near_misses": near, "precision": round(counts["right"] / answered, 3) if answered else None,
               "seconds": round(time.perf_counter() - started, 1)}
        if name == "all on":
            baseline = outcome
        else:
            row["changed"] = {qid: f"{baseline[qid]} -> {o}" for qid, o in outcome.items() if o != baseline[qid]}
        report[name] = row
        print(f"{name:45} right {counts['right']:3}  wrong {counts['wrong']:3}  declined {counts['declined']:3}  "
              f"precision {row['precision']}  near misses {near}", flush=True)
    RESULTS.write_text(json.dumps({"questions": len(questions.questions), "index": str(index_dir), "variants": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()

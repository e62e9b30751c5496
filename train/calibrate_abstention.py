"""Calibrate the abstention threshold on SQuAD 2.0's unanswerable questions.

Indexes the paragraphs of a fixed sample of SQuAD 2.0 dev articles (each
paragraph one "article", its Wikipedia title as the outlet) and asks, with
abstention switched off, three kinds of question:

- answerable ones about the indexed paragraphs;
- SQuAD's `is_impossible` ones about them (adversarial: written to look
  answerable from the very paragraph);
- questions about SQuAD articles that are *not* indexed (what a reader asks
  when the collection simply does not cover the topic).

The threshold on the composer's confidence maximises Youden's J with the two
unanswerable kinds weighted equally: answer rate on answerable + mean
abstention rate over the two unanswerable kinds - 1. It is written to
assistant/answer/calibration.json with the figures it was chosen on.

    python train/calibrate_abstention.py [--titles 6] [--per-class 500]

The first 6 titles only: bench/eval_datasets.py evaluates on titles 6-15, held out.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.facade import Assistant  # noqa: E402
from assistant.answer.extractive import CALIBRATION_FILE  # noqa: E402
from assistant.embed.embedding import default_embedder, question_embedder  # noqa: E402
from assistant.eval.datasets import load_squad  # noqa: E402
from assistant.index.build import update_index  # noqa: E402
from assistant.ingest.load import LoadResult  # noqa: E402
from assistant.model import Article  # noqa: E402

SQUAD = ROOT.parent / "shared" / "datasets" / "squad2_dev_half" / "dev-v2.0-half.json"


def squad_sample(titles: int, per_class: int, seed: int = 13) -> tuple[list[Article], list[tuple[str, str]]]:
    """Indexed paragraphs, and (question, kind) pairs: answerable, impossible or off-topic."""
    indexed = load_squad(SQUAD, titles=titles)
    others = load_squad(SQUAD, first_title=titles)
    answerable = [q.question for q in indexed.questions if q.answers]
    impossible = [q.question for q in indexed.questions if not q.answers]
    off_topic = [q.question for q in others.questions]
    rng = random.Random(seed)
    questions = []
    for kind, pool in (("answerable", answerable), ("impossible", impossible), ("off-topic", off_topic)):
        questions += [(q, kind) for q in rng.sample(pool, min(per_class, len(pool)))]
    return indexed.articles, questions


def youden_j(cut: float, confidences: np.ndarray, kinds: np.ndarray) -> float:
    answered = confidences >= cut
    abstained = {kind: float((~answered[kinds == kind]).mean()) for kind in ("impossible", "off-topic")}
    return float(answered[kinds == "answerable"].mean()) + float(np.mean(list(abstained.values()))) - 1


def best_threshold(confidences: np.ndarray, kinds: np.ndarray) -> tuple[float, float]:
    """The cut maximising Youden's J, and J itself."""
    return max(((float(cut), youden_j(cut, confidences, kinds)) for cut in np.unique(confidences)), key=lambda p: p[1])


def auc(confidences: np.ndarray, answerable: np.ndarray) -> float:
    pos, neg = confidences[answerable], confidences[~answerable]
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=6)
    parser.add_argument("--per-class", type=int, default=500)
    parser.add_argument("--dry-run", action="store_true", help="print, don't write calibration.json")
    args = parser.parse_args()
    if not SQUAD.exists():
        sys.exit(f"{SQUAD} not found: calibration needs ../shared/datasets")

    articles, questions = squad_sample(args.titles, args.per_class)
    embedder = default_embedder()
    with tempfile.TemporaryDirectory() as index_dir:
        started = time.perf_counter()
        data, _ = update_index(index_dir, [str(SQUAD)], embedder, loaded=LoadResult(articles=articles))
        print(f"indexed {len(articles)} paragraphs in {time.perf_counter() - started:.0f}s", file=sys.stderr)
        bot = Assistant(data, index_dir, question_embedder(data.backend, embedder), threshold=-1.0)  # as users ask
        confidences = np.array([bot.ask(q).confidence for q, _ in questions])
    kinds = np.array([kind for _, kind in questions])
    threshold, j = best_threshold(confidences, kinds)
    answered = confidences >= threshold
    answerable = kinds == "answerable"
    result = {
        "threshold": round(threshold, 4),
        "method": "Youden's J on the composer's confidence, abstention off while measuring",
        "made_by": "python train/calibrate_abstention.py",
        "dataset": f"SQuAD 2.0 dev half, first {args.titles} titles ({len(articles)} paragraphs as articles)",
        "questions": {kind: int((kinds == kind).sum()) for kind in ("answerable", "impossible", "off-topic")},
        "backend": embedder.backend,
        "query_backend": bot.stats()["query_backend"],
        "auc_vs_impossible": round(auc(confidences[answerable | (kinds == "impossible")], answerable[answerable | (kinds == "impossible")]), 4),
        "auc_vs_off_topic": round(auc(confidences[answerable | (kinds == "off-topic")], answerable[answerable | (kinds == "off-topic")]), 4),
        "youden_j": round(j, 4),
        "answer_rate_on_answerable": round(float(answered[answerable].mean()), 4),
        "abstention_rate_on_impossible": round(float((~answered[kinds == "impossible"]).mean()), 4),
        "abstention_rate_on_off_topic": round(float((~answered[kinds == "off-topic"]).mean()), 4),
    }
    print(json.dumps(result, indent=1))
    if not args.dry_run:
        CALIBRATION_FILE.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

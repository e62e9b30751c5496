"""Calibrate the support check of LLM-written sentences on QuoteSum.

QuoteSum answers are written by people from up to 8 passages and mark what
they take from passage N as `[ N quoted text ]`. Each answer sentence is a
stand-in for a sentence an LLM wrote with a citation:

- supported pair: the sentence and the best-matching sentence of a passage
  it cites;
- wrong-citation pair: the sentence and the best-matching sentence of a
  passage of the same question that it does not cite (same topic, so the
  hard case: "cited the wrong sentence").

For each weight of cosine vs keyword overlap it finds the threshold that
maximises Youden's J (supported kept + wrong rejected - 1), with and without
the hard checks (numbers; then numbers, names and polarity), and prints the
figures. The constants in assistant/answer/support.py are set from this
output by hand.

Then the same check on data/support_paraphrases.jsonl: LLM-style paraphrases
of sentences of the bundled articles (supported), and claims with a swapped
name, the opposite polarity, or a fact of another sentence (unsupported),
each against the sentence it cites, with the composer's name context (the
sentence's neighbours, the title, the outlet); and the same on the held-out
set data/support_paraphrases_heldout.jsonl. For QuoteSum and both sets it
prints the old check next to the shipped support head
(assistant/models/support, train/train_support.py), on the QuoteSum parts
that training used, calibrated on, and held out.

    python bench/calibrate_support.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.embed.embedding import default_embedder  # noqa: E402
from assistant.text import terms  # noqa: E402
from assistant.answer.support import contradiction, names_missing, numbers_in, overlap  # noqa: E402
from bench.common import QUOTESUM, question_pairs  # noqa: E402


def pairs():
    """(answer sentence, cited passage sentences, uncited passage sentences) triples; a passage's
    title leads its sentences (where a name may be met, as an article's title is in NewsCite)."""
    for _, sentence, cited, uncited in question_pairs():
        yield sentence, cited, uncited


def youden(scores_pos: np.ndarray, scores_neg: np.ndarray) -> tuple[float, float, float, float]:
    best = (0.0, -1.0, 0.0, 0.0)
    for cut in np.unique(np.round(np.concatenate([scores_pos, scores_neg]), 2)):
        kept = (scores_pos >= cut).mean()
        rejected = (scores_neg < cut).mean()
        if kept + rejected - 1 > best[1]:
            best = (float(cut), float(kept + rejected - 1), float(kept), float(rejected))
    return best


def main() -> None:
    if not QUOTESUM.exists():
        sys.exit(f"{QUOTESUM} not found (../shared/datasets is needed)")
    started = time.perf_counter()
    triples = list(pairs())
    texts = sorted({t for s, c, u in triples for t in [s, *c, *u]})
    embedder = default_embedder()
    vectors = dict(zip(texts, embedder.embed(texts)))
    term_sets = {t: frozenset(terms(t)) for t in texts}
    number_sets = {t: numbers_in(t) for t in texts}
    print(f"{len(triples)} answer sentences, {len(texts)} distinct texts, embedded in {time.perf_counter() - started:.0f} s")

    def best(sentence: str, candidates: list[str], weight: float) -> tuple[float, bool, bool]:
        """Best pair score among candidates, whether the numbers check passes, and whether all hard checks do.

        Numbers and names are checked against the passages (QuoteSum cites whole passages),
        the score and the polarity against the best single sentence (NewsCite cites sentences).
        """
        top, top_candidate = -1.0, candidates[0]
        for candidate in candidates:
            cosine = float(vectors[sentence] @ vectors[candidate])
            score = weight * cosine + (1 - weight) * overlap(term_sets[sentence], term_sets[candidate])
            if score > top:
                top, top_candidate = score, candidate
        numbers_ok = number_sets[sentence] <= frozenset().union(*(number_sets[c] for c in candidates))
        names_ok = not names_missing(sentence, candidates)
        opposite = contradiction(sentence, vectors[sentence], [top_candidate], vectors[top_candidate][None, :])
        return top, numbers_ok, numbers_ok and names_ok and not opposite

    print("| weight | threshold | J | supported kept | wrong rejected | + numbers: kept | rejected | + numbers, names, polarity: kept | rejected |")
    print("|---|---|---|---|---|---|---|---|---|")
    for weight in (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0):
        pos = [best(s, c, weight) for s, c, u in triples]
        neg = [best(s, u, weight) for s, c, u in triples]
        pos_scores = np.array([p[0] for p in pos])
        neg_scores = np.array([n[0] for n in neg])
        cut, j, kept, rejected = youden(pos_scores, neg_scores)
        kept_n = np.mean([score >= cut and ok for score, ok, _ in pos])
        rejected_n = np.mean([score < cut or not ok for score, ok, _ in neg])
        kept_all = np.mean([score >= cut and ok for score, _, ok in pos])
        rejected_all = np.mean([score < cut or not ok for score, _, ok in neg])
        print(f"| {weight} | {cut:.2f} | {j:.3f} | {kept:.3f} | {rejected:.3f} | {kept_n:.3f} | {rejected_n:.3f} | {kept_all:.3f} | {rejected_all:.3f} |")
        quantiles = np.quantile(pos_scores, [0.05, 0.1, 0.25, 0.5]).round(2).tolist()
        print(f"|   | supported-pair score quantiles 5/10/25/50%: {quantiles}; wrong-pair 50/90/95%: "
              f"{np.quantile(neg_scores, [0.5, 0.9, 0.95]).round(2).tolist()} | | | | | |")


def paraphrases() -> None:
    """The support check as the LLM path runs it, on both hand-written paraphrase sets: the old check and the support head."""
    from bench.common import paraphrase_rows_and_head

    rows, head = paraphrase_rows_and_head()
    print(f"\n| paraphrase set | claims | old check right | support head right (threshold {head.threshold:.3f}) |" if head else
          "\n| paraphrase set | claims | old check right | (no support head shipped) |")
    print("|---|---|---|---|")
    for group in ("paraphrases_dev", "paraphrases_heldout"):
        part = [r for r in rows if r.group == group]
        for label, kind in sorted({(r.label, r.kind) for r in part}, key=lambda k: (-k[0], k[1])):
            some = [r for r in part if (r.label, r.kind) == (label, kind)]
            old = sum(r.old() == bool(label) for r in some)
            new = sum(r.new(head.threshold) == bool(label) for r in some) if head else "-"
            print(f"| {group.split('_')[1]}: {'kept' if label else 'rejected'} ({kind}) | {len(some)} | {old} | {new} |")


def quotesum_head() -> None:
    """QuoteSum pairs, old check vs the shipped support head, per part of train/train_support.py's split."""
    from bench.common import quotesum_rows_and_head

    rows, head = quotesum_rows_and_head()
    if head is None:
        print("\n(no support head shipped)")
        return
    print("\n| QuoteSum part | pairs | old: supported kept | wrong rejected | head: supported kept | wrong rejected |")
    print("|---|---|---|---|---|---|")
    for group in ("quotesum_training", "quotesum_calibration", "quotesum_heldout"):
        pos = [r for r in rows if r.group == group and r.label]
        neg = [r for r in rows if r.group == group and not r.label]
        print(f"| {group.split('_')[1]} | {len(pos)} + {len(neg)} | {np.mean([r.old() for r in pos]):.3f} | "
              f"{np.mean([not r.old() for r in neg]):.3f} | {np.mean([r.new(head.threshold) for r in pos]):.3f} | "
              f"{np.mean([not r.new(head.threshold) for r in neg]):.3f} |")


if __name__ == "__main__":
    main()
    quotesum_head()
    paraphrases()

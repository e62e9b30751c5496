"""Held-out figures of the shipped reader (the ONNX int8 file users get), written into its manifest.

    python train/reader_eval.py [--folder assistant/models/cross_encoder] [--quick] [--no-write]

Nothing here was trained on (see train/reader_data.py for the splits):

- SQuAD 2.0 titles 6-9: every question against every sentence of its
  paragraph. Answer-sentence accuracy (argmax of `answer` is the sentence
  holding the answer; keyword overlap as the baseline), `is_impossible`
  AUC of the best sentence's score, the share of impossible questions
  declined at the cut that declines 10% of answerable ones, span exact
  match / F1 (SQuAD normalisation) in the chosen sentence; and the
  "question? answer." claims of those titles (supported by the answer
  sentence, contradicted by a different answer).
- Synthesised claims from held-out news articles (support / neutral /
  contradict by swapped name, number, date or polarity).
- data/conflict_pairs.jsonl (hand-labelled cross-outlet pairs, never
  trained on): the contradict flag's precision and recall per split.
- QuoteSum held-out half: answer sentences against the cited passage
  (kept when a sentence of it supports them) and against an uncited one
  (rejected when none does).
- RealTime QA gold articles (news, never trained on): for the questions
  whose answer is in a gold article, is it in the sentence the reader picks?
- The issue's look-alike questions on the bundled articles.
- Speed: ms for one question and 10 candidates on one thread; pairs/s.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import string
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train import reader_data as data  # noqa: E402
from assistant.answer.reader import MANIFEST_FILE, READER_DIR, Candidate, Reader  # noqa: E402

BUNDLED = ROOT / "data" / "articles"
# (question, look-alike with a constraint swapped, the sentence that answers the first one only)
LOOK_ALIKES = [
    ("Where did the FSA propose to hold talks with Russia?", "Where did the FSA propose to hold talks with Turkey?", "000_4fb80201a179085a.txt", 0),
    ("Who is the spokesman for Division 13?", "Who is the spokesman for Division 30?", "000_4fb80201a179085a.txt", 7),
    ("How many people have been killed in Syria since 2011?", "How many people have been killed in Iraq since 2011?", "001_474bbdfa31def6b0.txt", 34),
    ("Since when has the conflict in Syria raged?", "Since when has the conflict in Iraq raged?", "004_2b4b424fbe197ea6.txt", 34),
]


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def normalise(text: str) -> str:
    text = "".join(c for c in text.lower() if c not in set(string.punctuation))
    return " ".join(w for w in text.split() if w not in {"a", "an", "the"})


def f1(prediction: str, gold: str) -> float:
    p, g = normalise(prediction).split(), normalise(gold).split()
    common = sum((collections.Counter(p) & collections.Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def squad(reader: Reader, limit: int | None, seed: int) -> dict:
    questions = list(data.squad_questions("evaluation"))
    if limit:
        questions = random.Random(seed).sample(questions, limit)
    best, chosen_right, overlap_right, em, f1s, em_given, answerable_scores, impossible_scores = [], 0, 0, [], [], [], [], []
    parts: dict[str, tuple[list[float], list[float]]] = {"answer_head": ([], []), "answer_span": ([], [])}
    contains = []
    for q in questions:
        candidates = [data.candidate(q.paragraph, s) for s in q.sentences]
        verdicts = reader.score(q.question, candidates)
        scores = np.array([v.answer for v in verdicts])
        top = int(scores.argmax())
        for name, (answerable_part, impossible_part) in parts.items():
            (answerable_part if q.answers else impossible_part).append(max(getattr(v, name) for v in verdicts))
        if not q.answers:
            impossible_scores.append(scores.max())
            continue
        answerable_scores.append(scores.max())
        if q.answer_sentence is None:
            continue
        golds = list(dict.fromkeys(q.paragraph[a:b] for a, b in q.answers))
        right = top == q.answer_sentence
        chosen_right += right
        lexical = max(range(len(candidates)), key=lambda i: data.overlap(q.question, candidates[i].sentence))
        overlap_right += lexical == q.answer_sentence
        contains.append(any(g in candidates[top].sentence for g in golds))
        short = verdicts[top].short_answer(candidates[top].sentence) or ""
        em.append(max(normalise(short) == normalise(g) for g in golds))
        f1s.append(max(f1(short, g) for g in golds))
        if right:
            em_given.append(em[-1])
        best.append(q)
    pos, neg = np.array(answerable_scores), np.array(impossible_scores)
    cut = float(np.quantile(pos, 0.10))
    n = len(em)
    return {
        "questions": len(questions),
        "answerable_with_answer_sentence": n,
        "impossible": len(neg),
        "answer_sentence_accuracy": round(chosen_right / n, 4),
        "answer_sentence_accuracy_keyword_overlap_baseline": round(overlap_right / n, 4),
        "chosen_sentence_contains_answer": round(float(np.mean(contains)), 4),
        "span_exact_match": round(float(np.mean(em)), 4),
        "span_f1": round(float(np.mean(f1s)), 4),
        "span_exact_match_when_sentence_right": round(float(np.mean(em_given)), 4),
        "is_impossible_auc": round(auc(pos, neg), 4),
        "is_impossible_auc_by_part": {name: round(auc(np.array(a), np.array(b)), 4) for name, (a, b) in parts.items()},
        "cut_declining_10pct_answerable": round(cut, 4),
        "impossible_declined_at_that_cut": round(float((neg < cut).mean()), 4),
        "at_0.5": {"answerable_declined": round(float((pos < 0.5).mean()), 4), "impossible_declined": round(float((neg < 0.5).mean()), 4)},
    }


def claims(reader: Reader, pairs: Sequence[data.Pair]) -> dict:
    """3-way accuracy, and the contradict flag (argmax), overall and per synthesised kind; question pairs are skipped."""
    pairs = [p for p in pairs if p.nli >= 0]
    verdicts = []
    for p in pairs:  # one call per pair keeps the code plain; speed is measured apart
        verdicts.append(reader.score(p.query, [p.candidate])[0])
    predicted = [int(np.argmax([v.support, 1 - v.support - v.contradict, v.contradict])) for v in verdicts]
    truth = [p.nli for p in pairs]
    kinds = collections.defaultdict(list)
    for p, t, y in zip(pairs, truth, predicted):
        kinds[p.source].append(t == y)
    tp = sum(t == 2 and y == 2 for t, y in zip(truth, predicted))
    fp = sum(t != 2 and y == 2 for t, y in zip(truth, predicted))
    fn = sum(t == 2 and y != 2 for t, y in zip(truth, predicted))
    return {
        "pairs": len(pairs),
        "accuracy": round(float(np.mean([t == y for t, y in zip(truth, predicted)])), 4),
        "contradict_precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "contradict_recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "accuracy_by_kind": {k: round(float(np.mean(v)), 3) for k, v in sorted(kinds.items())},
    }


def conflict_pairs(reader: Reader) -> dict:
    rows = [json.loads(line) for line in data.CONFLICT_PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = {}
    for split in ("dev", "test", "heldout"):
        picked = [r for r in rows if r["split"] == split]
        truth, flagged = [], []
        for r in picked:
            a, b = r["a"]["text"], r["b"]["text"]
            score = max(reader.score(a, [b])[0].contradict, reader.score(b, [a])[0].contradict)
            truth.append(r["label"] == "conflict")
            flagged.append(score >= 0.5)
        tp = sum(t and f for t, f in zip(truth, flagged))
        fp = sum(f and not t for t, f in zip(truth, flagged))
        fn = sum(t and not f for t, f in zip(truth, flagged))
        out[split] = {
            "pairs": len(picked), "conflicts": sum(truth), "flagged": sum(flagged),
            "precision": round(tp / (tp + fp), 3) if tp + fp else None, "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        }
    return out


def quotesum(reader: Reader, per_side: int = 5) -> dict:
    """Kept: some sentence of a cited passage supports the answer sentence; rejected: no sentence of an uncited one does."""
    kept, rejected = [], []
    for record in data.quotesum_records("evaluation"):
        passages = {n: record.get(f"source{n}") or "" for n in range(1, 9)}
        passages = {n: t for n, t in passages.items() if t.strip()}
        plain, marks = data._plain(record["summary"])
        for span in data.sentence_spans(plain):
            claim = plain[span.start : span.end]
            cited = {n for a, b, n in marks if a < span.end and b > span.start} & set(passages)
            uncited = set(passages) - cited
            if not cited or not uncited or len(data.terms(claim)) < 3:
                continue

            def best_support(numbers: set[int]) -> float:
                cands = [data.candidate(passages[n], s) for n in sorted(numbers) for s in data.sentence_spans(passages[n])]
                cands = sorted(cands, key=lambda c: -data.overlap(claim, c.sentence))[:per_side]
                return max(v.support for v in reader.score(claim, cands)) if cands else 0.0

            kept.append(best_support(cited) >= 0.5)
            rejected.append(best_support(uncited) < 0.5)
    return {
        "answer_sentences": len(kept),
        "supported_kept": round(float(np.mean(kept)), 4),
        "wrong_citation_rejected": round(float(np.mean(rejected)), 4),
        "note": f"support >= 0.5 on the best of the {per_side} sentences of each side sharing most words with the claim",
    }


def realtimeqa(reader: Reader, max_sentences: int = 120) -> dict:
    gold = collections.defaultdict(list)
    for line in (data.RTQA / "gold_articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if (record.get("text") or "").strip():
                gold[record["question_id"]].append(record["text"])
    right, lexical_right, total = 0, 0, 0
    for line in (data.RTQA / "questions_gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        answers = [a for a in q.get("answer_text", []) if a.strip()]
        texts = [t for t in gold.get(q["question_id"], []) if any(a in t for a in answers)]
        if not texts:
            continue
        cands = [data.candidate(t, s) for t in texts for s in data.sentence_spans(t)[:max_sentences]]
        if not any(any(a in c.sentence for a in answers) for c in cands):
            continue
        total += 1
        scores = [v.answer for v in reader.score(q["question"], cands)]
        right += any(a in cands[int(np.argmax(scores))].sentence for a in answers)
        lexical = max(range(len(cands)), key=lambda i: data.overlap(q["question"], cands[i].sentence))
        lexical_right += any(a in cands[lexical].sentence for a in answers)
    return {
        "questions_with_answer_in_a_gold_sentence": total,
        "chosen_sentence_contains_answer": round(right / total, 4),
        "keyword_overlap_baseline": round(lexical_right / total, 4),
    }


def look_alikes(reader: Reader) -> list[dict]:
    out = []
    for true_q, fake_q, name, line in LOOK_ALIKES:
        text = (BUNDLED / name).read_text(encoding="utf-8")
        sentence = text.splitlines()[line]
        start = text.index(sentence)
        cand = data.candidate(text, data.Span(start, start + len(sentence)))
        real, fake = reader.score(true_q, [cand])[0], reader.score(fake_q, [cand])[0]
        out.append({"question": true_q, "answer": round(real.answer, 3), "short_answer": real.short_answer(cand.sentence),
                    "look_alike": fake_q, "look_alike_answer": round(fake.answer, 3)})
    return out


def speed(reader: Reader, seed: int, repeats: int = 30) -> dict:
    rng = random.Random(seed)
    texts = [t for _, t in data.news_articles("evaluation", 20, 0)]
    pool = [data.candidate(t, s) for t in texts for s in data.sentence_spans(t)]
    question = "Where did the delegations agree to hold the next round of talks?"
    reader.score(question, pool[:10])
    times, cpu = [], []
    for _ in range(repeats):
        cands = rng.sample(pool, 10)
        started, started_cpu = time.perf_counter(), time.process_time()
        reader.score(question, cands)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    many = rng.sample(pool, 160)
    started = time.perf_counter()
    reader.score(question, many)
    rate = len(many) / (time.perf_counter() - started)
    return {
        "threads": reader.threads,
        "ms_per_question_10_candidates_p50": round(1000 * float(np.median(times)), 1),
        "ms_per_question_10_candidates_p95": round(1000 * float(np.quantile(times, 0.95)), 1),
        "cpu_ms_per_question_10_candidates_p50": round(1000 * float(np.median(cpu)), 1),
        "pairs_per_s": round(rate, 1),
        "note": "news sentences with 300 characters of context each side; the machine was shared with other jobs",
    }


def evaluate(folder: Path = READER_DIR, seed: int = 13, quick: bool = False) -> dict:
    reader = Reader(folder, threads=1)
    started = time.perf_counter()
    result = {
        "speed": speed(reader, seed),
        "look_alikes_bundled": look_alikes(reader),
        "squad2_titles_6_9": squad(reader, 300 if quick else None, seed),
        "squad2_titles_6_9_claims": claims(reader, data.squad_pairs(random.Random(seed), "evaluation")[: 600 if quick else None]),
        "news_heldout_claims": claims(reader, [p for p in data.news_pairs("evaluation", random.Random(seed), 60, 60)]),
        "conflict_pairs_hand_labelled": conflict_pairs(reader),
        "quotesum_heldout_support": quotesum(reader),
    }
    if not quick:
        result["realtimeqa_gold"] = realtimeqa(reader)
    result["eval_minutes"] = round((time.perf_counter() - started) / 60, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=READER_DIR)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--quick", action="store_true", help="a sample of SQuAD, no RealTime QA")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the manifest alone")
    args = parser.parse_args()
    if not data.SQUAD.exists():
        sys.exit(f"{data.SQUAD} not found: evaluation needs ../shared/datasets")
    result = evaluate(args.folder, args.seed, args.quick)
    print(json.dumps(result, indent=1))
    manifest_file = args.folder / MANIFEST_FILE
    if not args.no_write and not args.quick and manifest_file.is_file():
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        manifest["evaluation"] = result
        manifest_file.write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()

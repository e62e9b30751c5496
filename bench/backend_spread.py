"""How far apart the embedding backends' vectors are, and which verdicts that moves.

    python bench/backend_spread.py [--articles 40]

Every backend embeds the same texts: the bundled articles' sentences, the
sentences of the first N RealTime QA corpus articles (streamed from ../shared)
and the 773 labelled conflict pairs. Against onnx-fp32 (torch's vectors up
to rounding) it reports:

- the cosine between the two vectors of the same text (min, 1st percentile, mean);
- the spread of pairwise cosines: |cos_b(x, y) - cos_fp32(x, y)| over pairs
  of sentences of the same article (what every fixed cosine gate compares);
- how many verdicts of the conflict detector on the labelled pairs differ
  from onnx-fp32's, and how many pairs sit within that spread of a gate.

Writes bench/results/backend_spread.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.outlets.conflicts.detect import detect  # noqa: E402
from assistant.outlets.conflicts.statement import CLASS_COSINE, SAME_STATEMENT_COSINE, TOPIC_COSINE, Statement  # noqa: E402
from assistant.embed.onnx_embedder import BACKENDS, OnnxEmbedder  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "backend_spread.json"
PAIRS = ROOT / "data" / "conflict_pairs.jsonl"
REFERENCE = "onnx-fp32"
GATES = {"CLASS_COSINE": CLASS_COSINE, "TOPIC_COSINE": TOPIC_COSINE, "SAME_STATEMENT_COSINE": SAME_STATEMENT_COSINE}


def article_sentences(articles) -> list[list[str]]:
    from assistant.index.sentence_rows import sentence_texts, split_articles
    from assistant.index.store import IndexSettings

    segmented, _ = split_articles(articles, IndexSettings())
    return [sentence_texts(article, spans) for article, spans, *_ in segmented]


def material(corpus_articles: int) -> tuple[dict[str, list[list[str]]], list[dict]]:
    from assistant.ingest.load import load_paths

    groups = {"bundled": article_sentences(load_paths([ROOT / "data" / "articles"]).articles)}
    try:
        from bench.common import corpus_sample

        groups["corpus"] = article_sentences(corpus_sample(corpus_articles)[0])
    except FileNotFoundError:
        print("../shared not found: bundled articles only", file=sys.stderr)
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return groups, pairs


def same_article_pairs(groups: list[list[str]], index: dict[str, int], limit: int = 20_000, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pairs = [(index[a], index[b]) for sentences in groups for i, a in enumerate(sentences) for b in sentences[i + 1 :]]
    pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return pairs[rng.choice(len(pairs), size=min(limit, len(pairs)), replace=False)] if len(pairs) else pairs


def run(corpus_articles: int, backends: tuple[str, ...] = BACKENDS) -> dict:
    groups, labelled = material(corpus_articles)
    texts = sorted({t for g in groups.values() for s in g for t in s} | {r[side]["text"] for r in labelled for side in "ab"})
    index = {t: i for i, t in enumerate(texts)}
    vectors = {b: OnnxEmbedder(b).embed(texts) for b in dict.fromkeys((REFERENCE, *backends))}
    ref = vectors[REFERENCE]
    reference_verdicts = [detect(Statement(r["a"]["text"], ref[index[r["a"]["text"]]]), Statement(r["b"]["text"], ref[index[r["b"]["text"]]])) for r in labelled]
    report: dict = {"texts": len(texts), "labelled_pairs": len(labelled), "reference": REFERENCE, "backends": {}}
    for backend, v in vectors.items():
        same = (v * ref).sum(1)
        entry = {"same_text_cosine": {"min": round(float(same.min()), 4), "p1": round(float(np.percentile(same, 1)), 4), "mean": round(float(same.mean()), 5)}}
        for name, sentences in groups.items():
            pairs = same_article_pairs(sentences, index)
            diff = np.abs((v[pairs[:, 0]] * v[pairs[:, 1]]).sum(1) - (ref[pairs[:, 0]] * ref[pairs[:, 1]]).sum(1))
            entry[f"pairwise_spread_{name}"] = {"pairs": len(pairs), "p50": round(float(np.median(diff)), 4),
                                                "p99": round(float(np.percentile(diff, 99)), 4), "max": round(float(diff.max()), 4)}
        flips, near = [], {}
        spread = max(entry[k]["p99"] for k in entry if k.startswith("pairwise_spread"))
        for row, expected in zip(labelled, reference_verdicts):
            a, b = v[index[row["a"]["text"]]], v[index[row["b"]["text"]]]
            found = detect(Statement(row["a"]["text"], a), Statement(row["b"]["text"], b))
            if (found is None) != (expected is None):
                flips.append({"id": row["id"], "label": row["label"], "cosine": round(float(a @ b), 3),
                              "reference_cosine": round(float(ref[index[row["a"]["text"]]] @ ref[index[row["b"]["text"]]]), 3)})
            cosine = float(a @ b)
            for gate, value in GATES.items():
                if abs(cosine - value) <= spread:
                    near[gate] = near.get(gate, 0) + 1
        entry["conflict_verdicts_differing"] = flips
        entry["labelled_pairs_within_p99_spread_of_a_gate"] = near
        report["backends"][backend] = entry
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40, help="RealTime QA corpus articles to sample")
    args = parser.parse_args()
    report = run(args.articles)
    print(f"{report['texts']} texts; against {REFERENCE}:")
    print("| backend | same-text cosine min / mean | pairwise spread p99 / max (bundled) | (corpus) | conflict verdicts differing |")
    print("|---|---|---|---|---|")
    for backend, e in report["backends"].items():
        corpus = e.get("pairwise_spread_corpus", {})
        print(f"| {backend} | {e['same_text_cosine']['min']} / {e['same_text_cosine']['mean']} | "
              f"{e['pairwise_spread_bundled']['p99']} / {e['pairwise_spread_bundled']['max']} | "
              f"{corpus.get('p99', '-')} / {corpus.get('max', '-')} | {len(e['conflict_verdicts_differing'])} of {report['labelled_pairs']} |")


if __name__ == "__main__":
    main()

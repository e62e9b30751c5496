"""What checking one LLM-written sentence costs: the old support check alone, then with the support head.

The head runs through `SupportHead.probability` (its own token states, one
text per run), not through the training bank; the pairs and the head come
from bench/common.py.

    python bench/bench_support.py        # cost per checked sentence, ms
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import paraphrase_rows, shipped  # noqa: E402


def cost() -> None:
    """Wall and CPU ms per checked sentence: the old check alone, then with the head (token states warm)."""
    from assistant.answer.support import support
    from assistant.embed.embedding import default_embedder

    rows, head = paraphrase_rows(), shipped()
    if head is None:
        sys.exit("no support head shipped")
    embedder = default_embedder()
    claims = [r.claim for r in rows]
    evidence = [r.evidence[0] for r in rows]
    cv, ev = embedder.embed(claims), embedder.embed(evidence)
    head.probability(rows[0].claim, list(rows[0].evidence), rows[0].result)  # load the int8 model once
    for name, which in (("old check", None), ("with the support head", head)):
        timings = []
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            for c, e, v, w in zip(claims, evidence, cv, ev):
                support(c, v, [e], w[None, :], head=which)
            timings.append(((time.perf_counter() - wall) * 1000 / len(rows), (time.process_time() - cpu) * 1000 / len(rows)))
        wall_ms, cpu_ms = np.median(timings, axis=0)
        print(f"{name}: {wall_ms:.1f} ms wall, {cpu_ms:.1f} ms CPU per checked sentence ({len(rows)} sentences x 3, median; "
              "the sentence's embedding, done anyway by the LLM path, not included)")


if __name__ == "__main__":
    cost()

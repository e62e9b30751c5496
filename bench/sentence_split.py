"""Sentence splitting before and after issue 25: the same spans, how much faster.

    python bench/sentence_split.py [--articles 40] [--sample 2000] [--before 2afe27f]

"Before" is the splitter as it was at git revision `--before` (assistant/ingest/sentences.py and
clean.py read from git, run on nltk's own Punkt through llama-index's bundled data); "after" is
the working tree (assistant/ingest/punkt.py, no nltk). On the first `--articles` corpus articles
(the ingest benchmark's) each splits every article once, as a build does, in `--processes` fresh
processes taking turns, and the script reports the best first use (import and model load) and
the best splitting seconds; then, on the bundled articles
and the first `--sample` corpus records, whether every article gives the same sentence offsets.
Writes bench/results/sentence_split.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "sentence_split.json"
BEFORE = "2afe27f"  # the last commit before issue 25's splitter


def before_splitter(revision: str):
    """`split_sentences` as it was at `revision`: its sentences.py and clean.py from git, on nltk's Punkt."""
    def source(path: str) -> str:
        return subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    clean = types.ModuleType("before_clean")
    sys.modules["before_clean"] = clean  # dataclasses look their module up
    exec(compile(source("assistant/ingest/clean.py"), "before/clean.py", "exec"), clean.__dict__)
    sentences = types.ModuleType("before_sentences")
    sys.modules["before_sentences"] = sentences
    code = source("assistant/ingest/sentences.py")
    code = code.replace("from assistant.ingest.clean import body_spans", "").replace("from assistant.text import punkt", "")
    sentences.__dict__.update(body_spans=clean.body_spans, punkt=_nltk_punkt_once)
    exec(compile(code, "before/sentences.py", "exec"), sentences.__dict__)
    return sentences.split_sentences


_NLTK = []


def _nltk_punkt_once():
    if not _NLTK:
        from assistant.text import nltk_punkt

        _NLTK.append(nltk_punkt())
    return _NLTK[0]


def texts_of(count: int) -> list[str]:
    from bench.common import corpus_records

    return [r["text"] for r in corpus_records(count) if (r.get("text") or "").strip()]


def timing(which: str, count: int, revision: str) -> dict:
    """In this (fresh) process: first use (import + model load), then one pass over the articles, as a
    build splits them (each article once: the fast splitter's decision cache starts empty)."""
    texts = texts_of(count)
    started = time.perf_counter()
    if which == "before":
        split = before_splitter(revision)
    else:
        from assistant.ingest.sentences import split_sentences as split
    split("Warm up. Load the model.")
    first_use = time.perf_counter() - started
    started = time.perf_counter()
    sentences = sum(len(split(text)) for text in texts)
    seconds = time.perf_counter() - started
    return {"articles": len(texts), "sentences": sentences, "first_use_s": round(first_use, 3), "split_s": round(seconds, 3),
            "sentences_per_s": round(sentences / seconds)}


def identity(sample: int, revision: str) -> dict:
    from assistant.ingest.sentences import split_sentences

    from tests.conftest import BUNDLED

    before = before_splitter(revision)
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED.glob("*.txt"))] + texts_of(sample)
    differing = [i for i, text in enumerate(texts) if before(text) != split_sentences(text)]
    return {"articles": len(texts), "sentences": sum(len(split_sentences(t)) for t in texts),
            "articles_with_different_sentences": len(differing)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--processes", type=int, default=5, help="fresh processes per splitter (best one reported)")
    parser.add_argument("--stage", choices=("before", "after"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(timing(args.stage, args.articles, args.before)))
        return
    import os

    result = {"load_average": round(os.getloadavg()[0], 2), "before_revision": args.before}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.processes):  # fresh processes, taking turns; the best of each
        for stage in runs:
            out = subprocess.run([sys.executable, __file__, "--stage", stage, "--articles", str(args.articles), "--before", args.before],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
            runs[stage].append(json.loads(out.strip().splitlines()[-1]))
    for stage, measured in runs.items():
        best = min(measured, key=lambda r: r["split_s"])
        result[stage] = {**best, "first_use_s": min(r["first_use_s"] for r in measured),
                         "split_s_runs": [r["split_s"] for r in measured]}
    result["speedup_split"] = round(result["before"]["split_s"] / result["after"]["split_s"], 1)
    result["speedup_with_first_use"] = round((result["before"]["split_s"] + result["before"]["first_use_s"])
                                             / (result["after"]["split_s"] + result["after"]["first_use_s"]), 1)
    result["same_sentences"] = identity(args.sample, args.before)
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

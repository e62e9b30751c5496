"""What verifying an LLM's answer costs on top of retrieval, with an instant scripted LLM.

The LLM's own generation time depends on the model and the machine and is not
measured here; this is NewsCite's part: evidence selection, prompt, parsing,
quotation/number checks, embedding each written sentence, support scores.

    python bench/llm_overhead.py [--index-dir index] [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.facade import Assistant  # noqa: E402
from tests.fake_llm import ScriptedLLM, number_of  # noqa: E402

QUESTION = "Where did the FSA propose to meet Russia?"


def script(prompt: str) -> str:
    ready, cairo = number_of(prompt, "expressed readiness"), number_of(prompt, "proposed to hold the meeting in Cairo")
    return (
        f"The Free Syrian Army is ready to hold talks with Russia in Cairo [{ready}]. "
        f"An FSA representative said they proposed to hold the meeting in Cairo, Egypt, with no answer yet [{cairo}]. "
        f'He said "we will never talk to Moscow" [{cairo}]. Lavrov is a great man [{ready}].'
    )


def timed(ask, runs: int) -> list[float]:
    ask()  # warm-up: model load, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        ask()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", default="index")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    extractive = Assistant.load(args.index_dir)
    written = Assistant(extractive.data, args.index_dir, embedder=extractive.embedder, llm=ScriptedLLM(script=script))
    answer = written.ask(QUESTION)
    print(f"LLM answer: {len(answer.sentences)} sentences kept, {len(answer.unsupported)} left out")
    for name, bot in [("extractive", extractive), ("llm (instant scripted LLM)", written)]:
        times = timed(lambda: bot.ask(QUESTION), args.runs)
        print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()

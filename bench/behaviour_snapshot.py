"""Record every answer NewsCite gives on fixed question sets, to prove a refactor changed no behaviour.

    NEWSCITE_BACKEND=onnx-int8 python bench/behaviour_snapshot.py before.json
    ... refactor ...
    NEWSCITE_BACKEND=onnx-int8 python bench/behaviour_snapshot.py after.json
    cmp before.json after.json

What is recorded (full `to_dict()` JSON, latencies left out):
- every question of data/questions.jsonl over the bundled articles, follow-ups
  in their conversations, extractive and with a scripted LLM (compose and
  stream), plus `Assistant.compare` on each question;
- 100 SQuAD 2.0 questions (dev-half titles 6-15, seed 0, as bench/eval_datasets.py
  samples them) over their own paragraphs, when ../shared/datasets is present.

The backend is pinned (`NEWSCITE_BACKEND`) so two runs on one machine embed alike.
Indexes are built fresh in a temporary folder, so indexing is part of what is compared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402

from assistant.answer.conversation import Conversation  # noqa: E402
from assistant.eval.datasets import load_squad  # noqa: E402
from assistant.eval.questions import load_jsonl  # noqa: E402
from assistant.options import assistant_for  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
EVIDENCE_LINE = re.compile(r"^\[(\d+)\] \((.*?)\) (.*)$", re.MULTILINE)


def echo_llm():
    """A scripted llama-index LLM: restates the first two evidence lines, each cited."""
    from llama_index.core.base.llms.types import CompletionResponse, LLMMetadata
    from llama_index.core.llms import CustomLLM
    from llama_index.core.llms.callbacks import llm_completion_callback

    def reply(prompt: str) -> str:
        if "<evidence>" not in prompt:  # a follow-up to condense
            return prompt.strip().splitlines()[-1]
        block = prompt.split("<evidence>", 1)[1].split("</evidence>", 1)[0]
        lines = EVIDENCE_LINE.findall(block)[:2]
        return " ".join(f"{text.strip()} [{number}]" for number, _, text in lines) or "I don't know."

    class Echo(CustomLLM):
        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(model_name="echo", is_chat_model=False)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs):
            return CompletionResponse(text=reply(prompt))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):
            text = reply(prompt)

            def pieces():
                for start in range(0, len(text), 7):
                    yield CompletionResponse(text=text[: start + 7], delta=text[start : start + 7])

            return pieces()

    return Echo()


def ask_all(bot: Assistant, questions, stream: bool = False) -> list[dict]:
    """Every answer in order; a follow-up continues its parent's conversation (as evaluation does)."""
    turns: dict[str, list] = {}
    out = []
    for question in questions:
        conversation = Conversation(turns=list(turns.get(question.follow_up_of, []))) if question.follow_up_of else Conversation()
        if stream:
            *pieces, answer = bot.ask_stream(question.question, conversation=conversation)
            record = {"id": question.id, "pieces": pieces, "answer": answer.to_dict()}
        else:
            answer = bot.ask(question.question, conversation=conversation)
            record = {"id": question.id, "answer": answer.to_dict()}
        turns[question.id] = list(conversation.turns)
        out.append(record)
    return out


def bundled(scratch: Path) -> dict:
    question_set = load_jsonl(ROOT / "data" / "questions.jsonl")
    bot = Assistant.from_directory(ROOT / "data" / "articles", index_dir=scratch / "bundled")
    llm_bot = Assistant(bot.data, bot.index_dir, embedder=bot.embedder, llm=echo_llm(), llm_timeout=60)
    return {
        "stats": {k: v for k, v in bot.stats().items() if k != "index_dir" and k != "built_at"},
        "extractive": ask_all(bot, question_set.questions),
        "extractive_stream": ask_all(bot, question_set.questions, stream=True),
        "llm": ask_all(llm_bot, question_set.questions),
        "llm_stream": ask_all(llm_bot, question_set.questions, stream=True),
        "compare": [{"id": q.id, "comparison": bot.compare(q.question).to_dict()} for q in question_set.questions],
    }


def squad(scratch: Path, limit: int) -> dict | None:
    if not (DATASETS / "squad2_dev_half").is_dir():
        return None
    question_set = load_squad(DATASETS / "squad2_dev_half", limit=limit, first_title=6, seed=0)
    bot = assistant_for(question_set, scratch / "squad")
    return {"questions": len(question_set.questions), "extractive": ask_all(bot, question_set.questions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--squad-questions", type=int, default=100)
    args = parser.parse_args()
    if not os.environ.get("NEWSCITE_BACKEND"):
        sys.exit("set NEWSCITE_BACKEND (e.g. onnx-int8) so both runs embed with the same backend")
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = {"bundled": bundled(Path(scratch)), "squad": squad(Path(scratch), args.squad_questions)}
    args.output.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

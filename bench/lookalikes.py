"""Look-alike questions on the bundled articles: does NewsCite answer a question and decline its look-alike?

data/lookalike_questions.jsonl pairs an answerable question with a look-alike
(one name, number or year swapped for one the articles don't pair with it).
A trustworthy answer quotes a sentence holding the answer for the first, and
abstains on the second.

    python bench/lookalikes.py            # prints one line per pair and the totals as JSON
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402

PAIRS = ROOT / "data" / "lookalike_questions.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    pairs = load_pairs()
    with tempfile.TemporaryDirectory() as scratch:
        bot = Assistant.from_directory(ROOT / "data" / "articles", index_dir=Path(scratch) / "index")
        answered_right = look_alikes_declined = twins_declined = 0
        for pair in pairs:
            real, fake = bot.ask(pair["question"]), bot.ask(pair["look_alike"])
            quotes = " ".join(c.quote for c in real.citations)
            right = not real.abstained and any(a.lower() in quotes.lower() for a in pair["answers"])
            answered_right += right
            twins_declined += real.abstained
            look_alikes_declined += fake.abstained
            print(f"{pair['id']}: twin {'declined' if real.abstained else ('right' if right else 'WRONG')} "
                  f"({real.confidence:.2f}); look-alike {'declined' if fake.abstained else 'ANSWERED'} ({fake.confidence:.2f})"
                  f"{'' if fake.abstained else ': ' + fake.citations[0].quote[:90]}", file=sys.stderr)
    print(json.dumps({"pairs": len(pairs), "twins_answered_right": answered_right, "twins_declined": twins_declined,
                      "look_alikes_declined": look_alikes_declined}))


if __name__ == "__main__":
    main()

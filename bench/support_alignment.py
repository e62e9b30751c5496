"""The LLM path's support check with and without the alignment, on the hand-written paraphrase sets.

Each claim of data/support_paraphrases.jsonl (development) and
data/support_paraphrases_heldout.jsonl (held out: nothing was chosen on it) is
checked against the sentence it cites, as assistant/answer/verify.py checks a
sentence an LLM wrote: the similarity score and the hard checks (numbers, names,
polarity), then, with the alignment, also the claim's relation, agent,
possessor and polarity against the cited sentence (a sentence that says the
claim's relation of the same things is support however the words differ; one
that says it of someone else is not).

    python bench/support_alignment.py      # prints the table, writes bench/results/support_alignment.json
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = {"dev": ROOT / "data" / "support_paraphrases.jsonl", "heldout": ROOT / "data" / "support_paraphrases_heldout.jsonl"}
RESULTS = ROOT / "bench" / "results" / "support_alignment.json"


def alignment_of(verdict) -> tuple[bool, str]:
    """(aligned, what a cited sentence has in a role of the claim's) from a ClaimAlignment, or nothing known."""
    if verdict is None:
        return False, ""
    miss = verdict.misaligned
    misaligned = f'{miss.role}: "{miss.found}" where the claim has "{miss.asked}"' if miss is not None and miss.check != "relation" else ""
    return verdict.aligned, misaligned


def with_alignment(result, aligned: bool, misaligned: str) -> bool:
    """The verdict the alignment would give: a role it finds wrong vetoes; an aligned claim passes the polarity
    check ("haven't received an answer" does not deny "proposed") and needs no similarity score."""
    if result.missing_numbers or result.missing_names or misaligned:
        return False
    if not aligned and result.contradiction:
        return False
    return aligned or result.score >= result.threshold


def main() -> None:
    from assistant import Assistant
    from assistant.answer.constraints import name_context
    from assistant.answer.claims import claim_alignment
    from assistant.answer.support import claim_of, is_supported, support
    from assistant.text import terms

    bot = Assistant.from_directory(ROOT / "data" / "articles", Path(tempfile.mkdtemp()) / "index")
    data, relation = bot.data, bot.composer.relation
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # (set, label, kind) -> n, old right, new right
    rows = []
    for name, path in SETS.items():
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for record, vector in zip(records, bot.embedder.embed([r["claim"] for r in records])):
            doc = data.doc_index[record["doc"].removesuffix(".txt")]
            row = next(i for i, (d, start, end) in enumerate(data.sentences[:, :3]) if d == doc and start <= record["start"] < end)
            evidence, vectors = [data.sentence_text(row)], bot.composer.vectors.get([row])
            extra, context = frozenset(terms(data.articles[doc].outlet_name)), name_context(data, row)
            result = support(record["claim"], vector, evidence, vectors, extra, context=context)
            old = is_supported(result)
            aligned, misaligned = alignment_of(claim_alignment(claim_of(record["claim"]), evidence, relation))
            new = with_alignment(result, aligned, misaligned)
            wanted = record["label"] == "supported"
            tally = counts[(name, record["label"], record["kind"])]
            tally[0] += 1
            tally[1] += old == wanted
            tally[2] += new == wanted
            rows.append({"set": name, "id": record["id"], "kind": record["kind"], "label": record["label"], "old": old, "new": new,
                         "aligned": aligned, "misaligned": misaligned, "claim": record["claim"]})
    print("| set | claims | right before | right with the alignment |\n|---|---|---|---|")
    table = []
    for (name, label, kind), (n, old, new) in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] != "supported", item[0][2])):
        verb = "kept" if label == "supported" else "rejected"
        print(f"| {name}: {verb} ({kind}) | {n} | {old} ({old / n:.0%}) | {new} ({new / n:.0%}) |")
        table.append({"set": name, "label": label, "kind": kind, "claims": n, "right_before": old, "right_after": new})
    RESULTS.write_text(json.dumps({"table": table, "rows": rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

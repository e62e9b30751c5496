"""Build data/answer_conflicts.jsonl from the hand-written spec data/answer_conflicts_spec.txt.

    PYTHONPATH=$PWD .venv/bin/python train/answer_conflict_data.py [--no-articles]

The spec holds the valuable part (the questions, the answers as they stand in
each sentence, the labels, the swapped-in entities), written by reading each
pair; this script only fills in offsets from the articles, applies the swaps,
assigns story-disjoint splits and validates everything, so the set can be
re-derived. The sentence pairs come from data/conflict_pairs.jsonl or from
`newpair` lines of the spec (sentences located in ../shared/datasets).

Spec lines (`#` starts a comment; fields separated by ` | `):

    newpair | ID | STORY | SOURCE:ARTICLE | sentence a | SOURCE:ARTICLE | sentence b

(a sentence may be given as `its start <...> its end`, spanning what lies between)
    PAIR | LABEL | question | answer in a | answer in b [-> swapped-in entity] | note

PAIR is a conflict_pairs id or a newpair ID; a trailing `~` swaps its sides.
LABEL: S same_answer, D different_answer (real), W different_answer (swap:
b's answer is replaced by the entity after `->`), O one_silent. An answer of
`-` means the sentence does not answer; `name#2` takes the 2nd occurrence.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "data" / "answer_conflicts_spec.txt"
PAIRS = ROOT / "data" / "conflict_pairs.jsonl"
OUT = ROOT / "data" / "answer_conflicts.jsonl"
SHARED = ROOT.parent / "shared" / "datasets"
DAI = SHARED / "news_dai2017" / "NewsArticles.csv"
RTQA = SHARED / "realtimeqa" / "news_corpus.jsonl.gz"
LABELS = {"S": "same_answer", "D": "different_answer", "W": "different_answer", "O": "one_silent"}
DEV_PERCENT = 40
SPLIT_SALT = 3


def load_articles() -> dict[tuple[str, str], dict]:
    """(source, article id) -> {"text", "outlet"} for both corpora."""
    csv.field_size_limit(10**9)
    arts: dict[tuple[str, str], dict] = {}
    with DAI.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            host = urlparse(row["article_source_link"]).netloc.removeprefix("www.")
            arts[("news_dai2017", str(row["article_id"]))] = {"text": row["text"], "outlet": host}
    with gzip.open(RTQA, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            arts[("realtimeqa", row["doc_id"])] = {"text": row["text"] or "", "outlet": row["outlet_domain"]}
    return arts


def side_from_pair(side: dict) -> dict:
    art = side.get("article_id", side.get("doc_id"))
    return {"source": side["source"], "article_id": art, "outlet": side["outlet"],
            "start": side["start"], "end": side["end"], "text": side["text"]}


def new_side(ref: str, sentence: str, arts: dict) -> dict:
    source, art = ref.split(":", 1)
    doc = arts[(source, art)]
    head, _, tail = sentence.partition(" <...> ")
    start = doc["text"].find(head)
    end = start + len(head) if not tail else doc["text"].find(tail, start + len(head)) + len(tail)
    if start < 0 or end < start + len(head):
        raise ValueError(f"sentence not in {ref}: {sentence[:80]}")
    return {"source": source, "article_id": int(art) if source == "news_dai2017" else art,
            "outlet": doc["outlet"], "start": start, "end": end, "text": doc["text"][start:end]}


def locate(text: str, answer: str) -> tuple[int, int]:
    """Offsets of the n-th occurrence (`name#n`, default 1st) of answer in text."""
    nth = 1
    if "#" in answer:
        answer, n = answer.rsplit("#", 1)
        nth = int(n)
    pos = -1
    for _ in range(nth):
        pos = text.find(answer, pos + 1)
        if pos < 0:
            raise ValueError(f"answer {answer!r} (#{nth}) not in: {text}")
    return pos, pos + len(answer)


def fill(side: dict, answer: str, swap: str | None) -> dict:
    out = dict(side, edited=False, answer=None, answer_start=None, answer_end=None)
    if answer == "-":
        return out
    s, e = locate(side["text"], answer)
    if swap is not None:
        out["text"] = side["text"][:s] + swap + side["text"][e:]
        out["edited"] = True
        out["original_answer"] = side["text"][s:e]
        e = s + len(swap)
    out.update(answer=out["text"][s:e], answer_start=s, answer_end=e)
    return out


def parse(spec: Path, arts: dict | None) -> list[dict]:
    pairs = {}
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["a"]["source"] != "bundled":
            pairs[r["id"]] = {"story": r["story"], "a": side_from_pair(r["a"]), "b": side_from_pair(r["b"])}
    items = []
    for n, raw in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        f = [x.strip() for x in line.split(" | ")]
        try:
            if f[0] == "newpair":
                if arts is None:
                    raise ValueError("newpair needs the articles")
                pairs[f[1]] = {"story": f[2], "a": new_side(f[3], f[4], arts), "b": new_side(f[5], f[6], arts)}
                continue
            pid, code, question, ans_a, ans_b = f[:5]
            note = f[5] if len(f) > 5 else None
            flip = pid.endswith("~")
            pair = pairs[pid.rstrip("~")]
            a, b = (pair["b"], pair["a"]) if flip else (pair["a"], pair["b"])
            swap = None
            if "->" in ans_b:
                ans_b, swap = (x.strip() for x in ans_b.split("->"))
            if (code == "W") != (swap is not None):
                raise ValueError("W items (and only they) need '-> entity'")
            if a["outlet"] == b["outlet"]:
                raise ValueError("same outlet on both sides")
            if (code == "O") != ((ans_a == "-") != (ans_b == "-")) or (code != "O" and "-" in (ans_a, ans_b)):
                raise ValueError("one_silent needs exactly one '-' answer; other labels none")
            item = {"pair": pid.rstrip("~"), "story": pair["story"], "question": question,
                    "a": fill(a, ans_a, None), "b": fill(b, ans_b, swap), "label": LABELS[code],
                    "kind": {"D": "real", "W": "swap"}.get(code), "note": note}
            items.append(item)
        except Exception as exc:  # report the spec line, then stop
            raise SystemExit(f"spec line {n}: {exc}\n  {line}") from exc
    return items


# Story ids of data/conflict_pairs.jsonl that cover one event (found by reading
# the items): merged so that one event never lands in both splits.
SAME_EVENT = [
    ["dai-1425", "dai-1540", "dai-1606", "dai-1761", "dai-3790"],  # Kim Jong-nam's killing
    ["dai-3230", "dai-3601"],  # Article 50: the date, then the letter
    ["dai-2117", "dai-2785"],  # Sturgeon's second independence referendum
    ["dai-2723", "dai-2970"],  # Tillerson's Asia trip and the rocket engine test
    ["dai-2000", "dai-2114"],  # Hawaii's suit against the revised travel ban and the ruling
    ["rtqa-4210ad094e224c66", "rtqa-548b4b2ece640035", "rtqa-cc537d0b7f549c98",
     "rtqa-069ecde3545d690f", "rtqa-29c0d03ba4cd95b8"],  # Queen Elizabeth II's death and funeral
    ["rtqa-3839556837be8def", "rtqa-ac6be8445b7fb538", "rtqa-b22d5f4428c8a4ed",
     "rtqa-191ae875f7fffd16", "rtqa-217d99943f7906f3"],  # the Mar-a-Lago search
    ["rtqa-13676ded49fc4db1", "rtqa-8dd729cfca369c36"],  # Pelosi leaving the speakership
    ["rtqa-468b6fd223ad24ca", "rtqa-12fb40f7acdf9a14"],  # Pelosi's Taiwan trip
    ["rtqa-7687103fb8725639", "rtqa-509758d1d520746d", "rtqa-4d3b02f458ffe5f4"],  # the Jan. 6 hearings
]


def merge_stories(items: list[dict]) -> None:
    """One story per event: SAME_EVENT groups, and any stories whose items share an article."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for group in SAME_EVENT:
        for other in group[1:]:
            union(group[0], other)
    seen: dict[tuple, str] = {}
    for i in items:
        find(i["story"])
        for side in (i["a"], i["b"]):
            key = (side["source"], str(side["article_id"]))
            union(seen.setdefault(key, i["story"]), i["story"])
    for i in items:
        i["story"] = find(i["story"])


def assign_splits(items: list[dict]) -> None:
    """Story-disjoint split by a salted hash of the story id: stable when items are added later.

    About 40% of stories go to dev; the salt was picked (among 0-29, before any
    detector existed) so that dev holds about 40% of the items and both splits
    hold every label and kind.
    """
    for i in items:
        h = int(hashlib.sha1(f"{SPLIT_SALT}:{i['story']}".encode()).hexdigest(), 16)
        i["split"] = "dev" if h % 100 < DEV_PERCENT else "test"


def check_against_articles(items: list[dict], arts: dict) -> None:
    for i in items:
        for side in (i["a"], i["b"]):
            doc = arts[(side["source"], str(side["article_id"]))]["text"]
            original = doc[side["start"]:side["end"]]
            if not side["edited"]:
                assert original == side["text"], (i["id"], side["text"][:60])
            else:
                s = side["answer_start"]
                tail = len(side["text"]) - side["answer_end"]
                assert side["text"][:s] == original[:s] and side["text"][len(side["text"]) - tail:] == original[len(original) - tail:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-articles", action="store_true", help="skip newpair lines' lookup and the offset check")
    args = ap.parse_args()
    arts = None if args.no_articles else load_articles()
    items = parse(SPEC, arts)
    for n, item in enumerate(items, 1):
        item["id"] = f"ac-{n:03d}"
    merge_stories(items)
    assign_splits(items)
    if arts is not None:
        check_against_articles(items, arts)
    keys = ["id", "split", "story", "question", "label", "kind", "note", "pair", "a", "b"]
    OUT.write_text("".join(json.dumps({k: i[k] for k in keys}, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    from collections import Counter
    print(len(items), "items,", len({i["story"] for i in items}), "stories")
    print(Counter((i["split"], i["label"], i["kind"]) for i in items))


if __name__ == "__main__":
    sys.exit(main())

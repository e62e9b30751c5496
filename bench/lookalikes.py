"""Look-alike questions: does NewsCite answer a question and decline its look-alike, saying what the articles do say?

data/lookalike_pairs.jsonl pairs an answerable question (the twin: one
sentence of one article states its answer, kept in `quote`) with a look-alike
made by swapping exactly one element for one the articles don't pair with the
rest: the agent, the possessor, the relation (killed -> wounded), the object,
the time, or a negation. The articles are the 5 bundled ones and 20 of the
shared news corpora (RealTime QA `rtqa:<doc_id>`, News Articles (Dai 2017)
`dai:<article_id>`), split by article into dev and test halves.

The index holds the bundled articles, the corpus articles the pairs use, and
200 distractors drawn with a fixed seed from the RealTime QA corpus (streamed
once from ../shared; without ../shared only the bundled articles' pairs run).
A trustworthy answer quotes a sentence holding a gold answer for the twin, and
abstains on the look-alike, showing the near miss that names the swapped
element (`Answer.near_miss.asked` shares a content word with the pair's
`asked`).

    python bench/lookalikes.py                 # --split all: dev and test; one line per pair on stderr
    python bench/lookalikes.py --split test

Prints the figures as JSON (per split, overall and per kind) and writes every
pair's outcome to bench/results/lookalikes_<split>.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAIRS = ROOT / "data" / "lookalike_pairs.jsonl"
BUNDLED = ROOT / "data" / "articles"
SHARED = ROOT.parent / "shared" / "datasets"
RTQA = SHARED / "realtimeqa" / "news_corpus.jsonl.gz"
DAI = SHARED / "news_dai2017" / "NewsArticles.csv"
RESULTS = ROOT / "bench" / "results"
KINDS = ("agent", "possessor", "relation", "object", "time", "negation")
DISTRACTORS, SEED = 200, 23

# Words that never name the swapped element; negations stay content words (they are the element of a negation swap).
STOPWORDS = set(
    "a an the of in on at to for by with from and or as about into over after before since during "
    "is are was were be been being do does did has have had having will would can could should may might "
    "who whom whose what which when where how why that this these those it its he she they them his her their "
    "s according".split()
)


# --- the pairs and their articles ---------------------------------------------------------------


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_corpus(doc_id: str) -> bool:
    return doc_id.startswith(("rtqa:", "dai:"))


def _iso(published: str | None) -> str | None:
    """'2017/2/7' -> '2017-02-07' (the corpora's dates), None when unreadable."""
    match = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", published or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def corpus_articles(wanted: set[str], distractors: int = DISTRACTORS, seed: int = SEED) -> list[dict] | None:
    """Records (doc_id, text, title, outlet, url, published) of the corpus articles `wanted` ('rtqa:<id>',
    'dai:<id>') plus `distractors` other RealTime QA articles drawn with `seed` (reservoir sampling over
    one pass of the gzip file). None when ../shared/datasets is absent."""
    if not (RTQA.is_file() and DAI.is_file()):
        return None
    found: dict[str, dict] = {}
    csv.field_size_limit(10**9)
    with DAI.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            doc_id = f"dai:{row['article_id']}"
            if doc_id in wanted:
                found[doc_id] = {"doc_id": doc_id, "text": row["text"], "title": row["title"] or None,
                                 "outlet": urlparse(row["article_source_link"]).netloc.removeprefix("www.") or None,
                                 "url": row["article_source_link"] or None, "published": _iso(row["publish_date"])}
    rng, pool, seen = random.Random(seed), [], 0
    with gzip.open(RTQA, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            doc_id = f"rtqa:{row['doc_id']}"
            if not (row.get("text") or "").strip():
                continue
            record = {"doc_id": doc_id, "text": row["text"], "title": row.get("title") or None,
                      "outlet": row.get("outlet_domain") or None, "url": row.get("url") or None,
                      "published": _iso(row.get("publish_date"))}
            if doc_id in wanted:
                found[doc_id] = record
                continue
            seen += 1  # reservoir sampling: each other article kept with probability distractors / seen
            if len(pool) < distractors:
                pool.append(record)
            elif (slot := rng.randrange(seen)) < distractors:
                pool[slot] = record
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"{len(missing)} article(s) of {PAIRS.name} not in the shared corpora: {sorted(missing)[:5]}")
    return [found[doc_id] for doc_id in sorted(found)] + sorted(pool, key=lambda record: record["doc_id"])


# --- scoring ------------------------------------------------------------------------------------------


NUMBER_WORDS = dict(zip(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety".split(),
    [str(n) for n in (*range(1, 21), 30, 40, 50, 60, 70, 80, 90)],
))


def normalised(text: str) -> str:
    """Lower case, punctuation as spaces, a lone number word as its figure: 'Eighty percent' -> ' 80 percent '."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    return " " + " ".join(NUMBER_WORDS.get(word, word) for word in re.sub(r"[^\w]+", " ", text).split()) + " "


def gold_in(answers: list[str], quote: str) -> bool:
    return any(normalised(answer) in normalised(quote) for answer in answers)


def content_words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    words = re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text)  # "b'tselem" one word, "couldn't" one word
    return {word.removesuffix("'s") for word in words} - STOPWORDS


def shares_content_word(a: str, b: str) -> bool:
    """'wounded' ~ 'wound', 'Syria's' ~ 'Syria': a word in common, or one the other's 4+ letter prefix."""
    return any(x == y or (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)))
               for x in content_words(a) for y in content_words(b))


def outcome(bot, pair: dict) -> dict:
    real, fake = bot.ask(pair["question"]), bot.ask(pair["look_alike"])
    first = real.citations[0].quote if real.citations else ""
    miss = fake.near_miss
    named = bool(fake.abstained and miss is not None and shares_content_word(miss.asked, pair["asked"]))
    return {
        "id": pair["id"], "split": pair["split"], "kind": pair["kind"], "doc_id": pair["doc_id"],
        "twin": {"question": pair["question"], "abstained": real.abstained,
                 "right": bool(not real.abstained and gold_in(pair["answers"], first)),
                 "confidence": round(real.confidence, 3), "doc_id": real.citations[0].doc_id if real.citations else None,
                 "quote": first or None},
        "look_alike": {"question": pair["look_alike"], "asked": pair["asked"], "abstained": fake.abstained,
                       "confidence": round(fake.confidence, 3),
                       "quote": None if fake.abstained or not fake.citations else fake.citations[0].quote,
                       "near_miss": None if miss is None else {"asked": miss.asked, "found": miss.found, "role": miss.role,
                                                                "quote": miss.citation.quote},
                       "near_miss_names_swap": named},
    }


def tally(rows: list[dict]) -> dict:
    n = len(rows)
    right = sum(r["twin"]["right"] for r in rows)
    declined = sum(r["look_alike"]["abstained"] for r in rows)
    named = sum(r["look_alike"]["near_miss_names_swap"] for r in rows)
    share = (lambda k: round(k / n, 3) if n else None)
    return {"pairs": n, "twins_right": right, "twins_declined": sum(r["twin"]["abstained"] for r in rows),
            "look_alikes_declined": declined, "look_alikes_near_miss_named": named,
            "twins_right_rate": share(right), "declined_rate": share(declined), "near_miss_named_rate": share(named)}


def summary(rows: list[dict]) -> dict:
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    return {"all": tally(rows), "by_kind": {kind: tally(by_kind[kind]) for kind in KINDS if by_kind[kind]}}


def commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "assistant"], cwd=ROOT, capture_output=True, text=True)
        return head.stdout.strip() + ("+uncommitted assistant/ changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def write_results(path: Path, report: dict, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps(report, indent=1, ensure_ascii=False)[:-2]  # without its closing brace
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text(f'{head},\n "rows": [\n{lines}\n ]\n}}\n', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--distractors", type=int, default=DISTRACTORS, help="RealTime QA articles added to the index")
    parser.add_argument("--index-dir", type=Path, default=None, help="keep the index here: a rerun embeds nothing new")
    args = parser.parse_args()

    from assistant import Assistant

    every = load_pairs()  # the index holds every pair's article, whichever split is asked: one index, comparable figures
    used = {p["doc_id"] for p in every if is_corpus(p["doc_id"])}
    records = corpus_articles(used, args.distractors)
    pairs = [p for p in every if args.split == "all" or p["split"] == args.split]
    if records is None:
        print(f"{SHARED} not found: only the pairs on the bundled articles run", file=sys.stderr)
        pairs, used = [p for p in pairs if not is_corpus(p["doc_id"])], set()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        kept = args.index_dir or Path(scratch)
        sources: list[Path] = [BUNDLED]
        if records:
            corpus = kept / "corpus" / "lookalike_corpus.jsonl"
            corpus.parent.mkdir(parents=True, exist_ok=True)
            corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            sources.append(corpus.parent)
        bot = Assistant.from_directory(sources, index_dir=kept / "index")
        indexed = time.perf_counter()
        rows = []
        for pair in pairs:
            row = outcome(bot, pair)
            rows.append(row)
            twin, fake = row["twin"], row["look_alike"]
            print(f"{pair['id']} {pair['split']} {pair['kind']:9}: twin {'declined' if twin['abstained'] else ('right' if twin['right'] else 'WRONG')}"
                  f" ({twin['confidence']:.2f}); look-alike {'declined' if fake['abstained'] else 'ANSWERED'} ({fake['confidence']:.2f})"
                  f"{' near miss ' + repr(fake['near_miss']['asked']) if fake['near_miss'] else ''}"
                  f"{'' if fake['abstained'] else ': ' + (fake['quote'] or '')[:90]}", file=sys.stderr)
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    report = {
        "split": args.split, "commit": commit(), "pairs": len(rows),
        "articles": {"bundled": len(list(BUNDLED.glob("*.txt"))), "corpus_with_pairs": len(used),
                     "distractors": 0 if records is None else len(records) - len(used)},
        "seconds": {"index": round(indexed - started, 1), "questions": round(time.perf_counter() - indexed, 1)},
        **{split: summary([r for r in rows if r["split"] == split]) for split in splits},
    }
    if args.split == "all":
        report["all"] = summary(rows)
    for split in splits:  # one file per split, the report's figures first, then one line per pair
        write_results(RESULTS / f"lookalikes_{split}.json", {**{k: v for k, v in report.items() if k not in ("dev", "test", "all")},
                      "split": split, "pairs": sum(r["split"] == split for r in rows), split: report[split]},
                      [r for r in rows if r["split"] == split])
    if args.split == "all":
        write_results(RESULTS / "lookalikes_all.json", report, rows)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

"""Training and held-out pairs for the reader (see train/train_cross_encoder.py).

Every pair is (query, Candidate) with labels; a query is a question (trains
`answer` and the span) or a claim (trains support / neutral / contradict).
Sources, all read from ../shared/datasets, never copied:

- SQuAD 2.0 dev half, re-split by title: 0-5 calibration (the abstention
  threshold, train/calibrate_abstention.py), 6-9 evaluation, 10-15 training.
  Training questions meet their answer sentence and the paragraph's other
  sentences that share most words with them (hard negatives); unanswerable
  ones meet the sentences they overlap most. Look-alikes are made by
  swapping a name, number or year of an answerable question for one that
  the paragraph does not contain. Claims are "question? answer." (supported
  by the answer sentence; contradicted by it when the answer is swapped for
  another of the same kind; neutral against the other sentences).
- QuoteSum: records split by a hash of their id (half train, half held out).
  Answer sentences of the summaries are claims supported by a sentence of a
  passage they cite (neutral against one they don't); questions meet
  passage sentences containing the passage's short answer.
- News corpora (9-outlet corpus, RealTime QA corpus): articles split by a
  hash of their id (80% train, 20% held out); every article of
  data/conflict_pairs.jsonl, every RealTime QA gold article and every
  article the RealTime QA evaluation indexes as a hard distractor is left
  out of both. Claims are a sentence or its longest clause (support), the
  same with a name, number, date or polarity swapped (contradict), and
  another sentence of the article that shares words with it (neutral).

RealTime QA questions are not trained on: all 220 stay an evaluation set.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.text import terms  # noqa: E402
from assistant.answer.reader import Candidate  # noqa: E402
from assistant.ingest.sentences import split_sentences  # noqa: E402
from assistant.model import Span  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
SQUAD = DATASETS / "squad2_dev_half" / "dev-v2.0-half.json"
QUOTESUM = DATASETS / "quotesum" / "dev.jsonl"
DAI = DATASETS / "news_dai2017" / "NewsArticles.csv"
RTQA = DATASETS / "realtimeqa"
CONFLICT_PAIRS = ROOT / "data" / "conflict_pairs.jsonl"

SQUAD_SPLITS = {"calibration": range(0, 6), "evaluation": range(6, 10), "training": range(10, 16)}
CONTEXT_CHARS = 300  # neighbours on either side, as assistant.answer.reader.candidates_in gives them
NLI = {"support": 0, "neutral": 1, "contradict": 2}


@dataclass
class Pair:
    query: str
    candidate: Candidate
    answer: int = -1  # 1/0 for questions, -1 for claims
    span: tuple[int, int] | None = None  # answer chars in the sentence (answer == 1)
    nli: int = -1  # NLI index for claims, -1 for questions
    source: str = ""
    group: str = ""  # question / record id: pairs of one group are scored together in evaluation


def bucket(key: str, salt: str = "reader") -> int:
    """0-99, stable across machines and Python versions."""
    return int(hashlib.sha1(f"{salt}:{key}".encode()).hexdigest()[:8], 16) % 100


def sentence_spans(text: str) -> list[Span]:
    return split_sentences(text, [Span(0, len(text))])


def candidate(text: str, span: Span) -> Candidate:
    return Candidate(
        text[span.start : span.end],
        before=text[max(0, span.start - CONTEXT_CHARS) : span.start].strip(),
        after=text[span.end : span.end + CONTEXT_CHARS].strip(),
    )


def overlap(a: str, b: str) -> float:
    ta, tb = set(terms(a)), set(terms(b))
    return len(ta & tb) / (len(ta) or 1)


# --- swaps: names, numbers, dates, polarity -------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
NAME = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|al-)?(?:[A-Z][a-z]+|[A-Z]{2,}))*")
NUMBER = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|did|does|do)\b(?! not\b|n't)")
NEGATED = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|did|does|do) not\b|\b(\w+)n't\b")
COMMON_CAPS = frozenset(MONTHS) | {"The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "I", "But", "And", "This", "That", "Mr", "Ms", "Mrs", "What", "Who", "Where", "When", "Which", "How", "Why", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def names_in(text: str) -> list[str]:
    return [m.group(0) for m in NAME.finditer(text) if m.group(0) not in COMMON_CAPS and m.start() > 0]


def _change_number(value: str, rng: random.Random) -> str:
    digits = value.replace(",", "")
    try:
        number = float(digits)
    except ValueError:
        return value
    if YEAR.fullmatch(digits):
        return str(int(number) + rng.choice([-3, -2, -1, 1, 2, 3]))
    factor = rng.choice([0.5, 0.7, 1.3, 2, 3]) if number > 10 else None
    new = round(number * factor) if factor else int(number) + rng.choice([1, 2, 3, 5])
    if new == int(number):
        new += 1
    text = f"{new:,}" if "," in value else str(new)
    return text


def swap(text: str, rng: random.Random, pool: list[str], avoid: str = "") -> tuple[str, str] | None:
    """`text` with one name, number, month or polarity changed, and the kind; None when nothing fits.

    A name is replaced by one from `pool` (names of the same article or
    title) that neither `text` nor `avoid` contains.
    """
    options = []
    for m in NUMBER.finditer(text):
        options.append(("number", m.start(), m.end(), _change_number(m.group(0), rng)))
    for m in MONTH.finditer(text):
        options.append(("date", m.start(), m.end(), rng.choice([x for x in MONTHS if x != m.group(0)])))
    names = names_in(text)
    fresh = [p for p in dict.fromkeys(pool) if p not in text and p not in avoid and p not in COMMON_CAPS]
    if fresh:
        for m in NAME.finditer(text):
            if m.group(0) in names:
                options.append(("name", m.start(), m.end(), rng.choice(fresh)))
    if (m := NEGATED.search(text)) is not None:
        if m.group(1):
            options.append(("polarity", m.start(), m.end(), m.group(1)))
        elif m.group(2) and m.group(2).lower() not in {"ca", "wo", "sha"}:
            options.append(("polarity", m.start(), m.end(), m.group(2)))
    elif (m := AUX.search(text)) is not None:
        options.append(("polarity", m.start(), m.end(), m.group(0) + " not"))
    options = [o for o in options if o[3] != text[o[1] : o[2]]]
    if not options:
        return None
    kind, start, end, new = rng.choice(options)
    return text[:start] + new + text[end:], kind


def clause(sentence: str, rng: random.Random) -> str:
    """A claim taken from a sentence: itself, its longest clause, or without its attribution."""
    pieces = [p.strip() for p in re.split(r"[,;:]\s+|\s+-\s+", sentence) if len(p.split()) >= 6]
    roll = rng.random()
    if roll < 0.3 or not pieces:
        claim = re.sub(r",?\s+(?:he|she|they|officials?|police|\w+ \w+) (?:said|told \w+|says)\.?$", ".", sentence)
    else:
        claim = max(pieces, key=len) if roll < 0.7 else rng.choice(pieces)
    claim = claim.strip(" \"“”'")
    return claim[0].upper() + claim[1:] if claim else sentence


# --- SQuAD ----------------------------------------------------------------------------


def squad_titles(split: str) -> list[dict]:
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    return [data[i] for i in SQUAD_SPLITS[split]]


@dataclass
class SquadQuestion:
    id: str
    question: str
    answers: list[tuple[int, int]]  # char ranges in the paragraph
    paragraph: str
    sentences: list[Span]
    answer_sentence: int | None  # index into sentences
    title_names: list[str] = field(default_factory=list)


def squad_questions(split: str) -> Iterator[SquadQuestion]:
    for entry in squad_titles(split):
        title_names = [n for p in entry["paragraphs"] for n in names_in(p["context"])]
        for paragraph in entry["paragraphs"]:
            text = paragraph["context"]
            spans = sentence_spans(text)
            for qa in paragraph["qas"]:
                answers = [] if qa.get("is_impossible") else [(a["answer_start"], a["answer_start"] + len(a["text"])) for a in qa["answers"]]
                where = None
                for a_start, a_end in answers:
                    where = next((i for i, s in enumerate(spans) if s.start <= a_start and a_end <= s.end), None)
                    if where is not None:
                        break
                yield SquadQuestion(qa["id"], qa["question"].strip(), answers, text, spans, where, title_names)


KINDS = ("how many", "how much", "what year", "when", "who", "whom", "where", "why", "how")


def question_kind(question: str) -> str:
    """The wh-phrase a question opens with (answers of one kind are interchangeable look-alikes)."""
    lower = question.lower()
    return next((k for k in KINDS if re.search(rf"\b{k}\b", lower)), "what")


def _hard_negatives(q: SquadQuestion, k: int, skip: int | None) -> list[int]:
    ranked = sorted(
        (i for i in range(len(q.sentences)) if i != skip),
        key=lambda i: -overlap(q.question, q.paragraph[q.sentences[i].start : q.sentences[i].end]),
    )
    return ranked[:k]


def squad_pairs(rng: random.Random, split: str = "training") -> list[Pair]:
    pairs: list[Pair] = []
    questions = list(squad_questions(split))
    answers_by_kind: dict[str, list[str]] = {}
    for q in questions:
        for a, b in q.answers[:1]:
            answers_by_kind.setdefault(question_kind(q.question), []).append(q.paragraph[a:b])
    for q in questions:
        text = q.paragraph
        if not q.answers:
            for i in _hard_negatives(q, 2, None):
                pairs.append(Pair(q.question, candidate(text, q.sentences[i]), answer=0, source="squad-impossible", group=q.id))
            continue
        if q.answer_sentence is None:
            continue  # answer cut across a sentence boundary
        s = q.sentences[q.answer_sentence]
        a_start, a_end = next((a, b) for a, b in q.answers if s.start <= a and b <= s.end)
        answer_text = text[a_start:a_end]
        pos = candidate(text, s)
        pairs.append(Pair(q.question, pos, answer=1, span=(a_start - s.start, a_end - s.start), source="squad-answer", group=q.id))
        for i in _hard_negatives(q, 2, q.answer_sentence):
            pairs.append(Pair(q.question, candidate(text, q.sentences[i]), answer=0, source="squad-other-sentence", group=q.id))
        look_alike = swap(q.question, rng, q.title_names, avoid=text)
        if look_alike and look_alike[1] != "polarity":
            pairs.append(Pair(look_alike[0], pos, answer=0, source=f"squad-swapped-{look_alike[1]}", group=q.id))
        # claims: "question? answer."
        pairs.append(Pair(f"{q.question} {answer_text}.", pos, nli=NLI["support"], source="squad-claim-support", group=q.id))
        same_kind = answers_by_kind[question_kind(q.question)]
        others = [a for a in rng.sample(same_kind, min(30, len(same_kind))) if a not in text and a.lower() != answer_text.lower()]
        wrong = swap(answer_text, rng, [], avoid=text) if NUMBER.search(answer_text) else None
        if wrong is None and others:
            wrong = (others[0], "other-answer")
        if wrong:
            pairs.append(Pair(f"{q.question} {wrong[0]}.", pos, nli=NLI["contradict"], source="squad-claim-contradict", group=q.id))
        negatives = _hard_negatives(q, 1, q.answer_sentence)
        if negatives:
            neutral = candidate(text, q.sentences[negatives[0]])
            if answer_text not in neutral.sentence:
                pairs.append(Pair(f"{q.question} {answer_text}.", neutral, nli=NLI["neutral"], source="squad-claim-neutral", group=q.id))
    return pairs


# --- QuoteSum -------------------------------------------------------------------------

MARK = re.compile(r"\[\s*(\d)\s+(.*?)\s*\]")


def quotesum_split(record: dict) -> str:
    return "training" if bucket(record["unique_id"], "quotesum") < 50 else "evaluation"


def _plain(summary: str) -> tuple[str, list[tuple[int, int, int]]]:
    out, spans, last, length = [], [], 0, 0
    for m in MARK.finditer(summary):
        out.append(summary[last : m.start()])
        length += m.start() - last
        spans.append((length, length + len(m.group(2)), int(m.group(1))))
        out.append(m.group(2))
        length += len(m.group(2))
        last = m.end()
    out.append(summary[last:])
    return "".join(out), spans


def quotesum_records(split: str) -> list[dict]:
    records = [json.loads(line) for line in QUOTESUM.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if quotesum_split(r) == split]


def _best(claim: str, text: str) -> Span | None:
    spans = sentence_spans(text)
    return max(spans, key=lambda s: overlap(claim, text[s.start : s.end])) if spans else None


def quotesum_pairs(split: str, rng: random.Random) -> list[Pair]:
    pairs: list[Pair] = []
    for record in quotesum_records(split):
        rid = record["unique_id"]
        passages = {n: record.get(f"source{n}") or "" for n in range(1, 9)}
        passages = {n: t for n, t in passages.items() if t.strip()}
        names = [x for t in passages.values() for x in names_in(t)]
        # questions: sentences holding a passage's short answer
        for n, text in passages.items():
            short = (record.get(f"short_ans_{n}") or "").strip()
            spans = sentence_spans(text)
            hit = next((i for i, s in enumerate(spans) if short and short in text[s.start : s.end]), None) if short else None
            if hit is not None:
                s = spans[hit]
                at = text.index(short, s.start)
                pairs.append(Pair(record["question"], candidate(text, s), answer=1, span=(at - s.start, at - s.start + len(short)), source="quotesum-answer", group=rid))
                others = sorted((i for i in range(len(spans)) if i != hit and short not in text[spans[i].start : spans[i].end]),
                                key=lambda i: -overlap(record["question"], text[spans[i].start : spans[i].end]))
                for i in others[:1]:
                    pairs.append(Pair(record["question"], candidate(text, spans[i]), answer=0, source="quotesum-other-sentence", group=rid))
        # claims: the summary's sentences
        plain, marks = _plain(record["summary"])
        for span in sentence_spans(plain):
            claim = plain[span.start : span.end]
            cited = {n for a, b, n in marks if a < span.end and b > span.start} & set(passages)
            uncited = set(passages) - cited
            if not cited or len(terms(claim)) < 3:
                continue
            quoted = max(((b - a, n, plain[a:b]) for a, b, n in marks if a < span.end and b > span.start and n in cited), default=None)
            n = quoted[1] if quoted else min(cited)
            text_n = passages[n]
            best = next((s for s in sentence_spans(text_n) if quoted and quoted[2] in text_n[s.start : s.end]), None) or _best(claim, text_n)
            if best is None:
                continue
            evidence = candidate(passages[n], best)
            pairs.append(Pair(claim, evidence, nli=NLI["support"], source="quotesum-claim-support", group=rid))
            twisted = swap(claim, rng, names, avoid=passages[n])
            if twisted:
                pairs.append(Pair(twisted[0], evidence, nli=NLI["contradict"], source=f"quotesum-claim-{twisted[1]}", group=rid))
            if uncited:
                m = min(uncited)
                other = _best(claim, passages[m])
                if other is not None:
                    pairs.append(Pair(claim, candidate(passages[m], other), nli=NLI["neutral"], source="quotesum-claim-uncited", group=rid))
    return pairs


# --- News corpora ---------------------------------------------------------------------


def excluded_news() -> tuple[set[str], set[str]]:
    """(9-outlet article ids, URLs) that evaluation uses: conflict pairs, RealTime QA gold and hard distractors."""
    ids, urls = set(), set()
    for line in CONFLICT_PAIRS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for side in (row["a"], row["b"]):
                if side.get("article_id") is not None:
                    ids.add(str(side["article_id"]))
                if side.get("url"):
                    urls.add(side["url"])
    for line in (RTQA / "questions_gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            urls.update(json.loads(line).get("retrieved_doc_urls") or [])
    for line in (RTQA / "gold_articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            urls.add(json.loads(line)["url"])
    return ids, urls


def news_split(key: str) -> str:
    return "training" if bucket(key, "news") < 80 else "evaluation"


def news_articles(split: str, dai: int, rtqa: int) -> list[tuple[str, str]]:
    """(key, text) of up to `dai` 9-outlet and `rtqa` RealTime QA corpus articles of one split, not used by evaluation.

    Read in file order; the RealTime QA corpus is read only as far as needed.
    """
    ids, urls = excluded_news()
    out: list[tuple[str, str]] = []
    csv.field_size_limit(1 << 24)
    with open(DAI, encoding="utf-8", newline="") as handle:
        taken = 0
        for row in csv.DictReader(handle):
            key = f"dai-{row['article_id']}"
            if taken >= dai or row["article_id"] in ids or row["article_source_link"] in urls or news_split(key) != split:
                continue
            if len(row["text"]) > 400:
                out.append((key, row["text"]))
                taken += 1
    with gzip.open(RTQA / "news_corpus.jsonl.gz", "rt", encoding="utf-8") as handle:
        taken = 0
        for line in handle:
            if taken >= rtqa:
                break
            record = json.loads(line)
            key = f"rtqa-{record['doc_id']}"
            if record.get("url") in urls or news_split(key) != split or len(record.get("text") or "") < 400:
                continue
            out.append((key, record["text"]))
            taken += 1
    return out


def news_pairs(split: str, rng: random.Random, dai: int, rtqa: int, per_article: int = 3) -> list[Pair]:
    pairs: list[Pair] = []
    for key, text in news_articles(split, dai, rtqa):
        spans = [s for s in sentence_spans(text) if 8 <= len(text[s.start : s.end].split()) <= 50]
        if len(spans) < 4:
            continue
        names = names_in(text)
        for s in rng.sample(spans, min(per_article, len(spans))):
            sentence = text[s.start : s.end]
            evidence = candidate(text, s)
            claim = clause(sentence, rng)
            pairs.append(Pair(claim, evidence, nli=NLI["support"], source="news-claim-support", group=key))
            twisted = swap(claim, rng, names)
            if twisted:
                pairs.append(Pair(twisted[0], evidence, nli=NLI["contradict"], source=f"news-claim-{twisted[1]}", group=key))
            far = [o for o in spans if o.end < s.start - CONTEXT_CHARS or o.start > s.end + CONTEXT_CHARS]  # not in its context
            others = sorted(far, key=lambda o: -overlap(text[o.start : o.end], sentence))
            if others:
                neutral_claim = clause(text[others[0].start : others[0].end], rng)
                pairs.append(Pair(neutral_claim, evidence, nli=NLI["neutral"], source="news-claim-neutral", group=key))
    return pairs

"""Synthetic (claim, cited sentence) pairs from news articles, for training the support head.

A true paraphrase is hard to make without an LLM; these are made by rule
from sentences of News Articles (Dai 2017, ../shared/datasets/news_dai2017):

supported (the cited sentence says it):
- `attribution`: "According to the report, ..." / "<Outlet> reported that ...";
- `clause`: the sentence without one of its comma-separated parts, or one clause of it;
- `synonyms`: common news words swapped for others of the same sense (SYNONYMS), often with a clause dropped;
- `with_neighbour`: any of those against the sentence and the next one cited together;

unsupported:
- `swapped_name`: a name swapped for one of another article;
- `swapped_number`: a number changed;
- `negated`: a "not" added or removed, or a word swapped for its opposite (ANTONYMS);
- `swapped_word`: a content word swapped for one of another sentence of the article ("presidential" for "parliamentary");
- `other_sentence`: another sentence of the same article (often with a synonym or a clause dropped), cited to this one;
- `nearby_name`: a name swapped for one the neighbouring sentences mention (the names check, which looks there too, passes);
- `neighbour_sentence`: the next or the previous sentence (with a clause dropped or a synonym at times), cited to this one.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "datasets" / "news_dai2017" / "NewsArticles.csv"

SYNONYMS = {
    "said": "stated", "says": "states", "announced": "declared", "rejected": "turned down", "accepted": "agreed to",
    "offered": "proposed", "began": "started", "started": "began", "ready": "prepared", "government": "administration",
    "people": "individuals", "country": "nation", "talks": "negotiations", "warned": "cautioned", "plans": "intends",
    "wants": "wishes", "buy": "purchase", "large": "big", "big": "large", "major": "significant", "attack": "assault",
    "agreement": "deal", "deal": "agreement", "children": "kids", "criticized": "condemned", "criticised": "condemned",
    "lawmakers": "legislators", "chief": "head", "spokesman": "representative", "company": "firm", "firm": "company",
    "soldiers": "troops", "troops": "soldiers", "help": "assistance", "told": "informed", "asked": "requested",
    "believes": "thinks", "expected": "anticipated", "increase": "rise", "meeting": "gathering", "killed": "slain",
    "leader": "head", "officials": "authorities", "authorities": "officials", "claimed": "asserted", "showed": "revealed",
    "city": "town", "nearly": "almost", "almost": "nearly", "about": "around", "also": "additionally", "however": "but",
    "quickly": "rapidly", "decided": "chose", "allowed": "permitted", "stop": "halt", "end": "finish", "try": "attempt",
    "tried": "attempted", "received": "got", "reported": "stated", "several": "a number of", "many": "numerous",
}
ANTONYMS = {
    "rejected": "accepted", "accepted": "rejected", "rose": "fell", "fell": "rose", "increased": "decreased",
    "decreased": "increased", "won": "lost", "lost": "won", "approved": "blocked", "agreed": "refused", "refused": "agreed",
    "supports": "opposes", "opposes": "supports", "support": "oppose", "oppose": "support", "allowed": "banned",
    "banned": "allowed", "higher": "lower", "lower": "higher", "more": "fewer", "before": "after", "after": "before",
    "opened": "closed", "closed": "opened", "confirmed": "denied", "denied": "confirmed", "guilty": "innocent",
    "lifted": "imposed", "imposed": "lifted", "raised": "cut", "strong": "weak", "weak": "strong", "joined": "left",
    "left": "joined", "began": "ended", "ended": "began", "rise": "fall", "gained": "lost", "praised": "criticised",
    "criticised": "praised", "criticized": "praised", "welcomed": "condemned", "condemned": "welcomed", "up": "down",
    "increase": "cut", "success": "failure", "ally": "enemy", "legal": "illegal", "illegal": "legal", "always": "never",
}
AUXILIARIES = ("is", "was", "are", "were", "has", "have", "had", "will", "would", "can", "could", "should", "does", "did", "do")
NAME = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))*")
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
WORD = re.compile(r"\b[a-z]{5,}\b")
SUPPORTED = ("attribution", "clause", "synonyms")
UNSUPPORTED = ("swapped_name", "swapped_number", "negated", "swapped_word", "other_sentence", "nearby_name", "neighbour_sentence")


@dataclass(frozen=True)
class Pair:
    claim: str
    evidence: tuple[str, ...]  # the cited sentences
    context: tuple[str, ...]  # where a name may be met: the neighbours and the title
    outlet: str
    label: int
    kind: str
    source: str  # "news:<article_id>"


def articles(path: Path = NEWS):
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["text"] and len(row["text"]) > 800:
                domain = re.sub(r"^https?://(www\.)?", "", row["article_source_link"]).split("/")[0]
                yield row["article_id"], row["title"], domain, row["text"]


def sentences_of(text: str) -> list[str]:
    from assistant.ingest.sentences import split_sentences
    from assistant.model import Span

    text = re.sub(r"\s+", " ", text)
    return [text[s.start : s.end] for s in split_sentences(text, [Span(0, len(text))])]


def usable(sentence: str) -> bool:
    words = sentence.split()
    return 8 <= len(words) <= 45 and "?" not in sentence and not sentence.startswith(('"', "“", "'")) and sentence[0].isupper()


def lower_first(sentence: str) -> str:
    """'The FSA said ...' -> 'the FSA said ...'; a name stays capitalised (a sentence-starting word that is no stopword may be one)."""
    from assistant.text import stopwords

    first = sentence.split()[0]
    return sentence[0].lower() + sentence[1:] if first.lower() in stopwords() and not (first.isupper() and len(first) > 1) else sentence


def attribution(sentence: str, outlet: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "According to the report, " + lower_first(sentence)
    return f"{outlet.split('.')[0].upper() if len(outlet.split('.')[0]) <= 4 else outlet.split('.')[0].title()} reported that {lower_first(sentence)}"


def clause(sentence: str, rng: random.Random) -> str | None:
    parts = [p for p in re.split(r",\s+", sentence.rstrip(".")) if p]
    if len(parts) >= 3:
        drop = rng.randrange(1, len(parts))
        kept = parts[:drop] + parts[drop + 1 :]
        return ", ".join(kept) + "."
    if len(parts) == 2 and len(parts[0].split()) >= 6:
        return parts[0] + "."
    for joiner in (" and ", " but ", " while ", " after ", " because "):
        if joiner in sentence:
            head = sentence.split(joiner)[0].rstrip(",")
            if len(head.split()) >= 6:
                return head + "."
    return None


def synonyms(sentence: str, rng: random.Random) -> str | None:
    words = sentence.split(" ")
    spots = [i for i, w in enumerate(words) if w.lower().strip(",.") in SYNONYMS]
    if not spots:
        return None
    for i in rng.sample(spots, k=min(len(spots), rng.randint(1, 3))):
        bare = words[i].strip(",.")
        new = SYNONYMS[bare.lower()]
        words[i] = words[i].replace(bare, new.capitalize() if bare[0].isupper() else new)
    out = " ".join(words)
    if rng.random() < 0.4:
        out = clause(out, rng) or out
    return out


def swapped_name(sentence: str, article_text: str, names: list[str], rng: random.Random) -> str | None:
    spots = [m for m in NAME.finditer(sentence) if m.start() > 0]
    if not spots:
        return None
    spot = rng.choice(spots)
    for _ in range(20):
        other = rng.choice(names)
        if other.lower() not in article_text.lower() and other != spot.group(0):
            return sentence[: spot.start()] + other + sentence[spot.end() :]
    return None


def swapped_number(sentence: str, rng: random.Random) -> str | None:
    spots = list(NUMBER.finditer(sentence))
    if not spots:
        return None
    spot = rng.choice(spots)
    digits = spot.group(0).replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    new = value + rng.choice([-1, 1]) * max(1, round(value * rng.uniform(0.1, 0.5)))
    text = str(int(new)) if "." not in digits else f"{new:.1f}"
    return sentence[: spot.start()] + text + sentence[spot.end() :]


def negated(sentence: str, rng: random.Random) -> str | None:
    words = sentence.split(" ")
    low = [w.lower().strip(",.") for w in words]
    for i, w in enumerate(low):
        if w in ("not", "never") or w.endswith("n't"):
            if w == "not":
                return " ".join(words[:i] + words[i + 1 :])
            if w == "never":
                return " ".join(words[:i] + ["always"] + words[i + 1 :])
    antonyms = [i for i, w in enumerate(low) if w in ANTONYMS]
    auxiliaries = [i for i, w in enumerate(low) if w in AUXILIARIES and i + 1 < len(words)]
    if antonyms and (not auxiliaries or rng.random() < 0.6):
        i = rng.choice(antonyms)
        bare = words[i].strip(",.")
        return " ".join(words[:i] + [words[i].replace(bare, ANTONYMS[bare.lower()])] + words[i + 1 :])
    if auxiliaries:
        i = auxiliaries[0]
        return " ".join(words[: i + 1] + ["not"] + words[i + 1 :])
    return None


def swapped_word(sentence: str, others: list[str], rng: random.Random) -> str | None:
    mine = [m for m in WORD.finditer(sentence)]
    pool = sorted({w for o in others for w in WORD.findall(o)} - {m.group(0) for m in mine})
    from assistant.text import stopwords

    mine = [m for m in mine if m.group(0) not in stopwords()]
    if not mine or not pool:
        return None
    spot = rng.choice(mine)
    return sentence[: spot.start()] + rng.choice(pool) + sentence[spot.end() :]


def make_pairs(count: int, seed: int = 0, per_article: int = 2, path: Path = NEWS) -> tuple[list[Pair], list[str]]:
    """About `count` articles (a seeded sample), `per_article` sentences each, one supported and one unsupported pair per sentence."""
    rng = random.Random(seed)
    pool = list(articles(path))
    rng.shuffle(pool)
    chosen = pool[:count]
    from assistant.text import stopwords

    names = [m.group(0) for _, _, _, text in pool[count : count + 400] for m in NAME.finditer(text)
             if m.start() > 0 and m.group(0).split()[0].lower() not in stopwords() and len(m.group(0)) > 2]
    out: list[Pair] = []
    for article_id, title, outlet, text in chosen:
        sentences = sentences_of(text)
        spots = [i for i, s in enumerate(sentences) if usable(s)]
        for i in rng.sample(spots, k=min(per_article, len(spots))):
            s = sentences[i]
            context = tuple(x for x in [*sentences[max(0, i - 3) : i], *sentences[i + 1 : i + 4], title] if x)
            source = f"news:{article_id}"
            kind = rng.choice(SUPPORTED)
            claim = {"attribution": lambda: attribution(s, outlet, rng), "clause": lambda: clause(s, rng),
                     "synonyms": lambda: synonyms(s, rng)}[kind]() or attribution(s, outlet, rng)
            evidence = (s,)
            if i + 1 < len(sentences) and rng.random() < 0.25:
                evidence, kind = (s, sentences[i + 1]), kind + "+neighbour"
            out.append(Pair(claim, evidence, context, outlet, 1, kind, source))
            others = [sentences[j] for j in spots if abs(j - i) > 1 and sentences[j] != s]
            for kind in rng.sample(UNSUPPORTED, k=len(UNSUPPORTED)):
                if kind == "other_sentence":
                    claim = rng.choice(others) if others else None
                    if claim and rng.random() < 0.5:
                        claim = synonyms(claim, rng) or clause(claim, rng) or claim
                elif kind == "nearby_name":
                    nearby = [m.group(0) for x in context[:-1] for m in NAME.finditer(x) if m.start() > 0 and m.group(0) not in s]
                    claim = swapped_name(s, "", nearby, rng) if nearby else None
                elif kind == "neighbour_sentence":
                    near = [sentences[j] for j in (i - 1, i + 1) if 0 <= j < len(sentences) and usable(sentences[j])]
                    claim = rng.choice(near) if near else None
                    if claim and rng.random() < 0.5:
                        claim = synonyms(claim, rng) or clause(claim, rng) or claim
                elif kind == "swapped_name":
                    claim = swapped_name(s, text, names, rng)
                elif kind == "swapped_number":
                    claim = swapped_number(s, rng)
                elif kind == "negated":
                    claim = negated(s, rng)
                else:
                    claim = swapped_word(s, others, rng)
                if claim and claim != s:
                    out.append(Pair(claim, (s,), context, outlet, 0, kind, source))
                    break
    return out, [a for a, *_ in chosen]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    pairs, used = make_pairs(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    for p in pairs:
        print(p.label, p.kind, "|", p.claim, "||", p.evidence[0][:200])

"""The conflict detector: unit behaviour on hand-made pairs, and on the labelled bundled pairs with the real model."""

from __future__ import annotations

import json

import pytest

from assistant.outlets.conflicts.detect import detect
from assistant.outlets.conflicts.quantities import quantities
from assistant.outlets.conflicts.statement import Statement
from tests.conftest import ROOT

SIMILAR = 0.8  # hand-made pairs are about the same thing; the gate on similarity is tested separately


def check(a: str, b: str, cosine: float = SIMILAR, **options):
    return detect(Statement(a), Statement(b), cosine=cosine, **options)


@pytest.mark.parametrize(
    "a, b, claims",
    [
        ("The rebels have rejected Russia's offer of help.", "The rebels did not refuse Russia's offer of help.", ("rejected", "did not refuse")),
        ("The rebels turned down the Russian offer.", "\"We didn't turn down the offer,\" a rebel spokesman said.", ("turned down", "didn't turn down")),
        ("The group does not accept Russia's help against Daesh.", "The group says it did not refuse Russia's offer of help.", ("does not accept", "did not refuse")),
        ("Senator Sessions lied under oath about the meetings.", "Sessions did not mislead senators about the meetings.", ("lied", "did not mislead")),
    ],
)
def test_opposite_polarity_is_a_conflict_with_each_sides_words(a, b, claims):
    finding = check(a, b)
    assert finding is not None and finding.kind == "polarity"
    assert (finding.claim_a, finding.claim_b) == claims
    assert finding.stance_a != finding.stance_b


@pytest.mark.parametrize(
    "a, b",
    [
        ("The rebels have rejected Russia's offer of help.", "The rebels turned down Russia's offer of help."),  # synonyms
        ("The group does not accept Russia's help.", "The group has rejected Russia's offer of help."),  # negated antonym
        ("There has been no doubt that the ambassador developed contacts.", "It has been confirmed that the ambassador developed contacts."),
        ("The order bars visitors, but not only from Iran.", "The order bars visitors from Iran and Syria."),  # "not only"
        ("If the Russians are serious, they should stop the strikes.", "The Russians are not serious about their offer."),  # a condition
        ("We don't need their help.", "We need to organize a new meeting."),  # the same verb about different things
    ],
)
def test_agreement_or_different_things_is_no_conflict(a, b):
    assert check(a, b) is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("Taliban fighters attacked a checkpoint in Helmand, killing 12 policemen.", "Taliban fighters attacked a checkpoint, killing 11 policemen."),
        ("The bombing at the shrine killed at least 75 people.", "The suicide attack at the shrine killed at least 72 people."),
        ("At least 35 people were wounded in the blast.", "The ministry said 41 others were wounded in the blast."),
        ("Issues hit roughly 10% of voting locations in Maricopa County.", "Maricopa County said about 20% of its voting locations had issues."),
        ("Suspects include 29-year-old Doan Thi Huong of Vietnam.", "Doan Thi Huong, 28, from Vietnam, faces the death penalty."),
    ],
)
def test_different_figures_for_the_same_thing_conflict(a, b):
    finding = check(a, b)
    assert finding is not None and finding.kind == "number"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Floods have killed nearly 250 people since December.", "Floods have killed 246 people since December."),  # hedge
        ("Last month bombers killed more than 30 people in Kabul.", "At least 36 people were killed in Kabul last month."),
        ('"Eighty percent of the Russian strikes are targeting the FSA," Nashar said.', 'Nashar said "80 percent" of strikes had hit the FSA.'),
        ("German police arrested 25 suspected extremists.", "Police arrested 22 suspected members and three suspected supporters."),  # a sum
        ("The fire had burned 9,000 acres by Sunday.", "The fire was at 14,000 acres on Monday, up from 9,000 on Sunday."),
        ("Peers defied ministers by 358 to 256.", "Peers backed the move by a majority of 102."),  # a margin, not a count
        ("The Labour Party won 38 seats.", "The VVD party won 31 seats."),  # two parties
    ],
)
def test_compatible_or_different_quantities_are_no_conflict(a, b):
    assert check(a, b) is None


def test_hedges_widen_a_figure_by_its_precision():
    (about,) = quantities("The cash option would be about $780 million.")
    assert (about.low, round(about.high)) == (775_000_000, 785_000_000) and about.unit == "money"
    (tally,) = quantities("At least 72 people were killed.")
    assert tally.low == tally.high == 72 and tally.event == "death"


def test_dates_names_and_the_similarity_gate():
    said = check("Lavrov said on Saturday that Russia is ready to help.", "Lavrov said on Friday that Russia is ready to help.", cosine=0.9)
    assert said is not None and said.kind == "date" and {said.claim_a, said.claim_b} == {"Saturday", "Friday"}
    assert check('Nunes told Fox News on Sunday: "No."', '"The information we got on Friday leads us there," Nunes said.', cosine=0.9) is None
    blame = check(
        "More than 250,000 people have been killed by militancy in Syria since March 2011.",
        "Since the beginning of the war, more than 250,000 Syrians were killed, mainly Bashar al Assad regime.",
        cosine=0.73,
    )
    assert blame is not None and blame.kind == "name" and "militancy" in blame.claim_a and "Assad" in blame.claim_b
    quote_a = Statement('"We will never leave," the commander said.', speaker="Ahmad Saoud")
    quote_b = Statement('"We will never leave," said the spokesman.', speaker="Issam al-Reis")
    assert detect(quote_a, quote_b, cosine=0.95).claim_b == "Issam al-Reis"
    # unrelated statements are never compared
    assert check("The rebels rejected the offer.", "The rebels did not refuse the offer.", cosine=0.1) is None


def test_the_question_focus_lets_its_own_predicate_through():
    a = "Russia says it targets positions of Daesh and other terrorists with its air strikes in Syria."
    b = "Contrary to Russia's claims, its air strikes in Syria have not been targeting IS, also known as ISIS."
    assert check(a, b, cosine=0.49) is None  # below the general gate
    finding = check(a, b, cosine=0.49, focus=frozenset({"target"}))
    assert finding is not None and (finding.claim_a, finding.claim_b) == ("targets", "have not been targeting")


@pytest.fixture(scope="module")
def bundled_pairs(embedder):
    rows = [json.loads(line) for line in (ROOT / "data" / "conflict_pairs.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r["a"]["source"] == "bundled"]
    texts = sorted({r[side]["text"] for r in rows for side in "ab"})
    vectors = dict(zip(texts, embedder.embed(texts)))
    return [(r, detect(Statement(r["a"]["text"], vectors[r["a"]["text"]]), Statement(r["b"]["text"], vectors[r["b"]["text"]]))) for r in rows]


def test_labelled_bundled_pairs_with_the_real_model(bundled_pairs):
    """Every labelled conflict among the bundled articles is found; at most one agreeing pair is flagged."""
    conflicts = [(r, f) for r, f in bundled_pairs if r["label"] == "conflict"]
    agreeing = [(r, f) for r, f in bundled_pairs if r["label"] == "no_conflict"]
    assert len(conflicts) >= 8 and len(agreeing) >= 20
    assert [r["id"] for r, f in conflicts if f is None] == []
    assert len([r["id"] for r, f in agreeing if f is not None]) <= 1


def test_labelled_pairs_carry_their_provenance():
    for line in (ROOT / "data" / "conflict_pairs.jsonl").read_text().splitlines():
        row = json.loads(line)
        assert row["label"] in {"conflict", "no_conflict"} and row["split"] in {"dev", "test", "heldout"}
        for side in (row["a"], row["b"]):
            assert side["source"] in {"bundled", "news_dai2017", "realtimeqa"} and side["end"] > side["start"]
            if side["source"] == "bundled":
                text = (ROOT / side["path"]).read_text(encoding="utf-8")
                assert text[side["start"] : side["end"]] == side["text"]


@pytest.mark.shared
def test_corpus_pairs_are_exact_slices_of_the_shared_datasets():
    """Every pair from ../shared/datasets quotes its article at the stated offsets."""
    from tests.conftest import corpus_texts

    rows = [json.loads(line) for line in (ROOT / "data" / "conflict_pairs.jsonl").read_text().splitlines()]
    sides = [side for r in rows for side in (r["a"], r["b"])]
    dai = {str(s["article_id"]) for s in sides if s["source"] == "news_dai2017"}
    rtqa = {s["doc_id"] for s in sides if s["source"] == "realtimeqa"}
    texts = corpus_texts(dai, rtqa)
    checked = 0
    for side in sides:
        if side["source"] == "bundled":
            continue
        key = (side["source"], str(side.get("article_id", side.get("doc_id"))))
        assert texts[key][side["start"] : side["end"]] == side["text"], key
        checked += 1
    assert checked >= 1400


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("An earthquake killed 2,500 people in Van.", "An earthquake killed 250 people in Van.", False),
        ("An earthquake killed 2,500 people in Van.", "An earthquake killed about 2,500 people in Van.", True),
        ("Nearly 250 people died in the fire.", "246 people died in the fire.", True),
        ("The quake killed 2,500 people and injured 9,000.", "The quake killed 1,200 people and injured 4,000.", False),
        ("An earthquake killed 2,500 people in Van.", "An earthquake killed many people in Van.", False),
        ("The talks will start on March 3.", "The talks will start on March 5.", False),
        ("The talks will start on Monday.", "The talks will start on Monday, officials said.", True),
        ("More than 250,000 people have been killed by militancy in Syria.", "More than 250,000 people were killed, mainly by the Assad regime.", False),
        ("The ministry said the bridge will reopen.", "The ministry said the bridge will reopen soon.", True),
    ],
)
def test_case_5_claims_agree_only_when_figures_dates_and_names_do(a, b, agree):
    from assistant.outlets.conflicts.detect import claims_agree

    assert claims_agree(Statement(a), Statement(b)) is agree
    assert claims_agree(Statement(b), Statement(a)) is agree


def test_the_same_quotation_in_two_mouths_is_not_one_claim():
    from assistant.outlets.conflicts.detect import claims_agree

    said = '"We will not leave the city under any circumstances," she said.'
    assert not claims_agree(Statement(said, speaker="Anna Petrova"), Statement(said, speaker="Igor Sokolov"))
    assert claims_agree(Statement(said, speaker="Anna Petrova"), Statement(said, speaker="Petrova"))

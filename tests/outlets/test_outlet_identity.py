"""One outlet, one name (issue 24): the user's name, else the URL's registered domain, else a dateline or
masthead, all named by the outlet registry; desks are details; corroboration never counts an outlet twice."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from assistant.ingest.load import load_path
from assistant.model import Citation, SourceRef
from assistant.outlets.identity import dateline, identify, outlet_for_name, outlet_for_url, registry
from tests.conftest import shared_dataset


@pytest.mark.parametrize(
    "text, name, desk",
    [
        ("Washington CNN —\n\nThe Senate voted on Tuesday.", "CNN", None),
        ("Hong Kong CNN —\n\nMarkets fell.", "CNN", None),
        ("(CNN) Charles has become Britain's new King.", "CNN", None),
        ("New York CNN Business —\n\nThe US military is racking up deals.", "CNN", "Business"),
        ("CNN Business —\n\nShares rose.", "CNN", "Business"),
        ("New York (CNN Business) About 8,000 grocery store workers went on strike.", "CNN", "Business"),
        ("New York CNNBusiness —\n\nRetailers have always been vulnerable.", "CNN", "Business"),
        ("New Delhi CNN Busines —\n\nA startup launched a rocket.", "CNN", "Business"),  # the corpus's own typos
        ("LONDON (Reuters) - Oil prices rose on Monday.", "Reuters", None),
        ("WASHINGTON (AP) — The House passed the bill.", "AP", None),
    ],
)
def test_datelines_name_the_registry_outlet_and_its_desk(text, name, desk):
    found = dateline(text)
    assert (found.name, found.desk, found.source) == (name, desk, "dateline")
    assert identify(text).name == name


@pytest.mark.parametrize(
    "text",
    [
        "News streaming wars\n\nNetflix lost subscribers, the company said.",  # a headline kicker
        "Frida Ghitis CNN\n\nThe opinion piece begins here.",  # a byline
        "Role of the BBC\n\nThe broadcaster's charter is up for renewal.",  # a headline that names an outlet
        "CNN Headline —\n\nSomething happened.",  # not a desk
        "Officials met on Monday.\nThe minister told Reuters the talks would go on.",  # a source inside a sentence
        "Television\n\nThe schedule changes on Monday.",
    ],
)
def test_headlines_bylines_and_quoted_sources_are_never_an_outlet(text):
    assert identify(text) is None


@pytest.mark.parametrize(
    "url, name, domain",
    [
        ("http://news.bbc.co.uk/2/hi/x.stm", "BBC", "bbc.co.uk"),
        ("https://www.bbc.co.uk/news/world", "BBC", "bbc.co.uk"),
        ("https://www.bbc.com/news/world", "BBC", "bbc.co.uk"),
        ("http://edition.cnn.com/2022/x", "CNN", "cnn.com"),
        ("https://cnn.com/2022/x", "CNN", "cnn.com"),
        ("https://college.usatoday.com/x", "USA Today", "usatoday.com"),
        ("https://theweek.co.uk/news/x", "The Week", "theweek.co.uk"),
        ("https://www.presstv.ir/Detail/2015/10/24/x", "Iran Press TV", "presstv.ir"),
        ("https://www.sbs.com.au/news/x", "SBS News", "sbs.com.au"),
        ("https://www.trtworld.com/mea/x", "TRT World", "trtworld.com"),
        ("https://abcnews.go.com/International/x", "ABC News", "abcnews.go.com"),  # a subdomain outlet
        ("http://europe.chinadaily.com.cn/x", "China Daily", "chinadaily.com.cn"),
        ("https://www.huffingtonpost.com/x", "HuffPost", "huffpost.com"),
        ("https://www.rte.ie/news/x", "RTÉ", "rte.ie"),
        ("https://news.example-gazette.co.uk/a/b", "example-gazette.co.uk", "example-gazette.co.uk"),  # unknown: its domain
        ("https://www.b-news.example/2", "b-news.example", "b-news.example"),  # outside the public-suffix list
    ],
)
def test_urls_give_the_registered_domain_and_the_registry_name(url, name, domain):
    found = outlet_for_url(url)
    assert (found.name, found.domain, found.source) == (name, domain, "url")


@pytest.mark.parametrize(
    "given, name, desk",
    [
        ("www.cnn.com", "CNN", None),  # RealTime QA's outlet_domain field
        ("cnn.com", "CNN", None),
        ("CNN Business", "CNN", "Business"),
        ("Washington CNN —", "CNN", None),
        ("BBC News", "BBC", None),
        ("PressTV", "Iran Press TV", None),
        ("Press TV", "Iran Press TV", None),
        ("Iran Press TV", "Iran Press TV", None),  # the bundled manifest's name is the registry's name
        ("TRTWorld", "TRT World", None),
        ("City Times", "City Times", None),  # unknown: as the user wrote it
    ],
)
def test_names_the_user_gives_map_to_one_outlet(given, name, desk):
    found = outlet_for_name(given, "field")
    assert (found.name, found.desk) == (name, desk)


def test_the_user_wins_then_the_url_then_the_text():
    text = "LONDON (Reuters) - Oil prices rose on Monday."
    assert identify(text, "https://www.usatoday.com/story/x", "City Times").name == "City Times"
    assert identify(text, "https://www.usatoday.com/story/x").name == "USA Today"  # a wire dateline inside: still USA Today's article
    assert identify(text).name == "Reuters"
    desk = identify("New York CNN Business —\n\nDeals.", "https://www.cnn.com/2022/business/x")
    assert (desk.name, desk.desk, desk.source) == ("CNN", "Business", "url")


def test_every_registry_outlet_has_one_name_and_unique_keys():
    reg = registry()
    names = [e.name for e in reg.entries]
    assert len(names) == len(set(names))
    domains = [d for e in reg.entries for d in e.domains]
    assert len(domains) == len(set(domains))
    for entry in reg.entries:  # every name an outlet goes by leads back to it
        for name in entry.names:
            assert outlet_for_name(name).name == entry.name


def test_records_and_manifests_get_the_identity(tmp_path):
    records = [
        {"id": "a", "text": "Washington CNN —\n\nThe Senate voted on Tuesday.", "url": "https://www.cnn.com/x"},
        {"id": "b", "text": "New York CNN Business —\n\nShares rose.", "url": "https://cnn.com/y"},
        {"id": "c", "text": "(CNN) The storm hit land.", "title": "Storm"},
        {"id": "d", "text": "A story.", "outlet_domain": "www.usatoday.com"},
    ]
    (tmp_path / "scraped.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    by_id = {a.doc_id: a for a in load_path(tmp_path / "scraped.jsonl").articles}
    assert {k: (a.outlet, a.outlet_source, a.desk, a.outlet_domain) for k, a in by_id.items()} == {
        "a": ("CNN", "url", None, "cnn.com"),
        "b": ("CNN", "url", "Business", "cnn.com"),
        "c": ("CNN", "dateline", None, "cnn.com"),
        "d": ("USA Today", "field", None, "usatoday.com"),
    }


def test_an_outlet_is_never_counted_twice_in_the_answer_text():
    from assistant.answer.extractive import answer_text

    def ref(outlet, doc):
        return SourceRef(outlet, doc, None, "The bridge reopened.", 0, 20)

    citation = Citation("CNN", None, None, None, "a", None, "The bridge reopened.", 0, 20, 1.0,
                        also_in=[ref("USA Today", "b"), ref("CNN", "c"), ref("USA Today", "d")])
    assert answer_text([citation]) == 'CNN (also reported by USA Today) reports: "The bridge reopened."'
    assert citation.outlets == ["CNN", "USA Today"]


BRIDGE = (
    "The Valdoria harbour bridge reopened on Tuesday after three years of repairs, the city council said. "
    "The repairs cost 42 million euros, according to the council's budget office. "
    "Traffic is expected to return to normal within a week."
)


@pytest.fixture(scope="module")
def three_names_bot(tmp_path_factory, embedder):
    """The issue's case: one outlet under three names (its domain, a dateline, a desk), and one other outlet."""
    from tests.conftest import bot_over_articles

    articles = {
        "a.txt": ("cnn.com", "Bridge reopens", "Washington CNN —\n\n" + BRIDGE),
        "b.txt": ("CNN —", "Valdoria bridge", "CNN —\n\n" + BRIDGE.replace("Traffic", "Ferry traffic")),
        "c.txt": ("New York CNN Business —", "Repairs end", "New York CNN Business —\n\n" + BRIDGE.replace("Traffic is", "Tolls are")),
        "d.txt": ("usatoday.com", "Bridge open again", (
            "The Valdoria harbour bridge reopened on Tuesday after three years of repairs, the city council said. "
            "Local shop owners on both banks welcomed the news and planned a street party for the weekend. "
            "Cyclists will get a separate lane for the first time since the bridge was built in 1962. "
            "A second crossing further upstream remains under study, with a decision due next spring."
        )),
    }
    return bot_over_articles(tmp_path_factory, embedder, "one_outlet", articles)


def test_corroboration_never_counts_one_outlet_twice(three_names_bot):
    assert three_names_bot.outlets() == ["CNN", "USA Today"]
    assert three_names_bot.article("c").desk == "Business"
    answer = three_names_bot.ask("When did the Valdoria harbour bridge reopen?")
    top = answer.citations[0]
    assert "reopened on Tuesday" in top.quote
    assert top.outlet_count == 2 and sorted(top.outlets) == ["CNN", "USA Today"]
    assert "cnn.com" not in answer.text and "CNN —" not in answer.text
    assert "(also reported by CNN" not in answer.text and ", CNN)" not in answer.text
    for citation in answer.citations:  # every quote exact
        assert three_names_bot.article(citation.doc_id).text[citation.start : citation.end] == citation.quote
        for ref in citation.also_in:
            assert three_names_bot.article(ref.doc_id).text[ref.start : ref.end] == ref.quote


@pytest.mark.shared
def test_a_scraped_archive_without_outlet_fields_has_one_name_per_outlet(tmp_path, tmp_path_factory, embedder):
    """48 RealTime QA articles (24 cnn.com, 12 usatoday.com, 12 theweek.co.uk), every other URL without
    'www.', written as text, title, URL and date only: indexed, exactly three outlet names."""
    from assistant import Assistant

    corpus = shared_dataset("realtimeqa", "news_corpus.jsonl.gz")
    want = {"cnn.com": 24, "usatoday.com": 12, "theweek.co.uk": 12}
    picked: dict[str, list[dict]] = {d: [] for d in want}
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            domain = record["outlet_domain"].removeprefix("www.")
            if domain in want and len(picked[domain]) < want[domain] and len(record.get("text") or "") > 300:
                picked[domain].append(record)
            if all(len(picked[d]) == n for d, n in want.items()):
                break
    folder = tmp_path / "scraped"
    folder.mkdir()
    with open(folder / "archive.jsonl", "w", encoding="utf-8") as out:
        for records in picked.values():
            for i, r in enumerate(records):
                url = r["url"].replace("://www.", "://") if i % 2 else r["url"]
                out.write(json.dumps({"id": r["doc_id"], "title": r["title"], "text": r["text"], "url": url, "date": r["publish_date"]}) + "\n")
    bot = Assistant.from_directory(folder, index_dir=tmp_path_factory.mktemp("scraped_index"), embedder=embedder)
    assert len(bot.articles) == 48
    assert bot.outlets() == ["CNN", "The Week", "USA Today"]
    assert Counter(a.outlet for a in bot.articles) == {"CNN": 24, "USA Today": 12, "The Week": 12}
    cnn_desks = {a.desk for a in bot.articles if a.outlet == "CNN"}
    assert cnn_desks <= {None, "Business"} and "Business" in cnn_desks  # 'New York CNN Business —': a desk of CNN

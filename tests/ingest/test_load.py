"""Loading every supported format, and every kind of bad input, file by file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.ingest.load import load_path, load_paths
from tests.conftest import BUNDLED, shared_dataset

STORY = (
    "The city council approved a new budget on Tuesday. "
    "Mayor Jane Holt said the plan adds 40 buses to the fleet. "
    "Critics argued the vote was rushed."
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_plain_text_and_markdown_take_metadata_from_the_manifest(tmp_path):
    write(tmp_path / "budget.txt", STORY)
    write(tmp_path / "notes.md", "# Buses\n\n" + STORY)
    write(tmp_path / "sources.json", json.dumps({"budget.txt": {"outlet": "City Times", "title": "Budget passes", "url": "https://citytimes.example/b", "published": "2024-05-01"}}))
    result = load_path(tmp_path)
    assert not result.problems
    by_id = {a.doc_id: a for a in result.articles}
    assert set(by_id) == {"budget", "notes"}
    budget = by_id["budget"]
    assert (budget.outlet, budget.title, budget.published, budget.outlet_source) == ("City Times", "Budget passes", "2024-05-01", "manifest")
    assert by_id["notes"].outlet is None  # nothing states a publisher: unknown, never invented


def test_folders_are_loaded_recursively(tmp_path):
    write(tmp_path / "a" / "b" / "deep.txt", STORY)
    assert [a.doc_id for a in load_path(tmp_path).articles] == ["deep"]


def test_html_is_extracted_with_trafilatura(tmp_path):
    html = f"""<html><head><title>Budget passes</title>
    <meta property="og:site_name" content="City Times">
    <meta property="og:url" content="https://citytimes.example/budget"></head>
    <body><nav>Home | World | Share this</nav><article><h1>Budget passes</h1>
    <p>{STORY}</p><p>The budget takes effect in July, officials said on Tuesday evening.</p></article>
    <footer>Subscribe to our newsletter</footer></body></html>"""
    write(tmp_path / "page.html", html)
    (article,) = load_path(tmp_path / "page.html").articles
    assert "Mayor Jane Holt said the plan adds 40 buses" in article.text
    assert "Subscribe" not in article.text
    assert article.outlet == "City Times"
    assert article.title == "Budget passes"


def test_json_jsonl_and_csv_records_get_stable_ids(tmp_path):
    records = [
        {"id": "r-1", "text": STORY, "title": "One", "outlet": "Wire A", "url": "https://a.example/1", "published": "2024-01-01"},
        {"text": "Second story. It has two sentences.", "url": "https://www.b-news.example/2"},
    ]
    write(tmp_path / "list.json", json.dumps(records))
    write(tmp_path / "lines.jsonl", "\n".join(json.dumps(r) for r in records))
    write(tmp_path / "table.csv", "id,title,text,outlet,url,published\nc-1,One,\"" + STORY + "\",Wire C,,2024-02-02\n,Two,Another story here.,,https://c.example/x,\n")
    result = load_paths([tmp_path / "list.json"])
    assert [a.doc_id for a in result.articles] == ["r-1", "list-2"]
    assert result.articles[1].outlet == "b-news.example"  # from the URL's domain
    assert result.articles[1].outlet_source == "url"
    jsonl = load_path(tmp_path / "lines.jsonl")
    assert [a.doc_id for a in jsonl.articles] == ["r-1", "lines-2"]
    table = load_path(tmp_path / "table.csv")
    assert [a.doc_id for a in table.articles] == ["c-1", "table-2"]
    assert table.articles[0].outlet == "Wire C" and table.articles[0].published == "2024-02-02"
    assert table.articles[1].outlet == "c.example"


def test_record_offsets_index_into_that_records_text(tmp_path):
    write(tmp_path / "lines.jsonl", json.dumps({"id": "x", "text": STORY}))
    (article,) = load_path(tmp_path / "lines.jsonl").articles
    assert article.text == STORY


def test_csv_maps_article_source_link_to_url(tmp_path):
    write(tmp_path / "news.csv", "article_id,publish_date,article_source_link,title,subtitle,text\n7,2017-01-02,http://www.bbc.co.uk/news/x,T,S,\"" + STORY + "\"\n")
    (article,) = load_path(tmp_path / "news.csv").articles
    assert (article.doc_id, article.url, article.outlet) == ("7", "http://www.bbc.co.uk/news/x", "BBC")  # registry name (issue 24)
    assert article.outlet_domain == "bbc.co.uk"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", "", "empty file"),
        ("blank.txt", "   \n\n ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin.txt", "Caf\xe9 owners protest.".encode("latin-1"), "not UTF-8"),
        ("broken.json", '{"text": "unterminated', "malformed JSON"),
        ("notext.json", '{"title": "no body"}', "'text'"),
        ("nocolumn.csv", "title,body2\nA,B\n", "no 'text' column"),
        ("photo.png", b"\x89PNG\r\n", "unsupported file type"),
    ],
)
def test_each_bad_file_is_reported_with_its_name_and_reason(tmp_path, name, content, reason):
    write(tmp_path / name, content)
    write(tmp_path / "good.txt", STORY)
    result = load_paths([tmp_path / name, tmp_path / "good.txt"])
    assert [a.doc_id for a in result.articles] == ["good"]
    (problem,) = result.problems
    assert name in str(problem) and reason in str(problem)


def test_malformed_jsonl_line_and_csv_row_are_reported_and_the_rest_loads(tmp_path):
    write(tmp_path / "feed.jsonl", "\n".join([json.dumps({"text": STORY}), "{not json", json.dumps({"title": "no text"}), json.dumps({"text": "Fine again."})]))
    result = load_path(tmp_path / "feed.jsonl")
    assert [a.doc_id for a in result.articles] == ["feed-1", "feed-4"]
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'feed.jsonl'} line 2: malformed JSON (Expecting property name enclosed in double quotes)",
        f"{tmp_path / 'feed.jsonl'} line 3: missing or empty 'text' field",
    ]
    write(tmp_path / "rows.csv", "id,text\na,\"" + STORY + "\"\nb,one,two,three\nc,Short story here.\n")
    result = load_path(tmp_path / "rows.csv")
    assert [a.doc_id for a in result.articles] == ["a", "c"]
    assert "rows.csv row 2: malformed CSV row" in str(result.problems[0])


def test_a_bad_manifest_is_reported_and_ignored(tmp_path):
    write(tmp_path / "story.txt", STORY)
    write(tmp_path / "sources.json", "{oops")
    result = load_path(tmp_path)
    assert [a.doc_id for a in result.articles] == ["story"]
    assert "sources.json: manifest ignored" in str(result.problems[0])


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    result = load_path(tmp_path / "nope")
    assert not result.articles and "no such file or folder" in str(result.problems[0])


def test_bundled_articles_and_manifest_load_cleanly():
    result = load_path(BUNDLED)
    assert not result.problems
    assert sorted(a.doc_id for a in result.articles) == sorted(p.stem for p in BUNDLED.glob("*.txt"))
    assert {a.doc_id: a.outlet for a in result.articles} == {
        "000_4fb80201a179085a": None,
        "001_474bbdfa31def6b0": "Iran Press TV",
        "002_cb88b180f589ea72": "SBS News",
        "003_d0e211c5a8975e06": "TRT World",
        "004_2b4b424fbe197ea6": None,
    }


@pytest.mark.shared
def test_the_nine_outlet_corpus_loads_as_it_is():
    csv_path = shared_dataset("news_dai2017", "NewsArticles.csv")
    result = load_path(csv_path)
    assert len(result.articles) + len(result.problems) >= 3800
    assert len(result.articles) > 3700
    outlets = {a.outlet for a in result.articles}
    # issue 24: the nine outlets under their registry names, one name each
    assert outlets == {"Al Jazeera", "TASS", "ABC News", "RTÉ", "HuffPost", "DW", "China Daily", "BBC", "CNN"}
    assert all(a.url for a in result.articles)


# --- issue 12: nothing in one file stops the others ------------------------------------------------------


def test_case_2_json_nested_100000_deep_is_a_problem_not_a_crash(tmp_path):
    write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    write(tmp_path / "deep.jsonl", json.dumps({"text": STORY}) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    write(tmp_path / "good.txt", STORY)
    result = load_path(tmp_path)
    assert sorted(a.doc_id for a in result.articles) == ["deep-1", "good"]
    assert sorted(str(p) for p in result.problems) == [
        f"{tmp_path / 'deep.json'}: JSON nested too deeply to be an article",
        f"{tmp_path / 'deep.jsonl'} line 2: JSON nested too deeply to be an article",
    ]


def test_case_2_a_lone_surrogate_is_refused_with_file_and_line(tmp_path):
    write(tmp_path / "feed.jsonl", "\n".join([
        json.dumps({"id": "ok", "text": STORY}),
        '{"id": "bad", "text": "A \\ud800 walrus."}',
        '{"id": "bad-title", "text": "' + STORY + '", "title": "Walrus \\udfff"}',
    ]))
    result = load_path(tmp_path / "feed.jsonl")
    assert [a.doc_id for a in result.articles] == ["ok"]
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'feed.jsonl'} line 2: 'text' is not valid Unicode text (unpaired surrogate \\ud800 at character 2)",
        f"{tmp_path / 'feed.jsonl'} line 3: 'title' is not valid Unicode text (unpaired surrogate \\udfff at character 7)",
    ]


def test_case_6_oversized_files_and_articles_are_refused_quickly_with_the_limit_named(tmp_path, monkeypatch):
    big = write(tmp_path / "huge.txt", "The council met again. " * 900_000)  # ~20 MB: one "article"
    write(tmp_path / "good.txt", STORY)
    result = load_path(tmp_path)
    assert [a.doc_id for a in result.articles] == ["good"]
    (problem,) = result.problems
    assert problem.path == str(big) and "over the 200,000 limit for one article (NEWSCITE_MAX_ARTICLE_CHARS)" in problem.reason

    monkeypatch.setenv("NEWSCITE_MAX_FILE_MB", "1")
    result = load_path(tmp_path)
    (problem,) = result.problems
    assert "file is 19.7 MB, over the 1.0 MB limit for one file (NEWSCITE_MAX_FILE_MB)" in problem.reason
    monkeypatch.setenv("NEWSCITE_MAX_ARTICLE_CHARS", "100")
    result = load_path(tmp_path)
    refused = {Path(p.path).name: p.reason for p in result.problems}
    assert not result.articles and "over the 100 limit for one article" in refused["good.txt"]


def test_case_8_symlinks_leading_out_of_the_folder_are_not_followed(tmp_path):
    folder = tmp_path / "articles"
    write(folder / "good.txt", STORY)
    write(tmp_path / "outside" / "secret.txt", "root:x:0:0:root:/root:/bin/bash")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (folder / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (folder / "alias.txt").symlink_to(folder / "good.txt")  # inside the folder: fine
    result = load_path(folder)
    assert sorted(a.doc_id for a in result.articles) == ["alias", "good"]
    assert all("root:" not in a.text for a in result.articles)
    refused = {Path(p.path).name: p.reason for p in result.problems}
    assert refused == {
        "passwd.txt": "symbolic link to a file outside the articles folder; not followed",
        "secret.txt": "symbolic link to a file outside the articles folder; not followed",
    }


# --- property: whatever a file holds, loading reports, never raises ---------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

ANY_CHAR = st.characters(codec=None, categories=None)  # surrogates and control characters included
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["id", "text", "title", "outlet", "url", "published", "body"]) | st.text(max_size=5), inner, max_size=5),
    max_leaves=12,
)
RECORDS = st.dictionaries(st.sampled_from(["id", "text", "title", "outlet", "url", "published"]), JSON_VALUES | st.text(ANY_CHAR, max_size=200), max_size=6)


def check_loaded(result, folder: Path) -> None:
    """The loader's contract: articles have text that can be stored; every problem names a file in the folder."""
    from assistant.limits import limits

    for article in result.articles:
        assert article.text.strip() and len(article.text) <= limits().max_article_chars
        for value in article.to_dict().values():
            if isinstance(value, str):
                value.encode("utf-8")
    for problem in result.problems:
        assert Path(problem.path).parent == folder and problem.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["a.txt", "a.md", "a.html", "a.json", "a.jsonl", "a.csv"]), content=st.binary(max_size=400) | st.text(ANY_CHAR, max_size=400))
def test_property_any_bytes_in_any_supported_file_never_raise(tmp_path_factory, name, content):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    check_loaded(load_path(folder), folder)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(RECORDS | JSON_VALUES, max_size=5), as_lines=st.booleans())
def test_property_any_json_records_never_raise(tmp_path_factory, records, as_lines):
    folder = tmp_path_factory.mktemp("fuzz")
    if as_lines:
        (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    else:
        (folder / "feed.json").write_text(json.dumps(records), encoding="utf-8")
    check_loaded(load_path(folder), folder)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(ANY_CHAR.filter(lambda c: c not in "\r\n"), max_size=60), min_size=1, max_size=4), max_size=5))
def test_property_any_csv_rows_never_raise(tmp_path_factory, rows):
    import csv
    import io

    folder = tmp_path_factory.mktemp("fuzz")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["id", "text", "title"], *rows])
    (folder / "rows.csv").write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    check_loaded(load_path(folder), folder)


def test_a_file_of_control_characters_only_is_a_problem_not_a_blank_article(tmp_path):
    """Found by the property test: b'\\x1c' survives bytes.strip() but is whitespace to str.strip()."""
    (tmp_path / "sep.txt").write_bytes(b"\x1c\x1d\n")
    result = load_path(tmp_path)
    assert result.articles == [] and [p.reason for p in result.problems] == ["no text (only whitespace or control characters)"]

"""Article texts are read on demand from the index and equal the originals."""

from __future__ import annotations

import json

from assistant.index.store import load_index


def test_article_texts_are_read_on_demand_and_equal_the_originals(bot, tmp_path):
    import pickle

    from assistant.index.articles import StoredArticle, load_articles, save_articles
    from assistant.model import Article

    data = load_index(bot.index_dir)
    originals = {a.doc_id: a for a in bot.articles}
    assert all(isinstance(a, StoredArticle) and "text" not in a.__dict__ for a in data.articles)
    first = data.articles[0]
    assert first.text == originals[first.doc_id].text and "text" in first.__dict__
    assert first.to_dict() == originals[first.doc_id].to_dict()
    assert pickle.loads(pickle.dumps(data.articles[1])).text == originals[data.articles[1].doc_id].text
    # Old generations kept the text inside articles.jsonl; they still load.
    old = tmp_path / "old"
    old.mkdir()
    (old / "articles.jsonl").write_text("".join(json.dumps(a.to_dict()) + "\n" for a in bot.articles))
    assert [a.text for a in load_articles(old)] == [a.text for a in bot.articles]
    # Round trip with non-ASCII text, and an empty collection.
    articles = [Article(doc_id="x", text="Zürich – “quoted” 東京"), Article(doc_id="y", text="second")]
    save_articles(articles, tmp_path)
    assert [a.text for a in load_articles(tmp_path)] == [a.text for a in articles]
    save_articles([], tmp_path)
    assert load_articles(tmp_path) == []

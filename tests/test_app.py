"""`python app.py`: its options and its safe defaults (loopback, no analytics)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_serve_on_loopback_over_the_bundled_articles():
    sys.path.insert(0, str(ROOT))
    try:
        import app
    finally:
        sys.path.remove(str(ROOT))
    args = app.parse_args([])
    assert args.host == "127.0.0.1" and args.port == 7860
    assert args.articles == Path("data/articles") and args.index_dir == Path("index")
    args = app.parse_args(["--articles", "a", "--index-dir", "i", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.articles, args.index_dir, args.host, args.port) == (Path("a"), Path("i"), "0.0.0.0", 9000)


def test_gradio_analytics_are_off_even_when_the_environment_says_otherwise():
    code = "import app, assistant.web.app, gradio.analytics as a; print(a.analytics_enabled())"
    env = {"GRADIO_ANALYTICS_ENABLED": "True", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_case_3_the_app_starts_although_its_uploads_folder_holds_bad_files(tmp_path, monkeypatch, capsys):
    """A bad upload left in INDEX_DIR/uploads (an older version kept them) is skipped with a message."""
    sys.path.insert(0, str(ROOT))
    try:
        import app
    finally:
        sys.path.remove(str(ROOT))
    import assistant.web.app

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "grain.txt").write_text("Dozens of lorries carrying grain crossed the border at Bab al-Hawa on Thursday.")
    launched = {}
    monkeypatch.setattr(assistant.web.app, "launch", lambda demo, **options: launched.update(options, demo=demo))
    options = ["--articles", str(articles), "--index-dir", str(tmp_path / "index"), "--port", "7999"]
    app.main(options)  # the first start builds the index
    uploads = tmp_path / "index" / "uploads"
    uploads.mkdir()
    (uploads / "walrus.jsonl").write_text('{"id": "walrus", "text": "A \\ud800 walrus."}\n')
    (uploads / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (uploads / "ferry.txt").write_text("The Isle of Lark ferry was cancelled on Monday because of storms.")
    launched.clear()
    app.main(options)
    assert launched["port"] == 7999 and launched["host"] == "127.0.0.1"
    captured = capsys.readouterr()
    err = captured.err
    assert "2 articles from" in captured.out.splitlines()[-1]  # the good article and the good upload
    assert f"skipped {uploads / 'walrus.jsonl'} line 1: 'text' is not valid Unicode text" in err
    assert f"skipped {uploads / 'deep.json'}: JSON nested too deeply" in err
    assert "Traceback" not in err

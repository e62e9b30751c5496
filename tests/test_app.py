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
    code = "import app, assistant.webapp, gradio.analytics as a; print(a.analytics_enabled())"
    env = {"GRADIO_ANALYTICS_ENABLED": "True", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

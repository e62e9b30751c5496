"""NewsCite web app: `python app.py` serves the chat on http://127.0.0.1:7860.

Thin on purpose: options, index sync, launch. The page lives in
assistant/web/app.py, its HTML in assistant/web/render.py.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before anything imports gradio

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="NewsCite web app: cited answers from news articles.")
    parser.add_argument("--articles", type=Path, default=Path("data/articles"),
                        help="folder (or file) of articles to index at start; only changes are embedded (default: data/articles)")
    parser.add_argument("--index-dir", type=Path, default=Path("index"), help="folder of the persisted index (default: index)")
    parser.add_argument("--uploads-dir", type=Path, default=None,
                        help="where uploaded articles are kept and re-indexed from at start (default: INDEX_DIR/uploads)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=7860, help="port to serve on (default: 7860)")
    parser.add_argument("--llm", default=None,
                        help="write answers with this LLM, every sentence verified: ollama:MODEL or openai-like:URL")
    parser.add_argument("--llm-timeout", type=float, default=120.0, help="seconds the LLM gets before an answer falls back")
    parser.add_argument("--ask-concurrency", type=int, default=8,
                        help="questions answered at the same time; more wait in line (default: 8)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from assistant.limits import limits

    try:
        limits()
    except ValueError as error:  # a limit set to something that is not a size
        sys.exit(str(error))
    from assistant.options import AssistantOptions, CannotOpen, open_assistant
    from assistant.web.app import build_app, launch

    uploads = args.uploads_dir or args.index_dir / "uploads"
    sources = [args.articles] + ([uploads] if uploads.is_dir() else [])
    print(f"Indexing {', '.join(map(str, sources))} into {args.index_dir} (only changes are embedded)...", flush=True)
    try:
        bot = open_assistant(AssistantOptions(args.index_dir, sources, args.llm, args.llm_timeout))
    except CannotOpen as error:
        sys.exit(str(error))
    for problem in bot.last_report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    bot.embedder.embed_query("warm up")  # load the model now, not on the first question
    print(f"{len(bot.articles)} articles from {len(bot.outlets())} outlets; {bot.last_report.summary()}", flush=True)
    launch(build_app(bot, uploads, ask_concurrency=max(1, args.ask_concurrency)), host=args.host, port=args.port)


if __name__ == "__main__":
    main()

"""The `newscite` command line (also `python -m assistant`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="NewsCite: ask questions about news articles, get answers quoting them exactly.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

IndexDir = Annotated[Path, typer.Option("--index-dir", help="Folder of the persisted index.")]
Outlets = Annotated[Optional[list[str]], typer.Option("--outlet", "-o", help="Only quote this outlet (repeatable).")]
Articles = Annotated[
    Optional[Path], typer.Option("--articles", help="Index this folder or file first (only changes are embedded).")
]


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def open_assistant(index_dir: Path, articles: Path | None = None):
    """Load the index (syncing `articles` first when given); exit with a clear message if impossible."""
    from assistant.assistant import Assistant
    from assistant.store import NewsCiteIndexError

    try:
        if articles is not None:
            bot = Assistant.from_directory(articles, index_dir=index_dir)
            _print_problems(bot.last_report.problems)
            return bot
        return Assistant.load(index_dir)
    except NewsCiteIndexError as error:
        _fail(str(error))


def _print_problems(problems) -> None:
    for problem in problems:
        typer.secho(f"skipped {problem}", fg=typer.colors.YELLOW, err=True)


def print_answer(answer, as_json: bool = False) -> None:
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(answer.text)
    for number, citation in enumerate(answer.citations, start=1):
        where = f"{citation.doc_id}[{citation.start}:{citation.end}]"
        extra = "".join(f"; {ref.outlet} {ref.doc_id}[{ref.start}:{ref.end}]" for ref in citation.also_in)
        typer.secho(f"  [{number}] {citation.outlet}, {citation.title or 'untitled'}: {where}{extra}", dim=True)


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="Folders (searched recursively) or files of articles.")],
    index_dir: IndexDir = Path("index"),
    rebuild: Annotated[bool, typer.Option(help="Ignore the existing index and embed everything again.")] = False,
) -> None:
    """Build or update the index: only new or changed articles are embedded, removed ones dropped."""
    from assistant.embedding import default_embedder
    from assistant.indexing import update_index
    from assistant.store import NewsCiteIndexError

    try:
        _, report = update_index(index_dir, paths, default_embedder(), rebuild=rebuild)
    except NewsCiteIndexError as error:
        _fail(str(error))
    _print_problems(report.problems)
    typer.echo(f"{index_dir}: {report.summary()}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    index_dir: IndexDir = Path("index"),
    outlet: Outlets = None,
    articles: Articles = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer one question with exact quotes from the articles."""
    bot = open_assistant(index_dir, articles)
    print_answer(bot.ask(question, outlets=outlet), as_json)


@app.command()
def chat(
    index_dir: IndexDir = Path("index"),
    outlet: Outlets = None,
    articles: Articles = None,
) -> None:
    """Terminal chat; follow-up questions are understood in context. Empty line or Ctrl-D quits."""
    bot = open_assistant(index_dir, articles)
    conversation = bot.conversation()
    typer.echo(f"NewsCite over {len(bot.articles)} articles ({', '.join(bot.outlets())}). Empty line quits.")
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        print_answer(bot.ask(question, outlets=outlet, conversation=conversation))
        sys.stdout.flush()


def main() -> None:
    app()


if __name__ == "__main__":
    main()

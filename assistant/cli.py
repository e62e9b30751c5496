"""The `newscite` command line (also `python -m assistant`)."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from assistant.embed.backend_choice import describe_choice
from assistant.eval.command import run_eval
from assistant.index.build import article_embedder, update_index
from assistant.index.segments import segment_articles
from assistant.index.store import NewsCiteIndexError
from assistant.limits import limits
from assistant.llm.call import DEFAULT_TIMEOUT as LLM_TIMEOUT
from assistant.options import AssistantOptions, CannotOpen
from assistant.options import open_assistant as open_with_options
from assistant.outlets.report import comparison_lines

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
LLMSpecOption = Annotated[
    Optional[str],
    typer.Option("--llm", help="Write the answer with this LLM, every sentence verified: ollama:MODEL or openai-like:URL."),
]
LLMTimeoutOption = Annotated[float, typer.Option("--llm-timeout", help="Seconds the LLM gets before the answer falls back.")]


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def open_assistant(index_dir: Path, articles: Path | None = None, llm_spec: str | None = None, llm_timeout: float = LLM_TIMEOUT):
    """Load the index (syncing `articles` first when given); exit with a clear message if impossible."""
    try:
        bot = open_with_options(AssistantOptions(index_dir, [articles] if articles is not None else [], llm_spec, llm_timeout))
    except CannotOpen as error:
        _fail(str(error))
    if articles is not None:
        _print_problems(bot.last_report.problems)
    return bot


def _print_problems(problems) -> None:
    for problem in problems:
        typer.secho(f"skipped {problem}", fg=typer.colors.YELLOW, err=True)


def print_answer(answer, as_json: bool = False, text_shown: bool = False) -> None:
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    if not text_shown:
        typer.echo(answer.text)
    if answer.mode == "llm" and answer.unsupported:
        count = len(answer.unsupported)
        typer.secho(f"  ({count} sentence{'s' * (count > 1)} of the LLM's answer left out: "
                    "not supported by the evidence cited; --json shows them)", dim=True)
    for number, citation in enumerate(answer.citations, start=1):
        where = f"{citation.doc_id}[{citation.start}:{citation.end}]"
        extra = "".join(f"; {ref.outlet} {ref.doc_id}[{ref.start}:{ref.end}]" for ref in citation.also_in)
        speaker = f" (quoting {citation.speaker})" if citation.speaker else ""
        typer.secho(f"  [{number}] {citation.outlet}, {citation.title or 'untitled'}: {where}{extra}{speaker}", dim=True)
    miss = answer.near_miss
    if miss:  # declined: where the closest quote stands
        typer.secho(f"  near miss, not an answer: {miss.citation.outlet}, {miss.citation.title or 'untitled'}: "
                    f"{miss.citation.doc_id}[{miss.citation.start}:{miss.citation.end}]", dim=True)
    short = answer.short_answer
    if short:
        typer.secho(f"  short answer \"{short.text}\": {short.doc_id}[{short.start}:{short.end}], inside [1]", dim=True)


def progress_lines(every: float = 10.0):
    """Off a terminal (no progress bar), a line on stderr at most every `every` seconds while embedding,
    so a long run in a log or CI shows it is alive. None on a terminal: tqdm shows the bar there."""
    if sys.stderr.isatty():
        return None
    last = [time.monotonic()]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every or done == total:
            last[0] = now
            print(f"embedding: {done:,} of {total:,} sentences", file=sys.stderr, flush=True)

    return report


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="Folders (searched recursively) or files of articles.")],
    index_dir: IndexDir = Path("index"),
    rebuild: Annotated[bool, typer.Option(help="Ignore the existing index and embed everything again.")] = False,
    ray: Annotated[Optional[str], typer.Option(
        "--ray", help="Embed on a Ray cluster: 'auto' starts a local one on every core, HOST:PORT joins one "
        "(needs the [ray] extra).")] = None,
) -> None:
    """Build or update the index: only new or changed articles are embedded, removed ones dropped."""

    try:
        limits()  # a size limit set to something that is not a size: say so once, not once per file
        segment_articles()  # NEWSCITE_SEGMENT_ARTICLES, likewise
    except ValueError as error:
        _fail(str(error))
    try:
        embedder = article_embedder(index_dir, rebuild)
        source = _ray_source(ray) if ray else None  # --ray: assistant/index/ray_build.py
        _, report = update_index(index_dir, paths, embedder, rebuild=rebuild, progress=progress_lines(),
                                 segment_source=source)
    except NewsCiteIndexError as error:
        _fail(str(error))
    except OSError as error:  # e.g. the index folder is not writable
        _fail(f"Cannot write the index in {index_dir}: {error.strerror or error}")
    _print_problems(report.problems)
    typer.echo(f"{index_dir}: {report.summary()}")


def _ray_source(address: str):
    """The Ray segment source for --ray ADDRESS; a clear error when Ray is not installed."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        _fail("--ray needs Ray: pip install 'newscite[ray]'")
    from assistant.index.ray_build import ray_segments

    return ray_segments(address)


@app.command()
def stats(
    index_dir: IndexDir = Path("index"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
) -> None:
    """What is indexed, and which embedding backend embedded it on which CPU (with the measured rates)."""
    bot = open_assistant(index_dir)
    facts = bot.stats()
    if as_json:
        typer.echo(json.dumps(facts, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{facts['index_dir']}: {facts['articles']} articles from {len(facts['outlets'])} outlets, "
               f"{facts['sentences']} sentences in {facts['chunks']} chunks, built {facts['built_at'] or 'never'}")
    typer.echo(f"outlets: {', '.join(facts['outlets'])}")
    typer.echo(describe_choice(facts.get("backend_choice")))
    typer.echo(f"questions embedded with: {facts['query_backend']}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    index_dir: IndexDir = Path("index"),
    outlet: Outlets = None,
    articles: Articles = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    llm: LLMSpecOption = None,
    llm_timeout: LLMTimeoutOption = LLM_TIMEOUT,
    as_of: Annotated[
        Optional[datetime],
        typer.Option("--as-of", formats=["%Y-%m-%d"], help='The day asked (default today): "this week" means the week before it, and articles published after it are not read.'),
    ] = None,
) -> None:
    """Answer one question with exact quotes from the articles."""
    bot = open_assistant(index_dir, articles, llm, llm_timeout)
    print_answer(bot.ask(question, outlets=outlet, as_of=as_of.date() if as_of else None), as_json)


@app.command()
def chat(
    index_dir: IndexDir = Path("index"),
    outlet: Outlets = None,
    articles: Articles = None,
    llm: LLMSpecOption = None,
    llm_timeout: LLMTimeoutOption = LLM_TIMEOUT,
) -> None:
    """Terminal chat; follow-up questions are understood in context. Empty line or Ctrl-D quits."""
    bot = open_assistant(index_dir, articles, llm, llm_timeout)
    conversation = bot.conversation()
    typer.echo(f"NewsCite over {len(bot.articles)} articles ({', '.join(bot.outlets())}). Empty line quits.")
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        if bot.llm is None:
            print_answer(bot.ask(question, outlets=outlet, conversation=conversation))
        else:
            stream_answer(bot, question, outlet, conversation)
        sys.stdout.flush()


@app.command()
def compare(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    index_dir: IndexDir = Path("index"),
    outlet: Outlets = None,
    articles: Articles = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Who says what: each outlet's quotes, the silent outlets, what several report, where they disagree."""
    comparison = open_assistant(index_dir, articles).compare(question, outlets=outlet)
    if as_json:
        typer.echo(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
        return
    for line, dim in comparison_lines(comparison):
        typer.secho(line, dim=dim)


def stream_answer(bot, question: str, outlets, conversation) -> None:
    """Print verified sentences as the LLM writes them; the full answer again if it fell back."""
    streamed = ""
    for item in bot.ask_stream(question, outlets=outlets, conversation=conversation):
        if isinstance(item, str):
            streamed += item
            typer.echo(item, nl=False)
            sys.stdout.flush()
            continue
        if streamed:
            typer.echo("")
        print_answer(item, text_shown=bool(streamed) and item.text == streamed)


@app.command("eval")
def evaluate_command(
    questions: Annotated[Path, typer.Argument(help="Question set: JSONL (see README), SQuAD 2.0 JSON, or a RealTime QA folder.")],
    articles: Articles = None,
    index_dir: Annotated[
        Optional[Path], typer.Option("--index-dir", help="Index to answer from (default: index; squad/realtimeqa get their own).")
    ] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Folder for summary.md, results.json, chart.png.")] = None,
    format: Annotated[str, typer.Option("--format", help="jsonl, squad, realtimeqa or realtimeqa-weekly.")] = "jsonl",
    baseline: Annotated[bool, typer.Option("--baseline", help="Also run a plain llama-index retriever, side by side.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most N questions (squad, realtimeqa-weekly: a seeded sample).")] = None,
    distractors: Annotated[Optional[int], typer.Option("--distractors", min=0, help="realtimeqa: distractor articles.")] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", help="realtimeqa-weekly: train, test or all question days (default all).")
    ] = None,
    timely: Annotated[
        bool, typer.Option("--timely", help="realtimeqa-weekly: only questions with the answer in an article of the 14 days before.")
    ] = False,
) -> None:
    """Measure answers and citations against a question set; exits 1 if any quote is not exact."""
    code = run_eval(questions, articles=articles, index_dir=index_dir, report_dir=report, format=format,
                    baseline=baseline, limit=limit, distractors=distractors, split=split, timely=timely)
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""Load test of the web app: many people chatting at once, through Gradio's own client, on loopback.

    python bench/load.py                        # 20 chats x 5 questions, ask concurrency 1 (before) and 8 (now)
    python bench/load.py --chats 20 --questions 5 --concurrency 8 --clients http --pace burst,3-10

Starts `python app.py` over the bundled articles (`data/articles`, indexed into a temporary
folder) on 127.0.0.1 at a free port, in its own process, then for each ask concurrency:

1. one user asks the questions one after the other (the reference latency);
2. `--chats` users, each with their own client and session (follow-ups stay in their chat),
   each asking `--questions` questions, at each pace of `--pace`:
   - `burst`: all start at the same instant and ask the next question the moment an answer
     arrives (a stress test: 20 questions always in flight, nobody reads anything);
   - `LO-HI` (seconds, e.g. `3-10`): as people chat: each user starts at a random moment in the
     first HI seconds and, after each answer, waits LO to HI seconds (uniform, seeded) to
     read it and type the next question. 3-10 s is faster than people read a cited answer.

Two kinds of client (`--clients`): `gradio_client` (Gradio's Python client, `predict`), and
`http`, a few lines speaking the page's own queue protocol (join, then read the event stream)
as a browser does. Both run in this process on the same two cores as the server, so their CPU
counts against it: gradio_client spends about 50 ms of CPU a question (twice the server's own
work), the http client about 3 ms, so the http rows show what the server does for 20 people
who each bring their own machine. Latency is sent to final answer received, queueing included.
Questions come from data/questions.jsonl. Writes
bench/results/load.json and prints a Markdown table.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def questions() -> list[str]:
    lines = (ROOT / "data" / "questions.jsonl").read_text().splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


class GradioUser:
    """One user through gradio_client: its own Client, so its own session."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False)

    def ask(self, question: str) -> str:
        return self.client.predict(question, [], api_name="/ask")[0]

    def close(self) -> None:
        self.client.close()


class HttpUser:
    """One user speaking the page's queue protocol with httpx: join the ask event, read the event
    stream until that event completes (what the browser does, without a browser)."""

    def __init__(self, url: str) -> None:
        import httpx

        self.http = httpx.Client(timeout=120)
        config = self.http.get(url + "config").json()
        self.api = url.rstrip("/") + config.get("api_prefix", "/gradio_api")
        self.fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "ask")
        self.session = str(uuid.uuid4())

    def ask(self, question: str) -> str:
        payload = {"data": [question, [], None], "fn_index": self.fn_index, "session_hash": self.session,
                   "event_data": None, "trigger_id": None}
        event = self.http.post(self.api + "/queue/join", json=payload).json()["event_id"]
        with self.http.stream("GET", self.api + "/queue/data", params={"session_hash": self.session}) as response:
            buffer = b""
            for chunk in response.iter_bytes():
                buffer += chunk
                while b"\n\n" in buffer:
                    line, buffer = buffer.split(b"\n\n", 1)
                    if not line.startswith(b"data:"):
                        continue
                    message = json.loads(line[5:])
                    if message.get("event_id") == event and message.get("msg") == "process_completed":
                        if not message.get("success", True):
                            raise RuntimeError(str(message.get("output"))[:200])
                        return message["output"]["data"][0]
        raise RuntimeError("the event stream ended before the answer")

    def close(self) -> None:
        self.http.close()


CLIENTS = {"gradio_client": GradioUser, "http": HttpUser}


Pace = tuple[float, float] | None  # seconds a user waits between an answer and their next question; None: burst


def parse_pace(text: str) -> Pace:
    """`burst` or `LO-HI` seconds."""
    if text == "burst":
        return None
    low, _, high = text.partition("-")
    try:
        pace = (float(low), float(high or low))
    except ValueError:
        raise SystemExit(f"--pace: {text!r} is neither 'burst' nor LO-HI seconds (e.g. 3-10)") from None
    if not 0 <= pace[0] <= pace[1]:
        raise SystemExit(f"--pace: {text!r} needs 0 <= LO <= HI")
    return pace


def pace_label(pace: Pace) -> str:
    return "burst" if pace is None else f"{pace[0]:g}-{pace[1]:g} s"


def chat(user_kind, url: str, asked: list[str], latencies: list[float], errors: list[str],
         start: threading.Barrier | None, pace: Pace = None, seed: int = 0) -> None:
    """One user: their own client (session), the questions one after the other, `pace` apart."""
    user = user_kind(url)
    if start is not None:
        start.wait()
    rng = random.Random(seed)
    if pace is not None:
        time.sleep(rng.uniform(0, pace[1]))  # people do not all press Ask at the same instant
    failed = 0
    for number, question in enumerate(asked):
        if pace is not None and number:
            time.sleep(rng.uniform(*pace))  # reading the answer, typing the next question
        began = time.perf_counter()
        try:
            transcript = user.ask(question)
            if transcript.count("nc-error") > failed:  # this question's turn shows an error
                failed = transcript.count("nc-error")
                errors.append(f"{question}: could not answer")
        except Exception as error:  # counted, never fatal: the point is to see them
            errors.append(f"{question}: {type(error).__name__}: {error}")
        latencies.append(time.perf_counter() - began)
    user.close()


def measure(user_kind, url: str, chats: int, per_chat: int, pool: list[str], pace: Pace = None) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    start = threading.Barrier(chats) if chats > 1 else None
    threads = [
        threading.Thread(target=chat, args=(user_kind, url, [pool[(c * per_chat + i) % len(pool)] for i in range(per_chat)],
                                            latencies, errors, start, pace, c))
        for c in range(chats)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {
        "chats": chats,
        "pace": pace_label(pace),
        "questions": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3),
        "wall_s": round(wall, 2),
    }


def serve(index_dir: Path, limit: int) -> tuple[subprocess.Popen, str]:
    """`python app.py` over the bundled articles in its own process (the clients must not share its GIL)."""
    port = free_port()
    command = [sys.executable, str(ROOT / "app.py"), "--articles", str(ROOT / "data" / "articles"),
               "--index-dir", str(index_dir), "--port", str(port), "--ask-concurrency", str(limit)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"app.py exited with {server.returncode}")
            time.sleep(0.5)
    server.kill()
    raise SystemExit("app.py did not start within 300 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(user_kind, index_dir: Path, limit: int, chats: int, per_chat: int, pool: list[str],
        paces: list[Pace]) -> tuple[dict, list[dict]]:
    """A fresh server at this ask concurrency: warm-up, then one user alone, then `chats` at once at each pace."""
    server, url = serve(index_dir, limit)
    crowds = []
    try:
        measure(user_kind, url, 1, 5, pool)  # warm-up: first requests compile, import and fill caches
        single = measure(user_kind, url, 1, chats * per_chat // 4, pool)
        for pace in paces:
            before, clients_before = cpu_seconds(server.pid), time.process_time()
            crowd = measure(user_kind, url, chats, per_chat, pool, pace)
            crowd["server_cpu_ms_per_question"] = round((cpu_seconds(server.pid) - before) * 1000 / crowd["questions"], 1)
            crowd["client_cpu_ms_per_question"] = round((time.process_time() - clients_before) * 1000 / crowd["questions"], 1)
            crowds.append(crowd)
    finally:
        server.terminate()
        server.wait(30)
    return single, crowds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, help="questions per chat")
    parser.add_argument("--concurrency", default="1,8", help="ask concurrency limits to compare (comma-separated)")
    parser.add_argument("--clients", default="gradio_client,http", help="client kinds: gradio_client, http (comma-separated)")
    parser.add_argument("--pace", default="burst,3-10", help="how users pace their questions: burst, LO-HI seconds (comma-separated)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()

    index_dir = Path(tempfile.mkdtemp(prefix="newscite-load-")) / "index"
    pool = questions()
    paces = [parse_pace(text) for text in args.pace.split(",")]
    results = []
    for kind in args.clients.split(","):
        for limit in [int(x) for x in args.concurrency.split(",")]:
            single, crowds = run(CLIENTS[kind], index_dir, limit, args.chats, args.questions, pool, paces)
            load = os.getloadavg()[0]
            for crowd in crowds:
                results.append({"client": kind, "ask_concurrency": limit, "single": single, "concurrent": crowd, "load_average": round(load, 2)})
                print(f"{kind}, ask concurrency {limit}, pace {crowd['pace']}: single p50 {single['p50_s']} s p95 {single['p95_s']} s; "
                      f"{args.chats} chats p50 {crowd['p50_s']} s p95 {crowd['p95_s']} s, errors {crowd['errors']}, "
                      f"server CPU {crowd['server_cpu_ms_per_question']} ms/question, clients' {crowd['client_cpu_ms_per_question']}", flush=True)
    report = {
        "measured": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "chats": args.chats,
        "questions_per_chat": args.questions,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n")
    print("\n| client | ask concurrency | pace | 1 user p50 / p95 s | %d chats p50 / p95 s | p95 ratio | errors | server CPU ms/question | load avg |" % args.chats)
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s, c = r["single"], r["concurrent"]
        print(f"| {r['client']} | {r['ask_concurrency']} | {c['pace']} | {s['p50_s']} / {s['p95_s']} | {c['p50_s']} / {c['p95_s']} | "
              f"{c['p95_s'] / s['p95_s']:.1f}x | {c['errors']} of {c['questions']} | {c['server_cpu_ms_per_question']} | {r['load_average']} |")


if __name__ == "__main__":
    main()

"""Ingest on Ray (assistant/index/ray_build.py) against the local build: same arrays, same answers.

The cluster tests start a real two-node Ray cluster on this machine (`ray
start --head` plus a second `ray start --address`, one CPU each, as CI can)
and stop it by process group at the end. They are marked `ray` (slow: about
a minute and a half in all) and skipped when Ray is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from assistant.index.segments import SCRATCH_PREFIX
from tests.conftest import BUNDLED, ROOT, SHARED

RAY = Path(sys.executable).with_name("ray")
ray_installed = pytest.mark.skipif(not RAY.exists(), reason="Ray is not installed (pip install 'newscite[ray]')")
RTQA = SHARED / "realtimeqa"


def test_without_ray_a_build_never_imports_ray(tmp_path):
    script = (
        "import sys\n"
        "from assistant.cli import app\n"
        f"app(['index', {str(BUNDLED)!r}, '--index-dir', {str(tmp_path / 'index')!r}], standalone_mode=False)\n"
        "from assistant import Assistant\n"
        f"Assistant.load({str(tmp_path / 'index')!r}).ask('Where did the Free Syrian Army propose to meet Russia?')\n"
        "loaded = sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.'))\n"
        "assert not loaded, loaded\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]


def test_a_node_without_native_bf16_refuses_the_bf16_backend(monkeypatch):
    from assistant.index.ray_build import BackendNotNative, worker_embedder

    monkeypatch.setenv("NEWSCITE_HIDE_CAPABILITIES", "BF16")
    worker_embedder.cache_clear()
    with pytest.raises(BackendNotNative, match="no native bf16"):
        worker_embedder("openvino-bf16", 1)


def test_a_local_build_in_many_segments_stores_the_same_rows_and_leaves_no_scratch(tmp_path, monkeypatch, embedder):
    from assistant.index.build import update_index
    from assistant.index.store import load_index

    _, whole = update_index(tmp_path / "whole", [BUNDLED], embedder)
    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", "2")
    data, report = update_index(tmp_path / "parts", [BUNDLED], embedder)
    one = load_index(tmp_path / "whole")
    assert report.added == whole.added and len(data.articles) == 5
    assert np.array_equal(data.sentences, one.sentences) and np.array_equal(data.chunks, one.chunks)
    # int8 weights quantise activations per batch: other batch neighbours move a vector a little, no more
    cosines = np.sum(np.asarray(data.vectors) * np.asarray(one.vectors), axis=1)
    assert cosines.min() > 0.99
    assert not list((tmp_path / "parts").glob(f"{SCRATCH_PREFIX}*"))


# --- a real two-node cluster ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_node(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """`ray start ... --block` in a process group of its own, so the test can stop exactly what it started."""
    with open(log, "w") as out:
        return subprocess.Popen([str(RAY), "start", *args, "--disable-usage-stats", "--block"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop_node(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 8), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(address, marker) of a head node and a second node, one CPU each, on this machine.

    The nodes run without this checkout on their path: workers get the
    driver's code through the job's runtime environment, as on a real cluster.
    `marker` is in every worker's environment, so a test kills only its own workers.
    """
    if not RAY.exists():
        pytest.skip("Ray is not installed")
    logs = tmp_path_factory.mktemp("ray-logs")
    port, marker = _free_port(), uuid.uuid4().hex
    # Ray >= 2.59 authenticates with a token: this cluster's own, given to its nodes and to the driver
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": uuid.uuid4().hex + uuid.uuid4().hex}
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RAY_ADDRESS")}
    env.update(auth, NEWSCITE_TEST_CLUSTER=marker)
    address = f"127.0.0.1:{port}"
    head = _start_node(["--head", f"--port={port}", "--num-cpus=1", "--node-ip-address=127.0.0.1",
                        "--include-dashboard=false"], env, logs / "head.log")
    nodes = [head]
    try:
        _wait_for_nodes(address, 1, head, env)
        nodes.append(_start_node([f"--address={address}", "--num-cpus=1"], env, logs / "node.log"))
        _wait_for_nodes(address, 2, nodes[-1], env)
        with pytest.MonkeyPatch.context() as patch:
            for key, value in auth.items():
                patch.setenv(key, value)
            yield address, marker
    finally:
        for process in reversed(nodes):
            _stop_node(process)


def _wait_for_nodes(address: str, count: int, process: subprocess.Popen, env: dict, timeout: float = 60) -> None:
    probe = (f"import ray; ray.init(address={address!r}, logging_level='ERROR', log_to_driver=False); "
             "print(sum(1 for n in ray.nodes() if n['Alive']))")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ray start exited with {process.returncode}")
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env)
        if run.returncode == 0 and run.stdout.strip() and int(run.stdout.split()[-1]) >= count:
            return
        time.sleep(1)
    raise RuntimeError(f"the Ray cluster at {address} did not reach {count} nodes")


@pytest.fixture
def ray_driver():
    """This test process as a Ray driver; disconnected afterwards."""
    import ray

    yield
    ray.shutdown()


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in (ROOT / "data" / "questions.jsonl").read_text().splitlines() if line.strip()]


def _rtqa_sample(folder: Path) -> tuple[Path, list[str]]:
    """RealTime QA: the gold articles of the first 6 questions and 10 distractors, as one JSONL file."""
    from assistant.eval.datasets import load_realtimeqa

    if not RTQA.is_dir():
        pytest.skip(f"{RTQA} is absent (shared datasets)")
    sample = load_realtimeqa(RTQA, limit=6, distractors=10)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rtqa.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for a in sample.articles:
            out.write(json.dumps({"id": a.doc_id, "text": a.text, "outlet": a.outlet, "url": a.url,
                                  "published": a.published}, ensure_ascii=False) + "\n")
    return path, [q.question for q in sample.questions]


def _assert_same_index(left: Path, right: Path, questions: list[str], embedder) -> None:
    """Same articles, sentences, chunks and vectors, and the same answer (text, quotes, offsets) to every question."""
    from assistant import Assistant
    from assistant.index.store import load_index

    a, b = load_index(left), load_index(right)
    assert [x.doc_id for x in a.articles] == [x.doc_id for x in b.articles]
    assert a.fingerprints == b.fingerprints
    for name in ("sentences", "chunks", "vectors"):
        assert np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name))), name
    assert np.array_equal(a.sentence_vectors.codes, b.sentence_vectors.codes)
    assert np.array_equal(a.sentence_vectors.scales, b.sentence_vectors.scales)
    bot_a, bot_b = Assistant(a, left, embedder), Assistant(b, right, embedder)
    for question in questions:
        assert bot_a.ask(question).to_dict() == bot_b.ask(question).to_dict(), question


def _spy(source, seen: list):
    def spied(*args, **kwargs):
        for segment in source(*args, **kwargs):
            seen.append(segment)
            yield segment
    return spied


@ray_installed
@pytest.mark.ray
@pytest.mark.slow
def test_a_two_node_cluster_builds_the_local_index(cluster, ray_driver, tmp_path, monkeypatch, embedder):
    from assistant.index.build import update_index
    from assistant.index.ray_build import ray_segments

    address, _ = cluster
    rtqa, rtqa_questions = _rtqa_sample(tmp_path / "rtqa")
    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", "3")
    for name, paths, questions in (("bundled", [BUNDLED], _questions()), ("rtqa", [rtqa], rtqa_questions)):
        update_index(tmp_path / f"{name}-local", paths, embedder)
        segments: list = []
        _, report = update_index(tmp_path / f"{name}-ray", paths, embedder,
                                 segment_source=_spy(ray_segments(address), segments))
        assert not report.problems
        assert len({s.worker.split("/")[0] for s in segments}) == 2, "both nodes built segments"
        _assert_same_index(tmp_path / f"{name}-local", tmp_path / f"{name}-ray", questions, embedder)


@ray_installed
@pytest.mark.ray
@pytest.mark.slow
def test_ray_auto_from_the_command_line_builds_the_local_index(tmp_path, embedder):
    from assistant.index.build import update_index

    update_index(tmp_path / "local", [BUNDLED], embedder)  # one segment: 5 articles
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "index", str(BUNDLED), "--index-dir", str(tmp_path / "ray"), "--ray", "auto"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "5 added" in run.stdout and "ray: 1 shards of up to 5 articles on 1 node(s)" in run.stderr
    _assert_same_index(tmp_path / "local", tmp_path / "ray", _questions(), embedder)


def _kill_one_shard_worker(marker: str, killed: list, stop: threading.Event) -> None:
    """SIGKILL the first worker process of this test's cluster seen running a shard."""
    while not stop.is_set() and not killed:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                if b"newscite-shard" not in title or marker.encode() not in (proc / "environ").read_bytes():
                    continue
                os.kill(int(proc.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                continue
            killed.append(int(proc.name))
            return
        time.sleep(0.05)


@ray_installed
@pytest.mark.ray
@pytest.mark.slow
def test_a_worker_killed_mid_shard_is_retried_and_the_build_finishes(cluster, ray_driver, tmp_path, monkeypatch, embedder):
    from assistant.index.build import update_index
    from assistant.index.ray_build import ray_segments

    address, marker = cluster
    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", "1")
    update_index(tmp_path / "local", [BUNDLED], embedder)
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_one_shard_worker, args=(marker, killed, stop), daemon=True)
    killer.start()
    try:
        _, report = update_index(tmp_path / "ray", [BUNDLED], embedder, segment_source=ray_segments(address))
    finally:
        stop.set()
        killer.join(5)
    assert killed, "no shard worker was seen running (nothing was killed)"
    assert len(report.added) == 5 and not report.problems
    _assert_same_index(tmp_path / "local", tmp_path / "ray", _questions()[:10], embedder)


@ray_installed
@pytest.mark.ray
@pytest.mark.slow
def test_a_build_interrupted_on_the_driver_leaves_the_previous_generation(cluster, ray_driver, tmp_path, monkeypatch, embedder):
    import ray

    from assistant import Assistant
    from assistant.index.build import update_index
    from assistant.index.ray_build import ray_segments

    address, _ = cluster
    index_dir = tmp_path / "index"
    update_index(index_dir, [BUNDLED], embedder)
    before = (index_dir / "CURRENT").read_text()
    question = _questions()[0]
    expected = Assistant.load(index_dir, embedder=embedder).ask(question).to_dict()

    def interrupted(*args, **kwargs):
        for number, segment in enumerate(ray_segments(address)(*args, **kwargs)):
            yield segment
            raise KeyboardInterrupt  # Ctrl-C on the driver after the first segment arrived

    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", "1")
    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, [BUNDLED], embedder, rebuild=True, segment_source=interrupted)
    assert (index_dir / "CURRENT").read_text() == before
    assert not list(index_dir.glob(f"{SCRATCH_PREFIX}*")), "the spilled segments are deleted"
    assert Assistant.load(index_dir, embedder=embedder).ask(question).to_dict() == expected
    assert ray.is_initialized()  # the driver stays connected: the next build runs on the same cluster
    _, report = update_index(index_dir, [BUNDLED], embedder, rebuild=True, segment_source=ray_segments(address))
    assert len(report.added) == 5 and (index_dir / "CURRENT").read_text() != before


def test_a_shard_size_that_is_not_a_number_is_refused_before_anything_is_read(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", "lots")
    result = CliRunner().invoke(app, ["index", str(BUNDLED), "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 1 and "NEWSCITE_SEGMENT_ARTICLES must be a whole number" in result.output
    assert not (tmp_path / "index").exists()

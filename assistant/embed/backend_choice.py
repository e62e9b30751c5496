"""Which embedding backend embeds the articles on this CPU: read what it does natively, then measure.

The same 2-core machine kind comes with different CPUs. Where the CPU lacks
native bf16 (no AVX512_BF16, no AMX), OpenVINO emulates bf16 about 40x slower
than fp32, so a backend list ordered by what one developer's CPU did is wrong
elsewhere. Instead:

1. candidates are the backends this CPU runs natively: `openvino-bf16` only
   where OpenVINO lists `BF16` in its `OPTIMIZATION_CAPABILITIES`,
   `openvino-int8` only where it lists `INT8`;
2. each candidate embeds a few batches of news-like sentences (after one
   warm-up batch), taking turns so that load from other work slows them
   alike; the canonical backend (the shipped static int8, else onnxruntime
   int8) wins unless another is more than 25% faster, so that most CPUs
   store the same vectors;
3. the choice and the measured rates are cached beside the model export,
   keyed by the CPU, so later processes pay nothing.

`NEWSCITE_BACKEND=<name>` still forces one backend. `NEWSCITE_HIDE_CAPABILITIES=BF16`
hides a capability from the selection, to see what a CPU without it would
pick (the README's "CPU without bf16" column is measured that way).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.embed.minilm import MODEL_DIM
from assistant.embed.onnx_embedder import BACKENDS, OnnxEmbedder, model_dir

log = logging.getLogger(__name__)

# Fixed, news-like sentences of typical length (35-40 word pieces): every machine measures the same work.
PROBE_SENTENCES = (
    "The ministry said on Tuesday that more than 250 people had been evacuated from the flooded districts overnight.",
    "Opposition leaders rejected the proposal, saying the government had not consulted them before the vote.",
    "Shares in the company fell 4.2 percent in early trading after it cut its forecast for the third quarter.",
    "A spokesman for the United Nations said talks would resume in Geneva next week if both sides agreed.",
    "Police arrested two men in connection with the attack, which left three officers wounded, officials said.",
    "The central bank kept its benchmark interest rate unchanged at 5.25 percent, in line with expectations.",
    "Rescue teams were still searching for survivors on Sunday as the death toll from the earthquake rose.",
    "The president is expected to sign the bill into law before the end of the month, aides told reporters.",
)
PROBE_ROUNDS = 5  # each candidate embeds two batches of 16 per round, after a warm-up batch: ~1 s in all
# The first of these that is a candidate is canonical: static int8 is the fastest measured (docs/speed.md)
# and nearest fp32; onnxruntime's dynamic int8 runs where OpenVINO does not.
CANONICAL = ("openvino-int8", "onnx-int8")
TOLERANCE = 0.25  # another backend must be this much faster to be chosen over the canonical one
CHOICE_VERSION = 3  # 2: openvino-int8 joined the candidates; 3: two batches a round (OpenVINO streams)


@dataclass
class BackendChoice:
    """The article backend picked for this CPU, and why."""

    backend: str
    rates: dict[str, float] = field(default_factory=dict)  # candidate -> sentences/s (wall, all cores)
    skipped: dict[str, str] = field(default_factory=dict)  # backend -> why it was not a candidate
    capabilities: list[str] = field(default_factory=list)  # OpenVINO's, minus hidden ones
    hidden: list[str] = field(default_factory=list)
    cpu: str = ""
    measured_at: str = ""
    forced: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def hidden_capabilities() -> list[str]:
    return [c.strip().upper() for c in os.environ.get("NEWSCITE_HIDE_CAPABILITIES", "").split(",") if c.strip()]


def openvino_capabilities() -> list[str]:
    """OpenVINO's CPU `OPTIMIZATION_CAPABILITIES` (e.g. FP32, BF16, INT8), minus hidden ones; [] without OpenVINO."""
    try:
        import openvino as ov

        found = [str(c).upper() for c in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")]
    except Exception as error:  # openvino missing or no CPU plugin: its backends are not candidates
        log.info("OpenVINO capabilities unavailable: %s", error)
        return []
    hidden = set(hidden_capabilities())
    return [c for c in found if c not in hidden]


def cpu_description() -> str:
    """CPU model name and the flags that decide which kernels run (bf16, AMX, VNNI, AVX-512)."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                name = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    except OSError:
        pass
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
    return f"{name} [{' '.join(f for f in wanted if f in flags) or 'no AVX-512'}]"


def candidates(capabilities: list[str]) -> tuple[list[str], dict[str, str]]:
    """Backends worth measuring here, and why the others are not."""
    chosen, skipped = [], {}
    for backend in BACKENDS:
        runtime, precision = backend.split("-")
        if runtime == "openvino" and not capabilities:
            skipped[backend] = "OpenVINO is not available"
        elif precision == "bf16" and "BF16" not in capabilities:
            skipped[backend] = "the CPU has no native bf16 (OpenVINO does not list BF16): it would be emulated, ~40x slower"
        elif runtime == "openvino" and precision == "int8" and "INT8" not in capabilities:
            skipped[backend] = "OpenVINO does not list INT8 for this CPU"
        else:
            chosen.append(backend)
    return chosen, skipped


def measure(backends: list[str], rounds: int = PROBE_ROUNDS) -> tuple[dict[str, float], dict[str, str]]:
    """Sentences per second of each backend on the probe batch (all cores), and the ones that failed.

    Candidates take turns, one batch each per round, and each keeps its fastest
    round: load from other work then slows them alike instead of deciding the choice.
    """
    texts = (list(PROBE_SENTENCES) * 2)[:16]
    out = np.zeros((2 * len(texts), MODEL_DIM), dtype=np.float32)
    runs, failed = {}, {}
    for backend in backends:
        try:
            embedder = OnnxEmbedder(backend)
            feed = embedder._feed(texts)
            # two batches, as a build runs them: OpenVINO's streams embed them side by side
            batches = [(np.arange(len(texts)), feed), (np.arange(len(texts), 2 * len(texts)), feed)]
            embedder.batches_runner(batches, out)  # compile or load, first-run allocations
            runs[backend] = (embedder.batches_runner, batches)
        except Exception as error:  # a runtime that fails to load is not a candidate
            failed[backend] = f"failed to load: {error}"
    best = {backend: float("inf") for backend in runs}
    for _ in range(rounds):
        for backend, (run_all, batches) in runs.items():
            started = time.perf_counter()
            run_all(batches, out)
            best[backend] = min(best[backend], time.perf_counter() - started)
    return {backend: round(len(out) / seconds, 1) for backend, seconds in best.items()}, failed


def pick(rates: dict[str, float]) -> str:
    """The canonical backend when it is within TOLERANCE of the fastest, else the fastest.

    Backends of one precision give the same vectors up to rounding, but int8 and
    float vectors differ by up to ~0.04 in pairwise cosine (bench/backend_spread.py):
    preferring one canonical backend keeps answers the same on every CPU where it is
    fast, and gives way only where another is much faster.
    """
    fastest = max(rates, key=rates.get)
    canonical = next((backend for backend in CANONICAL if backend in rates), fastest)
    return canonical if rates[canonical] * (1 + TOLERANCE) >= rates[fastest] else fastest


def _cache_file(capabilities: list[str]) -> Path:
    key = hashlib.sha256(json.dumps([CHOICE_VERSION, cpu_description(), capabilities, os.cpu_count()]).encode())
    return model_dir() / f"backend-choice-{key.hexdigest()[:12]}.json"


def choose_backend(refresh: bool = False) -> BackendChoice:
    """The article backend for this CPU: forced by NEWSCITE_BACKEND, else cached, else measured now."""
    forced = os.environ.get("NEWSCITE_BACKEND")
    if forced:
        return BackendChoice(backend=forced, forced=True, cpu=cpu_description(), hidden=hidden_capabilities())
    capabilities = openvino_capabilities()
    cache = _cache_file(capabilities)
    if cache.exists() and not refresh:
        try:
            return BackendChoice(**json.loads(cache.read_text()))
        except (ValueError, TypeError):
            pass  # a damaged cache file is measured again
    names, skipped = candidates(capabilities)
    rates, failed = measure(names)
    skipped.update(failed)
    best = pick(rates) if rates else "torch"
    choice = BackendChoice(
        backend=best, rates=rates, skipped=skipped, capabilities=capabilities, hidden=hidden_capabilities(),
        cpu=cpu_description(), measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(choice.as_dict(), indent=1))
        os.replace(tmp, cache)
    except OSError as error:  # a read-only cache only costs the measurement next time
        log.warning("could not cache the backend choice in %s: %s", cache, error)
    log.info("article backend %s chosen on %s (rates %s)", best, choice.cpu, rates)
    return choice


def describe_choice(choice: dict | None) -> str:
    """One line for people: which backend embeds the articles here, and the rates that chose it."""
    if not choice:
        return "article backend: not recorded (index built before backends were chosen by measurement)"
    backend = choice.get("backend", "?")
    if choice.get("forced"):
        return f"article backend: {backend} (forced by NEWSCITE_BACKEND) on {choice.get('cpu', '?')}"
    rates = ", ".join(f"{name} {rate:g}/s" for name, rate in sorted(choice.get("rates", {}).items(), key=lambda kv: -kv[1]))
    skipped = "; ".join(f"{name} skipped: {why}" for name, why in choice.get("skipped", {}).items())
    hidden = f" (hidden from the choice: {', '.join(choice['hidden'])})" if choice.get("hidden") else ""
    return (f"article backend: {backend}, chosen by measurement on {choice.get('cpu', '?')}{hidden}: "
            f"{rates or 'no measurement'}" + (f"; {skipped}" if skipped else ""))

"""Build a llama-index LLM from a short spec string (the CLI's and web app's `--llm`).

    ollama:qwen2.5                             Ollama at $OLLAMA_HOST or localhost:11434
    ollama:qwen2.5@http://10.0.0.5:11434       Ollama elsewhere
    openai-like:http://127.0.0.1:8080/v1       any OpenAI-compatible server (llama.cpp, vLLM, LM Studio)
    openai-like:MODEL@http://host:8000/v1      the same, naming the model the server should run
    llama-cpp:http://127.0.0.1:8080/v1         alias of openai-like

The integration packages are imported only when a spec needs them. An API
key for an OpenAI-compatible server is read from NEWSCITE_LLM_API_KEY (or
OPENAI_API_KEY); local servers need none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from assistant.llm.call import DEFAULT_TIMEOUT

OPENAI_LIKE = ("openai-like", "openai-compatible", "llama-cpp", "llamacpp")
DEFAULT_OLLAMA = "http://localhost:11434"
DEFAULT_REMOTE_MODEL = "local-model"  # llama.cpp's server ignores the name; others need a real one
TEMPERATURE = 0.1  # near-deterministic: we want the evidence restated, not invented
MAX_ANSWER_TOKENS = 512
CONTEXT_WINDOW = 4096  # the answer prompt is about 1,000 tokens with 12 evidence sentences
USAGE = "use ollama:MODEL[@URL] or openai-like:[MODEL@]URL (e.g. openai-like:http://127.0.0.1:8080/v1)"


class LLMSpecError(ValueError):
    """A spec string that names no LLM we can build."""


@dataclass
class LLMSpec:
    kind: str  # "ollama" or "openai-like"
    model: str
    url: str


def _with_scheme(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def parse_spec(spec: str) -> LLMSpec:
    kind, sep, rest = spec.strip().partition(":")
    kind = kind.lower()
    if not sep or not rest.strip():
        raise LLMSpecError(f"Cannot read the LLM spec {spec!r}: {USAGE}")
    rest = rest.strip()
    if kind == "ollama":
        model, at, url = rest.partition("@")
        if not model:
            raise LLMSpecError(f"The LLM spec {spec!r} names no Ollama model: {USAGE}")
        return LLMSpec("ollama", model, _with_scheme(url if at else os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA))
    if kind in OPENAI_LIKE:
        if rest.startswith(("http://", "https://")):
            return LLMSpec("openai-like", DEFAULT_REMOTE_MODEL, rest)
        model, at, url = rest.partition("@")
        if not at or not url:
            raise LLMSpecError(f"The LLM spec {spec!r} has no server URL: {USAGE}")
        return LLMSpec("openai-like", model, _with_scheme(url))
    raise LLMSpecError(f"Unknown LLM kind {kind!r} in {spec!r}: {USAGE}")


def _missing(package: str) -> LLMSpecError:
    return LLMSpecError(f"This LLM needs the package {package}: pip install {package}")


def llm_from_spec(spec: str, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """A llama-index LLM for `spec`; constructing it does not contact the server."""
    parsed = parse_spec(spec)
    if parsed.kind == "ollama":
        try:
            from llama_index.llms.ollama import Ollama
        except ImportError:
            raise _missing("llama-index-llms-ollama") from None
        return Ollama(
            model=parsed.model,
            base_url=parsed.url,
            temperature=TEMPERATURE,
            request_timeout=timeout,
            context_window=CONTEXT_WINDOW,  # left at -1, reading `metadata` would ask the server
        )
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError:
        raise _missing("llama-index-llms-openai-like") from None
    api_key = os.environ.get("NEWSCITE_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or "not-needed"
    return OpenAILike(
        model=parsed.model,
        api_base=parsed.url,
        api_key=api_key,
        is_chat_model=True,  # servers apply the model's own chat template
        context_window=CONTEXT_WINDOW,
        max_tokens=MAX_ANSWER_TOKENS,
        temperature=TEMPERATURE,
        timeout=timeout,
        max_retries=0,  # our deadline covers the whole answer; retries would outlive it
    )


def describe(llm: Any) -> str:
    """A short name for the answer's `llm` field: 'Ollama qwen2.5'."""
    model = getattr(llm, "model", None) or getattr(getattr(llm, "metadata", None), "model_name", None)
    name = type(llm).__name__
    return f"{name} {model}" if model and model != "unknown" else name

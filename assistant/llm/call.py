"""Call a llama-index LLM with a deadline we enforce ourselves.

Client-side request timeouts differ by integration (and a custom LLM may
have none), so the call runs in a daemon thread and the caller stops
waiting at the deadline. A call that overruns cannot be killed: its thread
is told to stop at its next streamed piece and is otherwise left to finish
on its own; being a daemon, it never keeps the process alive.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Iterator

DEFAULT_TIMEOUT = 120.0  # seconds for a whole answer; a local 7B model on CPU needs about that


class LLMError(RuntimeError):
    """The LLM failed; the message says how, for the user."""


class LLMTimeout(LLMError):
    """The LLM did not finish before the deadline."""


_DONE = object()


def _pieces(llm: Any, prompt: str, stream: bool) -> Iterator[str]:
    """Text pieces from the LLM: streamed deltas, or the whole completion at once."""
    if stream:
        try:
            responses = llm.stream_complete(prompt)
        except NotImplementedError:
            responses = None
        if responses is not None:
            seen = ""
            for response in responses:
                delta = response.delta
                if delta is None:  # some integrations only fill the running text
                    delta = response.text[len(seen) :]
                seen += delta
                if delta:
                    yield delta
            return
    yield llm.complete(prompt).text or ""


def stream_text(llm: Any, prompt: str, timeout: float = DEFAULT_TIMEOUT, stream: bool = True) -> Iterator[str]:
    """Yield the LLM's text as it comes; raise LLMTimeout at the deadline, LLMError on failure."""
    pieces: queue.Queue = queue.Queue()
    cancelled = threading.Event()

    def work() -> None:
        try:
            for piece in _pieces(llm, prompt, stream):
                if cancelled.is_set():
                    return
                pieces.put(piece)
            pieces.put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            pieces.put(error)

    threading.Thread(target=work, name="newscite-llm", daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            try:
                item = pieces.get(timeout=max(remaining, 0.0)) if remaining > 0 else pieces.get_nowait()
            except queue.Empty:
                raise LLMTimeout(f"the LLM did not finish within {timeout:g} s") from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise LLMError(f"the LLM failed: {type(item).__name__}: {item}") from item
            yield item
    finally:
        cancelled.set()


def complete_text(llm: Any, prompt: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The LLM's whole completion, within the deadline."""
    return "".join(stream_text(llm, prompt, timeout, stream=False))

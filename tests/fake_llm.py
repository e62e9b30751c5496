"""A scripted llama-index LLM for tests: fixed or prompt-dependent text, no network, no model."""

from __future__ import annotations

import re
import threading
from typing import Any, Callable

from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import Field, PrivateAttr

EVIDENCE_LINE = re.compile(r"^\[(\d+)\] \((.*?)\) (.*)$", re.MULTILINE)


def evidence_lines(prompt: str) -> list[tuple[int, str, str]]:
    """(number, outlet, text) of each evidence line inside the prompt's <evidence> block."""
    block = prompt.split("<evidence>", 1)[1].split("</evidence>", 1)[0]
    return [(int(n), outlet, text) for n, outlet, text in EVIDENCE_LINE.findall(block)]


def number_of(prompt: str, needle: str) -> int:
    """The evidence number of the first line containing `needle` (case-insensitive)."""
    for number, _, text in evidence_lines(prompt):
        if needle.casefold() in text.casefold():
            return number
    raise AssertionError(f"no evidence line contains {needle!r}")


class ScriptedLLM(CustomLLM):
    """Answers with `script(prompt)` (or a fixed string); streams it `piece` characters at a time.

    `hang` makes it wait for `release` (a test sets it afterwards) before answering: a timeout.
    `error` makes it raise. Every prompt received is kept in `prompts`.
    """

    script: Any = ""
    piece: int = 9
    hang: bool = False
    error: str | None = None
    prompts: list[str] = Field(default_factory=list)
    calls: list[str] = Field(default_factory=list)  # "complete" or "stream", one per call
    _release: threading.Event = PrivateAttr(default_factory=threading.Event)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted", is_chat_model=False)

    @property
    def release(self) -> threading.Event:
        return self._release

    def _reply(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if self.hang:
            self._release.wait(30)
        if self.error:
            raise ConnectionError(self.error)
        script: str | Callable[[str], str] = self.script
        return script(prompt) if callable(script) else script

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.calls.append("complete")
        return CompletionResponse(text=self._reply(prompt))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        self.calls.append("stream")

        def pieces() -> CompletionResponseGen:
            text = self._reply(prompt)
            so_far = ""
            for start in range(0, len(text), self.piece):
                delta = text[start : start + self.piece]
                so_far += delta
                yield CompletionResponse(text=so_far, delta=delta)

        return pieces()

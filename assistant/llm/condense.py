"""Follow-up questions rewritten by the LLM (prompts/condense.txt), rules as the fallback.

An LLM resolves "what did he say next?" better than the rule-based
`Conversation.condense`, but it may fail, overrun or ramble: then, or when
its reply does not look like one question, the rules decide.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.conversation import Conversation
from assistant.answer.evidence import neutralise
from assistant.llm.call import DEFAULT_TIMEOUT, LLMError, complete_text
from assistant.llm.prompts import render

HISTORY_TURNS = 3
ANSWER_CHARS = 600  # of each earlier answer, enough for the names a pronoun points at
MAX_QUERY_CHARS = 400
PREFIXES = ("standalone question:", "question:", "rewritten question:")


def history_text(conversation: Conversation, turns: int = HISTORY_TURNS) -> str:
    lines = []
    for question, answer in conversation.turns[-turns:]:
        lines.append(f"User: {neutralise(question)}")
        lines.append(f"Assistant: {neutralise(answer.text)[:ANSWER_CHARS]}")
    return "\n".join(lines)


def clean_reply(reply: str) -> str | None:
    """The first line of the reply as a question, or None when it is not usable."""
    line = next((line.strip() for line in reply.splitlines() if line.strip()), "")
    for prefix in PREFIXES:
        if line.casefold().startswith(prefix):
            line = line[len(prefix) :].strip()
    line = line.strip("\"'“”` ")
    if not line or len(line) > MAX_QUERY_CHARS:
        return None
    return line


def condense_with_llm(llm: Any, conversation: Conversation, question: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """A standalone search query for `question` in the light of the conversation so far."""
    if not conversation.turns:
        return question
    prompt = render("condense", history=history_text(conversation), question=question)
    try:
        reply = complete_text(llm, prompt, timeout)
    except LLMError:
        return conversation.condense(question)
    return clean_reply(reply) or conversation.condense(question)

"""Answers written by an LLM: specs, calls, prompts, drafts, verification glue, the llama-index adapter."""

"""Embedding models: the packaged MiniLM on torch or ONNX, and the per-CPU backend choice."""

"""Evaluation: question sets, datasets, metrics, the runner, reports and the llama-index baseline."""

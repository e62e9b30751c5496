"""The persisted index: build it, store it, search it (dense FAISS, BM25), vector codes."""

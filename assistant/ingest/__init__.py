"""Reading articles: load files, clean page furniture, split sentences, chunk, find the outlet."""

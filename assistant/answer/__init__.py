"""From a question to an extractive answer: retrieval, composing, conversation, evidence and support."""

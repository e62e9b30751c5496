"""The Gradio app: page, pure render functions, the compare panel, highlighting, uploads."""

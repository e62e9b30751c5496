"""`newscite ask` starts light: it imports no torch, openvino or llama-index."""

from __future__ import annotations

import os
import subprocess
import sys


from tests.conftest import ROOT

QUERY = "Where did the FSA propose to meet Russia?"


def test_ask_from_the_command_line_imports_no_torch(bot):
    # what is loaded when the command is done (an import that was only tried, as thinc tries torch, is not)
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['newscite', 'ask', {QUERY!r}, '--index-dir', {str(bot.index_dir)!r}]\n"
        "try:\n    runpy.run_module('assistant', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print('LOADED', ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Cairo" in done.stdout
    imported = set(done.stdout.rsplit("LOADED ", 1)[1].split())
    # a question needs only onnxruntime's int8 model (unless NEWSCITE_BACKEND forces an OpenVINO one for everything)
    forced_openvino = os.environ.get("NEWSCITE_BACKEND", "").startswith("openvino")
    runtimes = {"torch", "sentence_transformers", "transformers"} | (set() if forced_openvino else {"openvino"})
    heavy = {name for name in imported if name.split(".")[0] in runtimes}
    heavy |= {name for name in imported if name.startswith("llama_index.")}  # the bare namespace package is free
    assert not heavy, sorted(heavy)[:10]

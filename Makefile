# Two commands a fresh machine needs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test test-backends index clean

setup: $(STAMP)

# torch first, from the local CPU wheel: a looser requirement pulls several GB of CUDA packages.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

index: setup
	$(VENV)/bin/newscite index data/articles

# app.py indexes data/articles itself (only changes are embedded), then serves on 127.0.0.1:7860.
run: setup
	$(PY) app.py

test: setup
	GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q

# Results must not hinge on the CPU: every test but the browser ones again under each forced
# embedding backend (what other CPUs pick); .ci/run calls it after `make test`.
BACKENDS := openvino-int8 onnx-int8 onnx-fp32 openvino-fp32
test-backends: setup
	@for b in $(BACKENDS); do echo "== NEWSCITE_BACKEND=$$b"; \
	  NEWSCITE_BACKEND=$$b GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q -p no:cacheprovider -m "not browser and not slow" || exit 1; done

clean:
	rm -rf $(VENV) index/CURRENT index/gen-* index/.gen-*

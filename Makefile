# Two commands a fresh machine needs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test index clean

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

clean:
	rm -rf $(VENV) index/CURRENT index/gen-* index/.gen-*

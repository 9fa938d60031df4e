# Quick start (README): `make run` serves the product on the bundled sample feed; `make test` runs the tests.
PY := .venv/bin/python
DATA_DIR ?= var

.PHONY: setup setup-dev run ingest test check bench eval

setup:
	scripts/setup.sh requirements.txt

setup-dev:
	scripts/setup.sh requirements-dev.txt

ingest: setup
	$(PY) app.py ingest --data-dir $(DATA_DIR)

run: ingest
	$(PY) app.py serve --data-dir $(DATA_DIR)

test: setup-dev
	scripts/system-deps.sh
	scripts/test.sh

check: setup-dev
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	$(PY) benchmarks/ingest.py

eval: setup
	$(PY) -m evaluation eval/shared/*.jsonl

# Every target that runs code first makes sure .venv exists and matches pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-data

.PHONY: install demo test bench bench-large preview templates lint-templates clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/docgen demo --dir $(DEMO_DIR)

# pytest exits 5 when it collects nothing; make fails on any non-zero status.
test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

bench-large: $(STAMP)
	$(PY) -m bench --large

# Every kind's samples as .docx, PDF and PNG pages, to look at by eye.
preview: $(STAMP)
	$(PY) -m docgen.preview --out preview

# Rebuild the committed .docx templates from their builder scripts (templates/*/build.py).
templates: $(STAMP)
	@for script in templates/*/build.py; do $(PY) $$script || exit 1; done

lint-templates: $(STAMP)
	$(VENV)/bin/docgen templates lint

clean:
	rm -rf $(VENV) build *.egg-info $(DEMO_DIR) preview bench/out

# Two entry points (see README): `make demo` and `make test`.  Both set up
# everything they need on a fresh machine: a venv with the harness, the
# system packages (debootstrap for the sandbox base, Chromium for the report
# test) and the sandbox image.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup system image demo test clean-reports

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,tasks]' -c harness/sandbox/requirements.txt
	touch $(STAMP)

setup: $(STAMP)

system:
	scripts/install-system-deps

image: setup system
	$(BIN)/takehome image build

demo: image
	$(BIN)/takehome grade tasks/kmeans/solution.ipynb tasks/kmeans/template.ipynb \
		--task tasks/kmeans --out reports

test: image
	$(BIN)/pytest
	$(BIN)/takehome task validate tasks/*

clean-reports:
	find reports -mindepth 1 ! -name .gitkeep -delete

# storysite: `make site` builds the example site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test

.PHONY: site test lint bench mutation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# An installed package holds its compiled bytecode (pip compiles it); an editable
# install compiles on first import, unless PYTHONDONTWRITEBYTECODE is set, as it is on
# some machines: then every command would compile every module again (0.07 s each).
COMPILE := $(BIN)/python -m compileall -q src

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(COMPILE)
	touch $@ $(VENV)/.installed

site: $(VENV)/.installed
	$(BIN)/storysite build --site . --output output
	@echo "The example site is in $(CURDIR)/output/ — open output/index.html, or serve the folder."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

test: lint
	$(BIN)/python -m pytest -q

# Not part of `make test`: both corpus shapes at 1,000 and 5,000 stories against Pelican
# and Hugo, then issue 14's targets. Options: make bench BENCH_ARGS="--quick" (see
# benchmarks/README.md)
bench: $(VENV)/.installed
	$(COMPILE)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Not part of `make test`: mutation testing of the privacy core (the gate and
# anonymise/, see [tool.mutmut] in pyproject.toml). Narrow it with
# make mutation MUTANTS="storysite.audit.* storysite.skeleton.* storysite.views.*"
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	rm -rf mutants
	HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	done = s['killed'] + s['survived'] + s['timeout'] + s['suspicious']; \
	print(f\"kill score: {s['killed'] + s['timeout']}/{done} = {(s['killed'] + s['timeout']) / max(done, 1):.1%}\")"

clean:
	rm -rf output build .storysite-cache mutants

# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NUMBA_CACHE_DIR := $(CURDIR)/build/numba-cache
export OCEAN_CACHE_DIR := $(CURDIR)/build/ocean-cache
export MPLBACKEND := Agg

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,mpi,train,compare]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/ocean run examples/acc.py --days 30 --output-dir output
	$(BIN)/ocean plot output/acc.snapshot.nc --var temp --out output/acc_temp.png
	$(BIN)/ocean plot output/acc.snapshot.nc --var u --out output/acc_u.png
	@echo "wrote output/acc.snapshot.nc and the quick-looks output/acc_temp.png, output/acc_u.png"

test: $(STAMP)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile --durations=15

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/acc_benchmark.py

clean:
	rm -rf $(VENV) build output

# The two commands a fresh machine needs: `make demo` and `make test`. Each builds .venv first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SOCIAL_DATA_DIR ?= $(CURDIR)/data
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
RUN_ENV := SOCIAL_DATA_DIR="$(SOCIAL_DATA_DIR)" DAGSTER_HOME="$(DAGSTER_HOME)"

MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt -path dbt/target -prune -o -path dbt/logs -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.py' \) -print)

.PHONY: install demo test dev simulate bench bench-ui bench-parse bench-collect bench-refresh deploy-check clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The dbt manifest the Dagster code location loads (dagster-dbt reads it; nothing parses at import).
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	cd dbt && ../$(BIN)/dbt parse --profiles-dir . --quiet
	touch $@

# The browser the UI tests (tests/ui) drive: Debian's package, installed only when it is missing
# (never `playwright install`, which downloads a browser from outside the package index).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Two fresh clones installing at once must not race for dpkg's lock: flock queues our own installs,
# the second finds the browser there; DPkg::Lock::Timeout waits out any other apt on the machine.
APT := $(SUDO) apt-get -o DPkg::Lock::Timeout=900
$(CHROMIUM):
	flock /tmp/social-graph-apt.lock sh -c 'test -x $@ || $(APT) install -y chromium || { $(APT) update && $(APT) install -y chromium; }'

install: $(VENV)/.installed $(MANIFEST) $(CHROMIUM)

## demo: the simulator on a free port, then `collect` of targets.example.yaml and a summary
demo: install
	$(RUN_ENV) $(BIN)/social-graph collect --targets targets.example.yaml --with-simulator

## test: the whole test suite (simulator over real HTTP, real Parquet, Dagster test contexts),
## in two workers, a file per worker at a time and the browser suite in one, slowest first
## (tests/conftest.py)
test: install $(CHROMIUM)
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

## dev: the Dagster UI with the simulator running, sensors and schedules on, persistent instance
dev: install
	$(RUN_ENV) $(BIN)/social-graph dev

## simulate: only the simulator, on port 8765
simulate: install
	$(BIN)/social-graph simulate --port 8765

## bench: build the graph of synthetic 1M-, 10M- and 30M-row collections with dbt (full, then
## incremental after one new snapshot), and with pandas/networkx up to 10M, in one table
bench: install
	$(BIN)/python -m benchmarks.graph_build --edges 1000000,10000000,30000000 \
		--baseline-max-edges 10000000

## bench-ui: 500- and 1,000-partition backfills launched as the UI does, against the API's own time
bench-ui: install
	$(BIN)/python -m benchmarks.ui_backfill

## bench-collect: `collect` against the simulator at real time (N=40) and scaled (N=300, 1,000),
## polling and callbacks, and a naive sequential loop: requests per lookup, wall against the floor
bench-collect: install
	$(BIN)/python -m benchmarks.collect

## bench-refresh: a simulated month on a world whose targets churn at very different rates, the
## adaptive refresh plan against the weekly cron for the same credits (the whole path: simulator
## over HTTP, Parquet, a dbt build per day); detected changes and the ratio
bench-refresh: install
	$(BIN)/python -m benchmarks.refresh

## bench-parse: the target-list parser on 10 MB junk and pathological files, against the bare libraries
bench-parse: install
	$(BIN)/python -m benchmarks.target_parse

## deploy-check: the Dockerfile's build step (deploy/image_build.sh) in a fresh venv under a temp
## dir, then the code location loaded from it and its gRPC server health-checked (minutes: it
## installs the whole stack; not part of `make test`)
deploy-check:
	deploy/docker_steps.sh $(PY)

clean:
	rm -rf $(VENV) data .dagster_home .pytest_cache dbt/target dbt/logs

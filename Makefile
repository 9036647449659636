# Expe: `make run` brings the platform up, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run run-observed run-dev test lint format soak bench docs openapi-clients stop clean

setup: $(STAMP)  ## Install everything missing: infrastructure binaries, tools, Python packages, the web app.
	@deploy/local/install.sh
	@deploy/local/install-helm.sh
	@tests/deploy/deploycheck/build.sh >/dev/null
	@deploy/local/build-web.sh
	@deploy/local/build-docs.sh

$(STAMP): pyproject.toml sdk/python/pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --upgrade pip
	@$(VENV)/bin/pip install --quiet -e '.[dev]'
	@# The Python SDK and its `expe` CLI, editable, with what its own suite needs.
	@$(VENV)/bin/pip install --quiet -e sdk/python --group sdk/python/pyproject.toml:dev
	@touch $@

run: setup  ## Start infrastructure, every service and the gateway; Ctrl-C stops everything.
	@deploy/local/run.sh

run-observed: setup  ## `make run`, plus Prometheus scraping every process and Jaeger receiving their traces.
	@EXPE_OBSERVED=1 deploy/local/run.sh

run-dev: setup  ## `make run`, plus Vite's dev server for the dashboard on :5173 (reloads on every edit).
	@deploy/local/run.sh --web-dev

test: setup  ## Run the whole suite on its own infrastructure (works while `make run` is up).
	@deploy/local/install-chromium.sh
	@deploy/local/install-sdk-toolchains.sh
	@deploy/local/test.sh $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff, mypy strict, the import contracts between services, and known vulnerabilities in dependencies.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	"$${EXPE_HOME:-$$HOME/.cache/expe}/bin/actionlint"  # .github/workflows (installed by make setup)
	cd web && npm run lint
	$(VENV)/bin/python security/audit.py  # pip-audit and npm audit, less security/audit-allowlist.toml

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

soak: setup  ## Ten minutes of steady load at half capacity on the test profile, with memory per process printed (tests/chaos/test_soak.py).
	@EXPE_SOAK_SECONDS=600 deploy/local/test.sh tests/chaos/test_soak.py

bench: setup  ## Load the running mesh at fixed rates and print rate, p50/p95/p99, errors.
	@deploy/local/bench.sh

docs: $(STAMP)  ## Build the guides into build/docs (served at /guides/, or open build/docs/index.html); broken links fail.
	@deploy/local/build-docs.sh
	@echo "guides built: http://localhost:8000/guides/ under make run, or build/docs/index.html"

# One folder per config in deploy/local/codegen/clients; tests/codegen compiles each client.
OPENAPI_CLIENTS := build/openapi-clients
openapi-clients: $(STAMP)  ## Generate API clients (TypeScript, Python, Go, Java) from the OpenAPI document into build/openapi-clients.
	@deploy/local/install.sh >/dev/null
	@$(VENV)/bin/python -m devstack openapi $(OPENAPI_CLIENTS)/openapi.json
	@cd $(OPENAPI_CLIENTS) && $(CURDIR)/deploy/local/openapi-generator.sh batch --clean --fail-fast \
		$(CURDIR)/deploy/local/codegen/clients/*.yaml >generate.log 2>&1 \
		|| { tail -n 40 generate.log; exit 1; }
	@echo "clients generated in $(OPENAPI_CLIENTS)/ (log: $(OPENAPI_CLIENTS)/generate.log)"

stop:  ## Stop what `make run` started (by the pids it recorded in .data/run/pids).
	@deploy/local/with-profile.sh run $(VENV)/bin/python -m devstack stop run
	@deploy/local/with-profile.sh run deploy/local/infra.sh stop

clean: stop
	rm -rf .data

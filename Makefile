# Cabinet assistant: common tasks. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

install: ## create .venv (Python 3.10) and install the locked dependencies
	bash scripts/bootstrap.sh

start: ## set up and start the assistant on SQLite with the demo practice
	bash scripts/start.sh

start-production: ## production profile on this machine: HAProxy, N Rasa and M action servers, PostgreSQL, Redis (see README)
	bash scripts/start_production.sh

test: ## run the whole test suite (PostgreSQL tests too when CI=true or ASSISTANT_TEST_POSTGRES_URL is set)
	bash scripts/test.sh

test-pg: ## run the whole test suite including PostgreSQL on 127.0.0.1:5432
	CI=true bash scripts/test.sh

lint: ## ruff (lint + format check) and mypy on assistant/
	bash scripts/lint.sh

format: ## apply ruff's formatting and safe fixes
	bash scripts/lint.sh >/dev/null 2>&1 || true
	.venv-tools/bin/ruff format assistant actions tests bench
	.venv-tools/bin/ruff check --fix assistant actions tests bench

bench: ## agenda benchmark (slot search p50/p95, bookings/s) on SQLite and PostgreSQL
	bash scripts/bootstrap.sh
	.venv/bin/python -m bench.agenda_bench

bench-voice: ## phone benchmark: webhook time per turn of a 10-turn call against the real servers
	bash scripts/bootstrap.sh
	.venv/bin/python -m bench.voice_bench

BENCH_LOAD_ARGS ?= --pace both --ramp
bench-load: ## load benchmark: 20 patients at once (REST and phone; human pace, flat out, ramp): p50/p95/p99, errors, bookings, memory
	bash scripts/bootstrap.sh
	.venv/bin/python -m bench.load_bench $(BENCH_LOAD_ARGS)

bench-profile: ## profile of a booking conversation's turns: NLU components, policies, action-server calls and bytes, database
	bash scripts/bootstrap.sh
	.venv/bin/python -m bench.profile_turn

evaluate: ## test sets read by the whole pipeline with their practice (targets on the blind ones), NLU cross-validation, test stories; F1 table (slow: trains 6 models)
	bash scripts/bootstrap.sh
	.venv/bin/python -m assistant.evaluation

evaluate-baseline: ## linear-SVM intent cross-validation in seconds: how hard the training data is, whatever the model
	bash scripts/bootstrap.sh
	.venv/bin/python -m assistant.nlu_baseline

test-e2e: ## only the end-to-end tests (trains the model when needed, starts the servers on localhost)
	bash scripts/test.sh -m e2e

ci: ## what CI runs
	bash .ci/run

.PHONY: help install start start-production test test-pg lint format bench bench-voice bench-load bench-profile evaluate test-e2e ci

#!/usr/bin/env bash
# Set up and run the whole test suite: lint, format check, types, pytest.
# The database is SQLite unless DATABASE_URL points at PostgreSQL (.ci/run does both).
set -euo pipefail
cd "$(dirname "$0")/.."
# Byte-code caches (and pytest's rewritten test modules) under __pycache__, as bench/compare.py keeps them: a
# shell that sets PYTHONDONTWRITEBYTECODE (agents' shells do) recompiles every module in every worker and
# every subprocess of every run (bench/README.md, "Test suite time").
unset PYTHONDONTWRITEBYTECODE
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/python manage.py makemigrations --check --dry-run
set +e
.venv/bin/python -m pytest --create-db -p no:cacheprovider -n 2 --cov=world --cov=persistence --cov=accounts --cov=mudsite --cov-report=term:skip-covered "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest ran no tests: failing" >&2
  exit 1
fi
exit "$status"

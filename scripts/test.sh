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
# mypy and the migrations check run beside pytest: the suite leaves a fifth of the two cores idle (tests that
# wait on servers and browsers), about what the two checks need (bench/README.md, "Test suite time").
checks_log="$(mktemp)"
( .venv/bin/mypy . && .venv/bin/python manage.py makemigrations --check --dry-run ) >"$checks_log" 2>&1 &
checks_pid=$!
trap 'kill "$checks_pid" 2>/dev/null || true; rm -f "$checks_log"' EXIT
set +e
.venv/bin/python -m pytest --create-db -p no:cacheprovider -n 2 \
  --cov=world --cov=persistence --cov=accounts --cov=mudsite --cov-report=term:skip-covered "$@"
status=$?
wait "$checks_pid"
checks=$?
set -e
echo "== mypy, makemigrations --check (run beside pytest)"
cat "$checks_log"
if [ "$checks" -ne 0 ]; then
  echo "mypy or the migrations check failed" >&2
  exit 1
fi
if [ "$status" -eq 5 ]; then
  echo "pytest ran no tests: failing" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Set up and serve mudsite on SQLite with the demo world at http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=mudsite.settings
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_world
.venv/bin/python manage.py ensure_admin
echo "Serving on http://127.0.0.1:${PORT:-8000}/  (admin: http://127.0.0.1:${PORT:-8000}/admin/, API docs: /api/docs)"
# The task worker runs background work (admin imports); it stops with the server.
.venv/bin/python manage.py db_worker --no-reload &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
# ASGI: the live feed (/play/stream, /play/events?wait=) waits async, so waiting clients never block play.
.venv/bin/uvicorn mudsite.asgi:application --host 127.0.0.1 --port "${PORT:-8000}" --lifespan on

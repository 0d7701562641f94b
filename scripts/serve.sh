#!/usr/bin/env bash
# Set up and serve mudsite on SQLite with the demo world at http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=mudsite.settings
# Seeds only what is missing: a restart keeps the world and the admin password (SEED_RESET=1 re-seeds).
bash scripts/prepare.sh
echo "Serving on http://127.0.0.1:${PORT:-8000}/  (admin: http://127.0.0.1:${PORT:-8000}/admin/, API docs: /api/docs)"
# ASGI: the live feed (/play/stream, /play/events?wait=) waits async, so waiting clients never block play.
exec .venv/bin/uvicorn mudsite.asgi:application --host 127.0.0.1 --port "${PORT:-8000}" --lifespan on

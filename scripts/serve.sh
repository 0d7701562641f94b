#!/usr/bin/env bash
# Set up and serve mudsite on SQLite with the demo world at http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=mudsite.settings
# Seeds only what is missing: a restart keeps the world and the admin password (SEED_RESET=1 re-seeds).
bash scripts/prepare.sh
echo "Serving on http://127.0.0.1:${PORT:-8000}/  (play: http://127.0.0.1:${PORT:-8000}/play/, admin: /admin/, API docs: /api/docs)"
# The task worker runs background work (admin imports) beside the server; both stop together. Its own session
# (setsid) keeps a terminal's Ctrl+C, which signals the whole foreground group, from reaching it beside the trap's
# SIGTERM below: db_worker takes a second signal as "abandon the shutdown" (tests/test_serve_script.py).
setsid .venv/bin/python manage.py db_worker --no-reload &
worker=$!
# ASGI: the live feed (/play/stream, /play/events?wait=) waits async, so waiting clients never block play.
# Open streams never end by themselves: after this many seconds a shutdown cancels them (browsers reconnect).
.venv/bin/uvicorn mudsite.asgi:application --host 127.0.0.1 --port "${PORT:-8000}" --lifespan on \
  --timeout-graceful-shutdown "${MUDSITE_GRACEFUL_SECONDS:-3}" &
server=$!
stopping=""
trap 'stopping=1; kill -TERM "$server" "$worker" 2>/dev/null || true' INT TERM
set +e
status=0
while kill -0 "$server" 2>/dev/null; do
  wait "$server"
  status=$?
done
# A server that ended on its own takes the worker with it. After a signal the trap has told it already: a second
# SIGTERM makes db_worker abandon its graceful shutdown, atexit hooks included (tests/test_serve_script.py).
[ -n "$stopping" ] || kill -TERM "$worker" 2>/dev/null
wait "$worker"
exit "$status"

#!/usr/bin/env bash
# The data step of scripts/serve.sh: migrate, create the demo world and the local admin if missing.
# Runs on every start and keeps what is there: the world as players left it, the admin's password.
# SEED_RESET=1 brings the demo world back to its seed (seed_world --reset).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=mudsite.settings
# One process (manage.py prepare_demo): migrate, seed_world, ensure_admin.
.venv/bin/python manage.py prepare_demo

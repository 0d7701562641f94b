#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install the pinned requirements (idempotent).
# Usage: source scripts/setup.sh [dev]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.13 \
      "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.12.1/bin/python3.12")" \
      /root/.pyenv/versions/3.12.1/bin/python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python 3.12 or newer is needed (pyenv install 3.12, or set PYTHON=/path/to/python3.12)" >&2
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  rm -rf .venv
  "$(find_python)" -m venv .venv
fi
requirements=requirements.txt
[ "${1:-}" = dev ] && requirements=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-${1:-run}"
if [ ! -f "$stamp" ]; then
  # A registry read that times out once (CI lost a run to one) is retried: pip's own retries per request, then
  # the whole install up to three times, since pip's retries don't cover a read stalled mid-download.
  for attempt in 1 2 3; do
    if .venv/bin/python -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 \
        -r "$requirements"; then
      touch "$stamp"
      break
    fi
    if [ "$attempt" -eq 3 ]; then
      echo "pip install failed three times" >&2
      exit 1
    fi
    echo "pip install failed (attempt $attempt of 3); retrying in $((attempt * 10)) s" >&2
    sleep $((attempt * 10))
  done
fi

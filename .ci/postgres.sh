#!/usr/bin/env bash
# Install (if missing) and start a throwaway PostgreSQL on 127.0.0.1, then print its DATABASE_URL.
# Usage: eval "$(bash .ci/postgres.sh)"   — exports DATABASE_URL for the caller.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGROOT="${PGROOT:-/tmp/mudsite-pg}"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "installing PostgreSQL with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o Acquire::Retries=5 update >&2
  apt-get -o Acquire::Retries=5 install -y --no-install-recommends postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! as_postgres "$bindir/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
  rm -rf "$PGROOT"
  mkdir -p "$PGROOT"
  [ "$(id -u)" = 0 ] && chown postgres "$PGROOT"
  as_postgres "$bindir/initdb" -D "$PGROOT/data" -A trust -U postgres >&2
  as_postgres "$bindir/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/log.txt" -w \
    -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
fi
echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/mudsite"

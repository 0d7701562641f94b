#!/usr/bin/env bash
# Set up and start Evennia 6.1 (the peer, ../shared/reference/evennia-peer.md §3) with its REST API on, on
# 127.0.0.1, and write var/bench/evennia/target.json (URL + session cookie) for `bench/play_bench.py --evennia`.
# Its own venv under var/bench/evennia (Evennia pins Django 6.0). Stop it: var/bench/evennia/stop.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="$PWD/var/bench/evennia"
PYTHON="${PYTHON:-$(pyenv which python 2>/dev/null || command -v python3.12)}"
PASSWORD="bench-$(date +%s)"
mkdir -p "$HOME_DIR"
cd "$HOME_DIR"
[ -x venv/bin/evennia ] || { "$PYTHON" -m venv venv && venv/bin/pip install -q evennia==6.1.0; }
export PATH="$HOME_DIR/venv/bin:$PATH"
if [ ! -d mygame ]; then
  evennia --init mygame >/dev/null
  cat >>mygame/server/conf/settings.py <<'CONF'
TELNET_INTERFACES = ["127.0.0.1"]
SSL_INTERFACES = ["127.0.0.1"]
SSH_INTERFACES = ["127.0.0.1"]
WEBSERVER_INTERFACES = ["127.0.0.1"]
WEBSOCKET_CLIENT_INTERFACE = "127.0.0.1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REST_API_ENABLED = True
CONF
  (cd mygame && evennia migrate >/dev/null)
fi
cd mygame
# The running Server keeps accounts in its memory (Evennia's idmapper): a password set beside it is not
# seen by its web login until it restarts. So stop it, set the password, start it again.
evennia stop >/dev/null 2>&1 || true
evennia shell -c "
from evennia.accounts.models import AccountDB
a = AccountDB.objects.filter(id=1).first()
if a: a.set_password('$PASSWORD'); a.save()" >/dev/null 2>&1 || true
# The first start creates the superuser from these; a slow machine can time the CLI out before the
# Server is up, so start until it answers.
for _ in 1 2 3; do
  EVENNIA_SUPERUSER_USERNAME=admin EVENNIA_SUPERUSER_PASSWORD="$PASSWORD" evennia start >/dev/null 2>&1 || true
  curl -sf -o /dev/null http://127.0.0.1:4001/admin/login/ && break
  sleep 5
done
jar="$HOME_DIR/cookies.txt"
rm -f "$jar"
curl -sf -c "$jar" -b "$jar" -o /dev/null http://127.0.0.1:4001/admin/login/
csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
curl -sf -c "$jar" -b "$jar" -o /dev/null -H "Referer: http://127.0.0.1:4001/admin/login/" \
  -d "csrfmiddlewaretoken=$csrf&username=admin&password=$PASSWORD&next=/admin/" http://127.0.0.1:4001/admin/login/
session=$(awk '$6 == "sessionid" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not log in to Evennia" >&2; exit 1; }
printf '{"version": "6.1.0", "url": "http://127.0.0.1:4001/api/objects/2", "cookie": "sessionid=%s"}\n' "$session" \
  >"$HOME_DIR/target.json"
printf '#!/usr/bin/env bash\ncd "%s/mygame" && PATH="%s/venv/bin:$PATH" evennia stop\n' "$HOME_DIR" "$HOME_DIR" \
  >"$HOME_DIR/stop.sh"
chmod +x "$HOME_DIR/stop.sh"
echo "Evennia is up: $(cat "$HOME_DIR/target.json")"

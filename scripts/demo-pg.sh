#!/usr/bin/env bash
# `npm run demo:pg [start|stop|url]`: a PostgreSQL cluster of the demo's own in the data folder, for
# `npm run demo:radius` (RADIUS mode needs PostgreSQL). Debian's `postgresql` package is enough: no system
# database, user or password to make by hand. `start` (the default) makes the cluster the first time
# (DATA_DIR/postgres, user `pisonet` with a random password kept there), starts it on 127.0.0.1:PORT (5433 unless
# DEMO_PG_PORT is set), makes the database `pisonet` and prints the DATABASE_URL line for `.env`. `stop` stops it;
# `url` prints the line again. DATA_DIR and DEMO_PG_PORT are read as the server reads its settings: from the
# environment, else from the project's .env.
set -euo pipefail
cd "$(dirname "$0")/.."

# A variable from the environment, else from .env (parsed by dotenv, as the server does), else empty.
from_env() {
  node -e 'const [k] = process.argv.slice(1); if (process.env[k] === undefined) require("dotenv").config({ path: ".env", quiet: true }); process.stdout.write(process.env[k] ?? "")' "$1"
}

data_dir="$(from_env DATA_DIR)"
data_dir="${data_dir:-./data}"
mkdir -p "$data_dir"
pgdir="$(cd "$data_dir" && pwd)/postgres"
port="$(from_env DEMO_PG_PORT)"
port="${port:-5433}"
what="${1:-start}"

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found: sudo apt-get install postgresql (or set PG_BINDIR)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: the postgres system user (the Debian package makes it) runs it then.
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi

url() { echo "DATABASE_URL=postgres://pisonet:$(cat "$pgdir/password")@127.0.0.1:$port/pisonet"; }

case "$what" in
  stop)
    "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/cluster" -w stop
    exit 0
    ;;
  url)
    url
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: npm run demo:pg [start|stop|url]" >&2
    exit 2
    ;;
esac

if [ ! -d "$pgdir/cluster" ]; then
  mkdir -p "$pgdir"
  node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))' >"$pgdir/password"
  chmod 600 "$pgdir/password"
  if [ ${#run_as[@]} -gt 0 ]; then chown -R postgres "$pgdir"; fi
  "${run_as[@]}" "$bindir/initdb" -D "$pgdir/cluster" -U pisonet --pwfile="$pgdir/password" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; exit 1; }
fi
if ! "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/cluster" status >/dev/null 2>&1; then
  "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/cluster" -l "$pgdir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir" start >/dev/null ||
    { cat "$pgdir/server.log" >&2; exit 1; }
fi
if ! "${run_as[@]}" "$bindir/psql" -h "$pgdir" -p "$port" -U pisonet -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'pisonet'" | grep -q 1; then
  "${run_as[@]}" "$bindir/createdb" -h "$pgdir" -p "$port" -U pisonet pisonet
fi
echo "PostgreSQL for the demo on 127.0.0.1:$port ($pgdir). Put this line in .env (npm run demo:pg -- url prints it again):"
url

#!/usr/bin/env bash
# `npm run test:pg [-- jest args]`: runs the test suite on PostgreSQL. Starts a throwaway cluster (Debian's
# `postgresql` package: /usr/lib/postgresql/<version>/bin) in a temporary folder as a non-root user, points the
# tests at it with PISONET_TEST_DATABASE (each test harness creates and drops its own database in it), and stops
# and removes the cluster afterwards, also when the tests fail or are interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found (install Debian's postgresql package, or set PG_BINDIR)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: use the postgres system user then (the Debian package creates it).
run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  run_as=(runuser -u postgres --)
fi

tmp="$(mktemp -d /tmp/pisonet-pg.XXXXXX)"
chmod 755 "$tmp"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$tmp"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
password="pisonet-test-$(node -e 'console.log(require("crypto").randomBytes(9).toString("hex"))')"

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "$password" >"$tmp/pw"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$tmp/pw"
# Password (SCRAM) over TCP, so the tests use a URL with a password in it as a shop would.
"${run_as[@]}" "$bindir/initdb" -D "$tmp/data" -U pisonet --pwfile="$tmp/pw" --auth-host=scram-sha-256 \
  --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
# A throwaway cluster: durability off for speed; enough connections for parallel test workers.
"${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') test cluster on 127.0.0.1:$port ($tmp)"

export PISONET_TEST_DATABASE="postgres://pisonet:$password@127.0.0.1:$port/postgres"
status=0
npx jest "$@" || status=$?
exit "$status"

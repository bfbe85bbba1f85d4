#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: a new cluster in a temporary folder, listening on 127.0.0.1
# on a free port, removed afterwards. The command gets TEST_DATABASE_URL (tests create one database per stack in
# it) and PG_CLUSTER_DIR. Needs Debian's postgresql package (apt-get install postgresql), or PG_BIN set to the
# folder of initdb and pg_ctl. Usage: scripts/with-postgres.sh npm test
set -euo pipefail

bin="${PG_BIN:-}"
if [ -z "$bin" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bin="$(pg_config --bindir)"; else
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL introuvable : installez le paquet postgresql (apt-get install postgresql) ou indiquez PG_BIN." >&2
  exit 1
fi

dir="$(mktemp -d -t passerelle-pg-XXXXXX)"
# initdb refuses to run as root: root hands the cluster to Debian's postgres user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability settings are off: this server lives for one test run. Everything else is PostgreSQL's default.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') sur 127.0.0.1:$port (jetable)"

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PG_CLUSTER_DIR="$dir"
"$@"

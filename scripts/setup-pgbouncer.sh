#!/usr/bin/env bash
# Starts a PgBouncer (Debian's package) in TRANSACTION pooling mode on a loopback port, in
# front of the server of DATABASE_URL, for the pooler tests. Every database name is passed
# through (`* =`), so the tests' scratch databases are reachable through it.
# Prints PGBOUNCER_URL=… (the DATABASE_URL with PgBouncer's port) as the last line of stdout.
# Idempotent: a PgBouncer already listening on the port is reused.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL first (scripts/setup-postgres.sh prints it)}"
PORT="${PGBOUNCER_PORT:-6432}"
die() { echo "setup-pgbouncer: $*" >&2; exit 1; }

if ! command -v pgbouncer >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "pgbouncer is not installed (apt-get install pgbouncer)"
  DEBIAN_FRONTEND=noninteractive apt-get -qq -y install pgbouncer >/dev/null 2>&1 \
    || { apt-get -qq update >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get -qq -y install pgbouncer >/dev/null 2>&1; } \
    || die "could not install pgbouncer"
fi

# host, port, user and password of the server, from the URL
read -r PGHOST_ PGPORT_ PGUSER_ PGPASS_ < <(node -e '
  const u = new URL(process.env.DATABASE_URL);
  console.log(u.hostname || "127.0.0.1", u.port || 5432, decodeURIComponent(u.username), decodeURIComponent(u.password) || "-");')

bouncer_url() { node -e "const u = new URL(process.env.DATABASE_URL); u.port = '$PORT'; console.log(u.toString())"; }

if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then
  echo "PGBOUNCER_URL=$(bouncer_url)"
  exit 0
fi

dir=/tmp/aipdb-pgbouncer-${PORT}
mkdir -p "$dir"
cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=${PGHOST_} port=${PGPORT_}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${PORT}
unix_socket_dir =
auth_type = trust
auth_file = ${dir}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 8
max_db_connections = 16
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
INI
printf '"%s" "%s"\n' "$PGUSER_" "$PGPASS_" > "$dir/userlist.txt"
# PgBouncer refuses to run as root
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$dir"
  runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini" >/dev/null 2>&1 || die "pgbouncer did not start (see $dir/pgbouncer.log)"
else
  pgbouncer -d "$dir/pgbouncer.ini" >/dev/null 2>&1 || die "pgbouncer did not start (see $dir/pgbouncer.log)"
fi
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null || die "pgbouncer is not listening on ${PORT}"
echo "PGBOUNCER_URL=$(bouncer_url)"

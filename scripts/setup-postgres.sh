#!/usr/bin/env bash
# Sets up a local PostgreSQL 15 with pgvector for the server tests, on Debian.
#   - installs postgresql-server-dev-15 if missing
#   - builds and installs pgvector from Debian's source package (suite trixie), using the
#     archive URI this machine's own apt sources already name (no host is written here)
#   - starts the 15/main cluster if it is down
#   - creates a login role and database for tests
#   - prints the DATABASE_URL to use (the last line of stdout)
# Idempotent and quiet when everything is already there. Needs root (or sudo).
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGV_VERSION_MIN="0.8.0"
DB_USER="${AIPDB_USER:-aipdb}"
DB_PASS="${AIPDB_PASSWORD:-aipdb}"   # local test role only; override in the environment
DB_NAME="${AIPDB_DB:-aipdb}"
DB_PORT="${PGPORT:-5432}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
VERBOSE="${VERBOSE:-0}"

die() { echo "setup-postgres: $*" >&2; exit 1; }
say() { [ "$VERBOSE" = 1 ] && echo "setup-postgres: $*" >&2 || true; }
note() { echo "setup-postgres: $*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && SUDO="sudo -n" \
    || die "needs root or passwordless sudo (installs packages, builds pgvector, starts the cluster)"
fi
[ -r /etc/debian_version ] || die "this script is for Debian; elsewhere install PostgreSQL >= 15 with pgvector >= 0.8 and set DATABASE_URL"
[ -x "/usr/lib/postgresql/${PG_MAJOR}/bin/postgres" ] || die "PostgreSQL ${PG_MAJOR} is not installed (apt-get install postgresql-${PG_MAJOR})"

apt_quiet() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -qq -y "$@" >/dev/null 2>&1; }

# ---------------------------------------------------------------- pgvector
ext_dir="/usr/share/postgresql/${PG_MAJOR}/extension"
have_pgvector() { [ -f "$ext_dir/vector.control" ] && [ -f "/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so" ]; }

debian_uri() {
  # The URI of the machine's main Debian archive, read from its own apt sources.
  local uri=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    uri=$(awk 'BEGIN{IGNORECASE=1} /^URIs:/ {print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -v -- '-security' | grep -i debian | head -n1 || true)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '/^deb / && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list || true)
  fi
  echo "$uri"
}

build_pgvector() {
  note "pgvector not installed for PostgreSQL ${PG_MAJOR}: building it from Debian's source package (about a minute)"
  if [ ! -x "$PG_CONFIG" ] || [ ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]; then
    note "installing postgresql-server-dev-${PG_MAJOR}"
    apt_quiet update || true
    apt_quiet install "postgresql-server-dev-${PG_MAJOR}" || die "could not install postgresql-server-dev-${PG_MAJOR}"
  fi
  command -v make >/dev/null && command -v gcc >/dev/null || apt_quiet install build-essential
  command -v dpkg-source >/dev/null || apt_quiet install dpkg-dev
  local uri; uri=$(debian_uri)
  [ -n "$uri" ] || die "no Debian archive URI found in the apt sources of this machine"
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/lists/partial" "$work/src"
  echo "deb-src $uri trixie main" > "$work/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
              -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
  $SUDO apt-get -qq "${opts[@]}" update >/dev/null 2>&1 || die "apt-get update for the trixie source list failed"
  (cd "$work/src" && $SUDO apt-get -qq "${opts[@]}" source pgvector >/dev/null 2>&1) \
    || die "apt-get source pgvector failed"
  local dir; dir=$(find "$work/src" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [ -n "$dir" ] || die "pgvector source not unpacked"
  # OPTFLAGS='' : no -march=native, so the build runs on any machine of this architecture.
  (cd "$dir" && $SUDO make -s OPTFLAGS="" PG_CONFIG="$PG_CONFIG" >/dev/null 2>&1 \
     && $SUDO make -s OPTFLAGS="" PG_CONFIG="$PG_CONFIG" install >/dev/null 2>&1) || die "pgvector build failed in $dir"
  have_pgvector || die "pgvector did not install"
  note "pgvector $(basename "$dir" | sed 's/pgvector-//') installed"
}
have_pgvector || build_pgvector

# ---------------------------------------------------------------- cluster
cluster_online() { pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $4}' | grep -q online; }
if ! pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2}' | grep -q "^${PG_MAJOR} main$"; then
  note "creating cluster ${PG_MAJOR}/main"
  $SUDO pg_createcluster "$PG_MAJOR" main >/dev/null
fi
if ! cluster_online; then
  note "starting cluster ${PG_MAJOR}/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start 2>/dev/null \
    || $SUDO pg_ctlcluster "$PG_MAJOR" main start || die "could not start cluster ${PG_MAJOR}/main"
fi
DB_PORT=$(pg_lsclusters --no-header | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $3}')

# As the postgres OS user over the Unix socket: works with peer or trust auth for local.
as_pg() { $SUDO runuser -u postgres -- psql -p "$DB_PORT" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
for i in $(seq 1 30); do as_pg -c 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
as_pg -c 'select 1' >/dev/null || die "cannot connect to the cluster as postgres over the Unix socket"

# The test role is a superuser: the tests create scratch databases, roles (app/service/owner)
# and the vector extension; the RLS tests then SET ROLE to non-superuser roles.
if [ "$(as_pg -c "select 1 from pg_roles where rolname = '${DB_USER}'")" != 1 ]; then
  say "creating role ${DB_USER}"
  as_pg -c "create role \"${DB_USER}\" login superuser password '${DB_PASS}'" >/dev/null
else
  as_pg -c "alter role \"${DB_USER}\" login superuser password '${DB_PASS}'" >/dev/null
fi
if [ "$(as_pg -c "select 1 from pg_database where datname = '${DB_NAME}'")" != 1 ]; then
  say "creating database ${DB_NAME}"
  as_pg -c "create database \"${DB_NAME}\" owner \"${DB_USER}\"" >/dev/null
fi

URL="postgres://${DB_USER}:${DB_PASS}@127.0.0.1:${DB_PORT}/${DB_NAME}"
# Prove TCP login and that the extension can be created.
PGPASSWORD="$DB_PASS" PGOPTIONS="-c client_min_messages=warning" psql "$URL" -X -q -tA -c "create extension if not exists vector; select extversion from pg_extension where extname='vector'" >/dev/null \
  || die "cannot log in over TCP as ${DB_USER} (check pg_hba.conf allows md5/scram or trust on 127.0.0.1)"
echo "DATABASE_URL=${URL}"

#!/usr/bin/env bash
# The real servers the connector tests talk to, on loopback: MariaDB (127.0.0.1:3306, root without a
# password, database `test`), PostgreSQL (127.0.0.1:5432, trust auth, database `test`, roles root and
# postgres) and, for Kafka, a tansu broker (127.0.0.1:${SLUICE_KAFKA_PORT:-19092}).
#
#   tests/services.sh start   # installs (apt-get; cargo for tansu) what is missing, starts what is not running
#   tests/services.sh stop    # stops only what `start` started
#
# What `start` started is recorded in $STATE (default /tmp/sluice-services), so `stop` leaves servers
# that were already running alone. tansu is installed with cargo into $SLUICE_TANSU_ROOT (default
# ~/.cache/sluice/tansu), outside the repository, once.
set -euo pipefail

STATE=${SLUICE_SERVICES_STATE:-/tmp/sluice-services}
TANSU_ROOT=${SLUICE_TANSU_ROOT:-$HOME/.cache/sluice/tansu}
KAFKA_PORT=${SLUICE_KAFKA_PORT:-19092}
mkdir -p "$STATE"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # PORT NAME
  for _ in $(seq 1 120); do
    if listening "$1"; then return 0; fi
    sleep 0.5
  done
  echo "services: $2 did not start listening on 127.0.0.1:$1" >&2
  return 1
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_mariadb() {
  if ! listening 3306; then
    [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server mariadb-client
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql \
      --bind-address=127.0.0.1 --port=3306
    wait_for 3306 MariaDB
    touch "$STATE/mariadb"
  fi
  # root without a password over TCP from loopback, and the test database (idempotent; the unix
  # socket admits root on a fresh install).
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test;
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;" \
    2>/dev/null || mariadb -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS test"
  mariadb -uroot -h127.0.0.1 -e "SELECT 1" test >/dev/null
}

start_postgres() {
  if ! listening 5432; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    local hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for 5432 PostgreSQL
    echo "$version" > "$STATE/postgres"
  fi
  for _ in $(seq 1 20); do
    psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 && break
    su postgres -c "psql -tAc 'SELECT 1'" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local as_postgres="psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAc"
  $as_postgres 'SELECT 1' >/dev/null 2>&1 || as_postgres="su postgres -c psql -tAc"
  if [ "$($as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'root'")" != 1 ]; then
    $as_postgres 'CREATE ROLE root SUPERUSER LOGIN' >/dev/null
  fi
  if [ "$($as_postgres "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
    $as_postgres 'CREATE DATABASE test' >/dev/null
  fi
  psql -h 127.0.0.1 -U postgres -d test -tAc 'SELECT 1' >/dev/null
}

start_tansu() {
  if listening "$KAFKA_PORT"; then return 0; fi
  if [ ! -x "$TANSU_ROOT/bin/tansu" ]; then
    command -v cmake >/dev/null || apt_install cmake
    echo "services: building tansu into $TANSU_ROOT (once; several minutes)" >&2
    cargo install --locked tansu --features dynostore --root "$TANSU_ROOT" >&2
  fi
  nohup "$TANSU_ROOT/bin/tansu" broker --storage-engine memory://tansu/ \
    --listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT" >"$STATE/tansu.log" 2>&1 &
  echo $! > "$STATE/tansu.pid"
  wait_for "$KAFKA_PORT" tansu
}

stop_all() {
  if [ -f "$STATE/tansu.pid" ]; then
    kill "$(cat "$STATE/tansu.pid")" 2>/dev/null || true
    rm -f "$STATE/tansu.pid"
  fi
  if [ -f "$STATE/postgres" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(cat "$STATE/postgres")" main stop || true
    rm -f "$STATE/postgres"
  fi
  if [ -f "$STATE/mariadb" ]; then
    start-stop-daemon --stop --oknodo --retry 30 --exec /usr/sbin/mariadbd || true
    rm -f "$STATE/mariadb"
  fi
}

case "${1:-}" in
  start)
    start_mariadb
    start_postgres
    if [ "${SLUICE_SKIP_KAFKA:-}" != 1 ]; then start_tansu; fi
    echo "services: MariaDB 127.0.0.1:3306, PostgreSQL 127.0.0.1:5432$([ "${SLUICE_SKIP_KAFKA:-}" = 1 ] || echo ", tansu 127.0.0.1:$KAFKA_PORT") ready" >&2
    ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

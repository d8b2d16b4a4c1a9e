#!/usr/bin/env bash
# A private PostgreSQL cluster for the test suites (never the system's service):
#   pg_cluster.sh start DIR [fsync]   initdb in DIR/data as the postgres user (when run as
#                                     root: initdb refuses root), start it on a free port
#                                     of 127.0.0.1 with its socket in DIR, write its URL
#                                     (postgresql://cockpit@127.0.0.1:PORT) to DIR/url
#   pg_cluster.sh stop DIR            stop it (fast) and remove DIR
#   pg_cluster.sh restart DIR         stop and start again on the same port and data
#   pg_cluster.sh halt DIR            stop it and keep it (restart starts it again)
# The test cluster runs with fsync=off unless `fsync` is given (the benchmarks): what
# the suites test is the server's behaviour, not the disk's.
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop|restart DIR}
dir=${2:?usage: pg_cluster.sh start|stop|restart DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_cluster.sh: no PostgreSQL server (Debian postgresql; bash .ci/setup)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
}

start_on() {  # PORT
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $fsync_opts" start >/dev/null
}

case "$cmd" in
  start)
    fsync_opts="-c fsync=off -c full_page_writes=off"
    [ "${3:-}" = fsync ] && fsync_opts=""
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U cockpit --no-sync >"$dir/initdb.log" 2>&1
    echo "$fsync_opts" >"$dir/options"
    # A free port: a few random tries (another suite's cluster may hold one).
    for _ in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 30000))
      if start_on "$port"; then
        echo "$port" >"$dir/port"
        echo "postgresql://cockpit@127.0.0.1:$port" >"$dir/url"
        chmod 644 "$dir/url" "$dir/port"
        echo "pg_cluster.sh: PostgreSQL on 127.0.0.1:$port ($dir)" >&2
        exit 0
      fi
    done
    echo "pg_cluster.sh: PostgreSQL did not start; see $dir/log" >&2
    exit 1
    ;;
  restart)
    fsync_opts=$(cat "$dir/options")
    stop
    start_on "$(cat "$dir/port")"
    ;;
  stop)
    stop
    rm -rf "$dir"
    ;;
  halt)
    stop
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop|restart|halt DIR" >&2
    exit 2
    ;;
esac

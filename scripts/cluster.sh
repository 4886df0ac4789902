#!/usr/bin/env bash
# Runs Taproom the way production does, on this machine: three instances
# sharing one PostgreSQL database behind nginx (deploy/nginx/taproom.conf),
# with the web apps and the demo accounts. Ctrl-C stops everything.
#   ./scripts/cluster.sh
# Settings (environment):
#   TAPROOM_CLUSTER_DB      the database, created if absent (default taproom_cluster)
#   TAPROOM_PG_ADMIN_URL    a PostgreSQL URL to create it through
#                           (default postgres://postgres@127.0.0.1:5432/postgres)
#   TAPROOM_CLUSTER_LISTEN  where nginx listens (default 127.0.0.1:3000;
#                           0.0.0.0:3000 for phones and tablets on your network)
#   TAPROOM_CLUSTER_PORTS   the instances' ports on 127.0.0.1 (default "3101 3102 3103")
#   TAPROOM_JWT_SECRET      the secret every instance signs with (default:
#                           generated once into data/cluster/jwt-secret)
# Logs, nginx's configuration and its files are in data/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

admin_url="${TAPROOM_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="${TAPROOM_CLUSTER_DB:-taproom_cluster}"
listen="${TAPROOM_CLUSTER_LISTEN:-127.0.0.1:3000}"
read -r -a ports <<<"${TAPROOM_CLUSTER_PORTS:-3101 3102 3103}"
state="$(pwd)/data/cluster"

if ! [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then
    echo "error: TAPROOM_CLUSTER_DB must be a plain name (lower-case letters, digits, _)" >&2
    exit 1
fi

ensure_toolchain
ensure_nginx
if ! ensure_postgres; then
    echo "error: no PostgreSQL on 127.0.0.1:5432 (install it, or start yours)" >&2
    exit 1
fi
# The server, release, and the three apps it serves (seconds when unchanged).
build_apps

if [ "$(psql "$admin_url" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    echo "==> Creating the database $db"
    psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
fi
export DATABASE_URL="${admin_url%/*}/$db"

mkdir -p "$state/nginx"
if [ -z "${TAPROOM_JWT_SECRET:-}" ]; then
    if [ ! -s "$state/jwt-secret" ]; then
        (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$state/jwt-secret")
    fi
    TAPROOM_JWT_SECRET="$(cat "$state/jwt-secret")"
fi
export TAPROOM_JWT_SECRET
# nginx connects to the instances from 127.0.0.1: believe its
# X-Forwarded-For, so each instance sees the client's address.
export TAPROOM_TRUSTED_PROXY=127.0.0.1

pids=()
stop_all() {
    trap - INT TERM EXIT
    if [ ${#pids[@]} -gt 0 ]; then
        echo
        echo "==> Stopping nginx and the instances"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM HUP

# Waits until the log $1 of process $2 shows the server's banner.
wait_for_banner() {
    for _ in $(seq 1 300); do
        grep -q "^Taproom is listening on" "$1" && return 0
        if ! kill -0 "$2" 2>/dev/null; then
            echo "error: the instance stopped; its log ($1):" >&2
            tail -n 20 "$1" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "error: no banner in $1 after 30 s" >&2
    exit 1
}

# Migrations and the demo data once, by the first instance, before the
# others start: instances starting together would race to create them.
instances=()
for port in "${ports[@]}"; do
    log="$state/instance-$port.log"
    demo=()
    [ ${#instances[@]} -eq 0 ] && demo=(--demo)
    echo "==> Starting the instance on 127.0.0.1:$port (log: ${log#"$(pwd)/"})"
    # In a session of its own, as nginx below: Ctrl-C reaches only this
    # script, which stops them in order.
    setsid ./target/release/taproom-server serve --bind "127.0.0.1:$port" --site-root target/site \
        "${demo[@]}" >"$log" 2>&1 &
    pids+=($!)
    wait_for_banner "$log" "$!"
    instances+=("127.0.0.1:$port")
done

render_nginx_conf "$state/nginx" "$listen" "${instances[@]}" >"$state/nginx/nginx.conf"
nginx="$(nginx_binary)"
"$nginx" -t -q -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/nginx/error.log"
setsid "$nginx" -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/nginx/error.log" -g 'daemon off;' &
pids+=($!)
base="http://$listen"
[[ "$listen" == 0.0.0.0:* ]] && base="http://127.0.0.1:${listen#0.0.0.0:}"
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
    sleep 0.1
done

cat <<EOF

Taproom (${#instances[@]} instances behind nginx) is listening on $base
  Customer:  $base/
  Bartender: $base/bartender
  Admin:     $base/admin
  Demo accounts (password "taproom-demo"): admin@taproom.test, bartender@taproom.test, customer@taproom.test
  Instances: ${instances[*]} (logs: data/cluster/instance-PORT.log)
  Database:  ${DATABASE_URL#*@}
  nginx:     data/cluster/nginx/ (nginx.conf, access.log, error.log)
Press Ctrl-C to stop.
EOF

# Runs until Ctrl-C, or until one of them stops by itself.
set +e
wait -n "${pids[@]}"
echo "error: a process of the cluster stopped; see the logs in data/cluster/" >&2
exit 1

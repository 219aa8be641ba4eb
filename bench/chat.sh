#!/usr/bin/env bash
# Chat benchmark (issue 5): Atrium from the built jar on loopback (proxy mode, plain HTTP, temp data
# directory, SQLite or --pg), CLIENTS accounts made by `atrium cli user import` (generated passwords),
# group conversations of MEMBERS consecutive accounts, one /ws client per account signed in with its
# own browser session, then RATE messages per second for SECONDS through the REST API. The load
# generator is bench/ChatBench.java, run by the JDK's source launcher (nothing to build); it prints
# deliveries expected against received (missing, duplicates), delivery latency p50/p90/p99/max,
# server CPU (user+sys from /proc/PID/stat over the posting and delivery, as % of one core), server
# RSS before connecting and with every client connected and idle (per connection), post throughput.
#
#   ./atrium bench chat                                   # 1,000 clients, 50 × 20, 200/s for 60 s
#   ./atrium bench chat --clients 100 --seconds 5 --rate 50   # smoke run, well under 30 s
#
# Options: --clients N (1000), --members N (20, conversation size; N divides --clients),
# --seconds N (60), --rate N (messages/s, 200), --pg (PostgreSQL at PGHOST:PGPORT, default
# 127.0.0.1:5432, user postgres without password: a database of its own is made and dropped after),
# --port N (18083).
# Environment: ATRIUM_XMX (512m), ATRIUM_JAVA_OPTS (extra server JVM options), ATRIUM_CP (a classpath
# to run instead of building this checkout). chat.rate-limit is raised for the run (each account
# posts RATE / CLIENTS per second, which the default 20 per 10 s allows only from 2/s per account).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS=1000 MEMBERS=20 SECONDS_=60 RATE=200 PG=no PORT=18083
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --members) MEMBERS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --pg) PG=yes; shift ;;
    *) echo "bench chat: unknown option $1 (--clients N, --members N, --seconds N, --rate N, --pg, --port N)" >&2; exit 2 ;;
  esac
done
for v in "$CLIENTS" "$MEMBERS" "$SECONDS_" "$RATE" "$PORT"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench chat: '$v' is not a positive number" >&2; exit 2; }
done
(( CLIENTS % MEMBERS == 0 )) || { echo "bench chat: --clients must be a multiple of --members ($MEMBERS)" >&2; exit 2; }
ATRIUM_XMX="${ATRIUM_XMX:-512m}"
read -r -a EXTRA_OPTS <<<"${ATRIUM_JAVA_OPTS:-}"
BUILD=yes
[[ -z "${ATRIUM_CP:-}" ]] || BUILD=no
ATRIUM_CP="${ATRIUM_CP:-$ROOT/server/target/atrium-server.jar:$ROOT/server/target/lib/*}"

say() { printf 'bench chat: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=lib/atrium.sh
source "$ROOT/bench/lib/atrium.sh"
command -v curl >/dev/null || die "curl not found: apt-get install -y curl"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then die "port $PORT is already in use"; fi
# The server and the load generator each hold one socket per client, and more.
(( $(ulimit -n) > CLIENTS + 200 )) || die "ulimit -n is $(ulimit -n): raise it above $((CLIENTS + 200))"

work="$(mktemp -d /tmp/atrium-bench-chat.XXXXXX)"
atrium_pid="" pgdb=""
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
cleanup() {
  end_process "$atrium_pid"
  [[ -z "$pgdb" ]] || dropdb -h "$PGHOST" -p "$PGPORT" -U postgres "$pgdb" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

prepare_atrium
data="$work/data"
mkdir -p "$data"
if [[ "$PG" == yes ]]; then
  command -v createdb >/dev/null || die "createdb not found: apt-get install -y postgresql-client"
  pgdb="atrium_bench_chat_$(random_secret)"
  createdb -h "$PGHOST" -p "$PGPORT" -U postgres "$pgdb" || { pgdb=""; die "cannot make a database on $PGHOST:$PGPORT"; }
  export ATRIUM_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$pgdb" ATRIUM_DB_USER=postgres
fi
export ATRIUM_CHAT_RATE_LIMIT=100000

# Accounts through the CLI (generated passwords: a salted SHA-256 each, see ADR 0001), server stopped.
{
  printf 'login;display name;email;groups;quota\n'
  for ((i = 0; i < CLIENTS; i++)); do printf 'b%05d;Bench %d;b%05d@example.org;;\n' "$i" "$i" "$i"; done
} >"$work/users.csv"
t0=$(date +%s%N)
ATRIUM_DATA="$data" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ATRIUM_CP" atrium.server.Main \
  cli user import "$work/users.csv" --passwords-file "$work/passwords.csv" >"$work/import.log" 2>&1 \
  || { cat "$work/import.log" >&2; die "import failed"; }
say "$CLIENTS accounts imported in $(( ($(date +%s%N) - t0) / 1000000 )) ms (JVM start included)"

say "starting Atrium on 127.0.0.1:$PORT (-Xmx$ATRIUM_XMX, $([[ $PG == yes ]] && echo PostgreSQL || echo SQLite)), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start_atrium "$data" "$PORT" "$ATRIUM_XMX" "$work/atrium.log" "${EXTRA_OPTS[@]}"
wait_http "http://127.0.0.1:$PORT/api/v1/session" "$atrium_pid" "$work/atrium.log"

say "load generator: $CLIENTS clients, conversations of $MEMBERS, $RATE messages/s for $SECONDS_ s"
status=0
"$JAVA" -XX:+UseParallelGC -Xmx1g "$ROOT/bench/ChatBench.java" "http://127.0.0.1:$PORT" "$work/passwords.csv" \
  "$atrium_pid" "$(getconf CLK_TCK)" "$CLIENTS" "$MEMBERS" "$SECONDS_" "$RATE" || status=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
if grep -q -E 'WARN|ERROR|Exception' "$work/atrium.log"; then
  cp "$work/atrium.log" /tmp/atrium-bench-chat-server.log
  say "the server logged warnings or errors (whole log kept in /tmp/atrium-bench-chat-server.log):"
  grep -E 'WARN|ERROR|Exception' "$work/atrium.log" | head -20 >&2
fi
kill -0 "$atrium_pid" 2>/dev/null || { cat "$work/atrium.log" >&2; die "the server died during the run"; }
exit "$status"

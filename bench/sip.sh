#!/usr/bin/env bash
# SIP benchmark (issue 6): the same sipp load against Atrium and against Debian's Kamailio, in one run,
# on loopback over UDP.
#   1. REGISTER with digest authentication (401, then credentials, 200): as fast as both answer, with
#      CONCURRENCY registrations in flight — registrations per second.
#   2. Calls (INVITE challenged with 401/407, INVITE with credentials, 180, 200, ACK, BYE, 200; an SDP
#      offer but no media sent) to one registered sipp callee, as fast as both answer — calls per second.
#   3. The same calls at a fixed PDD_RATE per second for PDD_SECONDS: post-dial delay (authenticated
#      INVITE sent → first 180/183 received) p50 and p95, from sipp's response-time trace.
# Atrium: the built jar, voip.enabled, a temporary data directory (SQLite), USERS accounts made by the
# CLI import, each with an extension (1000…) and a device whose generated password the admin API
# returns; it is a B2BUA (both call legs, SDP rewritten to its RTP relay: ports are taken even though
# no media flows). Kamailio: bench/sip/kamailio.cfg — registrar with digest (MD5, qop=auth, nonce
# count) and locations in memory, stateful record-routing proxy challenging INVITEs; CHILDREN UDP
# worker processes. Both face the same sipp scenarios (bench/sip/*.xml) and the same users.
#
#   ./atrium bench sip                         # 20,000 REGISTERs, 5,000 calls, 100 cps × 20 s
#   ./atrium bench sip --registers 2000 --calls 500 --pdd-seconds 5     # smoke run
#
# Options: --users N (100), --registers N (20000), --calls N (5000), --concurrency N (100, in flight),
# --pdd-rate N (100 calls/s), --pdd-seconds N (20), --children N (4, Kamailio's UDP workers),
# --only atrium|kamailio, --port N (first of the ports used, 25060).
# Environment: ATRIUM_XMX (512m), ATRIUM_JAVA_OPTS, ATRIUM_CP (a classpath to run instead of building).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS=100 REGISTERS=20000 CALLS=5000 CONCURRENCY=100 PDD_RATE=100 PDD_SECONDS=20 CHILDREN=4 ONLY="" BASE=25060
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS=$2; shift 2 ;;
    --registers) REGISTERS=$2; shift 2 ;;
    --calls) CALLS=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --pdd-rate) PDD_RATE=$2; shift 2 ;;
    --pdd-seconds) PDD_SECONDS=$2; shift 2 ;;
    --children) CHILDREN=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --port) BASE=$2; shift 2 ;;
    *) echo "bench sip: unknown option $1 (--users, --registers, --calls, --concurrency, --pdd-rate, --pdd-seconds, --children, --only, --port)" >&2; exit 2 ;;
  esac
done
for v in "$USERS" "$REGISTERS" "$CALLS" "$CONCURRENCY" "$PDD_RATE" "$PDD_SECONDS" "$CHILDREN" "$BASE"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench sip: '$v' is not a positive number" >&2; exit 2; }
done
[[ -z "$ONLY" || "$ONLY" == atrium || "$ONLY" == kamailio ]] || { echo "bench sip: --only atrium or --only kamailio" >&2; exit 2; }
(( USERS <= 8000 )) || { echo "bench sip: at most 8000 users (extensions 1000–8999)" >&2; exit 2; }
ATRIUM_XMX="${ATRIUM_XMX:-512m}"
read -r -a EXTRA_OPTS <<<"${ATRIUM_JAVA_OPTS:-}"
BUILD=yes
[[ -z "${ATRIUM_CP:-}" ]] || BUILD=no
ATRIUM_CP="${ATRIUM_CP:-$ROOT/server/target/atrium-server.jar:$ROOT/server/target/lib/*}"
SCEN="$ROOT/bench/sip"

say() { printf 'bench sip: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=lib/atrium.sh
source "$ROOT/bench/lib/atrium.sh"
for tool in sipp curl jq; do
  command -v "$tool" >/dev/null || die "$tool not found: apt-get install -y ${tool/sipp/sip-tester}"
done
[[ "$ONLY" == atrium ]] || command -v kamailio >/dev/null || die "kamailio not found: apt-get install -y kamailio"

# Ports: BASE Kamailio, BASE+2 Atrium's SIP (TLS on +3), BASE+10 Atrium's HTTP, BASE+20.. sipp.
KAM_PORT=$BASE ATRIUM_SIP=$((BASE + 2)) HTTP_PORT=$((BASE + 10)) CALLEE_PORT=$((BASE + 20)) UAC_PORT=$((BASE + 21))
REG_PORT=$((BASE + 22)) MEDIA=$((BASE + 1000))
for p in $KAM_PORT $ATRIUM_SIP $((ATRIUM_SIP + 1)) $HTTP_PORT $CALLEE_PORT $UAC_PORT $REG_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is in use (choose --port)"; fi
done

work="$(mktemp -d /tmp/atrium-bench-sip.XXXXXX)"
atrium_pid="" kam_pid="" uas_pid=""
cleanup() {
  end_process "$uas_pid"
  end_process "$atrium_pid"
  end_process "$kam_pid"
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# sipp in the foreground, quiet; statistics to $2.csv, unexpected messages to $2.err. $1 = target port,
# $2 = a name for the files, then sipp options. Prints nothing; sets SIPP_MS (wall time).
run_sipp() {
  local port=$1 name=$2
  shift 2
  local t0
  t0=$(date +%s%N)
  (cd "$work" && sipp "127.0.0.1:$port" -i 127.0.0.1 -nostdin -trace_err -error_file "$name.err" \
    -trace_stat -stf "$name.csv" -timeout "${SIPP_TIMEOUT:-300}s" "$@" >"$name.out" 2>&1) || true
  SIPP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
# Successful and failed calls of a sipp run from its statistics file. $1 = name.
outcome() {
  tail -1 "$work/$1.csv" | awk -F';' '{ print $16, $18 }'
}
# p50 and p95 (ms) of the response time "pdd" in the rtt trace of the run named $1.
pdd_percentiles() {
  cat "$work"/call-uac_*_rtt.csv 2>/dev/null | awk -F';' '$3 == "pdd" { print $2 }' | sort -n | awk '
    { v[NR] = $1 } END { if (NR == 0) { print "- -"; exit } ;
      p50 = v[int((NR - 1) * 0.50) + 1]; p95 = v[int((NR - 1) * 0.95) + 1]; printf "%.1f %.1f\n", p50, p95 }'
}

# The users both servers know: users.csv for REGISTER (AOR = device, credentials of the device),
# callers.csv for INVITE, callee.csv for the callee. $1 = atrium or kamailio, $2 = file of
# "device;password" lines.
write_injection() {
  local target=$1 devices=$2 dir="$work/$1"
  mkdir -p "$dir"
  { echo SEQUENTIAL; awk -F';' '{ printf "%s;[authentication username=%s password=%s]\n", $1, $1, $2 }' "$devices"; } >"$dir/users.csv"
}

# Runs the three measures against one target. $1 = atrium or kamailio, $2 = its SIP port, $3 = the
# callee's device, $4 = its password.
measure() {
  local target=$1 port=$2 callee_dev=$3 callee_pw=$4 ok failed
  say "$target: $REGISTERS REGISTERs, $CONCURRENCY in flight (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  run_sipp "$port" "$target-register" -sf "$SCEN/register.xml" -inf "$work/$target/users.csv" -p "$REG_PORT" \
    -m "$REGISTERS" -l "$CONCURRENCY" -r 100000
  read -r ok failed < <(outcome "$target-register")
  eval "${target}_reg_ok=$ok ${target}_reg_failed=$failed ${target}_reg_ms=$SIPP_MS"

  # The callee registers its extension's address of record from the port its sipp will answer on.
  printf 'SEQUENTIAL\n%s;[authentication username=%s password=%s]\n' "$CALLEE_NUMBER" "$callee_dev" "$callee_pw" \
    >"$work/$target/callee.csv"
  run_sipp "$port" "$target-callee-register" -sf "$SCEN/register.xml" -inf "$work/$target/callee.csv" \
    -p "$CALLEE_PORT" -m 1
  read -r ok failed < <(outcome "$target-callee-register")
  [[ "$ok" == 1 ]] || { cat "$work/$target-callee-register.err" >&2 2>/dev/null || true; die "$target: the callee could not register"; }
  (cd "$work" && exec sipp "127.0.0.1:$port" -i 127.0.0.1 -nostdin -sf "$SCEN/call-uas.xml" -p "$CALLEE_PORT" \
    -mp $((MEDIA + 500)) -trace_err -error_file "$target-uas.err" >"$target-uas.out" 2>&1) &
  uas_pid=$!
  sleep 0.5

  say "$target: $CALLS calls, $CONCURRENCY in flight"
  run_sipp "$port" "$target-calls" -sf "$SCEN/call-uac.xml" -inf "$work/$target/users.csv" -s "$CALLEE_NUMBER" \
    -p "$UAC_PORT" -mp "$MEDIA" -m "$CALLS" -l "$CONCURRENCY" -r 100000 -d 0
  read -r ok failed < <(outcome "$target-calls")
  eval "${target}_call_ok=$ok ${target}_call_failed=$failed ${target}_call_ms=$SIPP_MS"

  local n=$((PDD_RATE * PDD_SECONDS))
  say "$target: $n calls at $PDD_RATE per second"
  rm -f "$work"/call-uac_*_rtt.csv
  run_sipp "$port" "$target-pdd" -sf "$SCEN/call-uac.xml" -inf "$work/$target/users.csv" -s "$CALLEE_NUMBER" \
    -p "$UAC_PORT" -mp "$MEDIA" -m "$n" -r "$PDD_RATE" -d 0 -trace_rtt -rtt_freq 1
  read -r ok failed < <(outcome "$target-pdd")
  local p50 p95
  read -r p50 p95 < <(pdd_percentiles)
  eval "${target}_pdd_ok=$ok ${target}_pdd_failed=$failed ${target}_pdd_p50=$p50 ${target}_pdd_p95=$p95"
  end_process "$uas_pid"
  uas_pid=""
  for f in "$work/$target"-*.err; do
    [[ -s "$f" ]] && { say "$target: unexpected messages in $(basename "$f") (first lines):"; head -c 800 "$f" >&2; echo >&2; }
  done
  return 0
}

CALLEE_NUMBER=9000
# Devices "number-1" for the users, "callee" for the callee; Kamailio's passwords are "<device>-k".
for ((i = 0; i < USERS; i++)); do printf '%d-1;%d-1-k\n' $((1000 + i)) $((1000 + i)); done >"$work/kamailio-devices"

if [[ "$ONLY" != atrium ]]; then
  sed "s/PORT/$KAM_PORT/g; s/CHILDREN/$CHILDREN/" "$SCEN/kamailio.cfg" >"$work/kamailio.cfg"
  kamailio -f "$work/kamailio.cfg" -DD -E -n 1 -w "$work" -m 256 -M 32 >"$work/kamailio.log" 2>&1 &
  kam_pid=$!
  for _ in $(seq 50); do grep -q "Listening on" "$work/kamailio.log" 2>/dev/null && break; sleep 0.1; done
  kill -0 "$kam_pid" 2>/dev/null || { cat "$work/kamailio.log" >&2; die "kamailio did not start"; }
  write_injection kamailio "$work/kamailio-devices"
  measure kamailio "$KAM_PORT" callee callee-k
  end_process "$kam_pid"
  kam_pid=""
fi

if [[ "$ONLY" != kamailio ]]; then
  prepare_atrium
  data="$work/data"
  mkdir -p "$data"
  {
    printf 'login;display name;email;groups;quota\n'
    printf 'callee;Callee;callee@example.org;;\n'
    for ((i = 0; i < USERS; i++)); do printf 's%05d;Sip %d;s%05d@example.org;;\n' "$i" "$i" "$i"; done
  } >"$work/users-import.csv"
  export ATRIUM_VOIP_ENABLED=true ATRIUM_SIP_BIND=127.0.0.1 ATRIUM_SIP_UDP_PORT=$ATRIUM_SIP \
    ATRIUM_SIP_TCP_PORT=$ATRIUM_SIP ATRIUM_SIP_TLS_PORT=$((ATRIUM_SIP + 1)) ATRIUM_SIP_PUBLIC_HOST=127.0.0.1
  say "starting Atrium (-Xmx$ATRIUM_XMX, SQLite), SIP on 127.0.0.1:$ATRIUM_SIP"
  start_atrium "$data" "$HTTP_PORT" "$ATRIUM_XMX" "$work/atrium.log" "${EXTRA_OPTS[@]}"
  API="http://127.0.0.1:$HTTP_PORT/api/v1"
  wait_http "$API/session" "$atrium_pid" "$work/atrium.log"
  state="$(sign_in "$work/admin.jar" admin "$ADMIN_PW" || true)"
  [[ "$state" == signed-in ]] || die "admin sign-in: state '$state'"
  admin() { # $1 = method, $2 = path under /api/v1, $3 = body, $4 = its type (JSON unless given)
    curl -s --fail-with-body -X "$1" -b "$work/admin.jar" -H "X-CSRF-Token: $(csrf_of "$work/admin.jar")" \
      -H "Content-Type: ${4:-application/json}" --data-binary "$3" "$API/$2"
  }
  # The accounts, through the bulk import (generated passwords, not needed: phones have their own).
  import_id="$(admin POST "imports?dryRun=false" "@$work/users-import.csv" text/csv | jq -r .id)" || die "import refused"
  for _ in $(seq 600); do
    admin GET "imports/$import_id" "" >"$work/import.json" || die "import $import_id: no status"
    [[ "$(jq -r .status "$work/import.json")" == running ]] || break
    sleep 0.2
  done
  [[ "$(jq -r '.status + " " + (.created | length | tostring)' "$work/import.json")" == "done $((USERS + 1))" ]] \
    || { cat "$work/import.json" >&2; die "the import did not create the $((USERS + 1)) accounts"; }
  # One extension and one device per user; the admin API gives each device's password once.
  give_phone() { # $1 = login, $2 = number, $3 = device username; prints "device;password"
    admin PUT "admin/voip/extensions/$1" "{\"number\":\"$2\"}" >/dev/null || die "extension $2 for $1"
    admin POST "admin/voip/extensions/$1/devices" "{\"username\":\"$3\"}" | jq -r '"\(.username);\(.password)"'
  }
  say "giving $USERS users an extension and a device through the admin API"
  for ((i = 0; i < USERS; i++)); do give_phone "$(printf 's%05d' "$i")" $((1000 + i)) "$((1000 + i))-1"; done >"$work/atrium-devices"
  callee_pw="$(give_phone callee "$CALLEE_NUMBER" callee | cut -d';' -f2)"
  write_injection atrium "$work/atrium-devices"
  measure atrium "$ATRIUM_SIP" callee "$callee_pw"
  kill -0 "$atrium_pid" 2>/dev/null || { tail -50 "$work/atrium.log" >&2; die "Atrium died during the run"; }
  if grep -q -E 'SEVERE|WARNING|Exception' "$work/atrium.log"; then
    cp "$work/atrium.log" /tmp/atrium-bench-sip-server.log
    say "Atrium logged warnings or errors (log kept in /tmp/atrium-bench-sip-server.log):"
    grep -E 'SEVERE|WARNING|Exception' "$work/atrium.log" | head -10 >&2
  fi
fi

rate() { # $1 = successes, $2 = milliseconds
  awk -v n="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.0f", n * 1000 / ms; else print "-" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }
v() { local name="${1}_$2"; echo "${!name:--}"; }
echo
echo "SIP on loopback, UDP, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $USERS users, $CONCURRENCY in flight; Kamailio $CHILDREN workers"
printf '%-34s %16s %16s %8s\n' measure Atrium Kamailio ratio
a=$(rate "$(v atrium reg_ok)" "$(v atrium reg_ms)") k=$(rate "$(v kamailio reg_ok)" "$(v kamailio reg_ms)")
printf '%-34s %16s %16s %8s\n' "REGISTER with digest /s" "$a" "$k" "$(ratio "$a" "$k")"
a=$(rate "$(v atrium call_ok)" "$(v atrium call_ms)") k=$(rate "$(v kamailio call_ok)" "$(v kamailio call_ms)")
printf '%-34s %16s %16s %8s\n' "calls set up and ended /s" "$a" "$k" "$(ratio "$a" "$k")"
printf '%-34s %16s %16s\n' "post-dial delay p50 at $PDD_RATE cps (ms)" "$(v atrium pdd_p50)" "$(v kamailio pdd_p50)"
printf '%-34s %16s %16s\n' "post-dial delay p95 at $PDD_RATE cps (ms)" "$(v atrium pdd_p95)" "$(v kamailio pdd_p95)"
printf '%-34s %16s %16s\n' "failed: registers / calls / pdd run" \
  "$(v atrium reg_failed) / $(v atrium call_failed) / $(v atrium pdd_failed)" \
  "$(v kamailio reg_failed) / $(v kamailio call_failed) / $(v kamailio pdd_failed)"
status=0
for t in atrium kamailio; do
  for m in reg call pdd; do
    f="$(v $t ${m}_failed)"
    [[ "$f" == - || "$f" == 0 ]] || status=1
  done
done
(( status == 0 )) || say "some transactions failed: the rates above count only the successful ones"
exit "$status"

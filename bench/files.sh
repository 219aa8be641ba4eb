#!/usr/bin/env bash
# Files benchmark: Atrium's WebDAV against Apache httpd + mod_dav (Debian's apache2), both on
# loopback, plain HTTP with Basic auth and keep-alive, the same client (curl) on the same machine:
#   1. PROPFIND Depth 1 on a folder of 2,000 files (N repetitions on one connection),
#   2. 1,000 PUTs of 4 KB, 4 connections in parallel,
#   3. PUT and GET of a 1 GB file (throughput), with Atrium's heap sampled during the transfers.
# Apache runs as a private instance (own ServerRoot and config in a temp dir, port 18081); the
# system's apache config and port 80 are never touched. Atrium runs from the built jar with a
# temp data dir, proxy mode (plain HTTP) on 18082, -Xmx512m, encryption on (the default).
# Environment: APACHE_PORT (18081), ATRIUM_PORT (18082), ENTRIES (2000), PROPFIND_RUNS (50),
# PUTS (1000), PARALLEL (4), BIG_MB (1024), ATRIUM_XMX (512m), SYNC (yes when nextcloudcmd is
# installed: 4. first syncs of the Nextcloud desktop client's nextcloudcmd into Atrium, up and
# down, of SYNC_FILES (1000) files of 4 KB, then of the same plus one SYNC_BIG_MB (200) MB file,
# the set the issue times Nextcloud with), BULK (on: Atrium offers bulk upload to this client too,
# as it does by default to desktop clients from 3.9.1 — Debian 12's 3.7.3 is not offered it by
# default because it cannot send empty files that way, and these sets have none; auto or off to
# time single PUTs); for profiling and A/B runs:
# SERVERS ("atrium apache", or one of them), ATRIUM_JAVA_OPTS (extra JVM options, e.g.
# -XX:StartFlightRecording=filename=/tmp/a.jfr), ATRIUM_CP (a classpath to run instead of
# building this checkout, e.g. a copy of an earlier build's jar and lib/*).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APACHE_PORT="${APACHE_PORT:-18081}"
ATRIUM_PORT="${ATRIUM_PORT:-18082}"
ENTRIES="${ENTRIES:-2000}"
PROPFIND_RUNS="${PROPFIND_RUNS:-50}"
PUTS="${PUTS:-1000}"
PARALLEL="${PARALLEL:-4}"
BIG_MB="${BIG_MB:-1024}"
ATRIUM_XMX="${ATRIUM_XMX:-512m}"
SYNC="${SYNC:-$(command -v nextcloudcmd >/dev/null && echo yes || echo no)}"
SYNC_FILES="${SYNC_FILES:-1000}"
SYNC_BIG_MB="${SYNC_BIG_MB:-200}"
read -r -a SERVERS <<<"${SERVERS:-atrium apache}"
read -r -a EXTRA_OPTS <<<"${ATRIUM_JAVA_OPTS:-}"
BUILD=yes
[[ -z "${ATRIUM_CP:-}" ]] || BUILD=no
ATRIUM_CP="${ATRIUM_CP:-$ROOT/server/target/atrium-server.jar:$ROOT/server/target/lib/*}"
has() { [[ " ${SERVERS[*]} " == *" $1 "* ]]; }

say() { printf 'bench files: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=lib/atrium.sh
source "$ROOT/bench/lib/atrium.sh"

APACHE_BIN="$(command -v apache2 || true)"
[[ -n "$APACHE_BIN" ]] || APACHE_BIN=/usr/sbin/apache2
MODS=/usr/lib/apache2/modules
[[ -x "$APACHE_BIN" && -f "$MODS/mod_dav_fs.so" ]] \
  || die "Apache httpd with mod_dav not found: install it with 'apt-get install -y apache2' (the system instance is not used)"
command -v htpasswd >/dev/null || die "htpasswd not found: install it with 'apt-get install -y apache2-utils'"
command -v curl >/dev/null || die "curl not found: apt-get install -y curl"
command -v jq >/dev/null || die "jq not found: apt-get install -y jq"
for p in "$APACHE_PORT" "$ATRIUM_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is already in use"; fi
done

work="$(mktemp -d /tmp/atrium-bench-files.XXXXXX)"
big="$work/big.bin"
apache_pid="" atrium_pid="" sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  end_process "$atrium_pid"
  end_process "$apache_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build and start Atrium ------------------------------------------------------------------

prepare_atrium
export ATRIUM_FILES_BULK_UPLOAD="${BULK:-on}"
say "starting Atrium on 127.0.0.1:$ATRIUM_PORT (-Xmx$ATRIUM_XMX, encryption on, bulk upload $ATRIUM_FILES_BULK_UPLOAD)"
start_atrium "$work/atrium-data" "$ATRIUM_PORT" "$ATRIUM_XMX" "$work/atrium.log" "${EXTRA_OPTS[@]}"

# --- configure and start the private Apache ----------------------------------------------------

A="$work/apache"
mkdir -p "$A/dav" "$A/lock" "$A/logs"
chmod 755 "$work"
BENCH_USER=bench
USER_PW="Kestrel-Orchard-$(random_secret)"
htpasswd -bcB -C 5 "$A/htpasswd" "$BENCH_USER" "$USER_PW" 2>/dev/null
run_as=""
if [[ "$(id -u)" == 0 ]]; then # httpd refuses to serve as root: its children switch to www-data
  run_as=$'User www-data\nGroup www-data'
  chown -R www-data:www-data "$A/dav" "$A/lock"
fi
cat >"$A/httpd.conf" <<EOF
ServerRoot "$A"
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile "$A/httpd.pid"
ErrorLog "$A/logs/error.log"
LogLevel warn
$run_as
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authn_core_module $MODS/mod_authn_core.so
LoadModule authn_file_module $MODS/mod_authn_file.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule authz_user_module $MODS/mod_authz_user.so
LoadModule auth_basic_module $MODS/mod_auth_basic.so
LoadModule dav_module $MODS/mod_dav.so
LoadModule dav_fs_module $MODS/mod_dav_fs.so
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 15
LimitRequestBody 0
DavLockDB "$A/lock/DavLock"
DocumentRoot "$A/dav"
<Directory "$A/dav">
  Dav On
  AuthType Basic
  AuthName "bench"
  AuthBasicProvider file
  AuthUserFile "$A/htpasswd"
  Require valid-user
</Directory>
EOF
say "starting Apache $("$APACHE_BIN" -v | sed -n 's/^Server version: //p') on 127.0.0.1:$APACHE_PORT"
"$APACHE_BIN" -d "$A" -f "$A/httpd.conf" -DFOREGROUND >"$A/logs/stdout.log" 2>&1 &
apache_pid=$!

wait_http "http://127.0.0.1:$APACHE_PORT/" "$apache_pid" "$A/logs/stdout.log"
wait_http "http://127.0.0.1:$ATRIUM_PORT/api/v1/session" "$atrium_pid" "$work/atrium.log"

# --- user and app password in Atrium -------------------------------------------------------------

API="http://127.0.0.1:$ATRIUM_PORT/api/v1"
make_user "$BENCH_USER" "$USER_PW" "$work"

# Per server: base URL and credentials (Basic, keep-alive, plain HTTP).
declare -A BASE CRED
BASE[apache]="http://127.0.0.1:$APACHE_PORT"
CRED[apache]="$BENCH_USER:$USER_PW"
BASE[atrium]="http://127.0.0.1:$ATRIUM_PORT/remote.php/dav/files/$BENCH_USER"
CRED[atrium]="$BENCH_USER:$APP_PW"
declare -A R # results: R[server.metric]

ms() { date +%s%N; }
# Runs a curl config (one connection, keep-alive) and checks every status code is in $3 (regex).
curl_batch() { # $1 = server, $2 = config file, $3 = accepted codes
  local bad
  bad="$(curl -s -u "${CRED[$1]}" -K "$2" -w '%{http_code}\n' | grep -Evc "^($3)\$" || true)"
  [[ "$bad" == 0 ]] || die "$1: $bad requests failed ($2)"
}

# --- 1. PROPFIND Depth 1 on 2,000 entries ---------------------------------------------------------

head -c 1000 /dev/urandom >"$work/small.bin"
head -c 4096 /dev/urandom >"$work/4k.bin"
cat >"$work/propfind.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getlastmodified/><d:getcontentlength/><d:getetag/></d:prop></d:propfind>
EOF
for s in "${SERVERS[@]}"; do
  curl -sf -u "${CRED[$s]}" -X MKCOL "${BASE[$s]}/list/" -o /dev/null || die "$s: MKCOL list"
  for ((i = 0; i < ENTRIES; i++)); do
    printf 'url = "%s/list/file-%05d.txt"\nupload-file = "%s"\noutput = "/dev/null"\n' "${BASE[$s]}" "$i" "$work/small.bin"
  done >"$work/fill-$s.cfg"
  t0=$(ms); curl_batch "$s" "$work/fill-$s.cfg" '201|204'; t1=$(ms)
  R[$s.fill]=$(( (t1 - t0) / 1000000 ))
  say "$s: $ENTRIES files of 1,000 bytes created in ${R[$s.fill]} ms (1 connection)"
  n="$(curl -s -u "${CRED[$s]}" -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
    --data-binary @"$work/propfind.xml" "${BASE[$s]}/list/" | grep -o '<[a-zA-Z]*:response[ >]' | wc -l)"
  [[ "$n" == $((ENTRIES + 1)) ]] || die "$s: PROPFIND listed $n responses, expected $((ENTRIES + 1))"
  R[$s.pfbytes]="$(curl -s -u "${CRED[$s]}" -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
    --data-binary @"$work/propfind.xml" "${BASE[$s]}/list/" | wc -c)"
  { for ((i = 0; i < PROPFIND_RUNS + 3; i++)); do printf 'url = "%s/list/"\noutput = "/dev/null"\n' "${BASE[$s]}"; done; } >"$work/pf-$s.cfg"
  curl -s -u "${CRED[$s]}" -K "$work/pf-$s.cfg" -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
    --data-binary @"$work/propfind.xml" -w '%{http_code} %{time_total}\n' >"$work/pf-$s.times"
  awk '$1 != 207 { bad++ } END { exit bad > 0 }' "$work/pf-$s.times" || { cut -d" " -f1 "$work/pf-$s.times" | sort | uniq -c >&2; die "$s: a PROPFIND did not answer 207"; }
  # the first 3 are warm-up
  read -r R[$s.pfmed] R[$s.pfmean] R[$s.pfmin] < <(tail -n +4 "$work/pf-$s.times" | awk '{ print $2 * 1000 }' | sort -n |
    awk '{ a[NR] = $1; s += $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f\n", m, s / NR, a[1] }')
  say "$s: PROPFIND Depth 1 of $ENTRIES entries (${R[$s.pfbytes]} bytes): median ${R[$s.pfmed]} ms, mean ${R[$s.pfmean]} ms, best ${R[$s.pfmin]} ms over $PROPFIND_RUNS"
done

# --- 2. 1,000 PUTs of 4 KB, 4 connections ---------------------------------------------------------

for s in "${SERVERS[@]}"; do
  curl -sf -u "${CRED[$s]}" -X MKCOL "${BASE[$s]}/puts/" -o /dev/null || die "$s: MKCOL puts"
  for ((w = 0; w < PARALLEL; w++)); do
    for ((i = w; i < PUTS; i += PARALLEL)); do
      printf 'url = "%s/puts/f-%05d.bin"\nupload-file = "%s"\noutput = "/dev/null"\n' "${BASE[$s]}" "$i" "$work/4k.bin"
    done >"$work/put-$s-$w.cfg"
  done
  t0=$(ms)
  pids=()
  for ((w = 0; w < PARALLEL; w++)); do curl_batch "$s" "$work/put-$s-$w.cfg" '201' & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || die "$s: PUT worker failed"; done
  t1=$(ms)
  R[$s.putms]=$(( (t1 - t0) / 1000000 ))
  R[$s.putrps]="$(awk -v n="$PUTS" -v t="${R[$s.putms]}" 'BEGIN { printf "%.0f", n * 1000 / t }')"
  say "$s: $PUTS PUTs of 4 KB with $PARALLEL connections: ${R[$s.putms]} ms, ${R[$s.putrps]} req/s"
done

# --- 3. PUT and GET of a 1 GB file -----------------------------------------------------------------

say "generating a $BIG_MB MB random file"
head -c $((BIG_MB * 1024 * 1024)) /dev/urandom >"$big"
# Heap sampler for Atrium: used = S0U+S1U+EU+OU (KB) from jstat, and the process's RSS.
sample_heap() {
  "$JDK_BIN/jstat" -gc "$atrium_pid" 250 2>/dev/null | awk -v pid="$atrium_pid" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 ~ /^[0-9.]+$/ {
      used = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; cap = $c["S0C"] + $c["S1C"] + $c["EC"] + $c["OC"]
      cmd = "ps -o rss= -p " pid; cmd | getline rss; close(cmd)
      printf "%d %d %d %s %s\n", used, cap, rss, $c["YGC"], $c["FGC"]; fflush()
    }' >"$work/heap.samples"
}
big_transfer() { # $1 = server
  local s=$1 out
  out="$(curl -s -u "${CRED[$s]}" -T "$big" -o /dev/null -w '%{http_code} %{time_total}' "${BASE[$s]}/big.bin")"
  [[ "$out" == 201\ * ]] || die "$s: 1 GB PUT answered ${out%% *}"
  R[$s.bigput]="$(awk -v mb="$BIG_MB" -v t="${out#* }" 'BEGIN { printf "%.0f", mb / t }')"
  R[$s.bigputs]="${out#* }"
  out="$(curl -s -u "${CRED[$s]}" -o "$work/big.out" -w '%{http_code} %{time_total}' "${BASE[$s]}/big.bin")"
  [[ "$out" == 200\ * ]] || die "$s: 1 GB GET answered ${out%% *}"
  cmp -s "$big" "$work/big.out" || die "$s: the 1 GB GET did not return the file"
  rm -f "$work/big.out"
  R[$s.bigget]="$(awk -v mb="$BIG_MB" -v t="${out#* }" 'BEGIN { printf "%.0f", mb / t }')"
  R[$s.biggets]="${out#* }"
  say "$s: $BIG_MB MB PUT ${R[$s.bigputs]} s (${R[$s.bigput]} MB/s), GET ${R[$s.biggets]} s (${R[$s.bigget]} MB/s)"
}
if has atrium; then
  "$JDK_BIN/jcmd" "$atrium_pid" GC.heap_info >"$work/heap-before.txt" 2>&1 || true
  sample_heap & sampler_pid=$!
  sleep 0.6
  big_transfer atrium
  sleep 0.6
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
  "$JDK_BIN/jcmd" "$atrium_pid" GC.heap_info >"$work/heap-after.txt" 2>&1 || true
  read -r heap_max cap_max rss_max < <(awk 'NR == 1 { y0 = $4; f0 = $5 } { if ($1 > u) u = $1; if ($2 > c) c = $2; if ($3 > r) r = $3; y = $4; f = $5 }
    END { printf "%.0f %.0f %.0f\n", u / 1024, c / 1024, r / 1024 }' "$work/heap.samples")
  gcs="$(awk 'NR == 1 { y0 = $4; f0 = $5 } { y = $4; f = $5 } END { printf "%d young, %d full", y - y0, f - f0 }' "$work/heap.samples")"
  say "atrium heap during the 1 GB transfers (jstat every 250 ms, -Xmx$ATRIUM_XMX): max used ${heap_max} MB, max committed ${cap_max} MB, max RSS ${rss_max} MB, GCs: $gcs"
fi
if has apache; then big_transfer apache; fi
rm -f "$big"

# --- 4. nextcloudcmd first syncs into Atrium ---------------------------------------------------------

# One run of the desktop client's command-line sync between a local folder and a remote folder,
# timed from start to exit; a fresh HOME so no configuration of a real client is read.
nc_sync() { # $1 = local folder, $2 = remote folder
  local out t0
  out="$work/nextcloudcmd.log"
  t0=$(ms)
  HOME="$work/nc-home" QT_QPA_PLATFORM=offscreen nextcloudcmd --non-interactive --silent --max-sync-retries 1 \
    -u "$BENCH_USER" -p "$APP_PW" --path "$2" "$1" "http://127.0.0.1:$ATRIUM_PORT" >"$out" 2>&1 \
    || { tail -20 "$out" >&2; die "nextcloudcmd sync of $1 <-> $2 failed"; }
  echo $(( ($(ms) - t0) / 1000000 ))
}
remote_count() { # files below a remote folder, by PROPFIND infinity
  curl -s -u "${CRED[atrium]}" -X PROPFIND -H 'Depth: infinity' "${BASE[atrium]}$1" | grep -o '<d:getcontentlength>' | wc -l
}
if has atrium && [[ "$SYNC" == yes ]]; then
  mkdir -p "$work/nc-home" "$work/up-small" "$work/up-mixed"
  for ((i = 0; i < SYNC_FILES; i++)); do
    head -c 4096 /dev/urandom >"$work/up-small/s-$(printf %05d "$i").bin"
  done
  cp -r "$work/up-small/." "$work/up-mixed/"
  head -c $((SYNC_BIG_MB * 1024 * 1024)) /dev/urandom >"$work/up-mixed/big-$SYNC_BIG_MB.bin"
  for set in small mixed; do
    curl -sf -u "${CRED[atrium]}" -X MKCOL "${BASE[atrium]}/sync-$set/" -o /dev/null || die "MKCOL sync-$set"
    R[sync.$set.up]="$(nc_sync "$work/up-$set" "/sync-$set")"
    n="$(remote_count "/sync-$set/")"
    expected=$(find "$work/up-$set" -type f ! -name '.*' | wc -l)
    [[ "$n" == "$expected" ]] || die "after the sync up, /sync-$set holds $n files, expected $expected"
    mkdir -p "$work/down-$set"
    R[sync.$set.down]="$(nc_sync "$work/down-$set" "/sync-$set")"
    diff -rq -x '.*' "$work/up-$set" "$work/down-$set" >&2 || die "the sync down of /sync-$set differs from what went up"
    say "nextcloudcmd first sync of $set ($expected files): up ${R[sync.$set.up]} ms, down into an empty folder ${R[sync.$set.down]} ms"
    rm -rf "$work/down-$set"
  done
  rm -rf "$work/up-small" "$work/up-mixed"
fi
du_atrium="$(du -sm "$work/atrium-data" | cut -f1)"

# --- summary ---------------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a !~ /^[0-9.]+$/) print "-"; else printf "%.2f", a / b }'; }
for k in fill pfmed pfmean pfbytes putms putrps bigput bigget; do # a server left out shows 0
  for s in atrium apache; do R[$s.$k]="${R[$s.$k]:-0}"; done
done
echo
echo "Atrium $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') vs $("$APACHE_BIN" -v | sed -n 's/^Server version: //p') mod_dav_fs, $(nproc) cores, $(date -u +%Y-%m-%d), Java $("$JAVA" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
printf '| %-58s | %12s | %12s | %15s |\n' measure Atrium Apache Atrium/Apache
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..17})"
row() { printf '| %-58s | %12s | %12s | %15s |\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "create $ENTRIES files of 1,000 B, 1 connection (ms)" "${R[atrium.fill]}" "${R[apache.fill]}"
row "PROPFIND Depth 1, $ENTRIES entries, median of $PROPFIND_RUNS (ms)" "${R[atrium.pfmed]}" "${R[apache.pfmed]}"
row "PROPFIND Depth 1, $ENTRIES entries, mean (ms)" "${R[atrium.pfmean]}" "${R[apache.pfmean]}"
row "PROPFIND response size (bytes)" "${R[atrium.pfbytes]}" "${R[apache.pfbytes]}"
row "$PUTS PUTs of 4 KB, $PARALLEL connections (ms)" "${R[atrium.putms]}" "${R[apache.putms]}"
row "$PUTS PUTs of 4 KB, $PARALLEL connections (req/s)" "${R[atrium.putrps]}" "${R[apache.putrps]}"
row "PUT $BIG_MB MB (MB/s)" "${R[atrium.bigput]}" "${R[apache.bigput]}"
row "GET $BIG_MB MB (MB/s)" "${R[atrium.bigget]}" "${R[apache.bigget]}"
echo
if has atrium && [[ "$SYNC" == yes ]]; then
  nc_row() { printf '| %-58s | %12s | %12s | %15s |\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }
  echo
  echo "nextcloudcmd $(nextcloudcmd --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1) first syncs into Atrium (ms, bulk upload $ATRIUM_FILES_BULK_UPLOAD); the issue's reference: Nextcloud 34, PHP 8.2, this machine, $SYNC_FILES x 4 KB + one 200 MB file"
  printf '| %-58s | %12s | %12s | %15s |\n' measure Atrium Nextcloud "Nextcloud/Atrium"
  printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..17})"
  nc_row "up: $SYNC_FILES x 4 KB" "${R[sync.small.up]}" "-"
  nc_row "down into an empty folder: $SYNC_FILES x 4 KB" "${R[sync.small.down]}" "-"
  nc_row "up: $SYNC_FILES x 4 KB + $SYNC_BIG_MB MB" "${R[sync.mixed.up]}" "15000"
  nc_row "down into an empty folder: $SYNC_FILES x 4 KB + $SYNC_BIG_MB MB" "${R[sync.mixed.down]}" "13000"
  echo "(target: Nextcloud/Atrium >= 4)"
fi
has atrium && echo "Atrium heap during the $BIG_MB MB PUT+GET (-Xmx$ATRIUM_XMX, SerialGC): max used ${heap_max} MB, max committed ${cap_max} MB, max RSS ${rss_max} MB; GCs: $gcs"
echo "Atrium data dir after the run: ${du_atrium} MB"

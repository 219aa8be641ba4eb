#!/usr/bin/env bash
# Large-file proof: one LARGE_GB (10) GiB file uploaded to Atrium with the Nextcloud v2 chunked
# protocol in CHUNK_MB (100) MiB chunks, then downloaded whole and with Range requests, while the
# server runs with -Xmx$ATRIUM_XMX (256m). Halfway through, one chunk is broken off mid-body
# and the server is restarted; the client then lists the upload folder and sends only the
# chunks that are missing (resuming). Atrium's heap is sampled every 500 ms (jstat) throughout.
#
# The content is pseudo-random (AES-CTR of zeros, chunk i keyed by i), made again when needed,
# so no copy of the 10 GiB is kept beside Atrium's: the peak disk use is about twice LARGE_GB
# (the chunks, then the assembled file), all in a temporary directory removed at the end.
# Environment: ATRIUM_PORT (18083), LARGE_GB (10), CHUNK_MB (100), ATRIUM_XMX (256m),
# RANGES (20 random Range requests of 1 MiB), ATRIUM_CP (run this classpath instead of building).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ATRIUM_PORT="${ATRIUM_PORT:-18083}"
LARGE_GB="${LARGE_GB:-10}"
CHUNK_MB="${CHUNK_MB:-100}"
ATRIUM_XMX="${ATRIUM_XMX:-256m}"
RANGES="${RANGES:-20}"
BUILD=yes
[[ -z "${ATRIUM_CP:-}" ]] || BUILD=no
ATRIUM_CP="${ATRIUM_CP:-$ROOT/server/target/atrium-server.jar:$ROOT/server/target/lib/*}"

say() { printf 'bench large-file: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=lib/atrium.sh
source "$ROOT/bench/lib/atrium.sh"

for c in curl jq openssl sha1sum; do command -v "$c" >/dev/null || die "$c not found"; done
if (exec 3<>"/dev/tcp/127.0.0.1/$ATRIUM_PORT") 2>/dev/null; then die "port $ATRIUM_PORT is already in use"; fi
LARGE_MB="${LARGE_MB:-$((LARGE_GB * 1024))}" # a smaller size to try the script out
TOTAL=$((LARGE_MB * 1024 * 1024))
CHUNK=$((CHUNK_MB * 1024 * 1024))
CHUNKS=$(( (TOTAL + CHUNK - 1) / CHUNK ))
work="$(mktemp -d /tmp/atrium-bench-large.XXXXXX)"
free_gb=$(( $(df -Pk "$work" | awk 'NR == 2 { print $4 }') / 1024 / 1024 ))
(( free_gb > 2 * LARGE_MB / 1024 + 5 )) || { rm -rf "$work"; die "needs about $((2 * LARGE_MB / 1024 + 5)) GB free in /tmp, has $free_gb"; }
atrium_pid="" sampler_pid=""
cleanup() {
  end_process "$atrium_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

prepare_atrium
log="$work/atrium.log"
boot() {
  start_atrium "$work/data" "$ATRIUM_PORT" "$ATRIUM_XMX" "$log"
  wait_http "http://127.0.0.1:$ATRIUM_PORT/api/v1/session" "$atrium_pid" "$log"
  "$JDK_BIN/jstat" -gc "$atrium_pid" 500 2>/dev/null | awk '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 ~ /^[0-9.]+$/ { printf "%d %d\n", $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"], $c["S0C"] + $c["S1C"] + $c["EC"] + $c["OC"]; fflush() }
  ' >>"$work/heap.samples" &
  sampler_pid=$!
}
stop() { # the sampler's jstat ends with the JVM it watches
  kill "$atrium_pid"
  for _ in $(seq 100); do kill -0 "$atrium_pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$atrium_pid" 2>/dev/null && die "Atrium did not stop"
  wait "$sampler_pid" 2>/dev/null || true
  atrium_pid="" sampler_pid=""
}
say "starting Atrium on 127.0.0.1:$ATRIUM_PORT (-Xmx$ATRIUM_XMX, encryption on)"
boot
API="http://127.0.0.1:$ATRIUM_PORT/api/v1"
USER=big
make_user "$USER" "Lantern-Harbour-$(random_secret)" "$work"
DAV="http://127.0.0.1:$ATRIUM_PORT/remote.php/dav"
DEST="$DAV/files/$USER/large.bin"
UPLOAD="$DAV/uploads/$USER/bench-$(random_secret)"
AUTH="$USER:$APP_PW"

# Chunk i (1-based) of the content, to stdout; the last one may be shorter.
chunk() {
  local i=$1 size=$CHUNK
  if (( i == CHUNKS )); then size=$(( TOTAL - (CHUNKS - 1) * CHUNK )); fi
  # head stops openssl with SIGPIPE, which is not a failure here
  { openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$i")" -iv 0 </dev/zero 2>/dev/null || true; } | head -c "$size"
}
ms() { date +%s%N; }
put_chunk() { # $1 = index; sends $work/chunk.bin, adds its time to up_ms, dies unless 201
  local t0 code
  t0=$(ms)
  code="$(curl -s -u "$AUTH" -T "$work/chunk.bin" -H "Destination: $DEST" -H "OC-Total-Length: $TOTAL" \
    -o /dev/null -w '%{http_code}' "$UPLOAD/$(printf %05d "$1")")"
  up_ms=$(( up_ms + ($(ms) - t0) / 1000000 ))
  [[ "$code" == 201 ]] || die "chunk $1 answered $code"
}

# --- upload, broken off and resumed ------------------------------------------------------------

code="$(curl -s -u "$AUTH" -X MKCOL -H "Destination: $DEST" -H "OC-Total-Length: $TOTAL" -o /dev/null -w '%{http_code}' "$UPLOAD")"
[[ "$code" == 201 ]] || die "MKCOL of the upload folder answered $code"
half=$((CHUNKS / 2))
say "uploading $LARGE_MB MiB in $CHUNKS chunks of $CHUNK_MB MiB"
up_ms=0
for ((i = 1; i <= half; i++)); do
  chunk "$i" >"$work/chunk.bin"
  put_chunk "$i"
done
# A chunk broken off mid-body (the client's connection drops), then the server restarts.
chunk $((half + 1)) >"$work/chunk.bin"
curl -s -u "$AUTH" -T "$work/chunk.bin" -H "Destination: $DEST" -H "OC-Total-Length: $TOTAL" --limit-rate 20M \
  --max-time 2 -o /dev/null "$UPLOAD/$(printf %05d $((half + 1)))" && die "the chunk meant to break off went through"
say "chunk $((half + 1)) broken off after about 2 s; restarting Atrium"
stop
boot
listed="$(curl -s -u "$AUTH" -X PROPFIND -H 'Depth: 1' "$UPLOAD" | grep -o "<d:href>[^<]*/[0-9][0-9]*</d:href>" | wc -l)"
[[ "$listed" == "$half" ]] || die "after the restart the upload folder lists $listed chunks, expected $half"
say "after the restart the upload folder lists the $listed whole chunks; resuming from chunk $((half + 1))"
for ((i = half + 1; i <= CHUNKS; i++)); do
  chunk "$i" >"$work/chunk.bin"
  put_chunk "$i"
done
rm -f "$work/chunk.bin"
# The client's checksum over the whole file, as the desktop client sends it with the MOVE.
sum="$(for ((i = 1; i <= CHUNKS; i++)); do chunk "$i"; done | sha1sum | cut -d' ' -f1)"
t0=$(ms)
code="$(curl -s -u "$AUTH" -X MOVE -H "Destination: $DEST" -H "OC-Total-Length: $TOTAL" -H "OC-Checksum: SHA1:$sum" \
  -H 'X-OC-MTime: 1700000000' -o "$work/move.out" -w '%{http_code}' "$UPLOAD/.file")"
move_ms=$(( ($(ms) - t0) / 1000000 ))
[[ "$code" == 201 ]] || { cat "$work/move.out" >&2; die "the final MOVE answered $code"; }
say "chunks sent in $up_ms ms ($(awk -v b="$TOTAL" -v t="$up_ms" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MB/s), assembled by the MOVE in $move_ms ms"

# --- download, whole and by ranges --------------------------------------------------------------

t0=$(ms)
got="$(curl -s -u "$AUTH" "$DEST" | sha1sum | cut -d' ' -f1)"
get_ms=$(( ($(ms) - t0) / 1000000 ))
[[ "$got" == "$sum" ]] || die "the download's SHA-1 $got is not the upload's $sum"
ranges_ok=0 range_ms=0
for ((r = 0; r < RANGES; r++)); do
  off=$(( (RANDOM * 32768 + RANDOM) * 8191 % (TOTAL - 1048576) ))
  i=$(( off / CHUNK + 1 ))
  in=$(( off - (i - 1) * CHUNK ))
  # The expected bytes are in this chunk, or in it and the next one when the range straddles two.
  { chunk "$i"; if (( i < CHUNKS )); then chunk $((i + 1)); fi; } >"$work/want.bin"
  t0=$(ms)
  code="$(curl -s -u "$AUTH" -H "Range: bytes=$off-$((off + 1048575))" -o "$work/got.bin" -w '%{http_code}' "$DEST")"
  range_ms=$(( range_ms + ($(ms) - t0) / 1000000 ))
  [[ "$code" == 206 ]] || die "Range request at $off answered $code"
  [[ "$(stat -c %s "$work/got.bin")" == 1048576 ]] && cmp -s -n 1048576 "$work/got.bin" "$work/want.bin" 0 "$in" \
    || die "Range request at $off returned other bytes"
  ranges_ok=$((ranges_ok + 1))
done
rm -f "$work/want.bin" "$work/got.bin"
"$JDK_BIN/jcmd" "$atrium_pid" GC.heap_info >"$work/heap-info.txt" 2>&1 || true
read -r heap_max cap_max < <(awk '{ if ($1 > u) u = $1; if ($2 > c) c = $2 } END { printf "%.0f %.0f\n", u / 1024, c / 1024 }' "$work/heap.samples")
du_data="$(du -sm "$work/data" | cut -f1)"

echo
echo "Atrium $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%d), Java $("$JAVA" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }'), -Xmx$ATRIUM_XMX, SerialGC, encryption on"
echo "| measure | value |"
echo "|---|---|"
echo "| file | $LARGE_MB MiB, $CHUNKS chunks of $CHUNK_MB MiB (Nextcloud chunking v2) |"
echo "| chunk PUTs, total (curl from a file in the page cache) | $up_ms ms = $(awk -v b="$TOTAL" -v t="$up_ms" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MiB/s |"
echo "| final MOVE (assembly: decrypt chunks, SHA-1, encrypt, fsync) | $move_ms ms = $(awk -v b="$TOTAL" -v t="$move_ms" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MiB/s |"
echo "| GET whole file (SHA-1 checked) | $get_ms ms = $(awk -v b="$TOTAL" -v t="$get_ms" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MiB/s |"
echo "| $RANGES Range GETs of 1 MiB at random offsets (bytes checked) | $ranges_ok right, $(( range_ms / RANGES )) ms each on average |"
echo "| resume | chunk $((half + 1)) broken off, server restarted: the upload folder listed the $half whole chunks, the rest followed |"
echo "| heap used, max of samples every 500 ms (jstat) | $heap_max MiB (committed at most $cap_max MiB) |"
echo "| data directory after the run | $du_data MB |"
echo
sed -n '1,20p' "$work/heap-info.txt"

#!/usr/bin/env bash
# RTP relay benchmark (issue 6): the voip module's MediaRelay in one JVM on loopback, CALLS calls, each with two
# "phones" sending a 172-byte G.711 packet every 20 ms (100 packets/s per call through the relay), for SECONDS.
# The load generator is bench/RelayBench.java, run by the JDK's source launcher against the built voip classes.
# It prints packets relayed per second, loss at the receiving phones, the relay thread's CPU (% of one core and
# µs per packet, from ThreadMXBean) and the bytes the relay thread allocated per packet. No anchor runs here:
# neither rtpengine nor rtpproxy is packaged on our machines' Debian image.
#
#   ./atrium bench relay                      # 250 calls (25,000 packets/s) for 20 s
#   ./atrium bench relay --calls 50 --seconds 5
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CALLS=250 SECONDS_=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --calls) CALLS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    *) echo "bench relay: unknown option $1 (--calls N, --seconds N)" >&2; exit 2 ;;
  esac
done
for v in "$CALLS" "$SECONDS_"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench relay: '$v' is not a positive number" >&2; exit 2; }
done
(( CALLS <= 2500 )) || { echo "bench relay: at most 2500 calls (ports 10000-19999)" >&2; exit 2; }
CLASSES="$ROOT/voip/target/classes"
if [[ ! -d "$CLASSES/atrium/voip/media" ]]; then
  (cd "$ROOT" && ./mvnw -q -o -pl voip -am -DskipTests compile)
fi
exec java -Xmx256m -cp "$CLASSES" "$ROOT/bench/RelayBench.java" "$CALLS" "$SECONDS_"

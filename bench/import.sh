#!/usr/bin/env bash
# Bulk import benchmark: 1,000 CSV rows through `atrium cli user import` on a fresh data
# directory, with generated passwords (salted SHA-256) and with chosen passwords (Argon2id).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${ROWS:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

make_csv() { # $1 = file, $2 = with passwords (yes/no)
  {
    printf '\xef\xbb\xbflogin;display name;email;groups;quota%s\r\n' "$([[ $2 == yes ]] && echo ';password')"
    for ((i = 0; i < ROWS; i++)); do
      printf 'user%d;Utilisateur %d;user%d@example.fr;"Site%d,Tous";5 GB%s\r\n' "$i" "$i" "$i" $((i % 7)) \
        "$([[ $2 == yes ]] && printf ';Pw-%d-Lantern-Harbour' "$i")"
    done
  } > "$1"
}

run() { # $1 = label, $2 = csv
  local data="$work/data-$1" start end
  mkdir -p "$data"
  start=$(date +%s%N)
  ATRIUM_DATA="$data" "$ROOT/atrium" cli user import "$2" --passwords-file "$work/pw-$1.csv" | head -1
  end=$(date +%s%N)
  echo "$1: $ROWS rows, wall time including JVM start $(( (end - start) / 1000000 )) ms"
  start=$(date +%s%N)
  ATRIUM_DATA="$data" "$ROOT/atrium" cli user import "$2" --passwords-file "$work/pw2-$1.csv" | head -1
  end=$(date +%s%N)
  echo "$1 (again, all updates): wall time $(( (end - start) / 1000000 )) ms"
}

"$ROOT/atrium" build >/dev/null
make_csv "$work/generated.csv" no
make_csv "$work/chosen.csv" yes
run generated "$work/generated.csv"
run chosen "$work/chosen.csv"

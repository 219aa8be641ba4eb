# Shared by the bench scripts (sourced, not run): the JDK, starting Atrium from the built jar in
# proxy mode (plain HTTP on loopback) with a temporary data directory, and a user with an app
# password. Expects ROOT, say and die from the caller.

# The launcher's JDK choice, without its exec: the same rules (JAVA_HOME, java on PATH, /usr/lib/jvm).
find_java() {
  JAVA="$(bash -c 'source <(sed -n "/^java_major()/,/^}/p;/^find_jdk()/,/^}/p" "$1"); find_jdk; echo "$JAVA"' _ "$ROOT/atrium")"
  JDK_BIN="$(dirname "$JAVA")"
}

# Builds this checkout unless BUILD=no (ATRIUM_CP names another build), finds the JDK, picks the
# admin password of the server the bench starts (ADMIN_PW).
prepare_atrium() {
  [[ "$BUILD" == no ]] || "$ROOT/atrium" build >&2
  find_java
  ADMIN_PW="Bench-$(random_secret)"
}

# Starts Atrium in the background; sets atrium_pid. $1 = data dir, $2 = port, $3 = -Xmx value,
# $4 = log file, then extra JVM options. ATRIUM_CP names the classpath, ADMIN_PW the admin password.
start_atrium() {
  local data=$1 port=$2 xmx=$3 log=$4
  shift 4
  mkdir -p "$data"
  ATRIUM_DATA="$data" ATRIUM_PROXY_ENABLED=true ATRIUM_HTTP_PORT="$port" \
    ATRIUM_HTTP_BIND=127.0.0.1 ATRIUM_HTTPS_PORT=0 ATRIUM_ADMIN_PASSWORD="$ADMIN_PW" \
    "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx"$xmx" --enable-native-access=ALL-UNNAMED "$@" \
    -cp "$ATRIUM_CP" atrium.server.Main run >>"$log" 2>&1 &
  atrium_pid=$!
}

wait_http() { # $1 = url, $2 = pid, $3 = log
  for _ in $(seq 300); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2 || true; die "server exited: $1"; }
    sleep 0.2
  done
  cat "$3" >&2 || true; die "no answer from $1"
}

sign_in() { # $1 = cookie jar, $2 = login, $3 = password; prints the session state
  curl -sf -c "$1" -b "$1" -o /dev/null "$API/session"
  local csrf
  csrf="$(csrf_of "$1")"
  curl -sf -c "$1" -b "$1" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg l "$2" --arg p "$3" '{login:$l,password:$p}')" "$API/session" | jq -r .state
}
csrf_of() { awk '$6 == "atrium_csrf" { print $7 }' "$1"; }

# Creates the user $1 with password $2 through the admin, then an app password for it: sets APP_PW.
# $3 = a scratch directory for the cookie jars. API is the base of Atrium's REST API.
make_user() {
  local login=$1 password=$2 dir=$3 state
  state="$(sign_in "$dir/admin.jar" admin "$ADMIN_PW")"
  [[ "$state" == signed-in ]] || die "admin sign-in: state $state"
  curl -s --fail-with-body -b "$dir/admin.jar" -H "X-CSRF-Token: $(csrf_of "$dir/admin.jar")" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg l "$login" --arg p "$password" '{login:$l,password:$p,quota:null}')" "$API/users" >"$dir/user.json" \
    || { cat "$dir/user.json" >&2; echo >&2; die "could not create the user $login"; }
  state="$(sign_in "$dir/user.jar" "$login" "$password")"
  [[ "$state" == signed-in ]] || die "user sign-in: state $state"
  APP_PW="$(curl -sf -b "$dir/user.jar" -H "X-CSRF-Token: $(csrf_of "$dir/user.jar")" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$API/me/app-passwords" | jq -r .password)"
  [[ -n "$APP_PW" && "$APP_PW" != null ]] || die "could not create an app password"
}

random_secret() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Stops a server we started: TERM, up to 10 s to finish, then KILL. $1 = pid (may be empty).
end_process() {
  [[ -n "$1" ]] || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$1" 2>/dev/null || true
}

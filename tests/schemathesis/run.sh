#!/usr/bin/env bash
# schemathesis against the served OpenAPI document (issue 14): a `hallvote serve`
# on a free local port with a temporary database, tested twice, anonymously and as
# the organiser (session cookie and CSRF header), for server errors (5xx) and for
# answers that do not conform to the document (status codes, content types,
# headers, bodies). Any finding fails.
#
# The server keeps its rate limit (ADR 0011: 50 requests a second per address,
# bursts of 200); schemathesis is held under it with --rate-limit, so a 429 never
# stands in for an answer.
#
# Bounded to a few minutes on 2 cores: a few examples per operation and a time
# budget per run. Set SCHEMATHESIS_MAX_EXAMPLES / SCHEMATHESIS_MAX_TIME to go
# further by hand, SCHEMATHESIS_SEED to replay a run.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=4.32.5
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-8}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-90}
SEED=${SCHEMATHESIS_SEED:-14}
RATE=40/s
TARGET_DIR=${CARGO_TARGET_DIR:-target}
VENV=$(realpath -m "$TARGET_DIR/schemathesis-venv")

# schemathesis from PyPI, pinned, in a venv of its own.
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $VERSION" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
"$VENV/bin/schemathesis" --version

cargo build --locked --quiet --bin hallvote
HALLVOTE=$TARGET_DIR/debug/hallvote

# Everything of this run (database, key file, the server's output with the one-time
# password, the cookie) lives in a private folder that is removed at the end.
WORK=$(umask 077 && mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
(umask 077 && RUST_LOG=warn "$HALLVOTE" serve --db "$WORK/hallvote.db" --key-file "$WORK/server.key" \
  --listen "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/stderr") &
SERVER_PID=$!
for _ in $(seq 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/stderr" >&2; echo "hallvote serve did not start" >&2; exit 1; }
  sleep 0.2
done

# The first organiser's one-time password, printed once on stdout: read it from the
# private file, never echo it, and empty the file.
PASSWORD=$(sed -n 's/.*one-time password (shown only now): //p' "$WORK/stdout")
: >"$WORK/stdout"
[ -n "$PASSWORD" ] || { echo "no one-time password in hallvote serve's output" >&2; exit 1; }

json() { python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' "$@"; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# Log in, replace the one-time password (nothing else is allowed before), and keep
# the session and its CSRF token.
LOGIN=$(json username organiser password "$PASSWORD" | curl -fsS -c "$WORK/cookies" -H 'Content-Type: application/json' \
  --data-binary @- "$BASE/api/login")
CSRF=$(printf '%s' "$LOGIN" | field csrf_token)
NEW_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
json current "$PASSWORD" new "$NEW_PASSWORD" | curl -fsS -b "$WORK/cookies" -H 'Content-Type: application/json' \
  -H "X-CSRF-Token: $CSRF" --data-binary @- "$BASE/api/password" >/dev/null
unset PASSWORD NEW_PASSWORD
SESSION=$(awk '$6 == "hallvote_session" { print $7 }' "$WORK/cookies")
[ -n "$SESSION" ] || { echo "no session cookie after login" >&2; exit 1; }

# A congress, its session with the 120-delegate roll, and a motion poll, each the
# first of its kind (id 1), so that the organiser's run reaches the handlers
# behind the ids rather than their 404.
api() {
  local method=$1 path=$2 type=$3 body=$4
  curl -fsS -o /dev/null -X "$method" -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF" -H "Content-Type: $type" \
    --data-binary "$body" "$BASE$path"
}
api POST /api/congresses application/json '{"name": "中国共产党青山镇第十五届代表大会", "number": 15, "term_years": 5}'
api POST /api/congresses/1/sessions application/json '{"number": 3, "place": "镇会议中心", "date": "2026-12-03"}'
api PUT /api/congresses/1/roster text/csv @server/tests/data/roster-120.csv
api POST /api/sessions/1/polls application/json \
  '{"name": "表决", "contests": [{"id": "motion", "title": "表决事项", "type": "motion", "items": ["工作报告"]}]}'
printf '[parameters]\n"path.id" = 1\n' >"$WORK/pinned.toml"

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
run() {
  local who=$1
  shift
  echo "== schemathesis, $who =="
  # From the private folder: schemathesis keeps a cache of what it found in the
  # working directory, which is not the repository's.
  (cd "$WORK" && "$VENV/bin/schemathesis" "${CONFIG[@]}" run "$BASE/api/openapi.json" \
    --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" --seed "$SEED" \
    --rate-limit "$RATE" --workers 1 --request-timeout 20 --generation-database none \
    --phases examples,coverage,fuzzing --suppress-health-check all --no-color "$@")
}

status=0
CONFIG=()
run anonymous || status=1
# Path ids pinned to the objects made above (ids beyond them were tried anonymously).
CONFIG=(--config-file "$WORK/pinned.toml")
# As the organiser, except what would end the session under test: logging out,
# disabling an account or ending its sessions (the organiser's own among them).
# Those are tested anonymously above, and by server/tests/accounts.rs.
run organiser -H "Cookie: hallvote_session=$SESSION" -H "X-CSRF-Token: $CSRF" \
  --exclude-path /api/logout --exclude-path '/api/accounts/{id}/disable' \
  --exclude-path '/api/accounts/{id}/end-sessions' || status=1
exit $status

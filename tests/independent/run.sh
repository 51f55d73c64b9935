#!/usr/bin/env bash
# The independent check (docs/spec/README.md): export test vectors with the Rust code,
# then verify them with tests/independent/verify.py, which implements docs/spec alone.
# The write-in slots and the shuffle proof (§17, §18) are checked against the committed
# known-answer file crypto/tests/vectors/shuffle-v1.json, read as it is (no export), so
# that file's bytes, not only the Rust code that reads them, meet the spec. The list shares
# of §19 are checked the same way against crypto/tests/vectors/mix-decrypt-v1.json. The
# write-in mix of a record (§12.12, §13.11.1–§13.11.5) is checked on records the tally
# crate's export_mix_record example makes, an honest one and tampered copies.
# Works on a clean clone: installs its two PyPI packages under target/independent/.
# Prints only failures and the closing `N passed, M failed` line; the full per-case
# log is kept in target/independent/verify.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=target/independent
deps="$out/pydeps"
mkdir -p "$out"

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
  echo "independent check: needs Python ≥ 3.9 as '$python'" >&2
  exit 1
fi

# Install the pinned packages once per change of requirements.txt.
if ! cmp -s tests/independent/requirements.txt "$deps/.requirements.txt" 2>/dev/null; then
  rm -rf "$deps"
  if ! "$python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
    --target "$deps" -r tests/independent/requirements.txt >"$out/pip.log" 2>&1; then
    cat "$out/pip.log" >&2
    echo "independent check: pip install failed" >&2
    exit 1
  fi
  cp tests/independent/requirements.txt "$deps/.requirements.txt"
fi

cargo run -q --locked -p hallvote-crypto --example export_vectors >"$out/vectors.json"
# The board rules of §13.4 with cancelled credentials (§6.7) are the tally crate's.
cargo run -q --locked -p hallvote-tally --example export_board_vectors >"$out/board-vectors.json"
# Records with a write-in mix (§12.12) and tampered copies, for §13.11.1–§13.11.5.
cargo run -q --locked -p hallvote-tally --example export_mix_record >"$out/mix-records.json"

# rbcl writes its bundled libsodium to a temporary file on import and leaves it there;
# keep those files under target/ and remove them afterwards.
tmp="$out/tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
status=0
TMPDIR="$PWD/$tmp" PYTHONPATH="$PWD/$deps" "$python" tests/independent/verify.py "$out/vectors.json" "$out/board-vectors.json" \
  crypto/tests/vectors/shuffle-v1.json crypto/tests/vectors/mix-decrypt-v1.json "$out/mix-records.json" \
  >"$out/verify.log" 2>&1 || status=$?
rm -rf "$tmp"
grep -v '^✓' "$out/verify.log" || true
exit "$status"

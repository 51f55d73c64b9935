#!/bin/sh
# Rebuilds ../ristretto255.js from the npm packages pinned in package-lock.json
# (@noble/curves 2.4.0, @noble/hashes 2.4.0, bundled by esbuild 0.28.2) and checks
# that it is byte for byte the committed file. Needs node and npm; run from anywhere.
# To update: change the versions in package.json, `npm install --package-lock-only`,
# run this with UPDATE=1, read the diff, and update ../../README.md and docs/adr/0012.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts >/dev/null
{
  printf '%s\n' \
    '// @noble/curves 2.4.0 and @noble/hashes 2.4.0 (MIT, (c) 2022 Paul Miller, see LICENSE),' \
    '// the ristretto255 group only, bundled by esbuild 0.28.2 with' \
    '// server/assets/vendor/noble-curves-2.4.0/build/build.sh. Not edited by hand.'
  npx --no-install esbuild entry.js --bundle --format=esm --legal-comments=inline --log-level=warning
} > ristretto255.js
if [ "${UPDATE:-}" = 1 ]; then
  cp ristretto255.js "$here/../ristretto255.js"
  echo "updated $here/../ristretto255.js"
elif cmp -s ristretto255.js "$here/../ristretto255.js"; then
  echo "ristretto255.js is reproducible: $(sha256sum ristretto255.js | cut -d' ' -f1)"
else
  echo "ristretto255.js differs from the build" >&2
  exit 1
fi

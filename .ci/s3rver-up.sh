#!/usr/bin/env bash
# Installs s3rver, a fake S3 server in Node.js, for the S3 result cache's tests (tests/Stages.Tests/S3CacheTests.cs),
# and prints the path of its executable. The tests start and stop their own server from it; nothing runs here.
# Needs node and npm, and the npm registry the first time only: an installed copy is left as it is, so the tests
# need no network. The folder is git-ignored; delete it to reinstall.
set -euo pipefail
version=3.7.1
dir="$(cd "$(dirname "$0")" && pwd)/tools/s3rver"
bin="$dir/node_modules/.bin/s3rver"
# The installed version is checked too, so that raising $version above reinstalls.
if [ ! -x "$bin" ] || [ "$(node -p 'require(process.argv[1]).version' "$dir/node_modules/s3rver/package.json" 2>/dev/null)" != "$version" ]; then
  command -v npm >/dev/null || { echo "s3rver-up: npm is not installed (s3rver needs node and npm)" >&2; exit 1; }
  mkdir -p "$dir"
  # A package.json of its own keeps npm from walking up into the repository looking for one.
  [ -f "$dir/package.json" ] || echo '{ "name": "sae-ci-s3rver", "private": true }' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "s3rver@$version" >/dev/null
fi
echo "$bin"

#!/usr/bin/env bash
# Refreshes testdata/ from the shared data directory beside the checkout (../shared by default,
# or the directory given as the first argument), then says what changed.
#
#   scripts/refresh-testdata.sh [SHARED_DIR]
#
# Copied: conformance/ (AWS-recorded cases), corpus/ (real-world definitions and validator
# fixtures), bench/ (benchmark definitions) and jsonata-suite/ (the JSONata reference suite).
# Each keeps the README and licence files it came with; testdata/README.md names their origins.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$root/../shared}
if [ ! -d "$src" ]; then
  echo "refresh-testdata: $src does not exist; nothing to refresh from" >&2
  exit 1
fi
src=$(cd "$src" && pwd)
dst=$root/testdata
mkdir -p "$dst"
for d in conformance corpus bench jsonata-suite; do
  [ -d "$src/$d" ] || { echo "refresh-testdata: $src/$d is missing" >&2; exit 1; }
  rm -rf "$dst/$d.new"
  cp -R "$src/$d" "$dst/$d.new"
  chmod -R u+w "$dst/$d.new"
  rm -rf "$dst/$d"
  mv "$dst/$d.new" "$dst/$d"
done
cd "$root"
if git rev-parse --git-dir >/dev/null 2>&1; then
  changes=$(git status --porcelain --untracked-files=all -- testdata)
  if [ -z "$changes" ]; then
    echo "refresh-testdata: testdata/ is up to date with $src"
  else
    added=$(grep -c '^??' <<<"$changes" || true)
    modified=$(grep -c '^ M' <<<"$changes" || true)
    deleted=$(grep -c '^ D' <<<"$changes" || true)
    echo "refresh-testdata: from $src: $added added, $modified modified, $deleted deleted"
    echo "$changes" | head -n 50 | sed 's/^/  /'
    n=$(wc -l <<<"$changes")
    [ "$n" -le 50 ] || echo "  … and $((n - 50)) more (git status -- testdata)"
  fi
fi

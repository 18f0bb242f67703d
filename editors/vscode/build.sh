#!/usr/bin/env bash
# Builds the hegui VS Code extension: installs the locked dependencies, runs the
# TextMate grammar tests and the unit tests, type-checks and bundles the
# extension, and packages editors/vscode/hegui-<version>.vsix.
# Needs Node 20+ and npm with access to the npm registry. Non-interactive.
set -euo pipefail
export CI=true
cd "$(dirname "${BASH_SOURCE[0]}")"

step() { printf '\n== %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "build.sh: Node 20 or later is needed (found $(node --version))" >&2
  exit 1
fi

step "npm ci"
npm ci --no-audit --no-fund

step "grammar tests"
npx --no-install vscode-tmgrammar-test "test/grammar/*.hegui"

step "type-check"
npm run --silent typecheck

step "bundle"
npm run --silent bundle

step "unit tests"
node --test test/unit/

version=$(node -p 'require("./package.json").version')
vsix="hegui-${version}.vsix"

step "package ${vsix}"
rm -f hegui-*.vsix
# vsce runs vscode:prepublish (type-check + bundle) again; it is quick.
npx --no-install vsce package --no-dependencies --out "$vsix"

step "check ${vsix}"
files=$(npx --no-install vsce ls --no-dependencies)
for f in package.json dist/extension.js syntaxes/hegui.tmLanguage.json \
         snippets/hegui.json language-configuration.json README.md LICENSE; do
  if ! grep -qx "$f" <<<"$files"; then
    echo "build.sh: $f is missing from the package" >&2
    exit 1
  fi
done
if grep -E '^(src/|test/|node_modules/)' <<<"$files"; then
  echo "build.sh: files above should not be in the package" >&2
  exit 1
fi
test -s "$vsix"
echo "built $(pwd)/$vsix"

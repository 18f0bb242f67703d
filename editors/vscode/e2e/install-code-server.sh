#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) into $1 from the npm registry
# alone: its install scripts would download ripgrep and Node headers from other
# hosts, so they are skipped and their work done here with Debian's packages
# (ripgrep, the Node headers under /usr, build-essential for the native modules).
# Needs: node 20, npm, and apt packages build-essential python3 pkg-config
# libkrb5-dev ripgrep.
set -euo pipefail
prefix=${1:?usage: install-code-server.sh PREFIX}
version=4.100.3
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

export npm_config_nodedir=/usr   # node-gyp: Debian's Node headers, no download
export npm_config_yes=true       # node-pty's postinstall runs `npx node-gyp`
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

npm install -g --prefix "$prefix" --ignore-scripts "code-server@$version" >/dev/null
root="$prefix/lib/node_modules/code-server"
test -f "$root/lib/vscode/package.json"

# What code-server's postinstall.sh does, without its downloads.
(
  cd "$root/lib/vscode"
  npm install --omit=dev --ignore-scripts >/dev/null
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild >/dev/null
  # VS Code loads its modules through node_modules.asar.
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
  cd extensions
  npm install --omit=dev --ignore-scripts >/dev/null
)
(cd "$root" && npm rebuild argon2 >/dev/null)
test -x "$prefix/bin/code-server"
"$prefix/bin/code-server" --version

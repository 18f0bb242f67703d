#!/usr/bin/env bash
# The hegui extension in a real VS Code: installs code-server 4.100.3 (VS Code
# 1.100.3) and playwright-core from npm, installs the .vsix into it and drives
# it in Debian's headless Chromium (drive.mjs), twice:
#   trusted    workspace trust off: diagnostics as squiggles and in the
#              Problems panel, hover, completion, quick fixes, formatting, a
#              typo and back; the workspace's own hegui.server.path ignored;
#   restricted workspace trust on, the folder not trusted: the extension still
#              runs (Restricted Mode) and the workspace's path is ignored;
#   multiroot  a .code-workspace of two roots declaring the same names: each
#              is its own hegui workspace (no "defined twice"), with its own
#              hegui.toml.
# Usage: run.sh VSIX HEGUI_BINARY
# Installs everything itself (npm registry and Debian packages only). To reuse
# an installation between runs, set HEGUI_E2E_CACHE to a folder; without it
# everything goes into a fresh temporary folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
vsix=$(realpath "${1:?usage: run.sh VSIX HEGUI_BINARY}")
hegui=$(realpath "${2:?usage: run.sh VSIX HEGUI_BINARY}")
playwright_version=1.65.1
t0=$(date +%s)


log() { printf '== [%3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

pkgs=(build-essential python3 pkg-config libkrb5-dev ripgrep chromium fonts-noto-cjk)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/hegui-e2e.XXXXXX)
# code-server writes a default config under $XDG_CONFIG_HOME: keep it here.
export XDG_CONFIG_HOME="$work/config"
cache=${HEGUI_E2E_CACHE:-$work/cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

cs="$cache/code-server/bin/code-server"
if ! [ -x "$cs" ] || ! "$cs" --version 2>/dev/null | grep -q '^4\.100\.3 '; then
  log "install code-server 4.100.3"
  rm -rf "$cache/code-server"
  bash "$here/install-code-server.sh" "$cache/code-server"
fi
driver="$cache/driver"
if ! [ -f "$driver/node_modules/playwright-core/package.json" ] ||
   [ "$(node -p "require('$driver/node_modules/playwright-core/package.json').version")" != "$playwright_version" ]; then
  log "install playwright-core $playwright_version"
  mkdir -p "$driver"
  (cd "$driver" && echo '{"private":true}' >package.json &&
   npm install --no-audit --no-fund --no-save "playwright-core@$playwright_version" >/dev/null)
fi
# ESM resolves packages from the script's folder.
cp "$here/drive.mjs" "$driver/drive.mjs"

data="$work/data"
exts="$work/extensions"
mkdir -p "$data/User" "$data/Machine" "$work/shots"
# The server path at machine level (the only level hegui.server.path takes),
# the rest at user level.
cat >"$data/Machine/settings.json" <<EOF
{ "hegui.server.path": "$hegui" }
EOF
cat >"$data/User/settings.json" <<EOF
{
  "hegui.lang": "en",
  "hegui.asOf": "2026-03-01",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "editor.inlayHints.enabled": "on",
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.untrustedFiles": "open",
  "telemetry.telemetryLevel": "off"
}
EOF

log "install $(basename "$vsix")"
"$cs" --user-data-dir "$data" --extensions-dir "$exts" --install-extension "$vsix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }

# A workspace whose own settings point hegui.server.path at a program that
# leaves a mark: it must never run.
make_workspace() {
  local ws=$1
  cp -r "$repo/examples/s5-wearable" "$ws"
  mkdir -p "$ws/.vscode"
  cat >"$ws/evil.sh" <<EOF
#!/bin/sh
touch "$ws.ran"
exec "$hegui" "\$@"
EOF
  chmod +x "$ws/evil.sh"
  cat >"$ws/.vscode/settings.json" <<EOF
{ "hegui.server.path": "$ws/evil.sh" }
EOF
}

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
cleanup() {
  stop_server
  # Without a cache, the installation goes with the run.
  [ -n "${HEGUI_E2E_CACHE:-}" ] || rm -rf "$work/cache"
}
trap cleanup EXIT

start_server() { # extra code-server flags…
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "$cs" --auth none --bind-addr "127.0.0.1:$port" --user-data-dir "$data" \
    --extensions-dir "$exts" --disable-telemetry --disable-update-check \
    --disable-getting-started-override "$@" >>"$work/code-server.log" 2>&1 &
  server_pid=$!
  # Up to 3 minutes: a loaded machine (parallel builds) starts it slowly.
  for _ in $(seq 1 360); do
    if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      url="http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  cat "$work/code-server.log"
  echo "run.sh: code-server did not start" >&2
  exit 1
}

run_phase() { # phase workspace
  E2E_URL=$url E2E_PHASE=$1 E2E_WORKSPACE=$2 E2E_MARKER="$2.ran" E2E_SHOTS="$work/shots" E2E_HEGUI=$hegui \
    node "$driver/drive.mjs" || {
      echo "run.sh: the $1 phase failed; code-server's log: $work/code-server.log" >&2
      ls "$work/shots" >&2
      exit 1
    }
}

make_workspace "$work/trusted"
log "code-server, workspace trust off"
start_server --disable-workspace-trust
run_phase trusted "$work/trusted"
stop_server

make_workspace "$work/restricted"
log "code-server, workspace trust on"
start_server
run_phase restricted "$work/restricted"
stop_server

# A multi-root window (a .code-workspace file): two copies of the same
# declarations, each root its own hegui workspace; the second's hegui.toml
# names a rule that does not exist (a config error in that file alone).
multi="$work/multi"
mkdir -p "$multi"
cp -r "$repo/examples/s5-wearable" "$multi/one"
cp -r "$repo/examples/s5-wearable" "$multi/two"
cat >"$multi/two/hegui.toml" <<EOF
[rules."NO-SUCH-RULE"]
severity = "error"
reason = "A typo in the rule id."
EOF
cat >"$multi/both.code-workspace" <<EOF
{ "folders": [{ "path": "one" }, { "path": "two" }] }
EOF
log "code-server, a multi-root workspace"
start_server --disable-workspace-trust
run_phase multiroot "$multi/both.code-workspace"
stop_server

log "the hegui extension passed in VS Code $("$cs" --version | head -n1)"
rm -rf "$work/trusted" "$work/restricted" "$work/multi" "$work/cache"

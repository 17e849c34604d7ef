#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e, `npm run test:e2e`) need: Debian's Chromium,
# code-server 4.100.3 (VS Code 1.100.3 on Node 20) outside the project's dependency tree; checks
# that playwright-core (a devDependency) is installed. Idempotent: every step checks first and says what it does.
# Recipe: shared/docs/real-vscode.md. The folder is $DB_AUDIT_E2E_DIR (default ~/.cache/db-audit-e2e).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
E2E_DIR="${DB_AUDIT_E2E_DIR:-$HOME/.cache/db-audit-e2e}"
say() { echo "[setup-e2e] $*"; }

# 1. Debian packages: Chromium, ripgrep, and the headers code-server's native modules build against.
packages=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
else
  say "Debian packages present: ${packages[*]}"
fi

# 2. @vscode/ripgrep (a code-server dependency) downloads rg from GitHub unless its cache has it.
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ -f "$tarball" ]; then
  say "ripgrep cache present: $tarball"
else
  say "ripgrep cache: packing Debian's rg into $tarball"
  mkdir -p "$cache/x"
  cp "$(command -v rg)" "$cache/x/rg"
  tar czf "$tarball" -C "$cache/x" rg
fi

# 3. code-server, in its own folder (large: about 5 minutes cold).
cs_dir="$E2E_DIR/code-server"
cs_bin="$cs_dir/node_modules/.bin/code-server"
if [ -x "$cs_bin" ] && [ "$(node -p "require('$cs_dir/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]; then
  say "code-server $CODE_SERVER_VERSION present: $cs_bin"
else
  say "npm install code-server@$CODE_SERVER_VERSION into $cs_dir (about 5 minutes)"
  mkdir -p "$cs_dir"
  # unsafe_perm: its postinstall refuses to run as root otherwise; yes: a nested `npx node-gyp` would ask.
  npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --no-save --prefix "$cs_dir" "code-server@$CODE_SERVER_VERSION" </dev/null
fi

# 4. playwright-core is a devDependency (no browser download: the tests drive /usr/bin/chromium).
if [ -f "$(dirname "$0")/../node_modules/playwright-core/package.json" ]; then
  say "playwright-core present (devDependency)"
else
  say "playwright-core missing: run npm ci first"
  exit 1
fi

say "ready: code-server $("$cs_bin" --version | head -1), chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"

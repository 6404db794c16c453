#!/usr/bin/env bash
# Installs what the wizard, its lab and its tests need on a fresh Debian machine of this project's
# kind (Node 20 and the .NET SDK present). Idempotent: skips whatever is already there.
#   scripts/bootstrap.sh          everything (tests, lab)
#   scripts/bootstrap.sh --app    only the npm packages (enough to build and serve the wizard)
#   scripts/bootstrap.sh --lab    the npm packages and PowerShell 7 (the wizard and its built-in lab)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

install_node_modules() {
  # node-gyp would download Node's headers (no route out here); the system Node ships them.
  if [ -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true)" ] && [ -f /usr/include/node/node_version.h ] \
    && [ "$(command -v node)" = /usr/bin/node ]; then
    export npm_config_nodedir=/usr
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci (better-sqlite3 compiles from source: about two minutes)"
    npm ci --no-audit --no-fund
  fi
}

install_pwsh() {
  export PATH="$PATH:$HOME/.dotnet/tools"
  if ! command -v pwsh >/dev/null; then
    say "PowerShell 7.6.9 (dotnet tool)"
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
  fi
}

install_system() {
  local apt=()
  [ -x /usr/bin/chromium ] || apt+=(chromium)
  command -v tsql >/dev/null || apt+=(freetds-bin)
  dpkg -s tdsodbc >/dev/null 2>&1 || apt+=(tdsodbc)
  command -v isql >/dev/null || apt+=(unixodbc)
  command -v pdftoppm >/dev/null || apt+=(poppler-utils)
  command -v openssl >/dev/null || apt+=(openssl)
  /usr/bin/python3 -c 'import winrm, requests_ntlm' 2>/dev/null || apt+=(python3-winrm python3-requests-ntlm)
  if [ ${#apt[@]} -gt 0 ]; then
    local sudo=''
    [ "$(id -u)" = 0 ] || sudo='sudo'
    say "apt-get install ${apt[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt[@]}" >/dev/null
  fi

  install_pwsh

  local pester_dir="$HOME/.local/share/powershell/Modules/Pester/5.7.1"
  if [ ! -f "$pester_dir/Pester.psd1" ]; then
    say "Pester 5.7.1 (NuGet)"
    local tmp
    tmp=$(mktemp -d)
    cat >"$tmp/restore.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[5.7.1]" /></ItemGroup>
</Project>
XML
    dotnet restore "$tmp/restore.csproj" --packages "$tmp/packages" >/dev/null
    mkdir -p "$(dirname "$pester_dir")"
    cp -r "$tmp/packages/pester/5.7.1/tools" "$pester_dir"
    rm -rf "$tmp"
  fi
}

install_node_modules
case "${1:-}" in
  --app) ;;
  --lab) install_pwsh ;;
  *) install_system ;;
esac

#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) need, from package registries only:
#   Debian's Chromium, a Java runtime and fonts (apt), and axe-core and the Nu HTML
#   Checker pinned in package-lock.json (npm, with install scripts off); and Debian's
#   nginx for the receiver's slow-client test behind the documented proxy
#   (tests/receiver/test_receiver_slow.py).
# Never downloads a browser of its own. Safe to run again; skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || packages+=(npm)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || packages+=(fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx-light)

if [ "${#packages[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "ci-setup: need root to install: ${packages[*]}" >&2
        exit 1
    fi
    echo "ci-setup: apt-get install ${packages[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" </dev/null
fi

echo "ci-setup: npm ci (axe-core, vnu-jar)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null

/usr/bin/chromium --version
java -version 2>&1 | head -n 1
test -f node_modules/axe-core/axe.min.js
test -f node_modules/vnu-jar/build/dist/vnu.jar
"$(command -v nginx || echo /usr/sbin/nginx)" -v
echo "ci-setup: browser-test tools ready"

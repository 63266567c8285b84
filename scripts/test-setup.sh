#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the programs the browser, PDF and terminal tests drive, beyond
# node_modules. Installs the missing Debian packages when it can (root, or sudo without a password), as .ci/run
# does; otherwise stops at once with the one command to run, instead of a hundred failing tests.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)       # playwright-core drives Debian's /usr/bin/chromium
command -v tmux >/dev/null 2>&1 || need+=(tmux)     # the terminal-menu tests
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils) # the printed-sheet tests (pdfinfo, pdftoppm)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0

install="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo); else as_root=(none); fi
  if [ "${as_root[0]:-}" != none ]; then
    echo "npm test: installing the Debian packages the tests need: ${need[*]}"
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
    exit 0
  fi
fi
echo "npm test needs these packages first: ${need[*]}" >&2
echo "Install them, then run npm test again:" >&2
echo "  sudo sh -c '$install'" >&2
exit 1

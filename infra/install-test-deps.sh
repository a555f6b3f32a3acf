#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages: Debian's Chromium (driven by
# Playwright through executable_path; no browser is ever downloaded) and the fonts it renders
# with. PostgreSQL and Redis are expected to be running already (DATABASE_URL, REDIS_URL).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
command -v msgfmt >/dev/null || need+=(gettext)
# The antivirus tests start their own clamd (unix socket in tmp, a one-line EICAR signature:
# no signature download); freshclam and the Debian service are not used.
[ -x /usr/sbin/clamd ] || need+=(clamav-daemon)
# The deployment test starts Debian's nginx in front of the application processes, and reads
# a database dump back with PostgreSQL's own client tools.
command -v nginx >/dev/null || need+=(nginx-light)
command -v pg_dump >/dev/null || need+=(postgresql-client)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# Emoji reactions render as boxes in screenshots without it (tests do not depend on it).
fc-list 2>/dev/null | grep -qi "noto color emoji" || need+=(fonts-noto-color-emoji)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installation des paquets Debian requis par les tests : ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages berth builds, tests and runs with. Quiet and quick when all are present.
set -euo pipefail
packages=(
  libseccomp-dev libcap-dev libarchive-dev libsqlite3-dev libnftables-dev pkg-config   # linked by berth
  busybox-static nginx gcc libc6-dev python3            # rootfs-fixtures: images built from Debian packages
  iproute2 curl util-linux                              # demo and tests: nsenter, ip, curl
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's nginx package would start a host nginx on port 80 where a service manager runs; berth only
  # needs its files, so keep services from starting during the install.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The aws CLI and boto3 (from PyPI, as this project's machines get them) for the compatibility tests.
if ! python3 -c "import awscli, boto3" 2>/dev/null || ! command -v aws >/dev/null; then
  echo "installing: awscli boto3"
  python3 -m pip install -q awscli boto3 2>/dev/null \
    || python3 -m pip install -q --break-system-packages awscli boto3 2>/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli python3-boto3 >/dev/null; }
fi

#!/usr/bin/env bash
# Installs the Debian packages berth builds, tests and runs with, and the aws CLI from PyPI. Quiet and
# quick when all are present. Every program the build, the fixtures, the tests and the demo execute is
# here, each with the package that holds it; scripts/fresh-machine/run.sh proves the list on a minimal
# Debian root. (The VM lane and the bench install their own extras: scripts/vm-lane/install-tools.sh,
# bench/run.sh.)
set -euo pipefail
packages=(
  # The Swift toolchain (/opt/swift) itself: its linker, the C runtime it links against, the libraries
  # its binaries load, and git for SwiftPM to fetch the package dependencies.
  binutils libc6-dev libgcc-12-dev libstdc++-12-dev libcurl4 libxml2 libedit2 libncurses6 libsqlite3-0 git make
  # Linked by berth.
  libseccomp-dev libcap-dev libarchive-dev libsqlite3-dev libnftables-dev pkg-config
  # rootfs-fixtures/build.sh: images built from Debian packages (readelf and ldd come with binutils, libc-bin).
  busybox-static nginx gcc python3
  # Tests and demo: ip, ss, nstat (iproute2); nft (nftables: the tests read back berth's rules); sysctl
  # (procps); nsenter, unshare (util-linux); curl; pip for the aws CLI and boto3 below.
  iproute2 nftables procps util-linux curl python3-pip
  # /etc/protocols and /etc/services, which every installed Debian has and a minimal root lacks: without
  # them nftables lists protocol numbers ("6 . 80"), not names ("tcp . 80").
  netbase
  # The registry lab (Tests/RegistryLab): a real registry on loopback (docker-registry: distribution
  # 2.8.2), skopeo to push images into it, htpasswd -B for bcrypt users (apache2-utils), and openssl for
  # its test CA and token-signing certificate; gzip for an uncompressed-layer image; script(1) (bsdutils)
  # gives a pull a terminal.
  docker-registry skopeo apache2-utils openssl gzip bsdutils
  # The network benchmark test (BERTH_NETWORK_BENCH=1): wrk and iperf3 against nginx.
  wrk iperf3
  # A JVM task: its image is built from Debian's JRE.
  openjdk-17-jre-headless
)
# One dpkg-query for the lot: "name status" per package. A package dpkg never heard of prints nothing and
# makes it exit 1, which is not an error here.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
installed=$(awk '/ install ok installed$/ { print $1 }' <<<"$installed")
missing=()
for package in "${packages[@]}"; do
  grep -qxF "$package" <<<"$installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's nginx, iperf3 and docker-registry packages would start host services where a service manager
  # runs; berth only needs their files, so keep services from starting during the install (and leave a
  # policy that was already there alone).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  # apt's output only when it fails (debconf chatters on stderr even with -qq).
  log=$(apt-get install -y -qq --no-install-recommends "${missing[@]}" 2>&1) || { echo "$log" >&2; exit 1; }
fi

# The aws CLI and boto3 from PyPI, as this project's machines get them, for the compatibility tests, at
# the botocore release whose ECS model generated Sources/ECSModel/Generated/ShapeTable.swift: the tests
# compare berth's output with the aws CLI's, and a newer model has new fields. (awscli 1.X.Y pins
# botocore 1.(X-2).Y.) Move these with the model when it is regenerated.
aws_cli=(awscli==1.45.11 boto3==1.43.11 botocore==1.43.11)
# The python3 that runs them is the one on PATH (the tests call `python3` and `aws` through it).
# (Versions from metadata, not an import: importing boto3 takes longer than the whole rest of this script.)
if ! command -v aws >/dev/null || ! python3 - "${aws_cli[@]}" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version
sys.exit(any(version(name) != wanted for name, wanted in (pin.split("==") for pin in sys.argv[1:])))
EOF
then
  echo "installing: ${aws_cli[*]} (PyPI)"
  # Debian's python3 has pip from python3-pip (above); another python3 first on PATH (pyenv, a venv) may
  # have been built without it: its own bundled copy, no download.
  python3 -m pip --version >/dev/null 2>&1 || python3 -m ensurepip -q >/dev/null
  # Debian's python3 refuses a system-wide pip install (PEP 668) unless told; a pyenv or venv python
  # takes it plainly.
  pip=(python3 -m pip install -q)
  if python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
    pip+=(--break-system-packages)
  fi
  PIP_ROOT_USER_ACTION=ignore "${pip[@]}" "${aws_cli[@]}"
  command -v aws >/dev/null || { echo "install-deps: pip installed awscli but no aws on PATH ($PATH)" >&2; exit 1; }
fi

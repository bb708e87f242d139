#!/usr/bin/env bash
# What make bench runs besides berth, from Debian, each package only if its command is missing: the peers
# (crun, runc, Podman with the CNI plugins), the load generators (iperf3, wrk, hyperfine), nsenter, nft,
# iptables (Podman's portmap rules), strace (the launch timeline), GNU time (peak RSS), matplotlib (the charts).
# The rest (the toolchain, nginx, busybox, docker-registry, skopeo, ...) comes from scripts/install-deps.sh,
# which make bench runs first.
set -euo pipefail
PY=/usr/bin/python3   # Debian's, where python3-matplotlib lives (not a pyenv shim)
need=()
for pair in crun:crun runc:runc podman:podman iperf3:iperf3 wrk:wrk hyperfine:hyperfine nsenter:util-linux \
            nft:nftables iptables:iptables strace:strace; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
# Podman's `--network bridge` (bench/lib/peers.py) runs the CNI plugins bridge, host-local, portmap, firewall
# and tuning; naming the package also keeps apt from picking netavark for Podman's network stack.
[[ -x /usr/lib/cni/bridge ]] || need+=(containernetworking-plugins)
# GNU time for the pull section's peak RSS (%M); `command -v time` would find the shell keyword.
[[ -x /usr/bin/time ]] || need+=(time)
"$PY" -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
if ((${#need[@]})); then
    echo "bench: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # No package may start a service (iperf3's daemon, ...) while it installs.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        installed_policy=1
    fi
    install_rc=0
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y --no-install-recommends "${need[@]}"; } || install_rc=$?
    [[ -z ${installed_policy:-} ]] || rm -f /usr/sbin/policy-rc.d
    ((install_rc == 0)) || { echo "bench: could not install ${need[*]}" >&2; exit 1; }
fi

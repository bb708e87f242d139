#!/usr/bin/env bash
# scripts/fresh-machine/run.sh [MAKE_TARGET...]   (root; default target: test)
#
# What a newcomer's machine does with the README's commands, on this one: a minimal Debian 12 root
# (debootstrap --variant=minbase, plus make, the README's entry point), a clean clone of this checkout's
# HEAD, the Swift toolchain from /opt/swift (read-only) and SwiftPM's package copies from
# /opt/swift-packages (read-only, with this host's git url rewrite), then `make deps` and `make TARGET`
# as root with that root as / (pivot_root). Whatever install-deps.sh forgets, `make test` finds missing
# there.
#
# Two phases, each in namespaces of its own that vanish with it (mounts, processes):
#   1. `make deps` with the host's network: Debian packages from the host's configured mirror, the aws
#      CLI from PyPI (and, for `test-vm` or `bench`, their own tools and the VM lane's kernel package).
#   2. `make TARGET...` in a network namespace of its own, as on a machine of its own: its berthd's
#      bridge, nftables table, VPC and published ports never meet this host's or another berthd's.
#      Its `make deps` must then find everything present and install nothing.
#
# Cheap to repeat: the debootstrap tarball, apt's downloaded packages and pip's cache live under
# BERTH_FRESH_CACHE (default /var/cache/berth-fresh). The root itself is new each run and removed after,
# also on failure or interrupt, unless BERTH_FRESH_KEEP=1 (then its path is printed; remove it with
# `rm -rf --one-file-system PATH`). BERTH_FRESH_REV=REV clones that commit instead of HEAD.
set -euo pipefail
umask 022
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${BERTH_FRESH_CACHE:-/var/cache/berth-fresh}
suite=bookworm
targets=("$@")
((${#targets[@]})) || targets=(test)
say() { printf '\nfresh-machine: %s\n' "$*" >&2; }
die() { echo "fresh-machine: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (debootstrap, namespaces, and make test's root suites)"
[[ -x /opt/swift/usr/bin/swift ]] || die "no Swift toolchain at /opt/swift"
[[ -d /opt/swift-packages ]] || die "no /opt/swift-packages (SwiftPM's package copies)"
sha=$(git -C "$repo" rev-parse --verify "${BERTH_FRESH_REV:-HEAD}^{commit}")
[[ -n ${BERTH_FRESH_REV:-} || -z $(git -C "$repo" status --porcelain --untracked-files=no) ]] ||
    say "note: uncommitted changes in $repo are not part of the run (it clones HEAD $sha)"

# debootstrap runs on this host: Debian's package.
if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The Debian sources this host's apt uses for $suite (its deb822 stanzas and one-line entries whose suites
# are $suite or $suite-*), printed in the same form: the root gets the same mirror, updates and security.
# deb822 mode prints the stanzas, "mirror" the first URI serving $suite itself.
deb822() {
    local file
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f $file ]] || continue
        awk -v suite="$suite" -v mode="$1" 'BEGIN { RS = ""; FS = "\n" }
            function value(line) { sub(/^[^:]*:[ \t]*/, "", line); return line }
            {
                types = suites = uris = ""
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^Types:/) types = value($i)
                    else if ($i ~ /^Suites:/) suites = value($i)
                    else if ($i ~ /^URIs:/) uris = value($i)
                }
                if ((" " types " ") !~ / deb /) next
                ours = exact = 0
                n = split(suites, s, /[ \t]+/)
                for (j = 1; j <= n; j++) {
                    if (s[j] == suite) exact = 1
                    if (s[j] == suite || index(s[j], suite "-") == 1) ours = 1
                }
                if (mode == "mirror" && exact) { split(uris, u, /[ \t]+/); print u[1]; exit }
                if (mode == "stanzas" && ours) print $0 "\n"
            }' "$file"
    done
}
one_line() {
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
        awk -v suite="$suite" -v mode="$1" '{ line = $0; sub(/\[[^]]*\]/, "") }
            $1 == "deb" && ($3 == suite || index($3, suite "-") == 1) {
                if (mode == "lines") print line
                else if ($3 == suite) { print $2; exit }
            }'
}
sources=$(deb822 stanzas)
lines=$(one_line lines)
mirror=$(deb822 mirror; one_line mirror)
mirror=${mirror%%$'\n'*}
[[ -n $mirror ]] || die "no Debian $suite mirror in /etc/apt/sources.list*"

# 1. The minimal root, from a cached tarball of debootstrap's packages.
mkdir -p "$cache/roots" "$cache/apt-archives/partial" "$cache/pip"
include=make
tarball=$cache/$suite-minbase-$include.tgz
if [[ ! -f $tarball ]]; then
    say "debootstrap: downloading $suite (minbase, $include) into $tarball"
    work=$(mktemp -d "$cache/tarball.XXXXXX")
    debootstrap --variant=minbase --include="$include" --make-tarball="$work/t.tgz" "$suite" "$work/root" "$mirror" >&2
    mv "$work/t.tgz" "$tarball"
    rm -rf --one-file-system "$work"
fi

phase_pid=
root=$(mktemp -d "$cache/roots/root.XXXXXX")
chmod 0755 "$root" # mktemp's 0700 would shut every user but root out of the whole tree
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    # A phase cut short: unshare ignores SIGTERM while it waits, and its death SIGKILLs the phase's PID 1
    # (--kill-child), so the whole PID namespace goes.
    if [[ -n $phase_pid ]]; then
        kill -KILL "$phase_pid" 2>/dev/null || true
        wait "$phase_pid" 2>/dev/null || true
    fi
    # Every mount was made in the phases' own mount namespaces; none should be visible here.
    local mounts
    mounts=$(awk -v r="$root" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    if [[ -n $mounts ]]; then
        say "unmounting leftovers: $mounts"
        while read -r m; do umount -l "$m" || true; done <<<"$mounts"
    fi
    if [[ ${BERTH_FRESH_KEEP:-} == 1 ]]; then
        say "kept the root: $root"
    else
        rm -rf --one-file-system "$root"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "debootstrap: unpacking $suite into $root"
debootstrap --variant=minbase --include="$include" --unpack-tarball="$tarball" "$suite" "$root" "$mirror" >&2

# apt: the host's Debian sources for this suite.
rm -f "$root/etc/apt/sources.list"
[[ -z $sources ]] || printf '%s\n' "$sources" >"$root/etc/apt/sources.list.d/debian.sources"
[[ -z $lines ]] || printf '%s\n' "$lines" >"$root/etc/apt/sources.list"
# What an installed Debian has and minbase leaves out: names for loopback.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# git: this host's url rewrites (github.com addresses read from /opt/swift-packages), system-wide.
for scope in --system --global; do
    git config "$scope" --get-regexp '^url\..*\.insteadof$' 2>/dev/null || true
done | while read -r key value; do
    base=${key#url.}
    git config --file "$root/etc/gitconfig" --add "url.${base%.*}.insteadOf" "$value"
done
# pip trusts its own CA bundle, not the system's; this host may reach PyPI through a TLS-inspecting proxy
# that only the host's bundle trusts, so the root's pip gets a copy of it.
host_ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
pip_cert=()
if [[ -f $host_ca ]]; then
    cp "$host_ca" "$root/etc/host-ca-certificates.crt"
    pip_cert=("PIP_CERT=/etc/host-ca-certificates.crt")
fi

say "cloning $repo at $sha"
git clone -q --no-checkout "$repo" "$root/root/berth"
git -C "$root/root/berth" checkout -q -B fresh-machine "$sha"
git -C "$root/root/berth" remote remove origin

# phase NAME NET COMMAND: mounts, then the shell COMMAND in the clone in the fresh root, in new mount and
# PID namespaces (and a new network namespace unless NET is "host").
phase() {
    local name=$1 net=$2 command=$3
    local unshare=(unshare --mount --propagation private --pid --fork --kill-child)
    [[ $net == host ]] || unshare+=(--net)
    say "$name: $command (network: $net)"
    local start=$SECONDS status=0
    "${unshare[@]}" /bin/bash -euo pipefail -c '
        root=$1 cache=$2 net=$3
        shift 3
        # The root as a mount of its own: pivot_root(2) (below, and in berth-shim) moves mounts, not
        # directories.
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        # sysfs after the network namespace: /sys/class/net shows the namespace that mounted it.
        mount -t sysfs sysfs "$root/sys"
        # Every hierarchy of this hybrid host: v1 controllers and the unified v2 one.
        mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
        mkdir -p "$root/opt/swift" "$root/opt/swift-packages" "$root/root/.cache/pip"
        for ro in /opt/swift /opt/swift-packages; do
            mount --bind "$ro" "$root$ro"
            mount -o remount,bind,ro "$root$ro"
        done
        # Download caches only: packages are still unpacked and installed fresh.
        mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
        mount --bind "$cache/pip" "$root/root/.cache/pip"
        [[ $net == host ]] || ip link set lo up
        # pivot_root, not chroot: the fresh root becomes this mount namespace'\''s root, as on a booted
        # machine. Under a chroot, setns(2) into a task'\''s mount namespace (berth'\''s health checks and
        # exec) would land on the mount namespace'\''s root, the host'\''s /, instead of the task'\''s root.
        mkdir -p "$root/.host-root"
        cd "$root"
        pivot_root . .host-root
        cd /
        umount -l /.host-root
        rmdir /.host-root
        # Not exec (nor bash'\''s implicit exec of a last command): this shell stays PID 1 of the namespace
        # and reaps what gets orphaned (a SIGKILLed berthd'\''s shims), as init does on a machine.
        status=0
        /usr/bin/env -i \
            PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 TERM=dumb "${@:1:$#-1}" \
            /bin/sh -c "cd /root/berth && ${*: -1}" || status=$?
        exit "$status"
    ' phase "$root" "$cache" "$net" "${pip_cert[@]}" "$command" &
    # In the background, so a signal to this script runs the trap now instead of after the phase.
    phase_pid=$!
    wait "$phase_pid" || status=$?
    phase_pid=
    say "$name: exit $status after $((SECONDS - start)) s"
    return "$status"
}

# What the targets download, fetched while there is a network: the VM lane's and the bench's tools (their
# own installers) and the lane's kernel package.
downloads="make deps"
for target in "${targets[@]}"; do
    case $target in
    test-vm) downloads+=" && scripts/vm-lane/install-tools.sh && scripts/vm-lane/fetch-kernel.sh .build/vm >/dev/null" ;;
    bench) downloads+=" && bench/install-tools.sh" ;;
    esac
done
phase downloads host "$downloads"
phase "${targets[*]}" private "make ${targets[*]}"
say "passed: make ${targets[*]} on a fresh $suite root"

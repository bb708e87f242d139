#!/usr/bin/env bash
# make bench: berth against crun, runc and Podman on this machine, side by side (issue 7).
#
# Installs the peers and tools from Debian if missing, builds berth in release mode (its own scratch
# path, so it never clashes with a debug build), builds the fixture images if missing, then runs
# bench/bench.py, which writes bench/results/latest.md, latest.json and the PNG charts.
# Everything the run creates lives under one temp directory and is removed on exit (see
# bench/lib/workspace.py); BENCH_QUICK=1 gives a smoke run of a couple of minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "make bench: run as root (berthd, crun, runc and Podman need it)" >&2; exit 2; }

SWIFT=${SWIFT:-swift}
SCRATCH=${BENCH_SCRATCH:-.build-bench}
FIXTURES=${FIXTURES:-$PWD/.build/fixtures}
RESULTS=${BENCH_RESULTS:-$PWD/bench/results}
PY=/usr/bin/python3   # Debian's, where python3-matplotlib lives (not a pyenv shim)
export PYTHONDONTWRITEBYTECODE=1

say() { printf '\n== %s\n' "$*" >&2; }

# 1. Tools: the peers and the load generators, from Debian.
bench/install-tools.sh

# 2. berth, release build (BENCH_BIN_DIR=DIR measures binaries built elsewhere instead).
if [[ -n ${BENCH_BIN_DIR:-} ]]; then
    BIN=$(cd "$BENCH_BIN_DIR" && pwd)
    say "using berth binaries in $BIN (BENCH_BIN_DIR)"
else
    # Statically linked Swift runtime and Foundation, as berth ships: `berth` starts in ~9 ms instead of
    # ~16 ms (no symbol lookups over 40 shared libraries; measured on the 2-vCPU VM, median of 21).
    say "swift build -c release --static-swift-stdlib --scratch-path $SCRATCH"
    build_start=$(date +%s)
    "$SWIFT" build -c release --static-swift-stdlib --scratch-path "$SCRATCH" >&2
    BIN=$("$SWIFT" build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)
    echo "release build: $(( $(date +%s) - build_start )) s" >&2
fi
for binary in berth berthd berth-shim; do
    [[ -x $BIN/$binary ]] || { echo "make bench: $BIN/$binary is missing" >&2; exit 1; }
done

# 3. Fixture images (busybox, nginx as OCI layouts; busybox as a docker-archive too).
if [[ ! -f $FIXTURES/busybox.tar || ! -d $FIXTURES/nginx || ! -d $FIXTURES/busybox ]]; then
    say "building fixture images into $FIXTURES"
    rootfs-fixtures/build.sh "$FIXTURES" >&2
fi

# 4. The measurements. A short socket path: berthd's Unix socket lives under the temp dir.
TMP=$(mktemp -d /tmp/berth-bench.XXXXXX)
bench_pid=
cleanup() {
    local rc=$?
    # bench.py cleans up after itself, also on SIGINT/SIGTERM; this only catches a bench.py that died hard.
    if [[ -n $bench_pid ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    if [[ -d $TMP ]]; then
        grep -o " $TMP[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# berthd has no flags for its network names: every berthd on a host uses `inet berth`, bridge berth0, veths
# with berth's prefix and 10.88.0.0/16, and rebuilds that table and deletes veths it does not own when it
# starts. So by default the whole bench runs in a network namespace of its own (BENCH_NETNS=host: the
# host's), where its berthd, Podman and every client see only each other; it vanishes with the bench.
netns=()
if [[ ${BENCH_NETNS:-private} != host ]]; then
    netns=(unshare --net --)
fi
say "bench.py (results in ${RESULTS#$PWD/})"
BENCH_NETNS=${BENCH_NETNS:-private} "${netns[@]}" "$PY" bench/bench.py --bin-dir "$BIN" --fixtures "$FIXTURES" \
    --results "$RESULTS" --tmp "$TMP" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=
echo "make bench: see ${RESULTS#$PWD/}/latest.md" >&2
exit "$status"

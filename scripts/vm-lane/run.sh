#!/usr/bin/env bash
# The VM lane (DESIGN §6): boots Debian's kernel under qemu (TCG, no KVM: nested KVM hangs here) with
# this machine's root shared read-only over 9p, mounts pure cgroup v2 in the guest, chroots into the
# host root and runs the already-built test binary on the suites in VM_TEST_FILTER. The guest reports
# on the serial console with a marker line; no marker before VM_TIMEOUT seconds is a failure.
#
#   VM_TEST_BINARY   the built swift test binary (default: .build/debug/berthPackageTests.xctest)
#   VM_TEST_FILTER   swift-testing --filter regex (default: the Cgroups suites)
#   VM_TIMEOUT       seconds before the lane gives up (default 900)
#   VM_KERNEL        kernel package to boot (default: what linux-image-amd64 depends on)
#   VM_CACHE         where the kernel and initramfs live (default: .build/vm)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
binary=${VM_TEST_BINARY:-$repo/.build/debug/berthPackageTests.xctest}
filter=${VM_TEST_FILTER:-CgroupsTests}
timeout_seconds=${VM_TIMEOUT:-900}
cache=${VM_CACHE:-$repo/.build/vm}
marker=BERTH-VM-LANE-RESULT

say() { echo "vm-lane: $*" >&2; }

[[ $(id -u) == 0 ]] || { say "run as root (the guest's tests create cgroups as root)"; exit 2; }
[[ -x $binary ]] || { say "no test binary at $binary: build first (swift build --build-tests)"; exit 2; }
binary=$(realpath "$binary")

"$repo/scripts/vm-lane/install-tools.sh"
kernel_root=$("$repo/scripts/vm-lane/fetch-kernel.sh" "$cache")
kernel_version=$(ls "$kernel_root/lib/modules")
initrd=$cache/init.cpio.gz
"$repo/scripts/vm-lane/build-initramfs.sh" "$kernel_root" "$kernel_version" "$initrd" \
    "$binary" "$filter" "$repo" "$marker"

log=$cache/console.log
say "booting $kernel_version (TCG), running --filter '$filter'; console in $log"
start=$(date +%s)
set +e
timeout --kill-after=10 "$timeout_seconds" qemu-system-x86_64 \
    -accel tcg -cpu max -m 2048 -smp 2 -nographic -no-reboot \
    -kernel "$kernel_root/boot/vmlinuz-$kernel_version" -initrd "$initrd" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
    -append "console=ttyS0 panic=-1 quiet" </dev/null 2>&1 | tee "$log"
qemu_status=${PIPESTATUS[0]}
set -e
say "qemu exited ($qemu_status) after $(($(date +%s) - start)) s"

result=$(tr -d '\r' <"$log" | sed -n "s/^$marker rc=\([0-9]*\)$/\1/p" | tail -1)
if [[ -z $result ]]; then
    say "FAILED: no '$marker' line on the console (timeout ${timeout_seconds}s or a guest crash)"
    exit 1
fi
if [[ $result != 0 ]]; then
    say "FAILED: the tests exited $result in the VM"
    exit 1
fi
say "passed"

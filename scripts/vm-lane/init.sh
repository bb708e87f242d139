#!/bin/sh
# PID 1 of the VM lane's guest (busybox sh): modules, the host root over 9p (read-only) at /mnt, pure
# cgroup v2, tmpfs where the tests write, then the test binary chrooted into the host root. The result
# goes to the serial console as "$MARKER rc=N"; then the VM powers off.
/bin/busybox --install -s /bin
export PATH=/bin
. /lane.env
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r module; do
    insmod "/modules/$module" 2>/dev/null || echo "vm-lane guest: insmod $module failed"
done </modules/order

finish() {
    echo "$MARKER rc=$1"
    sync
    poweroff -f
}

# Foundation's run loop wakes itself through a loopback socket pair (CFSocket): lo must be up.
ip link set lo up || finish 89
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /mnt || finish 90
mount -t proc proc /mnt/proc
mount -t sysfs sysfs /mnt/sys
mount -t cgroup2 cgroup2 /mnt/sys/fs/cgroup || finish 91
mount -t devtmpfs devtmpfs /mnt/dev
# The checkout may live under /tmp or /run (a CI clone): keep it visible through the tmpfs laid on top.
mkdir -p /repo
mount -o bind "/mnt$REPO" /repo || finish 92
mount -t tmpfs tmpfs /mnt/tmp
mount -t tmpfs tmpfs /mnt/run
if [ ! -d "/mnt$REPO/.build" ]; then
    mkdir -p "/mnt$REPO" && mount -o bind /repo "/mnt$REPO" || finish 93
fi
echo "vm-lane guest: $(uname -r), cgroup2 controllers: $(cat /mnt/sys/fs/cgroup/cgroup.controllers)"

chroot /mnt /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TMPDIR=/tmp \
    BERTH_CGROUP_WINDOW_SECONDS="$WINDOW" BERTH_EXPECT_CGROUP_VERSION=v2 \
    BERTH_FIXTURES="$REPO/.build/fixtures" BERTH_BIN_DIR="$(dirname "$TEST_BINARY")" \
    /bin/sh -c 'cd "$1" && exec "$2" --testing-library swift-testing --filter "$3"' vm-lane \
    "$REPO" "$TEST_BINARY" "$TEST_FILTER"
finish $?

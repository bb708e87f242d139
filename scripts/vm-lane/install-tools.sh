#!/usr/bin/env bash
# What the VM lane needs on a fresh Debian machine: qemu (TCG), kmod (depmod/modprobe to resolve module
# order), busybox-static (the guest's userland), cpio and xz (the initramfs, compressed modules).
set -euo pipefail
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v depmod >/dev/null || [[ -x /usr/sbin/depmod ]] || missing+=(kmod)
[[ -x /bin/busybox ]] && /bin/busybox --list | grep -qx insmod || missing+=(busybox-static)
command -v cpio >/dev/null || missing+=(cpio)
command -v xz >/dev/null || missing+=(xz-utils)
command -v zstd >/dev/null || missing+=(zstd)
if ((${#missing[@]})); then
    echo "vm-lane: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

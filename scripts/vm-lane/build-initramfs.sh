#!/usr/bin/env bash
# The guest's initramfs: busybox-static, the modules DESIGN §6 lists (with their dependencies, in load
# order, resolved by kmod against the unpacked kernel), and init.sh with the run's parameters.
set -euo pipefail
kernel_root=$1 version=$2 output=$3 binary=$4 filter=$5 repo=$6 marker=$7
modules=(netfs fscache 9pnet 9p virtio_ring virtio 9pnet_virtio virtio_pci_modern_dev virtio_pci_legacy_dev
    virtio_pci overlay veth bridge nf_tables nft_chain_nat nft_nat nft_masq nf_conntrack nf_nat)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,mnt,modules}
cp /bin/busybox "$work/bin/busybox"
ln -s busybox "$work/bin/sh"

depmod=$(command -v depmod || echo /usr/sbin/depmod)
modprobe=$(command -v modprobe || echo /usr/sbin/modprobe)
[[ -f $kernel_root/lib/modules/$version/modules.dep ]] || "$depmod" -b "$kernel_root" "$version"
: >"$work/modules/order"
for module in "${modules[@]}"; do
    # "insmod /path/x.ko[.xz|.zst]" per dependency, dependencies first; "builtin x" needs nothing.
    { "$modprobe" -d "$kernel_root" -S "$version" --show-depends "$module" ||
        echo "vm-lane: module $module not in $version" >&2; } | while read -r verb path _; do
        [[ $verb == insmod ]] || continue
        name=$(basename "$path")
        name=${name%.xz}
        name=${name%.zst}
        [[ -f $work/modules/$name ]] && continue
        case $path in
        *.xz) xz -dc "$path" >"$work/modules/$name" ;;
        *.zst) zstd -qdc "$path" >"$work/modules/$name" ;;
        *) cp "$path" "$work/modules/$name" ;;
        esac
        echo "$name" >>"$work/modules/order"
    done
done

cp "$repo/scripts/vm-lane/init.sh" "$work/init"
chmod +x "$work/init"
{
    printf 'TEST_BINARY=%q\n' "$binary"
    printf 'TEST_FILTER=%q\n' "$filter"
    printf 'REPO=%q\n' "$repo"
    printf 'MARKER=%q\n' "$marker"
    printf 'WINDOW=%q\n' "${BERTH_CGROUP_WINDOW_SECONDS:-5}"
} >"$work/lane.env"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$output"

#!/usr/bin/env bash
# Downloads Debian's kernel package once into CACHE/kernel and unpacks it; prints the unpacked root.
set -euo pipefail
cache=$1
package=${VM_KERNEL:-$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)}
[[ -n $package ]] || { echo "vm-lane: cannot resolve the kernel package (apt-get update?)" >&2; exit 2; }
root=$cache/kernel/$package
if [[ ! -f $root/.unpacked ]]; then
    echo "vm-lane: downloading $package" >&2
    mkdir -p "$cache/kernel/download"
    (cd "$cache/kernel/download" && rm -f ./*.deb && apt-get download "$package" >&2)
    rm -rf "$root"
    dpkg-deb -x "$cache"/kernel/download/*.deb "$root"
    touch "$root/.unpacked"
fi
echo "$root"

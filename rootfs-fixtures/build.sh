#!/usr/bin/env bash
# build.sh OUTDIR
#
# Builds berth's test/demo images as OCI image layouts from Debian packages
# already installed on the host (busybox-static nginx gcc libc6-dev python3):
#
#   OUTDIR/busybox/      busybox + an applet symlink per applet, users/groups
#   OUTDIR/busybox.tar   the same image as a `docker save` archive
#   OUTDIR/probe/        busybox layer + /probe (static, from probe/probe.c)
#   OUTDIR/nginx/        Debian nginx + its libraries + busybox, then a second
#                        layer with a new index.html, a whiteout and an opaque dir
#   OUTDIR/jvm/          only if the host has OpenJDK 17 (openjdk-17-jre-headless):
#                        its headless runtime + libraries + busybox, Cmd java -version
#
# Output is deterministic: same host packages => same digests. Existing
# images in OUTDIR are replaced. No network access. See README.md.
set -euo pipefail
umask 022
export LC_ALL=C PYTHONDONTWRITEBYTECODE=1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Debian's python3 by default (a pyenv/venv shim on PATH only adds start-up time).
if [[ -n ${PYTHON:-} ]]; then PY=$PYTHON
elif [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3
else PY=python3; fi
CC=${CC:-gcc}
BUSYBOX=${BUSYBOX:-/bin/busybox}
NGINX=${NGINX:-/usr/sbin/nginx}
NGINX_MIME_TYPES=${NGINX_MIME_TYPES:-/etc/nginx/mime.types}
PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

die() { echo "build.sh: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
start_ns=$(date +%s%N)

for tool in "$PY" "$CC" readelf ldd realpath; do
    command -v "$tool" >/dev/null || die "missing tool: $tool (apt-get install busybox-static nginx gcc libc6-dev python3)"
done
[[ -x $BUSYBOX ]] || die "$BUSYBOX not found (apt-get install busybox-static)"
if readelf -l "$BUSYBOX" | grep -q 'program interpreter'; then
    die "$BUSYBOX is dynamically linked; install busybox-static instead of busybox"
fi
[[ -x $NGINX ]] || die "$NGINX not found (apt-get install nginx)"
[[ -f $NGINX_MIME_TYPES ]] || die "$NGINX_MIME_TYPES not found (apt-get install nginx)"

ARCH=$(dpkg --print-architecture 2>/dev/null || true)
if [[ -z $ARCH ]]; then
    case $(uname -m) in
        x86_64) ARCH=amd64 ;;
        aarch64) ARCH=arm64 ;;
        *) ARCH=$(uname -m) ;;
    esac
fi

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/berth-fixtures.XXXXXX")
# (wait: let background steps finish before their work dir goes away)
trap 'wait; rm -rf "$WORK"' EXIT

ocibuild() { "$PY" "$HERE/ocibuild.py" "$@"; }

# Independent steps (compiling, compressing) run in the background; the
# machine has few cores but gcc and gzip each keep one busy.
jobs_pids=()
spawn() { "$@" & jobs_pids+=($!); }
wait_all() {
    local p rc=0
    for p in "${jobs_pids[@]}"; do wait "$p" || rc=1; done
    jobs_pids=()
    [[ $rc -eq 0 ]] || die "a build step failed (see above)"
}

# put ROOT REL MODE  (content on stdin)
put() {
    mkdir -p "$1/$(dirname "$2")"
    cat >"$1/$2"
    chmod "$3" "$1/$2"
}

# copy SRC ROOT REL  (follows symlinks in SRC, keeps its permission bits)
copy() {
    mkdir -p "$2/$(dirname "$3")"
    cp -L "$1" "$2/$3"
    chmod "$(stat -L -c %a "$1")" "$2/$3"
}

# copy_libraries ROOT BINARY...  copies every library ldd lists for the
# BINARYs: each at its real path (e.g. /usr/lib/x86_64-linux-gnu/libz.so.1.2.13)
# plus a relative symlink at the path ldd names (/lib/x86_64-linux-gnu/libz.so.1,
# /lib64/ld-linux-x86-64.so.2) and a soname symlink next to the real file.
# /lib, /lib64 are real directories in the image (not usrmerge symlinks).
# LDD_MAY_MISS (a regex of library names) may be "not found": a library the
# program finds itself (the JVM's libjvm.so, loaded from its own lib/server).
copy_libraries() {
    local root=$1 binary lib real rel soname_link ldd_out libs
    shift
    for binary in "$@"; do
        ldd_out=$(ldd "$binary") || die "ldd $binary failed"
        if grep 'not found' <<<"$ldd_out" | grep -qvE "${LDD_MAY_MISS:-^$}"; then
            die "ldd $binary: missing libraries: $ldd_out"
        fi
        libs=$(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out")
        [[ -n $libs ]] || die "ldd $binary listed no libraries"
        grep -q 'ld-linux' <<<"$libs" || die "ldd $binary listed no dynamic loader"
        for lib in $libs; do
            real=$(readlink -f "$lib")
            [[ -f $real ]] || die "$lib -> $real is not a file"
            [[ -e $root$real ]] || copy "$real" "$root" "${real#/}"
            if [[ $lib != "$real" ]]; then
                mkdir -p "$root$(dirname "$lib")"
                rel=$(realpath -s -m --relative-to="$(dirname "$lib")" "$real")
                [[ -L $root$lib || -e $root$lib ]] || ln -s "$rel" "$root$lib"
                soname_link=$(dirname "$real")/$(basename "$lib")
                [[ -L $root$soname_link || -e $root$soname_link ]] || ln -s "$(basename "$real")" "$root$soname_link"
            fi
        done
    done
}

# ---------------------------------------------------------------------------
# probe: static binary from probe/probe.c, compiled in the background while
# the rest is staged. Compiled from inside probe/ with a relative source name
# so no build path ends up in the binary.
PROBE=$WORK/layers/probe
mkdir -p "$PROBE"
build_probe() {
    (cd "$HERE/probe" && "$CC" -std=c11 -static -O2 -Wall -Wextra -o "$PROBE/probe" probe.c)
    (cd "$HERE/probe" && "$CC" -std=c11 -static -O2 -Wall -Wextra -o "$PROBE/exewatch" exewatch.c)
    chmod 0755 "$PROBE/probe" "$PROBE/exewatch"
    ocibuild layer "$PROBE" "$WORK/probe.tar.gz" --quiet
}
spawn build_probe

# ---------------------------------------------------------------------------
# busybox: /bin/busybox and one relative symlink per applet, staged once and
# copied (cp -a keeps the symlinks) into every image that wants it.
BB_BIN=$WORK/busybox-bin
mkdir -p "$BB_BIN"
cp -L "$BUSYBOX" "$BB_BIN/busybox"
chmod 0755 "$BB_BIN/busybox"
"$PY" - "$BB_BIN" <<'EOF'
import os, subprocess, sys
bindir = sys.argv[1]
names = subprocess.run([os.path.join(bindir, "busybox"), "--list"], check=True,
                       capture_output=True, text=True).stdout.split()
for n in sorted(set(names)):
    if n == "busybox":
        continue
    if "/" in n or n in (".", ".."):
        sys.exit(f"odd busybox applet name {n!r}")
    os.symlink("busybox", os.path.join(bindir, n))
EOF

# Base filesystem of the busybox image.
BB=$WORK/layers/busybox
mkdir -p "$BB"
cp -a "$BB_BIN" "$BB/bin"
for d in sbin usr/bin usr/sbin etc root home/app tmp var proc sys dev mnt; do
    mkdir -p "$BB/$d"
done
chmod 0700 "$BB/root"
chmod 1777 "$BB/tmp"
put "$BB" etc/passwd 0644 <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
app:x:1000:1000:app:/home/app:/bin/sh
EOF
put "$BB" etc/group 0644 <<'EOF'
root:x:0:
daemon:x:1:
staff:x:50:app
app:x:1000:
extra:x:2000:app
nogroup:x:65534:
EOF
put "$BB" etc/hostname 0644 </dev/null

spawn ocibuild layer "$BB" "$WORK/busybox.tar.gz" --owner home/app=1000:1000 --quiet

# ---------------------------------------------------------------------------
# nginx layer 1: Debian's nginx, every library ldd lists, busybox.
NG1=$WORK/layers/nginx1
mkdir -p "$NG1"
cp -a "$BB_BIN" "$NG1/bin"
for d in sbin usr/bin usr/sbin etc/nginx root tmp run var/log/nginx var/lib/nginx \
         proc sys dev mnt usr/share/nginx/html usr/share/nginx/opaque; do
    mkdir -p "$NG1/$d"
done
chmod 0700 "$NG1/root"
chmod 1777 "$NG1/tmp"
# nginx's temp dirs, as nginx itself would create them (www-data, 0700), so
# a read-only rootfs works too.
nginx_owners=()
for d in body proxy fastcgi uwsgi scgi; do
    mkdir -p "$NG1/var/lib/nginx/$d"
    chmod 0700 "$NG1/var/lib/nginx/$d"
    nginx_owners+=(--owner "var/lib/nginx/$d=33:0")
done

copy "$NGINX" "$NG1" usr/sbin/nginx

copy_libraries "$NG1" "$NGINX"

copy "$NGINX_MIME_TYPES" "$NG1" etc/nginx/mime.types
put "$NG1" etc/nginx/nginx.conf 0644 <<'EOF'
# berth fixture. The image Cmd adds -g "daemon off;".
user www-data;
worker_processes 1;
error_log /dev/stderr;
pid /run/nginx.pid;

events {
    worker_connections 64;
}

http {
    include mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;

    server {
        listen 80;
        root /usr/share/nginx/html;
        index index.html;
    }
}
EOF
put "$NG1" etc/nginx/remove-me.conf 0644 <<'EOF'
# layer 1 only: deleted by the whiteout /etc/nginx/.wh.remove-me.conf in layer 2
EOF
put "$NG1" usr/share/nginx/html/index.html 0644 <<'EOF'
layer-one page
EOF
put "$NG1" usr/share/nginx/opaque/old.txt 0644 <<'EOF'
old: hidden by the opaque marker in layer 2
EOF
put "$NG1" etc/passwd 0644 <<'EOF'
root:x:0:0:root:/root:/bin/sh
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
put "$NG1" etc/group 0644 <<'EOF'
root:x:0:
www-data:x:33:
nogroup:x:65534:
EOF
put "$NG1" etc/nsswitch.conf 0644 <<'EOF'
passwd: files
group: files
shadow: files
hosts: files dns
EOF
put "$NG1" etc/hostname 0644 </dev/null

spawn ocibuild layer "$NG1" "$WORK/nginx1.tar.gz" "${nginx_owners[@]}" --quiet

# nginx layer 2: replaced page, whiteout, opaque directory.
NG2=$WORK/layers/nginx2
mkdir -p "$NG2/etc/nginx" "$NG2/usr/share/nginx/html" "$NG2/usr/share/nginx/opaque"
put "$NG2" usr/share/nginx/html/index.html 0644 <<'EOF'
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx on berth</title>
</head>
<body>
<h1>Welcome to nginx on berth</h1>
<p>Debian's nginx, running in a berth container.</p>
</body>
</html>
EOF
put "$NG2" etc/nginx/.wh.remove-me.conf 0644 </dev/null
put "$NG2" usr/share/nginx/opaque/.wh..wh..opq 0644 </dev/null
put "$NG2" usr/share/nginx/opaque/new.txt 0644 <<'EOF'
new: the only file left in this directory
EOF

spawn ocibuild layer "$NG2" "$WORK/nginx2.tar.gz" --quiet

# ---------------------------------------------------------------------------
# jvm (optional, only when the host has OpenJDK 17: apt-get install
# openjdk-17-jre-headless): the host's Java runtime at its Debian path, the
# libraries it needs, busybox. Headless like that package: the desktop
# libraries of openjdk-17-jre (X11, GTK) stay out, and so do the JDK's ct.sym
# and src.zip. Links into /etc/java-17-openjdk are copied as files.
JVM_HOME=${JVM_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JV=$WORK/layers/jvm
images="busybox,busybox-sigquit,busybox.tar,probe,nginx"
if [[ -x $JVM_HOME/bin/java ]]; then
    JVM_HOME=$(realpath "$JVM_HOME")
    mkdir -p "$JV"
    cp -a "$BB_BIN" "$JV/bin"
    for d in sbin usr/bin usr/sbin etc root tmp proc sys dev; do
        mkdir -p "$JV/$d"
    done
    chmod 0700 "$JV/root"
    chmod 1777 "$JV/tmp"
    jvm_libraries=()
    while IFS= read -r rel; do
        case $rel in
            lib/ct.sym | lib/src.zip | lib/libawt_xawt.so | lib/libjawt.so | lib/libsplashscreen.so | \
                lib/libatk-wrapper.so) continue ;;
        esac
        [[ -e $JVM_HOME/$rel ]] || continue # a link to a package not installed (docs, sources)
        copy "$JVM_HOME/$rel" "$JV" "${JVM_HOME#/}/$rel"
        if [[ $rel == *.so ]]; then jvm_libraries+=("$JVM_HOME/$rel"); fi
    done < <(cd "$JVM_HOME" && find bin/java conf lib \( -type f -o -type l \) | sort)
    LDD_MAY_MISS='libjvm[.]so' copy_libraries "$JV" "$JVM_HOME/bin/java" "${jvm_libraries[@]}"
    ln -s "../..${JVM_HOME}/bin/java" "$JV/usr/bin/java"
    put "$JV" etc/passwd 0644 <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    put "$JV" etc/group 0644 <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
    spawn ocibuild layer "$JV" "$WORK/jvm.tar.gz" --quiet
    images+=",jvm"
fi
wait_all

# ---------------------------------------------------------------------------
# images

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
BUSYBOX_HISTORY="busybox-static $(pkg_version busybox-static): /bin/busybox, applet symlinks, /etc/passwd, /etc/group"
NGINX_HISTORY="nginx $(pkg_version nginx): /usr/sbin/nginx, its libraries, /etc/nginx, busybox"

spawn ocibuild image "$OUT/busybox" --arch "$ARCH" \
    --layer "$WORK/busybox.tar.gz" \
    --history "$BUSYBOX_HISTORY" \
    --config "$(printf '{"Env":["%s"],"Cmd":["sh"]}' "$PATH_ENV")" \
    --docker-archive "$OUT/busybox.tar" --tag busybox:latest

# The same content with STOPSIGNAL SIGQUIT: a task stopping it must send SIGQUIT, not SIGTERM.
spawn ocibuild image "$OUT/busybox-sigquit" --arch "$ARCH" \
    --layer "$WORK/busybox.tar.gz" \
    --history "$BUSYBOX_HISTORY" \
    --config "$(printf '{"Env":["%s"],"Cmd":["sh"],"StopSignal":"SIGQUIT"}' "$PATH_ENV")"

spawn ocibuild image "$OUT/probe" --arch "$ARCH" \
    --layer "$WORK/busybox.tar.gz" \
    --history "$BUSYBOX_HISTORY" \
    --layer "$WORK/probe.tar.gz" \
    --history "gcc -std=c11 -static -O2 probe.c -o /probe" \
    --config "$(printf '{"Env":["%s","FROM_IMAGE=image","OVERRIDE_ME=image"],"Entrypoint":["/probe"],"Cmd":["report"],"WorkingDir":"/","StopSignal":"SIGTERM","Labels":{"org.berth.fixture":"probe"}}' "$PATH_ENV")"

spawn ocibuild image "$OUT/nginx" --arch "$ARCH" \
    --layer "$WORK/nginx1.tar.gz" \
    --history "$NGINX_HISTORY" \
    --layer "$WORK/nginx2.tar.gz" \
    --history "new index.html, whiteout /etc/nginx/remove-me.conf, opaque /usr/share/nginx/opaque" \
    --config "$(printf '{"Env":["%s"],"Cmd":["nginx","-g","daemon off;"],"ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT"}' "$PATH_ENV")"

if [[ -f $WORK/jvm.tar.gz ]]; then
    JVM_PACKAGE=$(dpkg-query -S "$JVM_HOME/bin/java" 2>/dev/null | cut -d: -f1 || true)
    spawn ocibuild image "$OUT/jvm" --arch "$ARCH" \
        --layer "$WORK/jvm.tar.gz" \
        --history "${JVM_PACKAGE:-java} $(pkg_version "${JVM_PACKAGE:-java}"): $JVM_HOME (headless), its libraries, busybox" \
        --config "$(printf '{"Env":["%s","JAVA_HOME=%s"],"Cmd":["java","-version"]}' "$PATH_ENV" "$JVM_HOME")"
fi

wait_all

end_ns=$(date +%s%N)
printf 'build.sh: wrote %s/{%s} in %d ms\n' "$OUT" "$images" $(((end_ns - start_ns) / 1000000))

#!/usr/bin/env bash
# check.sh OUTDIR
#
# Validates what build.sh wrote to OUTDIR and runs the images' programs:
#   1. every layout: blob digests/sizes, media types, diff_ids, history,
#      tar entry hygiene; the docker-archive against the busybox layout
#   2. image configs and layer contents match the fixture spec
#   3. unpacks each image (layers in order, whiteouts applied) and chroots
#      into it: busybox sh, /probe, `nginx -t`
#   4. if unshare works (root, namespaces allowed): runs nginx for real in a
#      fresh net/pid/mount namespace, fetches / with busybox wget, and checks
#      the probe's PID-1 behaviour (orphans, kill-self)
# Needs root (chroot, ownership on unpack). Exits non-zero on any failure.
set -euo pipefail
umask 022
export LC_ALL=C PYTHONDONTWRITEBYTECODE=1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${PYTHON:-} ]]; then PY=$PYTHON
elif [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3
else PY=python3; fi
PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
[[ -d $1 ]] || { echo "check.sh: $1: no such directory (run build.sh first)" >&2; exit 2; }
OUT=$(cd "$1" && pwd)
[[ $EUID -eq 0 ]] || { echo "check.sh: must run as root (chroot, file ownership)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/berth-check.XXXXXX")
trap 'rm -rf "$T"' EXIT

failures=0
ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
skip() { echo "skip  $*"; }
# expect NAME WANT GOT
expect() {
    if [[ $2 == "$3" ]]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi
}
# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
    if [[ $3 == *"$2"* ]]; then ok "$1"; else fail "$1: [$2] not in [$3]"; fi
}

ocibuild() { "$PY" "$HERE/ocibuild.py" "$@"; }

# --- 1. structural validation ------------------------------------------------
for img in busybox probe nginx; do
    if out=$(ocibuild verify "$OUT/$img" 2>&1); then ok "$out"; else fail "$out"; fi
done
if out=$(ocibuild verify-docker "$OUT/busybox.tar" --layout "$OUT/busybox" 2>&1); then
    ok "$out"
else
    fail "$out"
fi

# --- 2. configs and layer contents against the spec --------------------------
if out=$(PYTHONPATH=$HERE "$PY" - "$OUT" "$PATH_ENV" 2>&1 <<'EOF'
import gzip, io, json, sys, tarfile
import ocibuild

out, path_env = sys.argv[1], sys.argv[2]
problems = []
# Uncaught errors (missing entry, unreadable layout): one line, exit 1.
sys.excepthook = lambda t, e, tb: print(f"spec check aborted: {t.__name__}: {e}")

def want(cond, msg):
    if not cond:
        problems.append(msg)

def image(name):
    _, mdesc, manifest, config, raws = ocibuild.load_image(f"{out}/{name}", "latest")
    tars = [tarfile.open(fileobj=io.BytesIO(r), mode="r:") for r in raws]
    return manifest, config, [{m.name.rstrip("/"): (m, t) for m in t.getmembers()} for t in tars]

def content(layer, name):
    m, t = layer[name]
    return t.extractfile(m).read().decode()

def meta(layer, name):
    m, _ = layer[name]
    return (m.type, m.mode, m.uid, m.gid)

DIR, REG, SYM = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE

# busybox
bm, bc, bl = image("busybox")
want(len(bl) == 1, "busybox: want 1 layer")
want(bc["architecture"] and bc["os"] == "linux", "busybox: arch/os")
want(bc["config"].get("Env") == [path_env], f"busybox: Env {bc['config'].get('Env')}")
want(bc["config"].get("Cmd") == ["sh"], "busybox: Cmd")
L = bl[0]
want(meta(L, "bin/busybox")[:2] == (REG, 0o755), "busybox: bin/busybox 0755 file")
applets = [n for n, (m, _) in L.items() if n.startswith("bin/") and m.type == SYM]
want(len(applets) > 200, f"busybox: only {len(applets)} applet symlinks")
want(all(L[a][0].linkname == "busybox" for a in applets), "busybox: applet link targets")
for a in ("sh", "ls", "cat", "wget", "id", "sleep", "ip"):
    want(f"bin/{a}" in applets, f"busybox: no applet {a}")
want(content(L, "etc/passwd").splitlines() == [
    "root:x:0:0:root:/root:/bin/sh",
    "daemon:x:1:1:daemon:/usr/sbin:/bin/false",
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
    "app:x:1000:1000:app:/home/app:/bin/sh"], "busybox: /etc/passwd")
want(content(L, "etc/group").splitlines() == [
    "root:x:0:", "daemon:x:1:", "staff:x:50:app", "app:x:1000:", "extra:x:2000:app",
    "nogroup:x:65534:"], "busybox: /etc/group")
want(content(L, "etc/hostname") == "", "busybox: /etc/hostname")
want(meta(L, "home/app") == (DIR, 0o755, 1000, 1000), f"busybox: home/app {meta(L, 'home/app')}")
want(meta(L, "tmp") == (DIR, 0o1777, 0, 0), "busybox: tmp 1777")
for d in ("root", "var", "proc", "sys", "dev", "usr/bin", "usr/sbin", "sbin", "bin", "etc", "mnt"):
    want(d in L and L[d][0].type == DIR and L[d][0].uid == 0, f"busybox: dir {d}")

# probe
pm, pc, pl = image("probe")
want(len(pl) == 2, "probe: want 2 layers")
want(pm["layers"][0] == bm["layers"][0], "probe: layer 1 is not the busybox layer blob")
c = pc["config"]
want(c.get("Entrypoint") == ["/probe"], "probe: Entrypoint")
want(c.get("Cmd") == ["report"], "probe: Cmd")
want(c.get("Env") == [path_env, "FROM_IMAGE=image", "OVERRIDE_ME=image"], "probe: Env")
want(c.get("WorkingDir") == "/", "probe: WorkingDir")
want(c.get("StopSignal") == "SIGTERM", "probe: StopSignal")
want(c.get("Labels") == {"org.berth.fixture": "probe"}, "probe: Labels")
want(meta(pl[1], "probe") == (REG, 0o755, 0, 0), "probe: /probe 0755 root")

# nginx
nm, nc, nl = image("nginx")
want(len(nl) >= 2, "nginx: want >= 2 layers")
c = nc["config"]
want(c.get("Cmd") == ["nginx", "-g", "daemon off;"], "nginx: Cmd")
want(c.get("ExposedPorts") == {"80/tcp": {}}, "nginx: ExposedPorts")
want(c.get("StopSignal") == "SIGQUIT", "nginx: StopSignal")
want(c.get("Env") == [path_env], "nginx: Env")
L1, L2 = nl[0], nl[-1]
for f in ("usr/sbin/nginx", "etc/nginx/mime.types", "etc/nginx/nginx.conf",
          "etc/nginx/remove-me.conf", "usr/share/nginx/opaque/old.txt", "bin/busybox",
          "lib64/ld-linux-x86-64.so.2", "etc/passwd", "etc/group"):
    want(f in L1, f"nginx layer 1: no {f}")
want(content(L1, "usr/share/nginx/html/index.html").strip() == "layer-one page",
     "nginx layer 1: index.html")
conf = content(L1, "etc/nginx/nginx.conf")
for s in ("user www-data;", "error_log /dev/stderr;", "pid /run/nginx.pid;", "events {",
          "include mime.types;", "access_log /dev/stdout;", "listen 80;",
          "root /usr/share/nginx/html;"):
    want(s in conf, f"nginx.conf lacks {s!r}")
want("www-data:x:33:33:" in content(L1, "etc/passwd"), "nginx: www-data user")
want("www-data:x:33:" in content(L1, "etc/group"), "nginx: www-data group")
want(meta(L1, "tmp") == (DIR, 0o1777, 0, 0), "nginx: tmp 1777")
for d in ("var/lib/nginx", "var/log/nginx", "run"):
    want(d in L1 and L1[d][0].type == DIR, f"nginx: dir {d}")
want("Welcome to nginx on berth" in content(L2, "usr/share/nginx/html/index.html"),
     "nginx layer 2: index.html")
want(meta(L2, "etc/nginx/.wh.remove-me.conf")[0] == REG, "nginx layer 2: whiteout")
want(meta(L2, "usr/share/nginx/opaque/.wh..wh..opq")[0] == REG, "nginx layer 2: opaque marker")
want("usr/share/nginx/opaque/new.txt" in L2, "nginx layer 2: new.txt")
want(L2["usr/share/nginx/opaque"][0].type == DIR, "nginx layer 2: opaque dir entry")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("configs and layer contents match the fixture spec")
EOF
); then ok "$out"; else fail "$out"; fi

# --- 3. unpack and run in a chroot --------------------------------------------
for img in busybox probe nginx; do
    if out=$(ocibuild unpack "$OUT/$img" "$T/$img" 2>&1); then ok "$out"; else fail "$out"; fi
done

B=$T/busybox
expect "busybox: sh runs" "hello" "$(env -i "$PATH_ENV" chroot "$B" sh -c 'echo hello' 2>&1)"
expect "busybox: app is in staff and extra" "uid=1000(app) gid=1000(app) groups=1000(app),50(staff),2000(extra)" \
    "$(env -i "$PATH_ENV" chroot "$B" id app 2>&1)"
expect "busybox: /home/app owner" "1000:1000 755" "$(stat -c '%u:%g %a' "$B/home/app")"
expect "busybox: /tmp mode" "0:0 1777" "$(stat -c '%u:%g %a' "$B/tmp")"
missing=0
while read -r a; do
    [[ $a == busybox || -L $B/bin/$a ]] || { missing=1; fail "busybox: no /bin/$a"; }
done < <(chroot "$B" /bin/busybox --list)
[[ $missing -eq 0 ]] && ok "busybox: a /bin symlink for every applet"

P=$T/probe
if report=$(env -i "$PATH_ENV" FROM_IMAGE=image chroot "$P" /probe report x 2>&1) &&
    "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["argv"]==["/probe","report","x"], d["argv"]' "$report"; then
    ok "probe: report is one valid JSON object"
else
    fail "probe: report: $report"
fi
expect "probe: echo" "a b" "$(chroot "$P" /probe echo a b)"
expect "probe: ls /" "$(cd "$P" && ls -A | sort | tr '\n' ' ')" "$(chroot "$P" /probe ls / | tr '\n' ' ')"

N=$T/nginx
expect "nginx: whiteout removed /etc/nginx/remove-me.conf" "no" "$(chroot "$N" /bin/busybox test -e /etc/nginx/remove-me.conf && echo yes || echo no)"
expect "nginx: opaque dir holds only new.txt" "new.txt" "$(ls -A "$N/usr/share/nginx/opaque")"
expect_contains "nginx: index.html from layer 2" "Welcome to nginx on berth" "$(cat "$N/usr/share/nginx/html/index.html")"
expect "nginx: no whiteout files left" "" "$(find "$N" -name '.wh.*')"
# Plain chroot: no /proc or /dev here, so "error_log /dev/stderr" just
# creates a file under the (throwaway) unpacked dev/.
if out=$(env -i "$PATH_ENV" chroot "$N" /usr/sbin/nginx -t 2>&1); then
    ok "nginx: chroot nginx -t: $(tr '\n' ' ' <<<"$out")"
else
    fail "nginx: chroot nginx -t: $out"
fi
rm -f "$N/dev/stderr" "$N/dev/stdout"

# --- 4. namespaces: nginx serving, probe as PID 1 ----------------------------
if ! unshare --mount --pid --net --uts --ipc --fork --propagation private true 2>/dev/null; then
    skip "namespace checks (unshare not permitted here)"
else
    # Run the image's own Cmd (nginx -g "daemon off;", found via PATH) in a
    # new pid/net/mount namespace with /proc and a minimal /dev.
    serve_script='
        set -eu
        R=$1
        mount -t proc proc "$R/proc"
        mount -t tmpfs -o mode=755 tmpfs "$R/dev"
        mknod -m 666 "$R/dev/null" c 1 3
        ln -s /proc/self/fd/0 "$R/dev/stdin"
        ln -s /proc/self/fd/1 "$R/dev/stdout"
        ln -s /proc/self/fd/2 "$R/dev/stderr"
        chroot "$R" /bin/ip link set lo up
        chroot "$R" /usr/sbin/nginx -t 2>&1
        env -i "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
            chroot "$R" nginx -g "daemon off;" >"$R/../nginx.log" 2>&1 &
        nginx_pid=$!
        for i in $(seq 50); do
            if page=$(chroot "$R" /bin/wget -q -O - http://127.0.0.1/ 2>/dev/null); then break; fi
            sleep 0.1
        done
        echo "PAGE: $page" | head -20
        echo "WORKER: $(chroot "$R" /bin/ps -o user,args | grep "worker process" | grep -v grep)"
        kill -QUIT "$nginx_pid"
        wait "$nginx_pid" || true
    '
    out=$(unshare --mount --pid --net --uts --ipc --fork --propagation private \
        bash -c "$serve_script" serve "$N" 2>&1) || true
    expect_contains "nginx: nginx -t in namespaces" "test is successful" "$out"
    expect_contains "nginx: serves the layer-2 page" "Welcome to nginx on berth" "$out"
    expect_contains "nginx: worker runs as www-data" "www-data" "$(grep WORKER <<<"$out")"
    [[ $out == *"Welcome to nginx on berth"* ]] || echo "$out" | sed 's/^/      /'

    pid1() { # run the probe as PID 1 of a new pid namespace (with /proc)
        unshare --mount --pid --fork --propagation private \
            bash -c 'mount -t proc proc "$1/proc"; shift; exec "$@"' pid1 "$P" "$@"
    }
    expect "probe: orphans 3 as PID 1 leaves 3 zombies" '{"zombies":3}' \
        "$(pid1 chroot "$P" /probe orphans 3 2>&1)"
    expect "probe: orphans 3 under a reaping PID 1 leaves none" '{"zombies":0}' \
        "$(pid1 bash -c 'chroot "$1" /probe orphans 3; true' x "$P" 2>&1)"
    rc=0; pid1 chroot "$P" /probe kill-self TERM 2>/dev/null || rc=$?
    expect "probe: kill-self TERM as PID 1 survives (exit 4)" 4 "$rc"
    expect_contains "probe: report as PID 1 sees pid 1" '"pid":1,' "$(pid1 chroot "$P" /probe report 2>&1)"
fi

if [[ $failures -ne 0 ]]; then
    echo "check.sh: $failures check(s) failed"
    exit 1
fi
echo "check.sh: all checks passed"

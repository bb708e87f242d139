"""8. Pulling from a registry: `berth images pull` next to `skopeo copy` and `podman pull`.

A private registry (Debian's docker-registry, distribution 2.8) serves on 127.0.0.1 over TLS with a CA made
for the run; berth, skopeo and Podman all verify it against that CA, none skips verification. Its images are
built here as OCI layouts (deterministic content, gzip layers) and pushed with skopeo:

- one big image: 5 layers, BENCH_PULL_BIG_MB MiB of files in all (text mixed with random bytes, so gzip
  compresses them about as much as it does real binaries and data, ~2-3x), mostly small files;
- BENCH_PULL_SMALL small images (~1.5 MiB each) sharing one base layer, with one layer of their own each.

Each round gives each contender an empty store and pulls the big image, then (another empty store) the small
images one after another. What they do differs, and the report says so: berth (in-process, `--root`, no
berthd) and Podman download, decompress, unpack into their stores; skopeo into an OCI layout only downloads
and writes the blobs, no decompression, no unpacking. Times are the harness's wall clock around each command;
peak RSS and CPU time are /usr/bin/time's (%M, %U+%S) for the command and the children it waited for.
"""

import io
import json
import os
import random
import shutil
import socket
import ssl
import subprocess
import sys
import tarfile
import time
import urllib.request

from measure import alternate
from util import log, run, CommandFailed
from workspace import unmount_under

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "rootfs-fixtures"))
import ocibuild  # noqa: E402  (digests, canonical JSON, fixed-header gzip, media types)

TITLE = "8. Pulling from a registry on loopback (TLS): berth vs skopeo vs Podman"
REGISTRY = "/usr/bin/docker-registry"
TIME = "/usr/bin/time"
MTIME = 1700000000  # every tar entry's mtime: the same bytes every run
SMALL_BASE_KIB, SMALL_OWN_KIB = 1024, 512

# -- test images --------------------------------------------------------------------------------


class Content:
    """File bytes that compress like real ones: runs of word text (from a pool too big for gzip's 32 KiB
    window to see repeats in) and runs of random bytes, an eighth of the bytes random (~2.5x in all)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        # Letters as often as in English, words as often as Zipf's law has them: gzip gets ~3.2x on the text.
        letters = "etaoinshrdlcumwfgypbvkjxqz"
        letter_weights = [12, 9, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
        words = ["".join(self.rng.choices(letters, weights=letter_weights, k=self.rng.randint(2, 9)))
                 for _ in range(2000)]
        self.pool = " ".join(self.rng.choices(words, weights=[1 / (i + 1) for i in range(2000)],
                                              k=1_200_000)).encode()

    def make(self, size):
        out, left = [], size
        while left > 0:
            n = min(left, self.rng.randint(512, 16384))
            if self.rng.random() < 0.12:
                out.append(self.rng.randbytes(n))
            else:
                start = self.rng.randrange(0, len(self.pool) - n)
                out.append(self.pool[start:start + n])
            left -= n
        return b"".join(out)


def layer_tar(content, prefix, total_bytes, rng):
    """An uncompressed layer tar of about total_bytes of files under prefix/: a fifth of the bytes in small
    files (1-16 KiB, most of the entries, as in real images), the rest in files of 64 KiB-1 MiB."""
    files = []
    small_budget, left = total_bytes // 5, total_bytes
    while left > 0:
        size = rng.randint(1024, 16384) if small_budget > 0 else rng.randint(65536, 1 << 20)
        size = min(size, left)
        if small_budget > 0:
            small_budget -= size
        files.append(size)
        left -= size
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = sorted({f"{prefix}/d{i // 64:03d}" for i in range(len(files))})
        for path in [prefix] + dirs:
            info = tarfile.TarInfo(path + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, MTIME
            tf.addfile(info)
        for i, size in enumerate(files):
            info = tarfile.TarInfo(f"{prefix}/d{i // 64:03d}/f{i:05d}.dat")
            info.size, info.mode, info.mtime = size, 0o644, MTIME
            tf.addfile(info, io.BytesIO(content.make(size)))
    return buf.getvalue(), len(files)


def write_layout(path, images):
    """An OCI layout holding images [(ref, [uncompressed layer tars])]; a layer shared by several images is
    stored once. Returns {ref: (compressed bytes, uncompressed bytes)}."""
    blobs, index, sizes, gz_cache = {}, [], {}, {}
    for ref, raws in images:
        layers = []
        for raw in raws:
            key = id(raw)
            if key not in gz_cache:
                gz_cache[key] = ocibuild.gzip_bytes(raw)
            gz = gz_cache[key]
            layers.append({"gz": gz, "digest": ocibuild.sha256(gz), "diff_id": ocibuild.sha256(raw), "raw": len(raw)})
        config = {
            "created": "2023-11-14T22:13:20Z", "architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                       "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
            "history": [{"created": "2023-11-14T22:13:20Z", "created_by": f"berth bench layer {i + 1}"}
                        for i in range(len(layers))],
        }
        config_bytes = ocibuild.dumps(config)
        manifest = ocibuild.dumps({
            "schemaVersion": 2, "mediaType": ocibuild.MT_MANIFEST,
            "config": {"mediaType": ocibuild.MT_CONFIG, "digest": ocibuild.sha256(config_bytes),
                       "size": len(config_bytes)},
            "layers": [{"mediaType": ocibuild.MT_LAYER_GZ, "digest": l["digest"], "size": len(l["gz"])}
                       for l in layers],
        })
        blobs[ocibuild.sha256(config_bytes)] = config_bytes
        blobs[ocibuild.sha256(manifest)] = manifest
        for l in layers:
            blobs[l["digest"]] = l["gz"]
        index.append({"mediaType": ocibuild.MT_MANIFEST, "digest": ocibuild.sha256(manifest), "size": len(manifest),
                      "platform": {"architecture": "amd64", "os": "linux"},
                      "annotations": {ocibuild.REF_NAME: ref}})
        sizes[ref] = (sum(len(l["gz"]) for l in layers), sum(l["raw"] for l in layers))
    os.makedirs(os.path.join(path, "blobs", "sha256"))
    for digest, data in blobs.items():
        with open(os.path.join(path, "blobs", "sha256", digest.split(":", 1)[1]), "wb") as f:
            f.write(data)
    with open(os.path.join(path, "oci-layout"), "wb") as f:
        f.write(ocibuild.dumps({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(path, "index.json"), "wb") as f:
        f.write(ocibuild.dumps({"schemaVersion": 2, "mediaType": ocibuild.MT_INDEX, "manifests": index}))
    return sizes


def build_images(base, big_mib, small_count):
    content = Content(seed=13)
    rng = random.Random(7)
    per_layer = big_mib * (1 << 20) // 5
    big_layers, entries = [], 0
    for i in range(5):
        raw, n = layer_tar(content, f"opt/big{i}", per_layer, rng)
        big_layers.append(raw)
        entries += n
    big = write_layout(os.path.join(base, "big"), [("big", big_layers)])["big"]
    small_base, _ = layer_tar(content, "usr/lib/base", SMALL_BASE_KIB << 10, rng)
    small_images = [(f"small-{i:02d}", [small_base, layer_tar(content, f"srv/app{i:02d}", SMALL_OWN_KIB << 10, rng)[0]])
                    for i in range(small_count)]
    small = write_layout(os.path.join(base, "small"), small_images)
    return {"big": big, "big_files": entries, "small": small}


# -- the registry -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoopbackRegistry:
    """docker-registry on 127.0.0.1:<free port> with TLS from a CA made for the run; storage under base."""

    def __init__(self, ws, base):
        self.ws, self.base = ws, base
        os.makedirs(base)
        ca_key, self.ca = os.path.join(base, "ca.key"), os.path.join(base, "ca.crt")
        key, csr, cert = (os.path.join(base, n) for n in ("server.key", "server.csr", "server.crt"))
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        run(["openssl", "req", "-x509"] + ec + ["-days", "2", "-subj", "/CN=berth bench CA", "-keyout", ca_key,
             "-out", self.ca, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        run(["openssl", "req", "-new"] + ec + ["-subj", "/CN=localhost", "-keyout", key, "-out", csr])
        ext = os.path.join(base, "server.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
        run(["openssl", "x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-set_serial", "1",
             "-days", "2", "-extfile", ext, "-out", cert])
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        # certs.d layout (berth's --registry-certs-dir); the host's own directory is skopeo's and Podman's
        # --cert-dir.
        self.certs_d = os.path.join(base, "certs.d")
        self.cert_dir = os.path.join(self.certs_d, self.host)
        os.makedirs(self.cert_dir)
        shutil.copy(self.ca, os.path.join(self.cert_dir, "ca.crt"))
        config = os.path.join(base, "config.yml")
        with open(config, "w") as f:
            f.write("\n".join([
                "version: 0.1", "log:", "  level: warn", "  accesslog:", "    disabled: true",
                "storage:", "  filesystem:", f"    rootdirectory: {base}/storage",
                "  maintenance:", "    uploadpurging:", "      enabled: false",
                "http:", f"  addr: {self.host}", "  secret: berth-bench",
                "  tls:", f"    certificate: {cert}", f"    key: {key}", ""]))
        self.log_file = open(os.path.join(base, "registry.log"), "w")
        self.proc = ws.spawn([REGISTRY, "serve", config], stdout=self.log_file, stderr=self.log_file)
        context = ssl.create_default_context(cafile=self.ca)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"https://{self.host}/v2/", context=context, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError as e:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"docker-registry did not come up on {self.host}: {e} "
                                       f"({self.log_tail()})")
                time.sleep(0.1)
        ws.cleanups.append(self.stop)

    def log_tail(self):
        self.log_file.flush()
        with open(self.log_file.name) as f:
            return " | ".join(f.read().strip().splitlines()[-3:])

    def stop(self):
        self.ws.stop_process(self.proc)
        self.log_file.close()


# -- the contenders -----------------------------------------------------------------------------


class Timed:
    """One command under /usr/bin/time: wall seconds (harness clock), peak RSS KiB, CPU seconds."""

    def __init__(self, scratch):
        self.out = os.path.join(scratch, "time.out")

    def __call__(self, cmd, env=None, timeout=900):
        start = time.perf_counter()
        try:
            result = subprocess.run([TIME, "-o", self.out, "-f", "%e %M %U %S"] + cmd, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, env=env, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise CommandFailed(f"{cmd[0]}: timed out after {timeout} s") from e
        wall = time.perf_counter() - start
        if result.returncode != 0:
            tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise CommandFailed(f"{' '.join(cmd[:3])} …: exit {result.returncode}: {' | '.join(tail)}")
        with open(self.out) as f:
            _, rss, user, system = f.read().split()[-4:]
        return wall, int(rss), float(user) + float(system)


def measure(section, ctx):
    cfg, ws = ctx.cfg, ctx.ws
    for tool in (REGISTRY, TIME, "skopeo"):
        if not os.path.exists(tool) and shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing (scripts/install-deps.sh, bench/install-tools.sh install it)")
    base = os.path.join(ws.tmp, "pull")
    os.makedirs(base)
    load_at_start = " ".join(open("/proc/loadavg").read().split()[:3])

    log(f"pull: building the test images ({cfg.pull_big_mib} MiB big image, {cfg.pull_small} small ones)")
    started = time.monotonic()
    images = build_images(os.path.join(base, "layouts"), cfg.pull_big_mib, cfg.pull_small)
    log(f"pull: images built in {time.monotonic() - started:.0f} s")
    registry = LoopbackRegistry(ws, os.path.join(base, "registry"))
    conf = os.path.join(base, "registries.conf")
    with open(conf, "w") as f:
        f.write(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = false\n')
    env = dict(os.environ, CONTAINERS_REGISTRIES_CONF=conf, BERTH_SOCKET=os.path.join(base, "no-berthd.sock"))
    started = time.monotonic()
    small_refs = sorted(images["small"])
    pushes = [("big", f"bench/big:latest")] + [(ref, f"bench/{ref}:latest") for ref in small_refs]
    for ref, target in pushes:
        layout = "big" if ref == "big" else "small"
        run(["skopeo", "copy", "-q", "--dest-cert-dir", registry.cert_dir,
             f"oci:{os.path.join(base, 'layouts', layout)}:{ref}", f"docker://{registry.host}/{target}"],
            timeout=600, env=env)
    shutil.rmtree(os.path.join(base, "layouts"))
    log(f"pull: pushed {len(pushes)} images to {registry.host} in {time.monotonic() - started:.0f} s")
    big_name = f"{registry.host}/bench/big:latest"
    small_names = [f"{registry.host}/bench/{ref}:latest" for ref in small_refs]

    timed = Timed(base)
    berth = os.path.join(ctx.berth.bin, "berth")
    stores = os.path.join(base, "stores")

    def fresh(label):
        path = os.path.join(stores, label)
        os.makedirs(path)
        return path

    def remove(path):
        unmount_under(path, ws.warnings)
        shutil.rmtree(path, ignore_errors=True)

    def berth_pull(store, name):
        return timed([berth, "images", "pull", "-q", "--root", store, "--registry-certs-dir", registry.certs_d,
                      "--registries-conf", conf, name], env=env)

    def skopeo_pull(store, name):
        return timed(["skopeo", "copy", "-q", "--src-cert-dir", registry.cert_dir,
                      f"docker://{name}", f"oci:{store}:{name.rsplit('/', 1)[1].replace(':', '-')}"], env=env)

    podman_driver = ["overlay"]

    def podman_args(store):
        # Podman refuses a runroot path longer than 50 characters: it lives right under the temp dir.
        runroot = os.path.join(ws.tmp, "run-" + os.path.basename(store))
        return ["podman", "--root", os.path.join(store, "root"), "--runroot", runroot,
                "--tmpdir", os.path.join(store, "tmp"), "--storage-driver", podman_driver[0],
                "--cgroup-manager", "cgroupfs", "--events-backend", "none"]

    def podman_pull(store, name):
        return timed(podman_args(store) + ["pull", "-q", "--cert-dir", registry.cert_dir, name], env=env)

    def podman_remove(store):
        run(podman_args(store) + ["system", "reset", "-f"], timeout=300, check=False, env=env)
        remove(store)
        remove(podman_args(store)[4])

    pullers = {"berth": (berth_pull, remove), "skopeo": (skopeo_pull, remove), "podman": (podman_pull, podman_remove)}

    # Podman's overlay driver needs a filesystem under its root that can hold overlay upper dirs; if it
    # cannot, vfs (a full copy per layer) is what is left, and the report says which one ran.
    if not ctx.cfg.podman or not shutil.which("podman"):
        pullers.pop("podman")
    else:
        probe = fresh("podman-probe")
        try:
            podman_pull(probe, small_names[0])
        except CommandFailed as e:
            podman_remove(probe)
            log(f"pull: podman with overlay failed ({e}); trying vfs")
            podman_driver[0] = "vfs"
            probe = fresh("podman-probe")
            podman_pull(probe, small_names[0])  # vfs failing too is a failure of the setup, not a driver choice
        finally:
            podman_remove(probe)

    # Rows quantity by quantity, each with its three contenders, so berth's ratio to each peer sits beside it.
    n_small = len(small_names)
    quantities = [
        ("big_wall", "big image, wall", "s", 1.0),
        ("small_wall", f"{n_small} small images one after another, wall", "s", 1.0),
        ("big_rss", "big image, peak RSS", "MiB", 1 / 1024),
        ("small_rss", f"{n_small} small images, peak RSS (largest pull)", "MiB", 1 / 1024),
        ("big_cpu", "big image, CPU user+system", "s", 1.0),
        ("small_cpu", f"{n_small} small images, CPU user+system (sum)", "s", 1.0),
    ]
    who = {"berth": "berth", "skopeo": "skopeo (blobs only)", "podman": f"podman ({podman_driver[0]})"}
    rows = {label: {} for label in pullers}
    for key, title, unit, scale in quantities:
        for label in pullers:
            rows[label][key] = section.row(f"{title}: {who[label]}", group=key, berth=label == "berth", unit=unit,
                                           scale=scale)

    def contender(label):
        pull, clean = pullers[label]
        r = rows[label]

        def one_round():
            store = fresh(f"{label}-big")
            try:
                wall, rss, cpu = pull(store, big_name)
            finally:
                clean(store)
            store = fresh(f"{label}-small")
            walls, rsses, cpus = [], [], []
            try:
                for name in small_names:
                    w, m, c = pull(store, name)
                    walls.append(w)
                    rsses.append(m)
                    cpus.append(c)
            finally:
                clean(store)
            return {r["big_wall"].name: wall, r["big_rss"].name: rss, r["big_cpu"].name: cpu,
                    r["small_wall"].name: sum(walls), r["small_rss"].name: max(rsses),
                    r["small_cpu"].name: sum(cpus)}
        return label, one_round, [row.name for row in r.values()]

    alternate(section, [contender(label) for label in pullers], cfg.pull_reps, warmup=1)
    load_at_end = " ".join(open("/proc/loadavg").read().split()[:3])

    big_gz, big_raw = images["big"]
    small_gz = sum(gz for gz, _ in images["small"].values())
    small_raw = sum(raw for _, raw in images["small"].values())
    section.extra["pull"] = {
        "registry": registry.host, "podman_driver": podman_driver[0], "load_at_start": load_at_start,
        "load_at_end": load_at_end,
        "big": {"compressed": big_gz, "uncompressed": big_raw, "files": images["big_files"]},
        "small": {"count": len(small_names), "compressed_sum": small_gz, "uncompressed_sum": small_raw},
        "versions": tool_versions(),
    }
    mib = 1 << 20
    section.notes.append(
        f"Big image: 5 gzip layers, {big_gz / mib:.1f} MiB compressed, {big_raw / mib:.1f} MiB of tar, "
        f"{images['big_files']:,} files (text runs mixed with random bytes: gzip ratio {big_raw / big_gz:.1f}). "
        f"Small images: {len(small_names)} of them, each a shared base layer ({SMALL_BASE_KIB} KiB of files) and "
        f"one own layer ({SMALL_OWN_KIB} KiB); {small_gz / mib:.1f} MiB compressed if each were pulled alone, "
        f"the base layer is downloaded once per store.")
    section.notes.append(
        f"docker-registry on {registry.host}, TLS with a CA made for the run, verified by all three (berth "
        "`--registry-certs-dir`, skopeo `--src-cert-dir`, Podman `--cert-dir`); the same registries.conf for all.")
    section.notes.append(
        "berth pulls in-process (`--root`, BERTH_SOCKET at a path with no berthd; 3 layers at a time, libarchive "
        "unpack, commit into the store). skopeo `copy docker://… oci:DIR:TAG` downloads and writes the blobs "
        "only: no decompression, no unpacking, so it is the floor for the transfer, not a like-for-like peer. "
        f"Podman pulls into a fresh `--root`/`--runroot` with storage driver {podman_driver[0]} and unpacks "
        "every layer.")
    section.notes.append(
        "Each round: a fresh empty store per contender for the big image, another for the small ones (Podman's "
        "removed with `system reset -f`, then its mounts), contenders rotated round by round, one warm-up round "
        f"dropped. Wall time is the harness's clock around each command; peak RSS and CPU are /usr/bin/time's "
        f"(%M, %U+%S). Load average when the section started: {load_at_start}; when it ended: {load_at_end}.")
    if ctx.results:
        write_results_file(os.path.join(ctx.results, "registry-pull.md"), section, ctx)


def tool_versions():
    def first_line(cmd):
        try:
            return run(cmd, timeout=20).stdout.strip().splitlines()[0]
        except (CommandFailed, IndexError):
            return "unknown"
    return {"skopeo": first_line(["skopeo", "--version"]), "podman": first_line(["podman", "--version"]),
            "docker-registry": first_line([REGISTRY, "--version"])}


def write_results_file(path, section, ctx):
    """bench/results/registry-pull.md: this section alone, with the machine and the tools' versions."""
    from report import section_markdown
    from util import machine_description
    m = machine_description()
    info = section.extra["pull"]
    v = info["versions"]
    out = [f"# Pulling from a registry: berth, skopeo, Podman (BENCH_PULL_REPS={ctx.cfg.pull_reps})", "",
           f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, kernel {m['kernel']}, {m['os']}; "
           f"load average when the section started {info['load_at_start']}, when it ended {info['load_at_end']}; "
           f"{m['date']}.", "",
           f"Versions: {v['skopeo']}; {v['podman']} (storage driver {info['podman_driver']}); {v['docker-registry']}; "
           f"berth {ctx.berth_revision}.", "",
           "berth and Podman download, decompress and unpack every layer into their stores; skopeo (to an OCI "
           "layout) downloads and writes the compressed blobs only. `ratio` is berth's median ÷ the peer's "
           "(below 1: berth is faster or smaller).", ""]
    out += section_markdown(section.to_dict())[2:]
    with open(path, "w") as f:
        f.write("\n".join(out))
    log(f"pull: wrote {path}")

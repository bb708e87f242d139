#!/usr/bin/env python3
"""ocibuild.py - deterministic OCI image layouts from staged directories.

Subcommands (all paths may be relative):

  layer SRC_DIR OUT.tar.gz [--owner REL=UID:GID]... [--mtime N]
      Pack the tree under SRC_DIR into a gzip-compressed layer tar.
      Entries are sorted, named without a leading "/" (directories end in
      "/"), owned by 0:0 unless an --owner override names them, keep the
      permission bits found on disk (including setuid/sticky), and carry the
      fixed mtime N (default 0). gzip header has mtime 0, no file name.
      The same input always gives the same bytes.

  image OUT_LAYOUT --layer L.tar.gz [--history TEXT]... --config JSON
        [--ref latest] [--arch amd64] [--os linux]
        [--docker-archive OUT.tar --tag NAME:TAG]
      Write an OCI image layout directory (oci-layout, index.json,
      blobs/sha256/...) holding one image made of the given layers (bottom
      first). --config is the image's "config" object (Env, Cmd, ...);
      architecture/os/rootfs/history are filled in. Optionally also write the
      same image as a `docker save` style archive. OUT_LAYOUT (and the
      archive) are replaced if they exist.

  verify LAYOUT...              check every digest, size, media type and diff_id
  verify-docker ARCHIVE [--layout LAYOUT]
                                check a docker-archive (and that its config
                                is byte-identical to LAYOUT's)
  unpack LAYOUT DEST [--ref R]  apply the layers in order to DEST, honouring
                                whiteouts (.wh.NAME) and opaque dirs
                                (.wh..wh..opq); needs root to keep ownership
  digests LAYOUT...             print "LAYOUT MANIFEST_DIGEST CONFIG_DIGEST"

Only the Python standard library is used.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import shutil
import stat
import struct
import sys
import tarfile
import zlib

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
REF_NAME = "org.opencontainers.image.ref.name"
CREATED = "1970-01-01T00:00:00Z"
WHITEOUT_PREFIX = ".wh."
OPAQUE = ".wh..wh..opq"


class BuildError(Exception):
    pass


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def dumps(obj):
    """Canonical-enough JSON: fixed key order (insertion), no whitespace."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode()


# --------------------------------------------------------------------------
# layers


def walk(root):
    """(relative path, lstat) for everything under root, parents first,
    siblings sorted by name."""
    out = []

    def rec(rel):
        full = os.path.join(root, rel) if rel else root
        for name in sorted(os.listdir(full)):
            r = rel + "/" + name if rel else name
            st = os.lstat(os.path.join(root, r))
            out.append((r, st))
            if stat.S_ISDIR(st.st_mode):
                rec(r)

    rec("")
    return out


def make_layer_tar(root, owners, mtime):
    if not os.path.isdir(root):
        raise BuildError(f"{root}: not a directory")
    entries = walk(root)
    seen = {rel for rel, _ in entries}
    missing = sorted(set(owners) - seen)
    if missing:
        raise BuildError(f"--owner for paths not in {root}: {', '.join(missing)}")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for rel, st in entries:
            ti = tarfile.TarInfo(rel)
            ti.mtime = mtime
            ti.mode = stat.S_IMODE(st.st_mode)
            ti.uid, ti.gid = owners.get(rel, (0, 0))
            ti.uname = ti.gname = ""
            full = os.path.join(root, rel)
            if stat.S_ISDIR(st.st_mode):
                ti.type = tarfile.DIRTYPE
                tf.addfile(ti)
            elif stat.S_ISREG(st.st_mode):
                ti.type = tarfile.REGTYPE
                ti.size = st.st_size
                with open(full, "rb") as f:
                    tf.addfile(ti, f)
            elif stat.S_ISLNK(st.st_mode):
                ti.type = tarfile.SYMTYPE
                ti.linkname = os.readlink(full)
                tf.addfile(ti)
            else:
                raise BuildError(f"{full}: unsupported file type (only dirs, files, symlinks)")
    return buf.getvalue()


def gzip_bytes(data, level=6):
    """gzip member with a fixed header (mtime 0, no name, OS=255) so the
    output depends only on the input and zlib."""
    co = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, 8)
    body = co.compress(data) + co.flush()
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


def parse_owner(spec):
    try:
        rel, ids = spec.split("=", 1)
        uid, gid = ids.split(":", 1)
        rel = rel.strip("/")
        return rel, (int(uid), int(gid))
    except ValueError:
        raise BuildError(f"bad --owner {spec!r}, want REL=UID:GID")


def cmd_layer(a):
    owners = dict(parse_owner(s) for s in a.owner)
    raw = make_layer_tar(a.src, owners, a.mtime)
    gz = gzip_bytes(raw)
    write_atomic(a.out, gz)
    if not a.quiet:
        print(f"{a.out}: {len(raw)} bytes tar, diff_id {sha256(raw)}; "
              f"{len(gz)} bytes gzip, digest {sha256(gz)}")


def write_atomic(path, data):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# image


def chain_ids(diff_ids):
    out = []
    for d in diff_ids:
        out.append(d if not out else sha256(f"{out[-1]} {d}".encode()))
    return out


def build_image(a):
    layers = []
    for path in a.layer:
        with open(path, "rb") as f:
            gz = f.read()
        try:
            raw = gzip.decompress(gz)
        except OSError as e:
            raise BuildError(f"{path}: not a gzip layer: {e}")
        layers.append({"gz": gz, "raw": raw, "digest": sha256(gz), "diff_id": sha256(raw)})
    if not layers:
        raise BuildError("an image needs at least one --layer")
    history = list(a.history or [])
    if len(history) > len(layers):
        raise BuildError("more --history entries than --layer entries")
    while len(history) < len(layers):
        history.append(f"berth rootfs-fixtures layer {len(history) + 1}")
    try:
        cfg = json.loads(a.config)
    except json.JSONDecodeError as e:
        raise BuildError(f"--config is not JSON: {e}")
    if not isinstance(cfg, dict):
        raise BuildError("--config must be a JSON object")

    config = {
        "created": CREATED,
        "architecture": a.arch,
        "os": a.os,
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
        "history": [{"created": CREATED, "created_by": h, "comment": "berth rootfs-fixtures"}
                    for h in history],
    }
    config_bytes = dumps(config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": sha256(config_bytes),
                   "size": len(config_bytes)},
        "layers": [{"mediaType": MT_LAYER_GZ, "digest": l["digest"], "size": len(l["gz"])}
                   for l in layers],
    }
    manifest_bytes = dumps(manifest)
    index = {
        "schemaVersion": 2,
        "mediaType": MT_INDEX,
        "manifests": [{
            "mediaType": MT_MANIFEST,
            "digest": sha256(manifest_bytes),
            "size": len(manifest_bytes),
            "platform": {"architecture": a.arch, "os": a.os},
            "annotations": {REF_NAME: a.ref},
        }],
    }

    out = os.path.abspath(a.out)
    tmp = f"{out}.tmp-{os.getpid()}"
    if os.path.lexists(tmp):
        shutil.rmtree(tmp)
    blobdir = os.path.join(tmp, "blobs", "sha256")
    os.makedirs(blobdir)
    blobs = {sha256(config_bytes): config_bytes, sha256(manifest_bytes): manifest_bytes}
    for l in layers:
        blobs[l["digest"]] = l["gz"]
    for digest, data in sorted(blobs.items()):
        with open(os.path.join(blobdir, digest.split(":", 1)[1]), "wb") as f:
            f.write(data)
    with open(os.path.join(tmp, "oci-layout"), "wb") as f:
        f.write(dumps({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(tmp, "index.json"), "wb") as f:
        f.write(dumps(index))
    if os.path.lexists(out):
        if os.path.isdir(out) and not os.path.islink(out):
            shutil.rmtree(out)
        else:
            os.unlink(out)
    os.rename(tmp, out)

    if a.docker_archive:
        write_docker_archive(a.docker_archive, a.tag, config, config_bytes, layers)
    print(f"{a.out}: manifest {sha256(manifest_bytes)} config {sha256(config_bytes)} "
          f"layers {len(layers)}")


def split_tag(tag):
    name, sep, t = tag.rpartition(":")
    if not sep or "/" in t or not name:
        raise BuildError(f"bad --tag {tag!r}, want NAME:TAG")
    return name, t


def tar_add(tf, name, data=None, mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.mtime = 0
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    if data is None:
        ti.type = tarfile.DIRTYPE
        ti.mode = 0o755
        tf.addfile(ti)
    else:
        ti.mode = mode
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))


def write_docker_archive(path, tag, config, config_bytes, layers):
    """The legacy `docker save` format: manifest.json, <config>.json,
    <id>/{VERSION,json,layer.tar} with uncompressed layers, repositories."""
    if not tag:
        raise BuildError("--docker-archive needs --tag NAME:TAG")
    repo, t = split_tag(tag)
    ids = [c.split(":", 1)[1] for c in chain_ids([l["diff_id"] for l in layers])]
    config_name = sha256(config_bytes).split(":", 1)[1] + ".json"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for i, (lid, l) in enumerate(zip(ids, layers)):
            v1 = {"id": lid}
            if i:
                v1["parent"] = ids[i - 1]
            v1["created"] = CREATED
            if i == len(ids) - 1:
                v1["architecture"] = config["architecture"]
                v1["os"] = config["os"]
                v1["config"] = config["config"]
            tar_add(tf, lid)
            tar_add(tf, lid + "/VERSION", b"1.0")
            tar_add(tf, lid + "/json", dumps(v1))
            tar_add(tf, lid + "/layer.tar", l["raw"])
        tar_add(tf, config_name, config_bytes)
        manifest = [{"Config": config_name, "RepoTags": [tag],
                     "Layers": [lid + "/layer.tar" for lid in ids]}]
        tar_add(tf, "manifest.json", dumps(manifest))
        tar_add(tf, "repositories", dumps({repo: {t: ids[-1]}}))
    write_atomic(path, buf.getvalue())
    print(f"{path}: docker-archive {tag} config {config_name}")


# --------------------------------------------------------------------------
# reading layouts back


def read_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read())


def read_blob(layout, desc, what):
    digest = desc.get("digest", "")
    if not digest.startswith("sha256:") or len(digest) != 71:
        raise BuildError(f"{layout}: {what}: bad digest {digest!r}")
    path = os.path.join(layout, "blobs", "sha256", digest[7:])
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BuildError(f"{layout}: {what}: missing blob {digest}: {e}")
    if sha256(data) != digest:
        raise BuildError(f"{layout}: {what}: blob {digest} has digest {sha256(data)}")
    if desc.get("size") != len(data):
        raise BuildError(f"{layout}: {what}: descriptor size {desc.get('size')} "
                         f"but blob has {len(data)} bytes")
    return data


def load_image(layout, ref=None):
    """Returns (index, manifest_desc, manifest, config, [layer blob bytes])."""
    ol = read_json(os.path.join(layout, "oci-layout"))
    if ol != {"imageLayoutVersion": "1.0.0"}:
        raise BuildError(f"{layout}: bad oci-layout {ol}")
    index = read_json(os.path.join(layout, "index.json"))
    if index.get("schemaVersion") != 2:
        raise BuildError(f"{layout}: index.json schemaVersion != 2")
    mans = index.get("manifests") or []
    if ref is not None:
        mans = [m for m in mans if (m.get("annotations") or {}).get(REF_NAME) == ref]
    if len(mans) != 1:
        raise BuildError(f"{layout}: expected exactly one manifest (ref {ref!r}), found {len(mans)}")
    mdesc = mans[0]
    if mdesc.get("mediaType") != MT_MANIFEST:
        raise BuildError(f"{layout}: index entry mediaType {mdesc.get('mediaType')}")
    manifest = json.loads(read_blob(layout, mdesc, "manifest"))
    if manifest.get("schemaVersion") != 2 or manifest.get("mediaType") != MT_MANIFEST:
        raise BuildError(f"{layout}: manifest schemaVersion/mediaType wrong")
    cdesc = manifest["config"]
    if cdesc.get("mediaType") != MT_CONFIG:
        raise BuildError(f"{layout}: config mediaType {cdesc.get('mediaType')}")
    config = json.loads(read_blob(layout, cdesc, "config"))
    blobs = []
    for i, ld in enumerate(manifest.get("layers") or []):
        if ld.get("mediaType") not in (MT_LAYER_GZ, MT_LAYER_TAR):
            raise BuildError(f"{layout}: layer {i} mediaType {ld.get('mediaType')}")
        data = read_blob(layout, ld, f"layer {i}")
        blobs.append(gzip.decompress(data) if ld["mediaType"] == MT_LAYER_GZ else data)
    return index, mdesc, manifest, config, blobs


def check_layer_tar(raw, what):
    tf = tarfile.open(fileobj=io.BytesIO(raw), mode="r:")
    names = set()
    for m in tf.getmembers():
        n = m.name
        if n.startswith("/") or n.startswith("./"):
            raise BuildError(f"{what}: entry {n!r} has a leading / or ./")
        n = n.rstrip("/")
        parts = n.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise BuildError(f"{what}: entry {m.name!r} has empty, . or .. components")
        parent = posixpath.dirname(n)
        if parent and parent not in names:
            raise BuildError(f"{what}: entry {n!r} appears before/without its parent dir")
        if n in names:
            raise BuildError(f"{what}: duplicate entry {n!r}")
        names.add(n)
        if not (m.isdir() or m.isreg() or m.issym() or m.islnk()):
            raise BuildError(f"{what}: entry {n!r} has unexpected type {m.type!r}")
        if m.mtime != 0:
            raise BuildError(f"{what}: entry {n!r} mtime {m.mtime} != 0")
    return len(names)


def verify_layout(layout):
    index, mdesc, manifest, config, raws = load_image(layout)
    if config.get("rootfs", {}).get("type") != "layers":
        raise BuildError(f"{layout}: rootfs.type != layers")
    diff_ids = config["rootfs"].get("diff_ids") or []
    if len(diff_ids) != len(raws):
        raise BuildError(f"{layout}: {len(raws)} layers but {len(diff_ids)} diff_ids")
    for i, (raw, d) in enumerate(zip(raws, diff_ids)):
        if sha256(raw) != d:
            raise BuildError(f"{layout}: layer {i} diff_id {d} but tar is {sha256(raw)}")
    hist = [h for h in config.get("history") or [] if not h.get("empty_layer")]
    if len(hist) != len(raws):
        raise BuildError(f"{layout}: {len(hist)} non-empty history entries for {len(raws)} layers")
    for k in ("architecture", "os"):
        if not config.get(k):
            raise BuildError(f"{layout}: config has no {k}")
    entries = [check_layer_tar(raw, f"{layout} layer {i}") for i, raw in enumerate(raws)]
    # Every file in blobs/ must be referenced (and named after its digest).
    referenced = {mdesc["digest"], manifest["config"]["digest"]} | \
        {l["digest"] for l in manifest["layers"]}
    on_disk = set()
    for name in os.listdir(os.path.join(layout, "blobs", "sha256")):
        p = os.path.join(layout, "blobs", "sha256", name)
        with open(p, "rb") as f:
            if sha256(f.read()) != "sha256:" + name:
                raise BuildError(f"{layout}: blob {name} does not match its name")
        on_disk.add("sha256:" + name)
    if on_disk != referenced:
        raise BuildError(f"{layout}: unreferenced blobs {sorted(on_disk - referenced)}, "
                         f"missing {sorted(referenced - on_disk)}")
    ref = (mdesc.get("annotations") or {}).get(REF_NAME)
    print(f"OK {layout}: ref {ref} manifest {mdesc['digest']} config "
          f"{manifest['config']['digest']} layers {len(raws)} entries {entries}")
    return mdesc["digest"]


def cmd_verify(a):
    for layout in a.layouts:
        verify_layout(layout)


def cmd_digests(a):
    for layout in a.layouts:
        _, mdesc, manifest, _, _ = load_image(layout)
        print(layout, mdesc["digest"], manifest["config"]["digest"])


def cmd_verify_docker(a):
    with tarfile.open(a.archive, mode="r:") as tf:
        files = {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isreg()}
    manifest = json.loads(files["manifest.json"])
    if not isinstance(manifest, list) or len(manifest) != 1:
        raise BuildError(f"{a.archive}: manifest.json must list exactly one image")
    m = manifest[0]
    cfg_bytes = files.get(m["Config"])
    if cfg_bytes is None:
        raise BuildError(f"{a.archive}: config {m['Config']} missing")
    if sha256(cfg_bytes).split(":", 1)[1] + ".json" != m["Config"]:
        raise BuildError(f"{a.archive}: config file name does not match its digest")
    config = json.loads(cfg_bytes)
    diff_ids = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(m["Layers"]):
        raise BuildError(f"{a.archive}: {len(m['Layers'])} layers but {len(diff_ids)} diff_ids")
    for i, (lp, d) in enumerate(zip(m["Layers"], diff_ids)):
        raw = files.get(lp)
        if raw is None:
            raise BuildError(f"{a.archive}: layer {lp} missing")
        if sha256(raw) != d:
            raise BuildError(f"{a.archive}: layer {lp} is {sha256(raw)}, diff_id says {d}")
        check_layer_tar(raw, f"{a.archive} {lp}")
    repos = json.loads(files["repositories"])
    tags = m.get("RepoTags") or []
    for tag in tags:
        repo, t = split_tag(tag)
        if repos.get(repo, {}).get(t) != m["Layers"][-1].split("/")[0]:
            raise BuildError(f"{a.archive}: repositories does not map {tag} to the top layer")
    if a.layout:
        _, _, lman, _, _ = load_image(a.layout)
        if lman["config"]["digest"] != sha256(cfg_bytes):
            raise BuildError(f"{a.archive}: config differs from {a.layout}'s")
    print(f"OK {a.archive}: tags {tags} config sha256:{m['Config'][:-5]} layers {len(diff_ids)}")


# --------------------------------------------------------------------------
# unpack (for check.sh; mirrors what a runtime's snapshotter does)


def clean_name(name):
    n = name
    while n.startswith("./"):
        n = n[2:]
    n = n.rstrip("/")
    if n in ("", "."):
        return ""
    if n.startswith("/") or any(p in ("", ".", "..") for p in n.split("/")):
        raise BuildError(f"unsafe tar entry name {name!r}")
    return n


def safe_path(dest, rel):
    """dest/rel, refusing to go through symlinks inside dest."""
    cur = dest
    parts = rel.split("/") if rel else []
    for p in parts[:-1]:
        cur = os.path.join(cur, p)
        if os.path.islink(cur):
            raise BuildError(f"refusing to extract {rel!r} through symlink {cur}")
    return os.path.join(dest, rel) if rel else dest


def remove_path(p):
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p)
    elif os.path.lexists(p):
        os.unlink(p)


def apply_layer(raw, dest, as_root):
    tf = tarfile.open(fileobj=io.BytesIO(raw), mode="r:")
    members = tf.getmembers()
    # 1. whiteouts and opaque markers act on the layers below only.
    for m in members:
        n = clean_name(m.name)
        d, b = posixpath.split(n)
        if b == OPAQUE:
            target = safe_path(dest, d)
            if os.path.isdir(target) and not os.path.islink(target):
                for child in os.listdir(target):
                    remove_path(os.path.join(target, child))
        elif b.startswith(WHITEOUT_PREFIX):
            remove_path(safe_path(dest, posixpath.join(d, b[len(WHITEOUT_PREFIX):])))
    # 2. everything else.
    dirs = []
    for m in members:
        n = clean_name(m.name)
        if not n or posixpath.basename(n).startswith(WHITEOUT_PREFIX):
            continue
        target = safe_path(dest, n)
        if m.isdir():
            if os.path.lexists(target) and not (os.path.isdir(target)
                                                and not os.path.islink(target)):
                os.unlink(target)
            if not os.path.exists(target):
                os.mkdir(target, 0o700)
            dirs.append((target, m))
        else:
            remove_path(target)
            if m.isreg():
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                with os.fdopen(fd, "wb") as f:
                    shutil.copyfileobj(tf.extractfile(m), f)
            elif m.issym():
                os.symlink(m.linkname, target)
            elif m.islnk():
                os.link(safe_path(dest, clean_name(m.linkname)), target, follow_symlinks=False)
                continue
            elif m.ischr() or m.isblk() or m.isfifo():
                kind = stat.S_IFCHR if m.ischr() else stat.S_IFBLK if m.isblk() else stat.S_IFIFO
                os.mknod(target, kind | 0o600, os.makedev(m.devmajor, m.devminor))
            else:
                raise BuildError(f"unsupported tar entry type {m.type!r} for {n}")
        if as_root:
            os.lchown(target, m.uid, m.gid)
        if not m.issym():
            os.chmod(target, m.mode)
            if not m.isdir():
                os.utime(target, (m.mtime, m.mtime))
        else:
            os.utime(target, (m.mtime, m.mtime), follow_symlinks=False)
    for target, m in reversed(dirs):
        os.utime(target, (m.mtime, m.mtime))


def cmd_unpack(a):
    _, _, _, _, raws = load_image(a.layout, a.ref)
    dest = os.path.abspath(a.dest)
    os.makedirs(dest, exist_ok=True)
    as_root = os.geteuid() == 0
    for raw in raws:
        apply_layer(raw, dest, as_root)
    print(f"unpacked {len(raws)} layers of {a.layout} into {dest}")


# --------------------------------------------------------------------------


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("layer")
    s.add_argument("src")
    s.add_argument("out")
    s.add_argument("--owner", action="append", default=[], metavar="REL=UID:GID")
    s.add_argument("--mtime", type=int, default=0)
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(fn=cmd_layer)

    s = sub.add_parser("image")
    s.add_argument("out")
    s.add_argument("--layer", action="append", required=True)
    s.add_argument("--history", action="append")
    s.add_argument("--config", required=True)
    s.add_argument("--ref", default="latest")
    s.add_argument("--arch", default="amd64")
    s.add_argument("--os", default="linux")
    s.add_argument("--docker-archive")
    s.add_argument("--tag")
    s.set_defaults(fn=build_image)

    s = sub.add_parser("verify")
    s.add_argument("layouts", nargs="+")
    s.set_defaults(fn=cmd_verify)

    s = sub.add_parser("digests")
    s.add_argument("layouts", nargs="+")
    s.set_defaults(fn=cmd_digests)

    s = sub.add_parser("verify-docker")
    s.add_argument("archive")
    s.add_argument("--layout")
    s.set_defaults(fn=cmd_verify_docker)

    s = sub.add_parser("unpack")
    s.add_argument("layout")
    s.add_argument("dest")
    s.add_argument("--ref")
    s.set_defaults(fn=cmd_unpack)

    a = p.parse_args(argv)
    try:
        a.fn(a)
    except (BuildError, OSError, KeyError, json.JSONDecodeError, tarfile.TarError) as e:
        print(f"ocibuild: {a.cmd}: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The peers, built from the same fixture content as berth's images:

- crun and runc: OCI bundles whose config.json comes from each runtime's own `spec` (terminal off, the
  command set, the rootfs path), rootfs unpacked from the busybox layout's layers by ocibuild.py.
- Podman: a private storage root, runroot and tmpdir; a private CNI config directory whose default
  network ("podman", what `--network bridge` uses) has its own bridge, subnet and IPAM directory; images
  loaded from docker-archives of the fixture layouts. Podman runs with runc: on hybrid hosts its crun
  refuses the layout, and its default nofile/nproc exceed what root may set here (issue 7).
"""

import json
import os
import shlex
import sys

from util import log, run, processes, pss_kib, CommandFailed

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "rootfs-fixtures"))
import ocibuild  # noqa: E402  (the fixtures' own reader and docker-archive writer)


def unpack_rootfs(layout, dest):
    if not os.path.isdir(dest):
        run([sys.executable, os.path.join(REPO, "rootfs-fixtures", "ocibuild.py"), "unpack", layout, dest],
            timeout=300)
    return dest


def oci_bundle(runtime, bundle_dir, rootfs, args):
    """config.json from `<runtime> spec`, with the command and an absolute rootfs path."""
    os.makedirs(bundle_dir, exist_ok=True)
    path = os.path.join(bundle_dir, "config.json")
    if os.path.exists(path):
        os.unlink(path)
    run([runtime, "spec"], cwd=bundle_dir, timeout=30)
    with open(path) as f:
        config = json.load(f)
    config["process"]["terminal"] = False
    config["process"]["args"] = list(args)
    config["root"]["path"] = rootfs
    with open(path, "w") as f:
        json.dump(config, f, indent=1)
    return bundle_dir


def docker_archive_from_layout(layout, tag, out):
    """A `docker save` archive of an OCI layout, written with ocibuild's own writer (same layers)."""
    _, _, _, config, blobs = ocibuild.load_image(layout)
    layers = [{"raw": raw, "diff_id": ocibuild.sha256(raw)} for raw in blobs]
    config_bytes = ocibuild.dumps(config)
    ocibuild.write_docker_archive(out, tag, config, config_bytes, layers)
    return out


CNI_CONFIG = {
    "cniVersion": "0.4.0",
    "name": "podman",
    "plugins": [
        {"type": "bridge", "bridge": None, "isGateway": True, "ipMasq": True, "hairpinMode": True,
         "ipam": {"type": "host-local", "routes": [{"dst": "0.0.0.0/0"}],
                  "ranges": [[{"subnet": None, "gateway": None}]], "dataDir": None}},
        {"type": "portmap", "capabilities": {"portMappings": True}},
        {"type": "firewall"},
        {"type": "tuning"},
    ],
}


class Podman:
    def __init__(self, workspace, bridge="berthbench0", subnet="10.213.0.0/16", gateway="10.213.0.1"):
        self.ws = workspace
        base = os.path.join(workspace.tmp, "podman")
        self.base = base
        self.bridge = bridge
        self.cni_dir = os.path.join(base, "cni")
        os.makedirs(self.cni_dir, exist_ok=True)
        conf = json.loads(json.dumps(CNI_CONFIG))
        conf["plugins"][0]["bridge"] = bridge
        conf["plugins"][0]["ipam"]["ranges"][0][0].update(subnet=subnet, gateway=gateway)
        conf["plugins"][0]["ipam"]["dataDir"] = os.path.join(base, "ipam")
        with open(os.path.join(self.cni_dir, "87-podman-bridge.conflist"), "w") as f:
            json.dump(conf, f, indent=1)
        self.global_args = [
            "podman", "--root", os.path.join(base, "root"), "--runroot", os.path.join(base, "runroot"),
            "--tmpdir", os.path.join(base, "tmp"), "--network-config-dir", self.cni_dir,
            "--cgroup-manager", "cgroupfs", "--events-backend", "none", "--runtime", "runc",
        ]
        self.run_args = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
                         "--cgroup-parent", workspace.podman_cgroup_parent]
        self.iptables_before = iptables_chains()
        self.nft_before = set(nft_tables())
        self.cni_state_existed = os.path.exists("/var/lib/cni")
        workspace.cleanups.append(self.cleanup)

    def cmd(self, *args):
        return self.global_args + list(args)

    def run_cmd(self, *args, detach=False, rm=True, ports=()):
        """`podman run [--rm] [-d] --network bridge -p H:C ... IMAGE CMD...` as issue 7 prescribes."""
        argv = self.global_args + ["run"]
        if rm:
            argv.append("--rm")
        if detach:
            argv.append("-d")
        argv += ["--network", "bridge"] + self.run_args
        for p in ports:
            argv += ["-p", f"{p}:{p}"]
        return argv + list(args)

    def load_images(self, fixtures):
        run(self.cmd("load", "-q", "-i", os.path.join(fixtures, "busybox.tar")), timeout=300)
        nginx_tar = os.path.join(self.ws.tmp, "nginx.tar")
        docker_archive_from_layout(os.path.join(fixtures, "nginx"), "nginx:latest", nginx_tar)
        run(self.cmd("load", "-q", "-i", nginx_tar), timeout=300)

    def conmon_pss(self):
        """PSS of every conmon serving our storage root, in KiB."""
        root = os.path.join(self.base, "root")
        pids = [pid for pid, _, exe, cmdline in processes()
                if exe.endswith("/conmon") and any(root in c for c in cmdline)]
        return len(pids), sum(pss_kib(p) or 0 for p in pids)

    def remove_all(self):
        run(self.cmd("rm", "-a", "-f", "-t", "0"), timeout=600, check=False)

    def cleanup(self):
        log("cleanup: podman containers, storage, bridge, CNI rules")
        try:
            self.remove_all()
            run(self.cmd("system", "reset", "-f"), timeout=600, check=False)
        except CommandFailed as e:
            self.ws.warnings.append(f"podman cleanup: {e}")
        # (`ip`, not /sys/class/net: sysfs shows the host's links even inside the bench's own netns)
        if run(["ip", "link", "show", self.bridge], timeout=30, check=False).returncode == 0:
            run(["ip", "link", "del", self.bridge], timeout=30, check=False)
        self.remove_cni_firewall()
        if not self.cni_state_existed and os.path.isdir("/var/lib/cni"):
            # Only CNI's result cache lives there (our IPAM is under the temp dir); empty after teardown.
            run(["find", "/var/lib/cni", "-depth", "-type", "d", "-empty", "-delete"], check=False)

    def remove_cni_firewall(self):
        """CNI's portmap and firewall plugins leave their chains (CNI-HOSTPORT-*, CNI-FORWARD, ...) and the
        iptables-nft tables they live in. Remove the chains that were not there before the bench, and a
        table the bench's Podman runs created if nothing else is left in it."""
        after = iptables_chains()
        for (family, table), chains in after.items():
            new = [c for c in chains if c.startswith("CNI-") and c not in self.iptables_before.get((family, table), [])]
            if not new:
                continue
            tool = "iptables" if family == "ip" else "ip6tables"
            rules = run([f"{tool}-save", "-t", table], check=False).stdout.splitlines()
            for rule in rules:
                parts = shlex.split(rule)
                if len(parts) > 3 and parts[0] == "-A" and parts[1] not in new and "-j" in parts \
                        and parts[parts.index("-j") + 1] in new:
                    run([tool, "-t", table, "-D"] + parts[1:], check=False)
            for chain in new:
                run([tool, "-t", table, "-F", chain], check=False)
            for chain in new:
                run([tool, "-t", table, "-X", chain], check=False)
        for table in set(nft_tables()) - self.nft_before:
            family, name = table.split()[1:3]
            if family in ("ip", "ip6") and name in ("nat", "filter"):
                listing = run(["nft", "list", "table", family, name], check=False).stdout
                rules = [line for line in (raw.strip() for raw in listing.splitlines())
                         if line and not line.startswith(("table", "chain", "type", "}", "#"))]
                if not rules:
                    run(["nft", "delete", "table", family, name], check=False)


def iptables_chains():
    out = {}
    for family, tool in (("ip", "iptables-save"), ("ip6", "ip6tables-save")):
        for table in ("nat", "filter"):
            try:
                text = run([tool, "-t", table], timeout=20, check=False).stdout
            except CommandFailed:
                continue
            out[(family, table)] = [line[1:].split()[0] for line in text.splitlines() if line.startswith(":")]
    return out


def nft_tables():
    try:
        return [line.strip() for line in run(["nft", "list", "tables"], timeout=20).stdout.splitlines()
                if line.startswith("table")]
    except CommandFailed:
        return []


def runtime_version(binary):
    try:
        return run([binary, "--version"], timeout=10).stdout.splitlines()[0].strip()
    except (CommandFailed, IndexError):
        return "unknown"

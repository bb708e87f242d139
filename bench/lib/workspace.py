"""Everything the bench creates on the host, and how it is all removed again.

- One temp directory holds berthd's --root and --run-directory, the peers' bundles and Podman's storage.
- On cgroup v1/hybrid hosts the harness moves itself into a private group `berth-bench-<pid>` in every
  hierarchy before anything starts. berthd and `berth run` place tasks relative to their own group, and
  a berthd removes at start every task group it does not own under `<own>/berth-tasks`: on a hybrid host
  where the cpu/pids/freezer position is `/` for every session, two berthds would tear down each other's
  tasks. The private group keeps ours and theirs apart, and everything left in it at the end is ours.
- Podman's containers go under `/berth-bench-<pid>-podman` (--cgroup-parent), its network is a private
  CNI config with its own bridge and IPAM directory.
- Cleanup is idempotent and driven by what is on disk and in the kernel, so it also runs after a crash.
"""

import json
import os
import shutil
import signal
import subprocess
import time

from util import log, run, CommandFailed

CGROUP_ROOT = "/sys/fs/cgroup"


class Workspace:
    def __init__(self, tmp):
        self.tmp = tmp
        self.name = f"berth-bench-{os.getpid()}"
        self.started = []          # Popen objects we started (berthd, servers), stopped by pid at the end
        self.cgroups = []          # (private dir, original dir) per hierarchy we moved into
        self.cleanups = []         # callables run last-in first-out before the generic sweep
        self.before = host_network_state()
        self.warnings = []

    # -- processes ---------------------------------------------------------------------------

    def spawn(self, cmd, stdout=None, stderr=None, **kwargs):
        proc = subprocess.Popen(cmd, stdout=stdout or subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL,
                                **kwargs)
        self.started.append(proc)
        return proc

    def stop_process(self, proc, sig=signal.SIGTERM, wait=30):
        if proc.poll() is not None:
            return
        try:
            proc.send_signal(sig)
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            log(f"pid {proc.pid} did not exit after {wait} s; SIGKILL")
            proc.kill()
            proc.wait(timeout=10)

    # -- private cgroup ------------------------------------------------------------------------

    def enter_private_cgroup(self):
        """Moves this process into <own>/berth-bench-<pid> in every v1 hierarchy (and the hybrid v2 one).
        Not on a pure cgroup v2 host: berthd there places itself (<own>/berthd) as designed."""
        if _is_cgroup2(CGROUP_ROOT):
            log("pure cgroup v2 host: the harness stays in its own cgroup")
            return
        mounts = _cgroup_mounts()
        with open("/proc/self/cgroup") as f:
            entries = [line.rstrip("\n").split(":", 2) for line in f if line.strip()]
        for hid, controllers, path in entries:
            mount = _mount_for(mounts, hid, controllers)
            if mount is None:
                continue
            mount_point, mount_root = mount
            rel = path[len(mount_root):] if mount_root != "/" and path.startswith(mount_root) else path
            own = os.path.normpath(mount_point + "/" + rel.lstrip("/"))
            private = os.path.join(own, self.name)
            try:
                os.makedirs(private, exist_ok=True)
                if "cpuset" in controllers.split(","):
                    for knob in ("cpuset.cpus", "cpuset.mems"):
                        with open(os.path.join(own, knob)) as src, open(os.path.join(private, knob), "w") as dst:
                            dst.write(src.read().strip() or "\n")
                with open(os.path.join(private, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))
                self.cgroups.append((private, own))
            except OSError as e:
                self.warnings.append(f"could not use a private cgroup in {own}: {e}")
                log(self.warnings[-1])
        log(f"harness runs in private cgroups {self.name} ({len(self.cgroups)} hierarchies)")

    def leave_private_cgroup(self):
        for private, own in reversed(self.cgroups):
            try:
                with open(os.path.join(own, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))
            except OSError as e:
                log(f"cannot move back to {own}: {e}")
        for private, _ in reversed(self.cgroups):
            remove_cgroup_tree(private, self.warnings)
        self.cgroups = []

    @property
    def podman_cgroup_parent(self):
        return f"/{self.name}-podman"

    # -- cleanup -------------------------------------------------------------------------------

    def cleanup(self):
        log("cleanup: stopping what the bench started")
        while self.cleanups:
            fn = self.cleanups.pop()
            try:
                fn()
            except Exception as e:  # keep cleaning whatever failed
                self.warnings.append(f"cleanup step failed: {e}")
                log(self.warnings[-1])
        for proc in reversed(self.started):
            try:
                self.stop_process(proc)
            except Exception as e:
                self.warnings.append(f"could not stop pid {proc.pid}: {e}")
        self.started = []
        unmount_under(self.tmp, self.warnings)
        self.leave_private_cgroup()
        for hierarchy in _cgroup_dirs():
            path = os.path.join(hierarchy, self.podman_cgroup_parent.lstrip("/"))
            if os.path.isdir(path):
                remove_cgroup_tree(path, self.warnings)
        unmount_under(self.tmp, self.warnings)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if os.path.exists(self.tmp):
            self.warnings.append(f"could not remove {self.tmp}")

    def leftovers(self):
        """What the host has now that it did not have before: (ours, others). Ours: mounts under the temp
        dir, cgroups, and links/tables/netns of the kinds berth and the bench's Podman create (berth*,
        veth*, cni-*, the iptables-nft tables CNI uses). Others: whatever else appeared meanwhile (this
        machine is shared: other people's tests create their own links and tables)."""
        after = host_network_state()
        ours, others = {}, {}
        looks_ours = {
            "links": lambda n: n.startswith(("berth", "veth", "cni", "bbfake")),
            "nft_tables": lambda n: "berth" in n or n in (
                "table ip nat", "table ip filter", "table ip6 nat", "table ip6 filter"),
            "netns": lambda n: n.startswith("cni-"),
        }
        for key in ("links", "nft_tables", "netns"):
            for name in sorted(set(after[key]) - set(self.before[key])):
                (ours if looks_ours[key](name) else others).setdefault(key, []).append(name)
        mounts = [m for m in _mount_points() if m.startswith(self.tmp)]
        if mounts:
            ours["mounts"] = mounts
        groups = [os.path.join(root, name) for root in _cgroup_dirs() for name in os.listdir(root)
                  if name.startswith(self.name)]
        if groups:
            ours["cgroups"] = groups
        return ours, others


def host_network_state():
    links = []
    try:
        out = run(["ip", "-o", "link", "show"], timeout=20).stdout
        links = [line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if ":" in line]
    except CommandFailed:
        pass
    tables = []
    try:
        out = run(["nft", "list", "tables"], timeout=20).stdout
        tables = [line.strip() for line in out.splitlines() if line.startswith("table")]
    except CommandFailed:
        pass
    try:
        netns = os.listdir("/run/netns")
    except OSError:
        netns = []
    return {"links": links, "nft_tables": tables, "netns": netns}


def _mount_points():
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            points.append(line.split()[4].replace("\\040", " "))
    return points


def unmount_under(prefix, warnings):
    """Lazily unmounts every mount at or below prefix, deepest first (Podman overlays and shm, pinned
    network namespaces of a berthd that was killed)."""
    for point in sorted((p for p in _mount_points() if p == prefix or p.startswith(prefix + "/")),
                        key=len, reverse=True):
        try:
            run(["umount", "-l", point], timeout=30)
            log(f"unmounted {point}")
        except CommandFailed as e:
            warnings.append(f"could not unmount {point}: {e}")


def _is_cgroup2(path):
    try:
        return run(["stat", "-f", "-c", "%T", path], timeout=10).stdout.strip() == "cgroup2fs"
    except CommandFailed:
        return False


def _cgroup_mounts():
    """[(fstype, super options, mount point, mount root)] of cgroup filesystems."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            fstype, options = fields[sep + 1], fields[sep + 3]
            if fstype in ("cgroup", "cgroup2"):
                out.append((fstype, options.split(","), fields[4], fields[3]))
    return out


def _mount_for(mounts, hid, controllers):
    for fstype, options, point, root in mounts:
        if hid == "0" and fstype == "cgroup2":
            return point, root
        if hid != "0" and fstype == "cgroup" and controllers:
            wanted = controllers.split(",")
            if all(c in options for c in wanted):
                return point, root
    return None


def _cgroup_dirs():
    return [point for _, _, point, _ in _cgroup_mounts()]


def remove_cgroup_tree(path, warnings):
    """rmdir bottom-up; any process still inside was started by the bench (only our descendants enter
    these groups), so it is killed first."""
    if not os.path.isdir(path):
        return
    for attempt in range(50):
        dirs = [root for root, _, _ in os.walk(path)]
        dirs.sort(key=len, reverse=True)
        busy = False
        for d in dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    pids = [int(p) for p in f.read().split()]
            except OSError:
                pids = []
            for pid in pids:
                if pid == os.getpid():
                    continue
                busy = True
                if attempt == 0:
                    log(f"killing leftover pid {pid} in {d}")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                os.rmdir(d)
            except OSError:
                busy = True
        if not os.path.isdir(path):
            return
        if not busy:
            break
        time.sleep(0.1)
    if os.path.isdir(path):
        warnings.append(f"could not remove cgroup {path}")


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1, default=str)

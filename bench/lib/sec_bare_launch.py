"""1. Bare launch: start-to-exit of /bin/true in the busybox image, `berth run` vs `crun run` vs `runc run`.

berth: `berth run --task-definition file://td.json` (its foreground path: no daemon, no network beyond a
new namespace with lo, an overlay of the image's layers, Docker's capabilities and seccomp profile, the
task's cgroups). crun and runc: `run` of a bundle from their own `spec` (read-only bind of the unpacked
rootfs, new pid/net/ipc/uts/mount namespaces, three capabilities, no seccomp).

crun refuses hybrid hosts whose cgroup v2 mount has any controller ("cgroups in hybrid mode not
supported"), and hugetlb sits there on this machine. So when that is the case, the whole section runs
in a private mount namespace without /sys/fs/cgroup/unified (crun then sees a v1 host); every contender
runs there, so all pay the same.
"""

import json
import os
import subprocess
import sys

from measure import Section, alternate
from util import log, percentile, run, timed, CommandFailed

TITLE = "1. Bare launch: /bin/true start to exit"


def needs_private_mount_namespace():
    try:
        with open("/sys/fs/cgroup/unified/cgroup.controllers") as f:
            return bool(f.read().strip())
    except OSError:
        return False


def run_in_parent(ctx):
    """Builds the bundles, then runs the measurement in a child (in a private mount namespace if needed)."""
    section = Section("bare_launch", TITLE)
    rootfs = os.path.join(ctx.ws.tmp, "rootfs-busybox")
    from peers import unpack_rootfs, oci_bundle
    unpack_rootfs(os.path.join(ctx.fixtures, "busybox"), rootfs)
    bundles = {}
    for runtime in ("crun", "runc"):
        try:
            bundles[runtime] = oci_bundle(runtime, os.path.join(ctx.ws.tmp, f"bundle-{runtime}"), rootfs,
                                          ["/bin/true"])
        except CommandFailed as e:
            bundles[runtime] = None
            section.row(f"{runtime} run").failed = str(e)
    td = ctx.berth.write_task_definition(
        {"family": "bench-bare", "containerDefinitions": [
            {"name": "main", "image": "busybox", "essential": True, "command": ["/bin/true"]}],
         "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512"})
    spec = {
        "reps": ctx.cfg.bare_reps, "berth": ctx.berth.berth, "berth_root": ctx.berth.root, "td": td,
        "bundles": bundles, "state": ctx.ws.tmp, "private_mnt": needs_private_mount_namespace(),
    }
    spec_path = os.path.join(ctx.ws.tmp, "bare-spec.json")
    out_path = os.path.join(ctx.ws.tmp, "bare-out.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    child = [sys.executable, os.path.join(ctx.bench_dir, "bench.py"), "--child-bare-launch", spec_path, out_path]
    if spec["private_mnt"]:
        child = ["unshare", "--mount", "--propagation", "slave", "--"] + child
        log("bare launch: private mount namespace without /sys/fs/cgroup/unified (crun refuses hybrid cgroups "
            "with v2 controllers)")
    subprocess.run(child, check=True, timeout=1800)
    with open(out_path) as f:
        result = json.load(f)
    for row in result["rows"]:
        if row["name"] in section.rows and section.rows[row["name"]].failed:
            row["failed"] = row["failed"] or section.rows[row["name"]].failed
    return result


def run_in_child(spec_path, out_path):
    with open(spec_path) as f:
        spec = json.load(f)
    if spec["private_mnt"]:
        run(["umount", "-l", "/sys/fs/cgroup/unified"])
    section = Section("bare_launch", TITLE)
    section.row("berth run", group="bare", berth=True)
    contenders = [("berth run", lambda: {"berth run": timed(
        [spec["berth"], "run", "--root", spec["berth_root"], "--task-definition", "file://" + spec["td"]])},
        ["berth run"])]
    counter = [0]

    def runtime_run(runtime, bundle):
        def fn():
            counter[0] += 1
            state = os.path.join(spec["state"], f"{runtime}-state")
            return {f"{runtime} run": timed([runtime, "--root", state, "run", "--bundle", bundle,
                                              f"bench-{os.getpid()}-{counter[0]}"])}
        return fn

    for runtime in ("crun", "runc"):
        row = section.row(f"{runtime} run", group="bare")
        bundle = spec["bundles"].get(runtime)
        if bundle:
            contenders.append((f"{runtime} run", runtime_run(runtime, bundle), [f"{runtime} run"]))
    section.row("`berth --help` (the berth CLI's start-up alone)", group="floor-berth", berth=True)
    contenders.append(("berth --help", lambda: {"`berth --help` (the berth CLI's start-up alone)": timed(
        [spec["berth"], "--help"])}, ["`berth --help` (the berth CLI's start-up alone)"]))
    section.row("host /bin/true (process spawn floor)", group="floor")
    contenders.append(("host /bin/true", lambda: {"host /bin/true (process spawn floor)": timed(["/bin/true"])},
                       ["host /bin/true (process spawn floor)"]))
    log(f"bare launch: {spec['reps']} rounds of {', '.join(c[0] for c in contenders)}")
    alternate(section, contenders, spec["reps"], warmup=2)
    try:
        table = launch_phases(spec)
        if table:
            section.tables.append(table)
    except (OSError, subprocess.SubprocessError) as e:
        section.notes.append(f"No launch-phase breakdown: {e}")
    if spec["private_mnt"]:
        section.notes.append(
            "Ran in a private mount namespace without the cgroup2 `unified` mount (crun refuses hybrid hosts "
            "whose v2 hierarchy has a controller: `cgroups in hybrid mode not supported`); all three ran there.")
    section.notes.append(
        "Not the same work: `berth run` mounts an overlay of the image layers, installs Docker's default "
        "capabilities and seccomp filter and creates the task's cgroups (cpu, memory, pids); crun/runc run their "
        "`spec` default (read-only bind of an unpacked rootfs, 3 capabilities, no seccomp, devices cgroup only).")
    with open(out_path, "w") as f:
        json.dump(section.to_dict(), f)


def launch_phases(spec, runs=5):
    """`berth run` under `strace -f --seccomp-bpf -e trace=execve,exit_group` (only those syscalls stop, so
    the inflation is small): the time between berth's exec, the shim's exec, the payload's exec, the
    payload's exit and berth's exit; medians of a few runs."""
    trace = os.path.join(spec["state"], "berth-run.strace")
    cmd = [spec["berth"], "run", "--root", spec["berth_root"], "--task-definition", "file://" + spec["td"]]
    phases = {}
    for _ in range(runs):
        subprocess.run(["strace", "-f", "--seccomp-bpf", "-ttt", "-o", trace, "-e", "trace=execve,exit_group",
                        "-e", "signal=none"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=True)
        events = {}
        with open(trace) as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) < 3:
                    continue
                pid, ts, rest = parts[0], float(parts[1]), parts[2]
                if "start" not in events and rest.startswith("execve("):
                    events["start"], events["berth_pid"] = ts, pid
                elif "shim" not in events and rest.startswith("execve(") and "berth-shim" in rest:
                    events["shim"] = ts
                elif "payload" not in events and rest.startswith('execve("/bin/true"'):
                    events["payload"], events["payload_pid"] = ts, pid
                elif "payload_exit" not in events and pid == events.get("payload_pid") and (
                        rest.startswith("exit_group(") or "exited with" in rest):
                    events["payload_exit"] = ts
                elif pid == events.get("berth_pid") and (rest.startswith("exit_group(") or "exited with" in rest):
                    events["end"] = ts
        for name, a, b in PHASES:
            if a in events and b in events:
                phases.setdefault(name, []).append((events[b] - events[a]) * 1000)
    if not phases:
        return None
    rows = [[name, f"{percentile(phases[name], 50):.1f}"] for name, _, _ in PHASES if name in phases]
    return {"title": f"Where `berth run`'s time goes (median of {runs} runs under `strace -f --seccomp-bpf`, "
                     f"tracing only execve/exit_group; the `berth --help` row above is the CLI's own start-up)",
            "columns": ["phase", "ms"], "rows": rows}


PHASES = [
    ("berth exec → berth-shim exec (CLI start-up, image store, overlay dirs, cgroups, launch spec, spawn)",
     "start", "shim"),
    ("berth-shim exec → /bin/true exec (shim start-up, cgroup attach, namespaces, mounts, seccomp)",
     "shim", "payload"),
    ("/bin/true runs", "payload", "payload_exit"),
    ("/bin/true exits → berth exits (shim exit, cgroup teardown, overlay removal)", "payload_exit", "end"),
    ("total", "start", "end"),
]

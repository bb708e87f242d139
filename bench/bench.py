#!/usr/bin/env python3
"""make bench: berth against crun, runc and Podman on this machine, side by side (issue 7).

Usage (root; bench/run.sh installs the tools and builds berth first):
    bench.py --bin-dir DIR --fixtures DIR --results DIR --tmp DIR

Environment (counts; BENCH_QUICK=1 picks small ones for a smoke run):
    BENCH_SECTIONS        bare,task,scale,api,network,exec,pull (any subset, in that order)
    BENCH_BARE_REPS       launches per contender, bare launch (30)
    BENCH_TASK_REPS       launches per contender, full task (30)
    BENCH_LEVELS          berth's ramp of idle tasks (1,10,100,300)
    BENCH_PODMAN_LEVELS   Podman's ramp (1,10,100)
    BENCH_BURST_TASKS     tasks in the big burst (100)
    BENCH_BURST10_REPS    repetitions of the 10-task burst (3)
    BENCH_PROBE_REPS      single-task starts at each ramp level (10; Podman half)
    BENCH_API_TASKS       tasks put in the store for the API section (1000)
    BENCH_API_CALLS       rounds of API calls (500)
    BENCH_NET_SECONDS     seconds per iperf3/wrk run (4); BENCH_NET_ROUNDS rounds (2)
    BENCH_EXEC_REPS       rounds of the sealed-shim section's contenders (30)
    BENCH_PULL_REPS       rounds of the registry-pull section (5; quick 1), after one warm-up round
    BENCH_PULL_BIG_MB     MiB of files in the pull section's 5-layer image (100)
    BENCH_PULL_SMALL      small images pulled one after another (50; quick 10)
    BENCH_POLL_MS         DescribeTasks polling interval while waiting for a status (5)
    BENCH_PORT_BASE       first of the host ports the bench uses (18090; six ports)
    BENCH_BERTHD_ARGS     extra berthd arguments
    BENCH_NO_PODMAN=1     skip Podman
"""

import argparse
import os
import shlex
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.join(HERE, "lib"))

from util import log, machine_description, run, CommandFailed  # noqa: E402
from measure import Section, guarded  # noqa: E402
from workspace import Workspace, write_json  # noqa: E402


class Config:
    def __init__(self, env):
        quick = env.get("BENCH_QUICK") == "1"
        self.quick = quick

        def num(name, full, small):
            return int(env.get(name, small if quick else full))

        def levels(name, full, small):
            return [int(x) for x in env.get(name, small if quick else full).split(",") if x.strip()]

        self.sections = [s.strip() for s in env.get("BENCH_SECTIONS", "bare,task,scale,api,network,exec,pull").split(",")]
        self.bare_reps = num("BENCH_BARE_REPS", 30, 5)
        self.task_reps = num("BENCH_TASK_REPS", 30, 5)
        self.levels = levels("BENCH_LEVELS", "1,10,100,300", "1,10,30")
        self.podman_levels = levels("BENCH_PODMAN_LEVELS", "1,10,100", "1,10")
        self.burst_tasks = num("BENCH_BURST_TASKS", 100, 30)
        self.burst10_reps = num("BENCH_BURST10_REPS", 3, 1)
        self.probe_reps = num("BENCH_PROBE_REPS", 10, 4)
        self.api_tasks = num("BENCH_API_TASKS", 1000, 100)
        self.api_calls = num("BENCH_API_CALLS", 500, 50)
        self.net_seconds = num("BENCH_NET_SECONDS", 4, 1)
        self.net_rounds = num("BENCH_NET_ROUNDS", 2, 1)
        self.exec_reps = num("BENCH_EXEC_REPS", 30, 5)
        self.pull_reps = num("BENCH_PULL_REPS", 5, 1)
        self.pull_big_mib = num("BENCH_PULL_BIG_MB", 100, 100)
        self.pull_small = num("BENCH_PULL_SMALL", 50, 10)
        self.poll_ms = num("BENCH_POLL_MS", 5, 5)
        self.port_base = num("BENCH_PORT_BASE", 18090, 18090)
        self.berthd_args = shlex.split(env.get("BENCH_BERTHD_ARGS", ""))
        self.podman = env.get("BENCH_NO_PODMAN") != "1"

    PORTS = ["task", "exit", "iperf", "nginx", "host-iperf", "host-nginx"]

    def port(self, name):
        return self.port_base + self.PORTS.index(name)

    def describe(self):
        return (f"bare {self.bare_reps}×, task {self.task_reps}×, ramp {self.levels} (Podman {self.podman_levels}), "
                f"burst {self.burst_tasks} and 10×{self.burst10_reps}, probes {self.probe_reps}, "
                f"API {self.api_tasks} tasks/{self.api_calls} rounds, network {self.net_rounds}×{self.net_seconds} s, "
                f"sealed shim {self.exec_reps}×, pull {self.pull_reps}× ({self.pull_big_mib} MiB image, "
                f"{self.pull_small} small)"
                + (" (BENCH_QUICK=1)" if self.quick else ""))


class Context:
    pass


def berth_revision(bin_dir):
    """Which berth was measured: the commit, and whether the work tree had changes on top."""
    try:
        rev = run(["git", "-C", os.path.dirname(HERE), "rev-parse", "--short", "HEAD"], timeout=20).stdout.strip()
        dirty = run(["git", "-C", os.path.dirname(HERE), "status", "--porcelain", "--", "Sources", "Package.swift"],
                    timeout=20).stdout.strip()
    except CommandFailed:
        rev, dirty = "unknown", ""
    tree = f"commit {rev}" + (" with uncommitted changes in Sources/" if dirty else "")
    if ".build-bench" in bin_dir:
        return f"release build of the work tree ({tree})"
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(os.path.join(bin_dir, "berthd"))))
    return f"binaries from {bin_dir} (BENCH_BIN_DIR, built {built}; the work tree is at {tree})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir")
    ap.add_argument("--fixtures")
    ap.add_argument("--results")
    ap.add_argument("--tmp")
    ap.add_argument("--child-bare-launch", nargs=2, metavar=("SPEC", "OUT"))
    args = ap.parse_args()
    if args.child_bare_launch:
        from sec_bare_launch import run_in_child
        run_in_child(*args.child_bare_launch)
        return 0
    if os.geteuid() != 0:
        print("bench.py: run as root (berthd, crun, runc and Podman need it)", file=sys.stderr)
        return 2

    started = time.monotonic()
    cfg = Config(os.environ)
    ws = Workspace(args.tmp)
    ctx = Context()
    ctx.cfg, ctx.ws, ctx.bench_dir, ctx.fixtures = cfg, ws, HERE, args.fixtures
    ctx.podman, ctx.podman_error = None, "BENCH_NO_PODMAN=1"
    ctx.results, ctx.berth_revision = args.results, berth_revision(args.bin_dir)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    machine = machine_description()
    sections = []
    header = [f"Counts: {cfg.describe()}."]
    try:
        log(f"machine: {machine}")
        log(f"config: {cfg.describe()}")
        ws.enter_private_cgroup()
        if os.environ.get("BENCH_NETNS", "host") == "private":
            run(["ip", "link", "set", "lo", "up"])
            header.append("Network: the whole run is in a network namespace of its own (`unshare --net`; "
                          "BENCH_NETNS=host to use the host's), so its berthd shares `inet berth`, berth0 and "
                          "10.88.0.0/16 with no other berthd on the machine; loopback baselines are measured there too.")
        from berth import Berth
        from peers import Podman, runtime_version
        ctx.berth = Berth(ws, args.bin_dir, args.fixtures, cfg.poll_ms / 1000.0, cfg.berthd_args)
        ctx.berth.import_images()
        versions = [runtime_version(x) for x in ("crun", "runc")]
        if cfg.podman:
            try:
                ctx.podman = Podman(ws)
                ctx.podman.load_images(args.fixtures)
                versions.append(run(["podman", "--version"]).stdout.strip() + " (runtime runc, CNI bridge)")
            except Exception as e:
                ctx.podman_error = f"Podman setup failed: {e}"
                ctx.podman = None
                log(ctx.podman_error)
        header.append("Peers: " + "; ".join(versions) + f". berth: {ctx.berth_revision}.")

        if "bare" in cfg.sections:
            log("== 1. bare launch")
            from sec_bare_launch import run_in_parent, TITLE
            try:
                sections.append(run_in_parent(ctx))
            except Exception as e:
                s = Section("bare_launch", TITLE)
                s.error = f"{type(e).__name__}: {e}"
                traceback.print_exc()
                sections.append(s.to_dict())

        needs_daemon = any(s in cfg.sections for s in ("task", "scale", "api", "network", "exec"))
        if needs_daemon:
            pid = ctx.berth.start_daemon()
            time.sleep(1)
            ctx.berthd_fresh = ctx.berth.overhead()
            log(f"berthd pid {pid}: RSS {ctx.berthd_fresh['berthd_rss_kib']} KiB, "
                f"PSS {ctx.berthd_fresh['berthd_pss_kib']} KiB")

        def daemon_alive():
            died = ctx.berth.ensure_daemon()
            if died:
                header.append(f"**berthd died** before a section and was restarted: `{died}`")

        if "task" in cfg.sections:
            log("== 2. full task")
            import sec_full_task
            sections.append(guarded(Section("full_task", "2. A full Fargate task: launch to RUNNING, stop, "
                                            "and a task that exits at once"), sec_full_task.measure, ctx).to_dict())
        if "scale" in cfg.sections:
            log("== 3/4. scale and host overhead")
            daemon_alive()
            import sec_scale
            scale = Section("scale", "3. Throughput and scale: one more task as the host fills up")
            overhead = Section("overhead", "4. Host overhead per idle task")
            try:
                sec_scale.measure(scale, overhead, ctx)
            except Exception as e:
                scale.error = f"{type(e).__name__}: {e}"
                traceback.print_exc()
            sections += [scale.to_dict(), overhead.to_dict()]
        if "api" in cfg.sections:
            log("== 5. API")
            daemon_alive()
            import sec_api
            sections.append(guarded(Section("api", "5. API latency with the store filled",
                                            columns=("n", "median", "p90", "p99", "min", "max")),
                                    sec_api.measure, ctx).to_dict())
        if "network" in cfg.sections:
            log("== 6. network")
            daemon_alive()
            import sec_network
            iperf = Section("iperf", "6a. Network throughput host → task (iperf3, one stream)")
            wrk = Section("wrk", "6b. nginx requests/s (wrk)")
            try:
                sec_network.measure(iperf, wrk, ctx)
            except Exception as e:
                iperf.error = f"{type(e).__name__}: {e}"
                traceback.print_exc()
                try:
                    ctx.berth.stop_all()
                except Exception:
                    pass
            sections += [iperf.to_dict(), wrk.to_dict()]
        if "exec" in cfg.sections:
            log("== 7. sealed berth-shim")
            daemon_alive()
            import sec_shim_exec
            sections.append(guarded(Section("shim_exec", "7. Health checks and launches from a sealed copy of "
                                            "berth-shim (CVE-2019-5736)"), sec_shim_exec.measure, ctx).to_dict())
        if "pull" in cfg.sections:
            log("== 8. pulling from a registry")
            import sec_pull
            sections.append(guarded(Section("pull", sec_pull.TITLE), sec_pull.measure, ctx).to_dict())
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); cleaning up")
        header.append(f"**Interrupted** ({e}): partial results.")
    except Exception as e:
        traceback.print_exc()
        header.append(f"**The harness failed:** `{type(e).__name__}: {e}` (partial results).")
    finally:
        try:
            if getattr(ctx, "berth", None) and ctx.berth.daemon:
                berth_log = ctx.berth.tail_log(3)
                log(f"berthd log tail: {berth_log}")
        except Exception:
            pass
        ws.cleanup()
    leftovers = ws.leftovers()
    if leftovers[0]:
        log(f"left on the host: {leftovers[0]}")

    os.makedirs(args.results, exist_ok=True)
    from report import charts, write_markdown
    by_key = {s["key"]: s for s in sections}
    for s in sections:
        s.setdefault("charts", [])
    made = charts(args.results, by_key)
    if made and made[0].startswith("("):
        header.append(f"No charts {made[0]}.")
    duration = time.monotonic() - started
    write_markdown(os.path.join(args.results, "latest.md"), machine, sections, header, ws.warnings, leftovers,
                   duration)
    write_json(os.path.join(args.results, "latest.json"),
               {"machine": machine, "config": vars(cfg), "sections": sections, "warnings": ws.warnings,
                "leftovers": leftovers, "duration_s": duration})
    log(f"wrote {args.results}/latest.md ({duration / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

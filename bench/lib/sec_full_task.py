"""2. A full Fargate task: `berth ecs run-task` of a one-container awsvpc task until RUNNING (and StopTask
until STOPPED), and a task that exits at once until STOPPED; vs `podman run --rm --network bridge -p` of
the same image.

berth is driven in-process over berthd's socket (RunTask, then DescribeTasks every BENCH_POLL_MS), so the
figure is berthd's, not a CLI process's start-up. Podman's figure is its CLI: `podman run -d` returns
once the container runs, `podman run --rm` (foreground) once it exited and was removed.
"""

import statistics
import time

from berth import IDLE_COMMAND, phases, task_definition, task_ip
from measure import alternate
from util import run, timed, CommandFailed

RUNNING = "berth run-task → RUNNING"
STOPPED = "berth stop-task → STOPPED"
EXITS = "berth run-task, exits at once → STOPPED"
P_RUNNING = "podman run -d → running"
P_STOPPED = "podman stop → stopped"
P_EXITS = "podman run --rm, exits at once → exited+removed"


def measure(section, ctx):
    b, cfg = ctx.berth, ctx.cfg
    idle_port, exit_port = cfg.port("task"), cfg.port("exit")
    b.register(task_definition("bench-task", "busybox", IDLE_COMMAND, ports=[idle_port]))
    b.register(task_definition("bench-exit", "busybox", ["/bin/true"], ports=[exit_port]))
    section.row(RUNNING, group="running", berth=True)
    section.row(P_RUNNING, group="running")
    section.row(STOPPED, group="stop", berth=True)
    section.row(P_STOPPED, group="stop")
    section.row(EXITS, group="exits", berth=True)
    section.row(P_EXITS, group="exits")
    docs = []
    run_task_calls = []

    def berth_running():
        start = time.perf_counter()
        arns = b.run_tasks("bench-task", 1)
        run_task_calls.append(time.perf_counter() - start)
        _, ds = b.wait(arns, "RUNNING", timeout=60)
        to_running = time.perf_counter() - start
        if ds[0]["lastStatus"] != "RUNNING":
            raise RuntimeError(f"task stopped before RUNNING: {ds[0].get('stoppedReason')}")
        docs.append(ds[0])
        start = time.perf_counter()
        b.stop(arns)
        b.wait(arns, "STOPPED", timeout=120)
        return {RUNNING: to_running, STOPPED: time.perf_counter() - start}

    def berth_exits():
        start = time.perf_counter()
        arns = b.run_tasks("bench-exit", 1)
        _, ds = b.wait(arns, "STOPPED", timeout=60)
        elapsed = time.perf_counter() - start
        exit_code = (ds[0].get("containers") or [{}])[0].get("exitCode")
        if exit_code != 0:
            raise RuntimeError(f"exit task ended with {exit_code}: {ds[0].get('stoppedReason')}")
        return {EXITS: elapsed}

    contenders = [("berth task", berth_running, [RUNNING, STOPPED]),
                  ("berth exit task", berth_exits, [EXITS])]
    if ctx.podman:
        p = ctx.podman

        def podman_running():
            start = time.perf_counter()
            cid = run(p.run_cmd("busybox:latest", *IDLE_COMMAND, detach=True, ports=[idle_port]), timeout=120).stdout.strip()
            to_running = time.perf_counter() - start
            try:
                stop = timed(p.cmd("stop", "-t", "10", cid), timeout=120)
            finally:
                # --rm removes it asynchronously (conmon's exit command); wait, so the port is free again.
                wait_removed(p, cid)
            return {P_RUNNING: to_running, P_STOPPED: stop}

        def podman_exits():
            return {P_EXITS: timed(p.run_cmd("busybox:latest", "/bin/true", ports=[exit_port]), timeout=120)}

        contenders += [("podman task", podman_running, [P_RUNNING, P_STOPPED]),
                       ("podman exit task", podman_exits, [P_EXITS])]
    else:
        for name in (P_RUNNING, P_STOPPED, P_EXITS):
            section.rows[name].failed = ctx.podman_error
    alternate(section, contenders, cfg.task_reps, warmup=2)

    # Where berth's time goes: berthd's own timestamps of each RUNNING task.
    if docs:
        per_phase = {}
        for doc in docs:
            for name, seconds in phases(doc).items():
                per_phase.setdefault(name, []).append(seconds * 1000)
        rows = [["RunTask call (client)", f"{statistics.median(run_task_calls) * 1000:.1f}"]]
        rows += [[name, f"{statistics.median(v):.1f}"] for name, v in per_phase.items()]
        section.tables.append({
            "title": "Where berth's RUNNING time goes (medians of berthd's task timestamps, ms)",
            "columns": ["phase", "median ms"], "rows": rows})
    section.notes.append(
        f"berth polls DescribeTasks every {cfg.poll_ms} ms over its socket, so its RUNNING/STOPPED times "
        f"carry up to that much polling delay.")
    if docs and not any(task_ip(d) for d in docs):
        section.notes.append(
            "berth's awsvpc task had no IP here: its network namespace has loopback only until issue 6 (veth, "
            "IP, nft rules, port publishing) lands, while Podman's run includes CNI's bridge, veth, IPAM and "
            "portmap rules. Re-run when issue 6 lands.")
    elif docs:
        section.notes.append(f"berth's tasks had an IP (e.g. {task_ip(docs[0])}) and their portMapping.")


def wait_removed(p, cid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run(p.cmd("container", "exists", cid), check=False, timeout=30).returncode != 0:
            return
        time.sleep(0.05)
    run(p.cmd("rm", "-f", "-t", "0", cid), check=False, timeout=60)

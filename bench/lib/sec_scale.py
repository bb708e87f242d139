"""3. Throughput and scale, and 4. host overhead per task.

berth: 10 tasks (one RunTask, count 10) until all RUNNING then all STOPPED; 100 tasks (10 RunTask calls
with count 10) the same; then a ramp to 1, 10, 100, 300 idle tasks, where at each level one more task is
started until RUNNING (the per-task time as the host fills up) and the host overhead is read: PSS of
berthd and of its berth-shim children (one per container; the container's own processes are not counted).
Podman: the same with `podman run -d` (sequential, as a user or script would), `podman stop` of all, and
the PSS of its conmon processes (Podman has no daemon). The scale tasks publish no port (berth refuses a
hostPort that another task holds), so neither side maps ports here.
"""

import time

from berth import IDLE_COMMAND, task_definition
from measure import Section
from sec_full_task import wait_removed
from util import log, run, summary, timed

IDLE_FAMILY = "bench-idle"


def level_row(section, who, level):
    name = (f"berth: one more task → RUNNING with {level} running" if who == "berth"
            else f"podman: one more run -d with {level} running")
    return section.row(name, group=f"level {level}", berth=(who == "berth"))


def measure(scale, overhead, ctx):
    cfg = ctx.cfg
    throughput = {}
    growth = []
    pss = {}
    for level in sorted(set(cfg.levels) | set(cfg.podman_levels)):
        if level >= 10:
            if level in cfg.levels:
                level_row(scale, "berth", level)
            if level in cfg.podman_levels:
                level_row(scale, "podman", level)
    try:
        berth_scale(scale, ctx, throughput, growth, pss)
    except Exception as e:
        scale.error = f"berth: {type(e).__name__}: {e}"
        log(f"scale (berth) failed: {scale.error}")
        try:
            ctx.berth.stop_all()
        except Exception as e2:
            log(f"could not stop berth's tasks: {e2}")
    if ctx.podman:
        try:
            podman_scale(scale, ctx, throughput, growth, pss)
        except Exception as e:
            scale.error = (scale.error + "; " if scale.error else "") + f"podman: {type(e).__name__}: {e}"
            log(f"scale (podman) failed: {e}")
            ctx.podman.remove_all()
    else:
        scale.notes.append(f"Podman not measured: {ctx.podman_error}")
    report_throughput(scale, throughput, cfg)
    if growth:
        scale.tables.append({
            "title": "Filling the host (idle tasks started in a row until all RUNNING/running)",
            "columns": ["contender", "from → to running", "seconds", "tasks/s"],
            "rows": [[who, f"{a} → {b}", f"{s:.2f}", f"{(b - a) / s:.1f}"] for who, a, b, s in growth]})
    report_overhead(overhead, pss, ctx)
    scale.extra.update(throughput=throughput, growth=growth, burst_tasks=cfg.burst_tasks)
    overhead.extra.update(pss=pss, berthd_fresh=ctx.berthd_fresh)


def berth_scale(section, ctx, throughput, growth, pss):
    b, cfg = ctx.berth, ctx.cfg
    b.register(task_definition(IDLE_FAMILY, "busybox", IDLE_COMMAND))

    def burst(n):
        first_log_line = b.log_lines()
        start = time.perf_counter()
        arns = []
        while len(arns) < n:
            call = time.perf_counter()
            arns += b.run_tasks(IDLE_FAMILY, min(10, n - len(arns)))
            responsiveness.setdefault(f"RunTask (count 10) during the {n}-task burst, as the client sees it",
                                      []).append(time.perf_counter() - call)
        calls = time.perf_counter() - start
        _, docs = b.wait(arns, "RUNNING", timeout=600,
                         latencies=responsiveness.setdefault(
                             f"DescribeTasks polls while the {n} tasks start, as the client sees it", []))
        up = time.perf_counter() - start
        logged = b.logged_durations("RunTask", first_log_line)
        if logged:
            responsiveness.setdefault(f"RunTask during the {n}-task burst, as berthd logs it (duration-ms)",
                                      []).extend(v / 1000.0 for v in logged)
        bad = [d for d in docs if d["lastStatus"] != "RUNNING"]
        if bad:
            raise RuntimeError(f"{len(bad)} of {n} tasks stopped before RUNNING: {bad[0].get('stoppedReason')}")
        snapshot = b.overhead()
        start = time.perf_counter()
        b.stop(arns)
        b.wait(arns, "STOPPED", timeout=600)
        down = time.perf_counter() - start
        log(f"berth burst {n}: RunTask calls {calls:.2f} s, all RUNNING {up:.2f} s, all STOPPED {down:.2f} s")
        return up, down, snapshot

    responsiveness = {}
    runs10 = [burst(10) for _ in range(cfg.burst10_reps)]
    throughput["berth"] = {"10_up": [r[0] for r in runs10], "10_down": [r[1] for r in runs10]}
    up, down, snapshot = burst(cfg.burst_tasks)
    throughput["berth"].update({"n_up": [up], "n_down": [down]})
    pss.setdefault("berth", {})[f"burst {cfg.burst_tasks}"] = snapshot
    rows = []
    for name, values in responsiveness.items():
        s = summary([v * 1000 for v in values])
        rows.append([name, s["n"], f"{s['median']:.1f}", f"{s['p99']:.1f}", f"{s['max']:.1f}"])
    section.tables.append({
        "title": "berthd's API while tasks start (ms): the client's view against berthd's own log shows time "
                 "spent before or after the handler runs",
        "columns": ["call", "n", "median", "p99", "max"], "rows": rows})

    time.sleep(1)
    pss["berth"][0] = b.overhead()
    running = []
    for level in cfg.levels:
        before = len(running)
        start = time.perf_counter()
        new = []
        while before + len(new) < level:
            new += b.run_tasks(IDLE_FAMILY, min(10, level - before - len(new)),
                               subnet=subnet_for(before + len(new)))
        _, docs = b.wait(new, "RUNNING", timeout=900)
        elapsed = time.perf_counter() - start
        running += new
        if any(d["lastStatus"] != "RUNNING" for d in docs):
            raise RuntimeError(f"tasks stopped while filling to {level}: "
                               f"{[d.get('stoppedReason') for d in docs if d['lastStatus'] != 'RUNNING'][:2]}")
        growth.append(("berth", before, level, elapsed))
        log(f"berth: {level} tasks running ({level - before} more in {elapsed:.2f} s)")
        time.sleep(1)  # let the new shims settle before reading their memory
        pss["berth"][level] = b.overhead()
        if level >= 10:
            row = level_row(section, "berth", level)
            for _ in range(cfg.probe_reps):
                start = time.perf_counter()
                arns = b.run_tasks(IDLE_FAMILY, 1, subnet=subnet_for(len(running)))
                _, docs = b.wait(arns, "RUNNING", timeout=120)
                row.samples.append(time.perf_counter() - start)
                b.stop(arns)
                b.wait(arns, "STOPPED", timeout=120)
    start = time.perf_counter()
    b.stop(running)
    b.wait(running, "STOPPED", timeout=900)
    elapsed = time.perf_counter() - start
    throughput["berth"]["all_down"] = (len(running), elapsed)
    log(f"berth: {len(running)} tasks STOPPED in {elapsed:.2f} s")
    time.sleep(1)
    pss["berth"]["after"] = b.overhead()


def subnet_for(index):
    """200 tasks per subnet: a subnet is a /24 by default (issue 6), and on AWS too a /24 holds at most 251
    tasks, so the 300-task ramp spreads over two subnets (created on first use)."""
    return f"subnet-bench{index // 200 + 1:04d}"


def podman_scale(section, ctx, throughput, growth, pss):
    p, cfg = ctx.podman, ctx.cfg

    def start_one():
        return run(p.run_cmd("busybox:latest", *IDLE_COMMAND, detach=True), timeout=120).stdout.strip()

    def stop_all(ids):
        start = time.perf_counter()
        run(p.cmd("stop", "-t", "10", *ids), timeout=900)
        elapsed = time.perf_counter() - start
        for cid in ids:
            wait_removed(p, cid, timeout=60)
        return elapsed

    start = time.perf_counter()
    ids = [start_one() for _ in range(10)]
    up = time.perf_counter() - start
    down = stop_all(ids)
    log(f"podman 10: all running {up:.2f} s, all stopped {down:.2f} s")
    throughput["podman"] = {"10_up": [up], "10_down": [down]}

    pss["podman"] = {}
    running = []
    total_up = 0.0
    for level in cfg.podman_levels:
        before = len(running)
        start = time.perf_counter()
        while len(running) < level:
            running.append(start_one())
        elapsed = time.perf_counter() - start
        total_up += elapsed
        growth.append(("podman", before, level, elapsed))
        log(f"podman: {level} containers running ({level - before} more in {elapsed:.2f} s)")
        time.sleep(1)
        count, total = p.conmon_pss()
        pss["podman"][level] = {"conmon": count, "conmon_pss_kib": total}
        if level >= 10:
            row = level_row(section, "podman", level)
            for _ in range(max(1, cfg.probe_reps // 2)):
                start = time.perf_counter()
                cid = start_one()
                row.samples.append(time.perf_counter() - start)
                timed(p.cmd("stop", "-t", "10", cid), timeout=120)
                wait_removed(p, cid)
    if running:
        down = stop_all(running)
        throughput["podman"]["all_down"] = (len(running), down)
        if len(running) == cfg.burst_tasks:
            throughput["podman"].update({"n_up": [total_up], "n_down": [down]})
        log(f"podman: {len(running)} containers stopped in {down:.2f} s")


def _median(values):
    s = sorted(values)
    return s[len(s) // 2] if s else None


def report_throughput(section, throughput, cfg):
    n = cfg.burst_tasks
    rows = []
    for who, t in throughput.items():
        up10, down10 = _median(t.get("10_up", [])), _median(t.get("10_down", []))
        upn, downn = _median(t.get("n_up", [])), _median(t.get("n_down", []))
        row = [who,
               f"{up10:.2f}" if up10 else "—", f"{down10:.2f}" if down10 else "—",
               f"{upn:.2f}" if upn else "—", f"{n / upn:.1f}" if upn else "—",
               f"{downn:.2f}" if downn else "—", f"{n / downn:.1f}" if downn else "—",
               f"{upn / (up10 * n / 10):.2f}" if upn and up10 else "—"]
        rows.append(row)
    section.tables.append({
        "title": f"Throughput: 10 tasks (1 RunTask, count 10) and {n} tasks ({n // 10} RunTask calls, count 10); "
                 f"Podman: sequential `podman run -d`, one `podman stop` of all",
        "columns": ["contender", "10 → RUNNING s", "10 → STOPPED s", f"{n} → RUNNING s", "tasks/s up",
                    f"{n} → STOPPED s", "tasks/s down", f"{n}-time ÷ ({n // 10} × 10-time)"],
        "rows": rows})
    section.notes.append(
        f"Goal (issue 7): {n} tasks RUNNING in under 2× the time of 10 tasks × {n // 10}; that is the last "
        f"column under 2. The per-task rows above show whether one more task gets slower as the host fills up.")


def report_overhead(section, pss, ctx):
    rows = []
    berth = pss.get("berth", {})
    base = berth.get(0) or ctx.berthd_fresh
    for level in sorted(k for k in berth if isinstance(k, int) and k > 0):
        s = berth[level]
        berthd_delta = (s["berthd_pss_kib"] or 0) - (base["berthd_pss_kib"] or 0)
        per_task = (berthd_delta + s["shims_pss_kib"]) / level
        rows.append(["berth", level, f"{(s['berthd_pss_kib'] or 0) / 1024:.1f}",
                     f"{berthd_delta / 1024:+.1f}", s["shims"], f"{s['shims_pss_kib'] / 1024:.1f}",
                     f"{s['shims_pss_kib'] / max(1, s['shims']):.0f}", f"{per_task:.0f}"])
    for level, s in sorted((pss.get("podman") or {}).items()):
        rows.append(["podman (conmon)", level, "—", "—", s["conmon"], f"{s['conmon_pss_kib'] / 1024:.1f}",
                     f"{s['conmon_pss_kib'] / max(1, s['conmon']):.0f}", f"{s['conmon_pss_kib'] / level:.0f}"])
    section.tables.append({
        "title": "Host overhead with idle tasks (PSS from /proc/<pid>/smaps_rollup; container processes excluded)",
        "columns": ["contender", "running", "berthd PSS MiB", "berthd Δ vs 0 tasks MiB", "helpers",
                    "helpers PSS MiB", "KiB per helper", "KiB per task (Δberthd + helpers)"],
        "rows": rows})
    fresh, after = ctx.berthd_fresh, berth.get("after")
    idle = [["berthd just started (images imported, no task yet)", f"{fresh['berthd_rss_kib'] / 1024:.1f}",
             f"{fresh['berthd_pss_kib'] / 1024:.1f}"]]
    if base is not fresh and base:
        idle.append(["berthd idle before the ramp (after sections 2-3)", f"{base['berthd_rss_kib'] / 1024:.1f}",
                     f"{base['berthd_pss_kib'] / 1024:.1f}"])
    if after:
        idle.append(["berthd idle after the ramp's tasks stopped", f"{after['berthd_rss_kib'] / 1024:.1f}",
                     f"{after['berthd_pss_kib'] / 1024:.1f}"])
    section.tables.append({"title": "berthd idle memory", "columns": ["when", "RSS MiB", "PSS MiB"], "rows": idle})
    section.notes.append("Goals (issue 7): at most 1 MiB (1024 KiB) PSS per idle task; berthd idle RSS at most 30 MiB.")
    section.notes.append("berthd's PSS includes its share of shared libraries (Foundation, the Swift runtime), which "
                         "depends on how many other processes map them at that moment; its RSS is the steadier figure. "
                         "The berth-shims share their pages among themselves, so their PSS per task falls as tasks "
                         "are added.")

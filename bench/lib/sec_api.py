"""5. API latency with 1,000 tasks in the store: DescribeTasks and ListTasks, p50 and p99.

The store is filled with tasks that exit at once (RunTask count 10, 100 per wave, each wave waited until
STOPPED: stopped tasks stay describable for an hour), on top of whatever the earlier sections left.
Calls go over berthd's Unix socket on one keep-alive connection, like an SDK client; one row opens a new
connection per call, and one runs the `berth ecs describe-tasks` CLI process, which is what a shell user
waits for.
"""

import os
import random
import time

from berth import CLUSTER, task_definition
from ecs_client import ECSClient
from util import log, timed

FAMILY = "bench-api"


def measure(section, ctx):
    b, cfg = ctx.berth, ctx.cfg
    b.register(task_definition(FAMILY, "busybox", ["/bin/true"]))
    start = time.perf_counter()
    created = []
    while len(created) < cfg.api_tasks:
        wave = []
        while len(wave) < 100 and len(created) + len(wave) < cfg.api_tasks:
            wave += b.run_tasks(FAMILY, min(10, cfg.api_tasks - len(created) - len(wave)))
        b.wait(wave, "STOPPED", timeout=600)
        created += wave
    fill = time.perf_counter() - start
    stored = len(b.list_tasks("STOPPED")) + len(b.list_tasks("RUNNING"))
    log(f"api: {len(created)} short tasks run to STOPPED in {fill:.1f} s; {stored} tasks in the store")
    section.tables.append({
        "title": "Filling the store",
        "columns": ["tasks run (exit at once)", "seconds until all STOPPED", "tasks/s", "tasks in the store"],
        "rows": [[len(created), f"{fill:.1f}", f"{len(created) / fill:.1f}", stored]]})

    client = b.client
    one = section.row("DescribeTasks, 1 task", group="api", berth=True)
    hundred = section.row("DescribeTasks, 100 tasks", group="api", berth=True)
    list_stopped = section.row("ListTasks, desiredStatus STOPPED, 100 per page", group="api", berth=True)
    list_running = section.row("ListTasks (RUNNING, empty)", group="api", berth=True)
    fresh = section.row("DescribeTasks, 1 task, new connection per call", group="api", berth=True)
    cli = section.row("`berth ecs describe-tasks`, 1 task (CLI process)", group="api", berth=True)
    rng = random.Random(7)
    calls = cfg.api_calls
    for i in range(calls):
        # Interleaved, so a slow moment of the machine hits every operation alike.
        arn = rng.choice(created)
        t = time.perf_counter()
        client.call("DescribeTasks", {"cluster": CLUSTER, "tasks": [arn]})
        one.samples.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.call("ListTasks", {"cluster": CLUSTER, "desiredStatus": "STOPPED", "maxResults": 100})
        list_stopped.samples.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.call("ListTasks", {"cluster": CLUSTER})
        list_running.samples.append(time.perf_counter() - t)
        if i % 5 == 0:
            batch = rng.sample(created, min(100, len(created)))
            t = time.perf_counter()
            client.call("DescribeTasks", {"cluster": CLUSTER, "tasks": batch})
            hundred.samples.append(time.perf_counter() - t)
            once = ECSClient(b.socket)
            t = time.perf_counter()
            once.call("DescribeTasks", {"cluster": CLUSTER, "tasks": [arn]})
            fresh.samples.append(time.perf_counter() - t)
            once.close()
        if i % 25 == 0:
            env = dict(os.environ, BERTH_SOCKET=b.socket)
            cli.samples.append(timed([b.berth, "ecs", "describe-tasks", "--cluster", CLUSTER, "--tasks", arn],
                                     env=env))
    section.notes.append("Goal (issue 7): DescribeTasks p99 at most 10 ms with 1,000 tasks.")

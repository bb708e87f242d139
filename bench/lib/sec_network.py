"""6. Network: iperf3 host → task through the port mapping, through the task IP, and over plain loopback;
nginx requests/s with wrk through the port mapping, to the task IP, and on host loopback, with keep-alive
and with a new connection per request (`Connection: close`).

berth publishes ports and gives tasks an IP with issue 6. This section asks berth whether it does: a task
with a portMapping is started and its DescribeTasks document read; `networkBindings` (hostPort) and the
task's private IPv4 address (attachments / networkInterfaces) decide which paths are measured. Paths berth
does not have yet are reported as "not available yet"; the loopback baselines are measured regardless.

The iperf3 server runs in the task's network namespace (nsenter --net= the pinned netns; the busybox
image has no iperf3), which is the same kernel path a server inside the container would use. nginx runs
inside a task from the nginx image, with the same configuration as the host nginx (no access log).
"""

import json
import os
import re
import socket
import subprocess
import time

from berth import IDLE_COMMAND, host_port, nginx_config, task_definition, task_ip
from measure import Section
from util import log, percentile, run, CommandFailed

NOT_YET = "not available yet (berth does not publish ports / assign task IPs: issue 6)"


def wait_listening(host, port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def iperf3(host, port, seconds, attempts=2):
    """Gbit/s received; one retry, since the server may still be resetting after a previous client."""
    for attempt in range(attempts):
        result = run(["iperf3", "-c", host, "-p", str(port), "-t", str(seconds), "-J"], timeout=seconds + 60,
                     check=False)
        if result.returncode == 0 or attempt == attempts - 1:
            break
        time.sleep(1)
    out = result.stdout
    try:
        data = json.loads(out)
    except ValueError:
        raise CommandFailed(f"iperf3 -c {host} -p {port}: exit {result.returncode}: {result.stderr.strip()[-200:]}")
    if "error" in data:
        raise CommandFailed(f"iperf3: {data['error']}")
    return data["end"]["sum_received"]["bits_per_second"] / 1e9


def wrk(url, seconds, close):
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", url]
    if close:
        cmd[1:1] = ["-H", "Connection: close"]
    out = run(cmd, timeout=seconds + 60).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise CommandFailed(f"wrk printed no Requests/sec: {out[-300:]}")
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise CommandFailed(f"wrk: {non2xx.group(1)} non-2xx responses")
    return float(m.group(1)), (errors.group(1) if errors else None)


def measure(iperf_section, wrk_section, ctx):
    b, cfg, ws = ctx.berth, ctx.cfg, ctx.ws
    iperf_port, nginx_port = cfg.port("iperf"), cfg.port("nginx")
    host_iperf_port, host_nginx_port = cfg.port("host-iperf"), cfg.port("host-nginx")

    # -- baselines on host loopback --------------------------------------------------------------
    host_iperf = ws.spawn(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(host_iperf_port)])
    nginx_dir = os.path.join(ws.tmp, "host-nginx")
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(nginx_dir, d), exist_ok=True)
    html = os.path.join(ws.tmp, "rootfs-nginx", "usr", "share", "nginx", "html")
    from peers import unpack_rootfs
    unpack_rootfs(os.path.join(ctx.fixtures, "nginx"), os.path.join(ws.tmp, "rootfs-nginx"))
    conf = os.path.join(nginx_dir, "nginx.conf")
    with open(conf, "w") as f:
        # user root: the temp dir is 0700, and the worker must read the page from it.
        f.write(nginx_config(f"127.0.0.1:{host_nginx_port}", html, nginx_dir, user="root"))
    host_nginx = ws.spawn(["nginx", "-c", conf, "-e", os.path.join(nginx_dir, "error.log")])
    if not wait_listening("127.0.0.1", host_iperf_port) or not wait_listening("127.0.0.1", host_nginx_port):
        raise RuntimeError("host iperf3/nginx did not start listening")

    # -- berth tasks: one for iperf3 (server entered into its netns), one running nginx ------------
    b.register(task_definition("bench-iperf", "busybox", IDLE_COMMAND, ports=[iperf_port]))
    task_conf = nginx_config(nginx_port, "/usr/share/nginx/html", "/tmp", user="www-data")
    script = f"printf '%s' '{task_conf}' > /tmp/nginx.conf && exec nginx -c /tmp/nginx.conf"
    # 1 vCPU: the task's cpu.max must not be what limits a one-worker nginx (the host one has a whole CPU).
    b.register(task_definition("bench-nginx", "nginx", ["sh", "-c", script], ports=[nginx_port],
                               cpu="1024", memory="2048"))
    iperf_task = b.run_tasks("bench-iperf", 1)
    nginx_task = b.run_tasks("bench-nginx", 1)
    _, docs = b.wait(iperf_task + nginx_task, "RUNNING", timeout=60)
    for doc in docs:
        if doc["lastStatus"] != "RUNNING":
            raise RuntimeError(f"{doc['taskDefinitionArn']} stopped: {doc.get('stoppedReason')}")
    iperf_doc, nginx_doc = docs
    ip, mapped = task_ip(iperf_doc), host_port(iperf_doc, iperf_port)
    nginx_ip, nginx_mapped = task_ip(nginx_doc), host_port(nginx_doc, nginx_port)
    log(f"network: task IP {ip or 'none'}, port binding {mapped or 'none'}; "
        f"nginx task IP {nginx_ip or 'none'}, binding {nginx_mapped or 'none'}")
    if os.environ.get("BENCH_FAKE_TASK_IP") == "1" and not ip and not nginx_ip:
        # Harness self-test only: wire a veth into each task's namespace ourselves, so the measuring code
        # runs end to end before berth has networking. The figures are then the bench's veth, not berth's.
        ip = fake_task_ip(ws, b.netns_path(iperf_task[0]), "bbfake0", "10.254.77.1", "10.254.77.2")
        nginx_ip = fake_task_ip(ws, b.netns_path(nginx_task[0]), "bbfake1", "10.254.77.5", "10.254.77.6")
        for section in (iperf_section, wrk_section):
            section.notes.append("**BENCH_FAKE_TASK_IP=1: the task IPs were wired by the bench itself (a plain "
                                 "veth pair into each task's namespace), not by berth. Harness self-test only.**")
    for section in (iperf_section, wrk_section):
        section.notes.append(
            f"berth reported: task IP {ip or 'none'}, hostPort binding {mapped or 'none'} "
            f"(networkBindings/attachments of DescribeTasks).")

    netns = b.netns_path(iperf_task[0])
    server = None
    if ip or mapped:
        server = ws.spawn(["nsenter", f"--net={netns}", "iperf3", "-s", "-p", str(iperf_port)])
        time.sleep(0.3)

    # -- iperf3 ----------------------------------------------------------------------------------
    paths = [("loopback (host iperf3 server)", "127.0.0.1", host_iperf_port, "loopback")]
    unit = dict(unit="Gbit/s", scale=1.0)
    iperf_section.row("loopback (host iperf3 server)", group="iperf", **unit)
    for name, target, port, available in (
            ("task IP (direct veth path)", ip, iperf_port, bool(ip)),
            ("port mapping 127.0.0.1:hostPort", "127.0.0.1", mapped, bool(mapped))):
        row = iperf_section.row(name, group="iperf", berth=True, **unit)
        if available:
            paths.append((name, target, port, "berth"))
        else:
            row.unavailable = NOT_YET
    for name, target, port, _ in list(paths):
        if not wait_listening(target, port, timeout=5):
            # Fail fast: a path that does not even connect would only make iperf3 hang.
            iperf_section.rows[name].failed = f"no TCP connection to {target}:{port} within 5 s"
            paths.remove((name, target, port, _))
            log(f"iperf3 {name}: {target}:{port} does not connect")
    time.sleep(1)  # the servers log the probes' empty connections as failed tests and reset first
    for r in range(cfg.net_rounds):
        for name, target, port, _ in paths[r % len(paths):] + paths[:r % len(paths)]:
            try:
                iperf_section.rows[name].samples.append(iperf3(target, port, cfg.net_seconds))
            except (CommandFailed, ValueError, KeyError) as e:
                iperf_section.rows[name].errors.append(str(e))
                log(f"iperf3 {name}: {e}")
    for row in iperf_section.rows.values():
        if not row.samples and row.errors and not row.unavailable:
            row.failed = row.errors[-1]

    # -- wrk -------------------------------------------------------------------------------------
    unit = dict(unit="req/s", scale=1.0)
    targets = [("host nginx on loopback", f"http://127.0.0.1:{host_nginx_port}/", True)]
    for name, url, ok in (("task IP (direct)", f"http://{nginx_ip}:{nginx_port}/" if nginx_ip else None,
                           bool(nginx_ip)),
                          ("port mapping 127.0.0.1:hostPort",
                           f"http://127.0.0.1:{nginx_mapped}/" if nginx_mapped else None, bool(nginx_mapped))):
        targets.append((name, url, ok))
    runs = []
    for name, url, ok in targets:
        for close in (False, True):
            label = f"{name}, {'new connection per request' if close else 'keep-alive'}"
            row = wrk_section.row(label, group="close" if close else "keep-alive",
                                  berth=name != "host nginx on loopback", **unit)
            if ok:
                runs.append((label, url, close))
            else:
                row.unavailable = NOT_YET
    for label, url, close in list(runs):
        host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
        if not wait_listening(host, int(port), timeout=10):
            wrk_section.rows[label].failed = f"no TCP connection to {host}:{port} within 10 s"
            runs.remove((label, url, close))
            log(f"wrk {label}: {host}:{port} does not connect")
    for r in range(cfg.net_rounds):
        # keep-alive runs first in each round, then new-connection runs (TIME_WAIT builds up in those).
        ordered = sorted(runs[r % len(runs):] + runs[:r % len(runs)], key=lambda x: x[2])
        for label, url, close in ordered:
            try:
                rate, socket_errors = wrk(url, cfg.net_seconds, close)
                wrk_section.rows[label].samples.append(rate)
                if socket_errors:
                    wrk_section.rows[label].errors.append(f"socket errors: {socket_errors}")
            except CommandFailed as e:
                wrk_section.rows[label].errors.append(str(e))
                log(f"wrk {label}: {e}")
    for row in wrk_section.rows.values():
        if not row.samples and row.errors and not row.unavailable:
            row.failed = row.errors[-1]

    if server:
        ws.stop_process(server)
    for proc in (host_iperf, host_nginx):
        ws.stop_process(proc)
    b.stop(iperf_task + nginx_task)
    b.wait(iperf_task + nginx_task, "STOPPED", timeout=120)
    ratios(iperf_section, [("port mapping ÷ task IP", "port mapping 127.0.0.1:hostPort", "task IP (direct veth path)"),
                           ("port mapping ÷ loopback", "port mapping 127.0.0.1:hostPort", "loopback (host iperf3 server)"),
                           ("task IP ÷ loopback", "task IP (direct veth path)", "loopback (host iperf3 server)")])
    pairs = []
    for mode in ("keep-alive", "new connection per request"):
        pairs.append((f"port mapping ÷ host nginx, {mode}", f"port mapping 127.0.0.1:hostPort, {mode}",
                      f"host nginx on loopback, {mode}"))
        pairs.append((f"task IP ÷ host nginx, {mode}", f"task IP (direct), {mode}", f"host nginx on loopback, {mode}"))
    ratios(wrk_section, pairs)
    iperf_section.notes.append(
        "Goal (issue 7): port-mapped throughput at least 85% of the direct veth path. Ratio column: "
        "berth's path ÷ loopback.")
    wrk_section.notes.append(
        "Goal (issue 7): nginx via the mapping at least 80% of host nginx, keep-alive and new-connection alike. "
        f"wrk -t1 -c16, {cfg.net_seconds} s per run; both nginx: 1 worker, access log off; the nginx task has "
        f"1 vCPU (cpu 1024), so its cpu.max allows the one worker a whole CPU like the host's.")


def ratios(section, pairs):
    rows = []
    for label, a, b in pairs:
        ra, rb = section.rows.get(a), section.rows.get(b)
        if ra and rb and ra.samples and rb.samples:
            ma, mb = percentile(ra.samples, 50), percentile(rb.samples, 50)
            rows.append([label, f"{ma / mb:.2f}"])
        else:
            rows.append([label, "not available yet" if (ra and ra.unavailable) else "—"])
    section.tables.append({"title": "Ratios of medians", "columns": ["ratio", "value"], "rows": rows})


def fake_task_ip(ws, netns, host_link, host_address, task_address):
    peer = host_link + "p"
    run(["ip", "link", "add", host_link, "type", "veth", "peer", "name", peer])
    ws.cleanups.append(lambda: run(["ip", "link", "del", host_link], check=False))
    run(["ip", "link", "set", peer, "netns", netns])
    run(["ip", "addr", "add", f"{host_address}/30", "dev", host_link])
    run(["ip", "link", "set", host_link, "up"])
    inside = ["nsenter", f"--net={netns}", "ip"]
    run(inside + ["addr", "add", f"{task_address}/30", "dev", peer])
    run(inside + ["link", "set", peer, "up"])
    return task_address

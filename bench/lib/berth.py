"""berth's side of the bench: the release binaries, a private berthd, and the task definitions."""

import json
import os
import re
import shlex
import socket
import subprocess
import time

from ecs_client import ECSClient
from util import log, run, processes, pss_kib, rss_kib

CLUSTER = "bench"
# One container that idles until SIGTERM. As PID 1, sh would ignore SIGTERM without a trap, and the task
# would only stop after stopTimeout; the trap makes StopTask and `podman stop` finish at once.
IDLE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


def is_shim(exe):
    """berthd runs its shims from a sealed memfd copy ("/memfd:berth-shim (deleted)"); older ones from the file."""
    return exe.endswith("/berth-shim") or exe.startswith("/memfd:berth-shim")


def task_definition(family, image, command, ports=(), stop_timeout=None, cpu="256", memory="512"):
    container = {"name": "main", "image": image, "essential": True, "command": list(command)}
    if ports:
        container["portMappings"] = [{"containerPort": p, "hostPort": p, "protocol": "tcp"} for p in ports]
    if stop_timeout is not None:
        container["stopTimeout"] = stop_timeout
    return {
        "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "cpu": cpu, "memory": memory, "containerDefinitions": [container],
    }


def nginx_config(port, html_root, temp_dir, user=None, error_log="stderr"):
    """The same nginx configuration on the host and in a task: one worker, no access log (the image's
    /dev/stdout access log would measure berth's log pipe, not the network), 1024 connections."""
    lines = []
    if user:
        lines.append(f"user {user};")
    lines += [
        "worker_processes 1;", "daemon off;", f"error_log {error_log};", f"pid {temp_dir}/nginx.pid;",
        "events { worker_connections 1024; }",
        "http {", "  access_log off;",
        f"  client_body_temp_path {temp_dir}/body;", f"  proxy_temp_path {temp_dir}/proxy;",
        f"  fastcgi_temp_path {temp_dir}/fastcgi;", f"  uwsgi_temp_path {temp_dir}/uwsgi;",
        f"  scgi_temp_path {temp_dir}/scgi;",
        f"  server {{ listen {port}; root {html_root}; index index.html; }}",
        "}",
    ]
    return "\n".join(lines) + "\n"


class Berth:
    def __init__(self, workspace, bin_dir, fixtures, poll_seconds, extra_berthd_args=()):
        self.ws = workspace
        self.bin = bin_dir
        self.fixtures = fixtures
        self.root = os.path.join(workspace.tmp, "berth-root")
        self.run_dir = os.path.join(workspace.tmp, "berth-run")
        self.socket = os.path.join(self.run_dir, "berth.sock")
        self.poll = poll_seconds
        self.extra_berthd_args = list(extra_berthd_args)
        self.daemon = None
        self.client = None
        self.log_path = os.path.join(workspace.tmp, "berthd.log")
        self.security_groups = {}

    @property
    def berth(self):
        return os.path.join(self.bin, "berth")

    def import_images(self):
        for name in ("busybox", "nginx"):
            run([self.berth, "images", "import", os.path.join(self.fixtures, name), "--name", f"{name}:latest",
                 "--root", self.root], timeout=300)

    def write_task_definition(self, definition):
        path = os.path.join(self.ws.tmp, f"td-{definition['family']}.json")
        with open(path, "w") as f:
            json.dump(definition, f)
        return path

    # -- berthd ------------------------------------------------------------------------------

    def start_daemon(self):
        os.makedirs(self.run_dir, exist_ok=True)
        cmd = [os.path.join(self.bin, "berthd"), "--root", self.root, "--run-directory", self.run_dir,
               "--stop-tasks-on-exit"]
        if os.environ.get("BENCH_NETNS", "host") != "private":
            # In the host's namespace 169.254.170.2:80 may be another berthd's; a private one has it free.
            cmd += ["--metadata-listen", "127.0.0.1:0"]
        cmd += self.extra_berthd_args
        log(f"starting {' '.join(map(shlex.quote, cmd))}")
        self.log_file = open(self.log_path, "ab")
        self.daemon = self.ws.spawn(cmd, stdout=self.log_file, stderr=self.log_file, start_new_session=True)
        self.ws.cleanups.append(self.stop_daemon)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"berthd exited at once ({self.daemon.returncode}); see {self.tail_log()}")
            if os.path.exists(self.socket):
                try:
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(self.socket)
                    s.close()
                    break
                except OSError:
                    pass
            time.sleep(0.02)
        else:
            raise RuntimeError(f"berthd did not open {self.socket} within 30 s: {self.tail_log()}")
        self.client = ECSClient(self.socket)
        self.client.call("CreateCluster", {"clusterName": CLUSTER})
        return self.daemon.pid

    def stop_daemon(self):
        if self.client:
            self.client.close()
        if self.daemon and self.daemon.poll() is None:
            log("stopping berthd (it stops its tasks: --stop-tasks-on-exit)")
            self.ws.stop_process(self.daemon, wait=120)
        # A berthd that died leaves its shims: every one of them holds a spec under our root.
        for pid, _, exe, cmdline in processes():
            if is_shim(exe) and any(self.root in c or self.run_dir in c for c in cmdline):
                log(f"killing leftover shim {pid}")
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass

    def tail_log(self, lines=5):
        try:
            with open(self.log_path, errors="replace") as f:
                return " | ".join(f.read().strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def register(self, definition):
        self.client.call("RegisterTaskDefinition", definition)

    # -- host overhead ----------------------------------------------------------------------

    def shim_pids(self):
        return [pid for pid, ppid, exe, _ in processes()
                if ppid == self.daemon.pid and is_shim(exe)]

    def overhead(self):
        """PSS of berthd and of its berth-shim children, in KiB."""
        shims = self.shim_pids()
        shim_pss = [pss_kib(p) or 0 for p in shims]
        return {
            "berthd_pss_kib": pss_kib(self.daemon.pid), "berthd_rss_kib": rss_kib(self.daemon.pid),
            "shims": len(shims), "shims_pss_kib": sum(shim_pss),
        }

    # -- tasks -------------------------------------------------------------------------------

    def run_tasks(self, family, count, overrides=None, subnet="subnet-bench0001"):
        # One security group per family: berth creates an unknown sg-... on first use allowing that task
        # definition's container ports, and a group is a fixed object afterwards (as in EC2), so families
        # with other ports need their own.
        group = self.security_groups.setdefault(family, f"sg-bench{len(self.security_groups) + 1:04d}")
        return self.client.run_task(CLUSTER, family, count=count, overrides=overrides, subnets=(subnet,),
                                    security_group=group)

    def wait(self, arns, status, timeout=120, latencies=None):
        return self.client.wait_status(CLUSTER, arns, status, timeout, poll=self.poll, latencies=latencies)

    def logged_durations(self, operation, since_line=0):
        """berthd's own `duration-ms` for each request of `operation` in its log (from line since_line)."""
        out = []
        try:
            with open(self.log_path, errors="replace") as f:
                for number, line in enumerate(f):
                    if number >= since_line and f"operation={operation} " in line:
                        m = re.search(r"duration-ms=(\d+)", line)
                        if m:
                            out.append(int(m.group(1)))
        except OSError:
            pass
        return out

    def log_lines(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return sum(1 for _ in f)
        except OSError:
            return 0

    def ensure_daemon(self):
        """Restarts berthd if it died (a crash is a result: the caller records it)."""
        if self.daemon and self.daemon.poll() is not None:
            died = f"berthd exited with {self.daemon.returncode}: {self.tail_log(3)}"
            log(died)
            self.start_daemon()
            return died
        return None

    def stop(self, arns):
        self.client.stop_tasks(CLUSTER, arns)

    def stop_all(self, timeout=300):
        """Stops every task berthd still runs and waits until they are STOPPED."""
        arns = self.list_tasks("RUNNING")
        if arns:
            self.stop(arns)
            self.wait(arns, "STOPPED", timeout)
        return len(arns)

    def list_tasks(self, desired_status):
        arns, token = [], None
        while True:
            body = {"cluster": CLUSTER, "desiredStatus": desired_status, "maxResults": 100}
            if token:
                body["nextToken"] = token
            reply = self.client.call("ListTasks", body)
            arns += reply.get("taskArns", [])
            token = reply.get("nextToken")
            if not token:
                return arns

    def netns_path(self, task_arn):
        return os.path.join(self.run_dir, "netns", task_arn.rsplit("/", 1)[1])


def task_ip(doc):
    """The task's private IPv4 address as ECS reports it (attachments or the container's interface)."""
    for attachment in doc.get("attachments") or []:
        for detail in attachment.get("details") or []:
            if detail.get("name") == "privateIPv4Address" and detail.get("value"):
                return detail["value"]
    for container in doc.get("containers") or []:
        for interface in container.get("networkInterfaces") or []:
            if interface.get("privateIpv4Address"):
                return interface["privateIpv4Address"]
    return None


def host_port(doc, container_port):
    for container in doc.get("containers") or []:
        for binding in container.get("networkBindings") or []:
            if binding.get("containerPort") == container_port and binding.get("hostPort"):
                return binding["hostPort"]
    return None


def phases(doc):
    """Seconds between the lifecycle timestamps berthd records (where the launch time goes)."""
    t = {k: doc.get(k) for k in ("createdAt", "pullStartedAt", "pullStoppedAt", "connectivityAt", "startedAt")}
    out = {}
    pairs = [("created→pullStarted", "createdAt", "pullStartedAt"),
             ("pullStarted→pullStopped", "pullStartedAt", "pullStoppedAt"),
             ("pullStopped→connectivity", "pullStoppedAt", "connectivityAt"),
             ("connectivity→started", "connectivityAt", "startedAt"),
             ("created→started", "createdAt", "startedAt")]
    for name, a, b in pairs:
        if isinstance(t[a], (int, float)) and isinstance(t[b], (int, float)):
            out[name] = t[b] - t[a]
    return out

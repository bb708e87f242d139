"""7. What running berth-shim from a sealed copy costs (the CVE-2019-5736 defence).

Every process berth puts into a container's PID namespace runs berth-shim's code until it execs, so berthd
(and `berth run`) execute berth-shim from one sealed memfd copy made at start (`HelperBinaries.sealed`),
never from its file. This section measures, on the release binaries:

- making the copy: memfd_create + sendfile of the whole binary + F_ADD_SEALS (the syscalls
  `bk_sealed_copy` makes), paid once per berthd, and once per `berth run`;
- one health check, `berth-shim --exec SPEC PID 5 -- /bin/true` against a running task's container, spawned
  (posix_spawn) from the sealed copy, as berthd does, and from the file on disk, as before; plus two
  alternatives: a fresh sealed copy per check (what a runtime that cannot keep a copy must do), and a
  read-only bind mount of the binary in a private mount namespace per check;
- berth-shim's bare start-up (it exits at once on a usage error) from the copy and from the file: the part of
  every container launch that the copy could change.

Contenders alternate round by round; the shim binary is the one `berthd` runs.
"""

import ctypes
import fcntl
import json
import os
import subprocess
import time

from berth import IDLE_COMMAND, task_definition
from measure import alternate

SEALS = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
MFD_EXEC = 0x0010
CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18

COPY = "sealed copy of berth-shim (memfd + sendfile + seals; once per berthd)"
CHECK_SEALED = "health check, shim from the sealed copy (berth)"
CHECK_FILE = "health check, shim from its file (before)"
CHECK_FRESH = "health check, fresh sealed copy per check"
CHECK_BIND = "health check, read-only bind mount per check (private mount namespace)"
START_SEALED = "shim start-up alone, from the sealed copy (berth)"
START_FILE = "shim start-up alone, from its file (before)"
CPU_SEALED = "health check CPU time (user+system, whole tree), shim from the sealed copy (berth)"
CPU_FILE = "health check CPU time (user+system, whole tree), shim from its file (before)"


def sealed_copy(path):
    source = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(source).st_size
        try:
            fd = os.memfd_create("berth-shim", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING | MFD_EXEC)
        except OSError:
            fd = os.memfd_create("berth-shim", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        offset = 0
        while offset < size:
            sent = os.sendfile(fd, source, offset, size - offset)
            if sent <= 0:
                raise OSError("short copy")
            offset += sent
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, SEALS)
        return fd
    finally:
        os.close(source)


def spawn_and_wait(path, args, stderr, preexec=None):
    """Seconds from spawn to exit, CPU seconds of the whole tree (the shim reaps what it forks), exit code."""
    stderr.seek(0)
    stderr.truncate()
    start = time.perf_counter()
    child = subprocess.Popen(["berth-shim"] + args, executable=path, stdout=subprocess.DEVNULL, stderr=stderr,
                             preexec_fn=preexec)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime, child.returncode


def measure(section, ctx):
    b, cfg = ctx.berth, ctx.cfg
    shim = os.path.join(b.bin, "berth-shim")
    libc = ctypes.CDLL(None, use_errno=True)
    size_kib = os.stat(shim).st_size // 1024

    b.register(task_definition("bench-exec", "busybox", IDLE_COMMAND))
    arns = b.run_tasks("bench-exec", 1)
    _, docs = b.wait(arns, "RUNNING", timeout=60)
    if docs[0]["lastStatus"] != "RUNNING":
        raise RuntimeError(f"exec task did not run: {docs[0].get('stoppedReason')}")
    task_dir = os.path.join(b.root, "tasks", arns[0].rsplit("/", 1)[1])
    with open(os.path.join(task_dir, "runtime.json")) as f:
        target = str(json.load(f)["running"]["main"]["containerPID"])
    check = ["--exec", os.path.join(task_dir, "main.spec"), target, "5", "--", "/bin/true"]

    sealed = sealed_copy(shim)
    sealed_path = f"/proc/{os.getpid()}/fd/{sealed}"

    def bind_readonly():
        # In the child, before exec: the binary seen read-only through a private mount namespace.
        if libc.unshare(CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        steps = [(None, b"/", MS_REC | MS_PRIVATE), (shim.encode(), shim.encode(), MS_BIND),
                 (None, shim.encode(), MS_REMOUNT | MS_BIND | MS_RDONLY)]
        for source, target, flags in steps:
            if libc.mount(source, target, None, ctypes.c_ulong(flags), None) != 0:
                raise OSError(ctypes.get_errno(), f"mount {target}")

    stderr = open(os.path.join(ctx.ws.tmp, "shim-exec.stderr"), "w+")

    def checked(path, args, preexec=None, expect=0, cpu_row=None):
        elapsed, cpu, code = spawn_and_wait(path, args, stderr, preexec)
        if code != expect:
            stderr.seek(0)
            raise RuntimeError(f"berth-shim {' '.join(args[:1])} exited {code}: {stderr.read()[-300:]}")
        if cpu_row:
            cpu_samples[cpu_row].append(cpu)
        return elapsed

    def fresh():
        start = time.perf_counter()
        fd = sealed_copy(shim)
        try:
            checked(f"/proc/{os.getpid()}/fd/{fd}", check)
        finally:
            os.close(fd)
        return time.perf_counter() - start

    def copy_once():
        start = time.perf_counter()
        fd = sealed_copy(shim)
        elapsed = time.perf_counter() - start
        os.close(fd)
        return elapsed

    for name in (CHECK_SEALED, START_SEALED):
        section.row(name, group=name.split(",")[0], berth=True)
    for name in (CHECK_FILE, CHECK_FRESH, CHECK_BIND, START_FILE):
        section.row(name, group=name.split(",")[0])
    section.row(COPY, group="copy", berth=True)
    cpu_samples = {CPU_SEALED: [], CPU_FILE: []}
    # Measured on its own first: releasing a copy frees its pages, which would slow whatever ran next.
    for i in range(cfg.exec_reps + 2):
        elapsed = copy_once()
        if i >= 2:
            section.rows[COPY].samples.append(elapsed)
    contenders = [
        ("sealed", lambda: {CHECK_SEALED: checked(sealed_path, check, cpu_row=CPU_SEALED)}, [CHECK_SEALED]),
        ("file", lambda: {CHECK_FILE: checked(shim, check, cpu_row=CPU_FILE)}, [CHECK_FILE]),
        ("fresh", lambda: {CHECK_FRESH: fresh()}, [CHECK_FRESH]),
        ("bind", lambda: {CHECK_BIND: checked(shim, check, bind_readonly)}, [CHECK_BIND]),
        ("start sealed", lambda: {START_SEALED: checked(sealed_path, [], expect=125)}, [START_SEALED]),
        ("start file", lambda: {START_FILE: checked(shim, [], expect=125)}, [START_FILE]),
    ]
    try:
        alternate(section, contenders, cfg.exec_reps, warmup=2)
    finally:
        os.close(sealed)
        stderr.close()
        b.stop(arns)
        b.wait(arns, "STOPPED", timeout=120)
    # CPU time is steadier than wall time on a shared machine; the warm-up rounds are dropped as above.
    for name, samples in cpu_samples.items():
        row = section.row(name, group="cpu", berth=name == CPU_SEALED)
        row.samples = samples[2:]
    section.notes.append(
        f"berth-shim here is {size_kib:,} KiB; the sealed copy holds that much shared memory (charged to berthd's "
        "cgroup) for berthd's lifetime, and every shim maps its pages from it as it would the file's page cache.")
    section.notes.append(
        "A health check is `berth-shim --exec` against a running task (join cgroups and namespaces, a preparer "
        "that becomes the container's user, capabilities and seccomp filter, the command forked into the "
        "container's PID namespace, `/bin/true`). berthd spawns it from `/proc/<berthd>/fd/<copy>`; the ratio "
        "of the first two rows is the whole per-check cost of running from the copy.")

"""Small helpers every section uses: logging, timed commands, statistics, /proc readings."""

import math
import os
import re
import subprocess
import sys
import time

_START = time.monotonic()


def log(message):
    print(f"[bench {time.monotonic() - _START:6.1f}s] {message}", file=sys.stderr, flush=True)


class CommandFailed(Exception):
    pass


def run(cmd, timeout=120, check=True, capture=True, env=None, cwd=None, input=None):
    """Runs cmd; returns CompletedProcess. On failure raises CommandFailed with the command's stderr tail."""
    try:
        result = subprocess.run(
            cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=timeout, env=env, cwd=cwd, input=input, text=True)
    except subprocess.TimeoutExpired as e:
        raise CommandFailed(f"{' '.join(map(str, cmd))}: timed out after {timeout} s") from e
    except OSError as e:
        raise CommandFailed(f"{' '.join(map(str, cmd))}: {e}") from e
    if check and result.returncode != 0:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        raise CommandFailed(f"{' '.join(map(str, cmd))}: exit {result.returncode}: {' | '.join(tail)}")
    return result


def timed(cmd, timeout=120, env=None):
    """Seconds from spawn to exit of cmd (output discarded); raises CommandFailed on a non-zero exit."""
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise CommandFailed(f"{' '.join(map(str, cmd))}: timed out after {timeout} s") from e
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise CommandFailed(f"{' '.join(map(str, cmd))}: exit {result.returncode}: {' | '.join(tail)}")
    return elapsed


# -- statistics -----------------------------------------------------------------------------------


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(values):
    return {
        "n": len(values),
        "median": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "min": min(values) if values else math.nan,
        "max": max(values) if values else math.nan,
    }


# -- /proc ---------------------------------------------------------------------------------------


def pss_kib(pid):
    """Proportional set size of pid in KiB (smaps_rollup), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def processes():
    """[(pid, ppid, exe, cmdline)] for every process we can read."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            try:
                exe = os.readlink(f"/proc/{pid}/exe")
            except OSError:
                exe = ""
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().split(b"\0")
            out.append((pid, ppid, exe, [c.decode(errors="replace") for c in cmdline if c]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return out


def machine_description():
    def read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ""
    mem = re.search(r"MemTotal:\s+(\d+) kB", read("/proc/meminfo"))
    model = re.search(r"model name\s*:\s*(.+)", read("/proc/cpuinfo"))
    load = read("/proc/loadavg").split()[:3]
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else "unknown",
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": os.uname().release,
        "os": (re.search(r'PRETTY_NAME="([^"]+)"', read("/etc/os-release")) or [None, "unknown"])[1],
        "loadavg_at_start": " ".join(load),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }

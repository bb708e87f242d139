"""Alternating measurement and the result shapes the report reads.

Absolute times on a shared machine drift from minute to minute, so contenders are never measured in
blocks: iteration i runs every contender once, in an order rotated by i, so a slow minute hurts all of
them alike and none always runs first (or right after another's cleanup).
"""

import traceback

from util import log, summary

FAILURES_BEFORE_GIVING_UP = 3


class Row:
    """One measured quantity: its samples (seconds, or the section's unit) or why it could not be had."""

    def __init__(self, name, group=None, berth=False, unit="ms", scale=1000.0):
        self.name, self.group, self.berth = name, group, berth
        self.unit, self.scale = unit, scale
        self.samples = []
        self.errors = []
        self.failed = None          # the error that made us stop trying
        self.unavailable = None     # a feature berth does not have yet

    def to_dict(self):
        d = {"name": self.name, "group": self.group, "berth": self.berth, "unit": self.unit,
             "samples": [s * self.scale for s in self.samples], "errors": self.errors[:5],
             "failed": self.failed, "unavailable": self.unavailable}
        if self.samples:
            d["summary"] = summary(d["samples"])
        return d


class Section:
    def __init__(self, key, title, columns=("n", "median", "p90", "min", "max", "ratio")):
        self.key, self.title = key, title
        self.columns = list(columns)
        self.rows = {}
        self.tables = []      # extra tables: {"title", "columns", "rows"}
        self.notes = []
        self.charts = []
        self.error = None
        self.extra = {}       # section-specific data the charts read (throughput, PSS readings)

    def row(self, name, **kwargs):
        if name not in self.rows:
            self.rows[name] = Row(name, **kwargs)
        return self.rows[name]

    def to_dict(self):
        d = {"key": self.key, "title": self.title, "columns": self.columns,
             "rows": [r.to_dict() for r in self.rows.values()], "tables": self.tables,
             "notes": self.notes, "charts": self.charts, "error": self.error}
        d.update(self.extra)
        return d


def alternate(section, contenders, reps, warmup=1):
    """contenders: [(label, fn, row names)] where fn() returns {row name: seconds} for one run (it may
    time several phases) and leaves the host as it found it. A contender that fails
    FAILURES_BEFORE_GIVING_UP times in a row is dropped; its rows keep the error."""
    consecutive = {label: 0 for label, _, _ in contenders}
    dropped = set()
    for i in range(warmup + reps):
        shift = i % len(contenders)
        for label, fn, names in contenders[shift:] + contenders[:shift]:
            if label in dropped:
                continue
            try:
                result = fn()
                consecutive[label] = 0
                if i >= warmup:
                    for name, seconds in result.items():
                        section.rows[name].samples.append(seconds)
            except Exception as e:  # a failing peer is a result, not a crash
                consecutive[label] += 1
                message = f"{type(e).__name__}: {e}"
                log(f"{label}: run {i} failed: {message}")
                for name in names:
                    section.rows[name].errors.append(message)
                if consecutive[label] >= FAILURES_BEFORE_GIVING_UP:
                    dropped.add(label)
                    log(f"{label}: giving up after {consecutive[label]} failures in a row")
                    for name in names:
                        row = section.rows[name]
                        if row.samples:
                            row.errors.append(f"stopped after {FAILURES_BEFORE_GIVING_UP} failures in a row")
                        else:
                            row.failed = message
        if (i + 1 - warmup) % 10 == 0 and i >= warmup:
            log(f"{section.key}: {i + 1 - warmup} of {reps} rounds")


def guarded(section, fn, *args):
    """Runs a whole section body; an exception marks the section failed with its traceback's last line."""
    try:
        fn(section, *args)
    except Exception as e:
        section.error = f"{type(e).__name__}: {e}"
        log(f"section {section.key} failed: {section.error}")
        traceback.print_exc()
    return section

"""bench/results/latest.md and the PNG charts beside it, from the sections' dictionaries."""

import math
import os

from util import percentile

CHART_NOTE = "(charts need python3-matplotlib)"


def fmt(value, unit):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ms":
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    if unit == "Gbit/s":
        return f"{value:.2f}"
    if unit == "req/s":
        return f"{value:,.0f}"
    return f"{value:.3g}"


def ratio_cell(row, group_rows):
    """Peer rows: berth's median ÷ this one (one berth row in the group). Berth rows, when a group has
    several berth rows and one peer: this ÷ the peer."""
    if "summary" not in row:
        return ""
    berth_rows = [r for r in group_rows if r["berth"] and "summary" in r]
    peers = [r for r in group_rows if not r["berth"] and "summary" in r]
    if not row["berth"] and len(berth_rows) == 1:
        return f"berth ÷ this: {berth_rows[0]['summary']['median'] / row['summary']['median']:.2f}"
    if row["berth"] and len(berth_rows) > 1 and len(peers) == 1:
        return f"this ÷ {peers[0]['name'].split(' (')[0]}: {row['summary']['median'] / peers[0]['summary']['median']:.2f}"
    return ""


def section_markdown(section):
    out = [f"## {section['title']}", ""]
    if section.get("error"):
        out += [f"**Section failed:** `{section['error']}`", ""]
    rows = section["rows"]
    if rows:
        cols = section["columns"]
        header = ["contender", "unit"] + [c if c != "ratio" else "ratio (medians)" for c in cols]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        for row in rows:
            unit = row["unit"]
            cells = [row["name"], unit]
            if row.get("unavailable"):
                cells += [row["unavailable"]] + [""] * (len(cols) - 1)
            elif row.get("failed"):
                cells += [f"failed: `{row['failed'][:300]}`"] + [""] * (len(cols) - 1)
            else:
                s = row.get("summary") or {}
                group_rows = [r for r in rows if r["group"] == row["group"]]
                for c in cols:
                    if c == "n":
                        cells.append(str(s.get("n", 0)))
                    elif c == "ratio":
                        cells.append(ratio_cell(row, group_rows))
                    else:
                        cells.append(fmt(s.get(c), unit))
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        errors = [(r["name"], e) for r in rows for e in r.get("errors", []) if not r.get("failed")]
        if errors:
            out.append("Errors during the runs (the rows keep the runs that worked):")
            for name, e in errors[:8]:
                out.append(f"- {name}: `{e[:300]}`")
            out.append("")
    for table in section.get("tables", []):
        out += [f"**{table['title']}**", ""]
        out.append("| " + " | ".join(table["columns"]) + " |")
        out.append("|" + "---|" * len(table["columns"]))
        for r in table["rows"]:
            out.append("| " + " | ".join(str(c) for c in r) + " |")
        out.append("")
    for chart in section.get("charts", []):
        out += [f"![{section['title']}]({chart})", ""]
    for note in section.get("notes", []):
        out.append(f"- {note}")
    out.append("")
    return out


def write_markdown(path, machine, sections, header_notes, warnings, leftovers, duration):
    out = ["# berth bench: latest results", ""]
    out.append(f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory_gib']} GiB, "
               f"kernel {machine['kernel']}, {machine['os']}; load average at start {machine['loadavg_at_start']}; "
               f"{machine['date']}. Whole run: {duration / 60:.1f} min.")
    out.append("")
    for note in header_notes:
        out.append(f"- {note}")
    out.append("")
    out.append("Times are wall-clock from the harness (Python, `perf_counter`) around each command or API call; "
               "contenders alternate run by run. `ratio` compares medians (below 1: berth is faster, for times).")
    out.append("")
    for section in sections:
        out += section_markdown(section)
    out.append("## Cleanup")
    out.append("")
    ours, others = leftovers
    if ours:
        out.append(f"**Appeared on the host during the run and still there**, of the kinds berth or the bench's "
                   f"Podman create (this run's berthd, or another berthd on this machine using berth's default "
                   f"names: check which): `{ours}`")
    else:
        out.append("Nothing left behind: no new berth/veth/CNI links, nftables tables, /run/netns entries, "
                   "mounts or cgroups.")
    if others:
        out.append("")
        out.append(f"Appeared during the run and still there, not of the bench's kinds (other users of this "
                   f"machine): `{others}`")
    for w in warnings:
        out.append(f"- warning: {w}")
    out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


# -- charts ---------------------------------------------------------------------------------------

def charts(results_dir, sections_by_key):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [CHART_NOTE]
    from matplotlib.ticker import FuncFormatter, FixedLocator, NullLocator
    made = []
    plt.rcParams.update({"figure.dpi": 110, "font.size": 9})

    def plain_log(axis, values):
        """Log scale with 1-2-5 ticks written as plain numbers (not 10^2)."""
        lo, hi = min(values), max(values)
        ticks = [m * 10 ** e for e in range(-3, 7) for m in (1, 2, 5) if lo / 1.5 <= m * 10 ** e <= hi * 1.5]
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))

    def distribution(key, file, title, log_scale=False):
        section = sections_by_key.get(key)
        if not section:
            return
        rows = [r for r in section["rows"] if r.get("samples") and r["unit"] == "ms"]
        if not rows:
            return
        fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.6))
        data = [r["samples"] for r in rows]
        labels = [r["name"].replace("`", "") for r in rows]
        ax.boxplot(data, vert=False, labels=labels, showfliers=False, widths=0.5,
                   medianprops={"color": "black"})
        import random
        rng = random.Random(1)
        for i, (r, values) in enumerate(zip(rows, data), start=1):
            color = "#d95f02" if r["berth"] else "#1b9e77"
            ax.scatter(values, [i + rng.uniform(-0.18, 0.18) for _ in values], s=9, alpha=0.6, color=color,
                       zorder=3)
        if log_scale:
            ax.set_xscale("log")
            plain_log(ax.xaxis, [v for values in data for v in values])
        ax.set_xlabel("milliseconds (orange: berth, green: peers; box: quartiles, whiskers: 1.5 IQR)")
        ax.set_title(title)
        ax.invert_yaxis()
        fig.tight_layout()
        fig.savefig(os.path.join(results_dir, file))
        plt.close(fig)
        section["charts"].append(file)
        made.append(file)

    distribution("bare_launch", "bare_launch.png", "Bare launch: /bin/true start to exit")
    distribution("full_task", "full_task.png", "Full task: RUNNING, STOPPED, exits at once", log_scale=True)
    distribution("api", "api.png", "API latency with the store filled", log_scale=True)

    scale = sections_by_key.get("scale")
    if scale and getattr_rows(scale):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        ax = axes[0]
        for who, color in (("berth", "#d95f02"), ("podman", "#1b9e77")):
            pts = []
            for r in scale["rows"]:
                if r["name"].startswith(who) and r.get("samples"):
                    level = int(r["group"].split()[1])
                    pts.append((level, percentile(r["samples"], 50), percentile(r["samples"], 10),
                                percentile(r["samples"], 90)))
            if pts:
                pts.sort()
                xs = [p[0] for p in pts]
                ax.errorbar(xs, [p[1] for p in pts], yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                            marker="o", capsize=3, color=color, label=who)
        ax.set_xscale("log")
        ax.set_yscale("log")
        levels_seen = [int(r["group"].split()[1]) for r in scale["rows"] if r.get("samples")]
        medians = [percentile(r["samples"], v) for r in scale["rows"] if r.get("samples") for v in (10, 90)]
        if levels_seen and medians:
            ax.xaxis.set_major_locator(FixedLocator(sorted(set(levels_seen))))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            plain_log(ax.yaxis, medians)
        ax.set_xlabel("tasks already running")
        ax.set_ylabel("one more task until running, ms (median, p10-p90)")
        ax.set_title("Per-task start time as the host fills up")
        ax.legend()
        ax = axes[1]
        tp = scale.get("throughput") or {}
        labels, up, down = [], [], []
        n = scale.get("burst_tasks", 100)
        for who in ("berth", "podman"):
            t = tp.get(who) or {}
            if t.get("n_up"):
                labels.append(f"{who}\n{n} tasks")
                up.append(n / min(t["n_up"]))
                down.append(n / min(t["n_down"]) if t.get("n_down") else 0)
            if t.get("10_up"):
                labels.append(f"{who}\n10 tasks")
                up.append(10 / sorted(t["10_up"])[len(t["10_up"]) // 2])
                down.append(10 / sorted(t["10_down"])[len(t["10_down"]) // 2] if t.get("10_down") else 0)
        if labels:
            xs = range(len(labels))
            ax.bar([x - 0.2 for x in xs], up, width=0.4, label="start → all running", color="#7570b3")
            ax.bar([x + 0.2 for x in xs], down, width=0.4, label="stop → all stopped", color="#e7298a")
            ax.set_xticks(list(xs))
            ax.set_xticklabels(labels)
            ax.set_ylabel("tasks per second")
            ax.set_yscale("log")
            plain_log(ax.yaxis, [v for v in up + down if v > 0])
            ax.set_title("Throughput")
            ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(results_dir, "scale.png"))
        plt.close(fig)
        scale["charts"].append("scale.png")
        made.append("scale.png")

    overhead = sections_by_key.get("overhead")
    if overhead and overhead.get("pss"):
        pss = overhead["pss"]
        fig, ax = plt.subplots(figsize=(7, 3.5))
        series = []
        berth = pss.get("berth") or {}
        base = berth.get(0) or overhead.get("berthd_fresh")
        for level in sorted(k for k in berth if isinstance(k, int) and k > 0):
            s = berth[level]
            per = ((s["berthd_pss_kib"] or 0) - (base["berthd_pss_kib"] or 0) + s["shims_pss_kib"]) / level
            series.append(("berth", level, per))
        for level, s in sorted((pss.get("podman") or {}).items()):
            series.append(("podman", level, s["conmon_pss_kib"] / level))
        levels = sorted({lv for _, lv, _ in series})
        for i, (who, color) in enumerate((("berth", "#d95f02"), ("podman", "#1b9e77"))):
            vals = {lv: v for w, lv, v in series if w == who}
            xs = [j + (i - 0.5) * 0.4 for j, lv in enumerate(levels) if lv in vals]
            ax.bar(xs, [vals[lv] for lv in levels if lv in vals], width=0.4, color=color,
                   label="berth (Δberthd + berth-shim)" if who == "berth" else "podman (conmon)")
        ax.axhline(1024, color="grey", linestyle="--", linewidth=1, label="goal: 1 MiB per task")
        ax.set_xticks(range(len(levels)))
        ax.set_xticklabels([f"{lv} running" for lv in levels])
        ax.set_ylabel("PSS KiB per idle task")
        ax.set_title("Host overhead per idle task")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(results_dir, "overhead.png"))
        plt.close(fig)
        overhead["charts"].append("overhead.png")
        made.append("overhead.png")

    net = [sections_by_key.get(k) for k in ("iperf", "wrk")]
    if any(s and any(r.get("samples") for r in s["rows"]) for s in net):
        fig, axes = plt.subplots(2, 1, figsize=(9, 6.5), gridspec_kw={"height_ratios": [3, 6]})
        for ax, section, unit in zip(axes, net, ("Gbit/s", "req/s")):
            if not section:
                ax.axis("off")
                continue
            rows = section["rows"]
            names = [r["name"].replace("`", "") for r in rows]
            vals = [percentile(r["samples"], 50) if r.get("samples") else 0 for r in rows]
            colors = ["#d95f02" if r["berth"] else "#1b9e77" for r in rows]
            ax.barh(range(len(rows)), vals, color=colors)
            for i, r in enumerate(rows):
                if not r.get("samples"):
                    ax.text(0, i, "  " + ("not available yet" if r.get("unavailable") else "failed"),
                            va="center", fontsize=8)
            ax.set_yticks(range(len(rows)))
            ax.set_yticklabels(names)
            ax.invert_yaxis()
            ax.set_xlabel(f"{unit} (median; orange: berth paths, green: host baselines)")
            if unit == "req/s":
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:g}k"))
            ax.set_title(section["title"].split(":")[0])
        fig.tight_layout()
        fig.savefig(os.path.join(results_dir, "network.png"))
        plt.close(fig)
        target = net[0] or net[1]
        target["charts"].append("network.png")
        made.append("network.png")
    return made


def getattr_rows(section):
    return bool(section.get("rows") or section.get("throughput"))

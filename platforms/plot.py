"""Draws a column of a vmsim CSV (a sweep's results.csv, a run's stats-intervals.csv) against
another, one line or set of bars per value of a series column; `vmsim plot` runs it.

--where COLUMN=VALUE keeps only the rows with that value (repeatable), so that one plot shows one
slice of a sweep. Axis labels carry the unit the statistic's name gives (latency_ns: ns, sim_seconds: s, hit_rate:
share). Rows of failed runs are left out. Errors are one line on standard error, exit status 2.
"""
import argparse
import csv
import sys

# Units by the end of a statistic's name, longest first.
UNITS = [
    ("bytes_per_second", "B/s"),
    ("accesses_per_second", "accesses/s"),
    ("per_kilo_access", "per 1000 accesses"),
    ("_seconds", "s"),
    ("_ns", "ns"),
    ("_bytes", "B"),
    ("_rate", "share"),
    ("_fraction", "share"),
]


def label(column):
    for suffix, unit in UNITS:
        if column.endswith(suffix):
            return f"{column} ({unit})"
    return column


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def fail(message):
    print(f"vmsim: error: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    parser = argparse.ArgumentParser(prog="vmsim plot")
    parser.add_argument("csv")
    parser.add_argument("--x", required=True)
    parser.add_argument("--y", required=True, action="append")
    parser.add_argument("--series")
    parser.add_argument("--kind", choices=["line", "bar"])
    parser.add_argument("--out", default="plot.png")
    parser.add_argument("--size", default="800x500")
    parser.add_argument("--title")
    parser.add_argument("--logx", action="store_true")
    parser.add_argument("--logy", action="store_true")
    parser.add_argument("--where", action="append", default=[])
    options = parser.parse_args()

    try:
        width, height = (int(v) for v in options.size.lower().split("x"))
    except ValueError:
        fail(f"--size {options.size}: expected WIDTHxHEIGHT in pixels, e.g. 800x500")
    if not options.out.endswith((".png", ".svg")):
        fail(f"--out {options.out}: the file must end in .png or .svg")
    try:
        with open(options.csv, newline="") as file:
            rows = list(csv.DictReader(file))
    except OSError as e:
        fail(f"{options.csv}: {e.strerror}")
    columns = list(rows[0].keys()) if rows else []
    conditions = []
    for condition in options.where:
        column, equals, value = condition.partition("=")
        if not equals:
            fail(f"--where {condition}: expected COLUMN=VALUE")
        conditions.append((column, value))
    named = [("--x", options.x), ("--series", options.series)] + [("--y", y) for y in options.y]
    for option, column in named + [("--where", column) for column, _ in conditions]:
        if column is not None and column not in columns:
            fail(f"{options.csv}: {option} {column}: no such column (columns: {', '.join(columns)})")
    rows = [row for row in rows if row.get("status", "ok") == "ok"
            and all(row[column] == value for column, value in conditions)]
    if not rows:
        fail(f"{options.csv}: no rows of successful runs to plot")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    numeric_x = all(number(row[options.x]) is not None for row in rows)
    kind = options.kind or ("line" if numeric_x else "bar")
    series = {}
    for row in rows:
        key = row[options.series] if options.series else None
        series.setdefault(key, []).append(row)
    xs = []
    for row in rows:  # categories in the order of the file
        if row[options.x] not in xs:
            xs.append(row[options.x])

    dpi = 100
    figure, axes = plt.subplots(figsize=(width / dpi, height / dpi), dpi=dpi)
    lines = [(name, y) for name in series for y in options.y]
    for index, (name, y) in enumerate(lines):
        points = series[name]
        legend = " ".join(part for part in [name if options.series else None,
                                            y if len(options.y) > 1 else None] if part)
        values = [number(row[y]) for row in points]
        if kind == "line":
            x_values = [number(row[options.x]) if numeric_x else row[options.x] for row in points]
            ordered = sorted(zip(x_values, values), key=lambda p: p[0]) if numeric_x else list(zip(x_values, values))
            axes.plot([p[0] for p in ordered], [p[1] for p in ordered], marker="o", label=legend or None)
        else:
            bar_width = 0.8 / len(lines)
            by_x = {row[options.x]: v for row, v in zip(points, values)}
            positions = [xs.index(x) + (index - (len(lines) - 1) / 2) * bar_width for x in by_x]
            axes.bar(positions, list(by_x.values()), width=bar_width, label=legend or None)
    if kind == "bar":
        axes.set_xticks(range(len(xs)))
        axes.set_xticklabels(xs)
    if options.logx:
        axes.set_xscale("log", base=2)
        if numeric_x:  # ticks at the swept values, written as numbers rather than powers
            axes.set_xticks(sorted({number(x) for x in xs}))
            axes.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    if options.logy:
        axes.set_yscale("log")
    axes.set_xlabel(label(options.x))
    axes.set_ylabel(label(options.y[0]) if len(options.y) == 1 else "value")
    if options.title:
        axes.set_title(options.title)
    if len(lines) > 1:
        # Beside the plot, never over a line or a bar.
        axes.legend(title=options.series, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(options.out, dpi=dpi)


if __name__ == "__main__":
    main()

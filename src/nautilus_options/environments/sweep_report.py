"""A sweep's results table and HTML report.

``results.parquet`` and ``results.csv`` hold one row per parameter set: its ``run_id``, the
parameters (named by path, ``strategy.wing_width``), and for each period (``full``, or
``in_sample`` and ``out_of_sample``) its objective and headline figures as
``<period>_<figure>`` (parameters first, then in-sample, then out-of-sample figures; the
figures are floats, ``trades`` whole numbers, NaN where undefined). ``report.html`` holds
heat maps of the objective over pairs of parameters, the equity curves of the best sets in
each period, the in-sample against out-of-sample comparison and the table (money with two
decimals); plotly.js is inlined once, so the file opens offline.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from nautilus_options.backtest.charts import figure_div
from nautilus_options.environments.sweep_settings import SweepSettings

__all__ = ["BEST_CURVES", "HEAT_BINS", "heat_axis", "results_frame", "write_results"]

#: Equity curves drawn for the best parameter sets.
BEST_CURVES = 5
#: Periods of at most this many days get one equity tick a day.
DAILY_TICKS = 31
#: A numeric parameter with more distinct values than this is binned in the heat maps.
HEAT_BINS = 6
_FIGURES = ("objective", "trades", "pnl_total", "sharpe", "max_drawdown", "win_rate")
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}"
    "table{border-collapse:collapse;font-size:.85rem}td,th{padding:.2rem .5rem;"
    "border-bottom:1px solid #ddd;text-align:right}th{background:#f4f6f8}"
)


def results_frame(rows: Sequence[Mapping[str, Any]], sweep: SweepSettings) -> pd.DataFrame:
    """One row per parameter set, its periods' figures side by side, best judged first."""
    records: dict[str, dict[str, Any]] = {}
    for row in rows:
        record = records.setdefault(row["run_id"], {"run_id": row["run_id"], **row["params"]})
        for figure in _FIGURES:
            record[f"{row['period']}_{figure}"] = row.get(figure)
    columns = ["run_id", *sweep.parameters]
    figures = [f"{period}_{figure}" for period in _periods(sweep) for figure in _FIGURES]
    frame = pd.DataFrame(list(records.values()), columns=[*columns, *figures])
    for column in figures:
        values = pd.to_numeric(frame[column], errors="coerce")
        frame[column] = values.astype("Int64" if column.endswith("_trades") else "float64")
    judged = _judged(sweep)
    if frame.empty or judged not in frame:
        return frame
    return frame.sort_values(judged, ascending=False, na_position="last", ignore_index=True)


def write_results(
    rows: Sequence[Mapping[str, Any]],
    sweep: SweepSettings,
    out_dir: Path,
    periods: Mapping[str, Mapping[str, Any]] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Write ``results.parquet``, ``results.csv`` and ``report.html``; return the table.

    ``periods`` holds each period's covered ``start`` and ``end`` (ISO dates; the sweep
    file's bounds when None) and ``notes`` its notes, shown under the report's header.
    """
    frame = results_frame(rows, sweep)
    files = {name: out_dir / f"results.{name}" for name in ("parquet", "csv")}
    files["report"] = out_dir / "report.html"
    frame.to_parquet(files["parquet"], index=False)
    frame.to_csv(files["csv"], index=False)
    report = render_report(frame, rows, sweep, periods or {}, notes or {})
    files["report"].write_text(report, encoding="utf-8")
    return frame, files


def render_report(
    frame: pd.DataFrame,
    rows: Sequence[Mapping[str, Any]],
    sweep: SweepSettings,
    periods: Mapping[str, Mapping[str, Any]],
    notes: Mapping[str, Sequence[str]],
) -> str:
    """The self-contained HTML report of a sweep."""
    judged = _judged(sweep)
    curves = [_best_curves(frame, rows, sweep, period) for period in _periods(sweep)]
    charts = [*_heat_maps(frame, sweep, judged), *curves]
    if sweep.walk_forward is not None:
        charts.append(_in_vs_out(frame, sweep))
    lines = [html.escape(line) for line in itertools.chain.from_iterable(notes.values())]
    sections = [
        "<h1>options-nt sweep</h1>",
        f"<p>{len(frame)} parameter sets, sampler <b>{sweep.sampler}</b>, objective "
        f"<b>{html.escape(sweep.objective)}</b> (maximised{_split(sweep, periods)}).</p>",
        *(f"<p class='note'>Note: {line}</p>" for line in lines),
        *(figure_div(chart) for chart in charts if chart is not None),
        "<h2>Results</h2>",
        frame.to_html(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="n/a"),
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>options-nt sweep</title><style>{_STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>{''.join(sections)}</body></html>"
    )


def _periods(sweep: SweepSettings) -> tuple[str, ...]:
    return ("in_sample", "out_of_sample") if sweep.walk_forward is not None else ("full",)


def _judged(sweep: SweepSettings) -> str:
    return "in_sample_objective" if sweep.walk_forward is not None else "full_objective"


def _split(sweep: SweepSettings, periods: Mapping[str, Mapping[str, Any]]) -> str:
    """The periods of the header: the dates covered, else the sweep file's bounds."""
    split = sweep.walk_forward

    def dates(name: str) -> str:
        if name in periods:
            return f"{periods[name]['start']} to {periods[name]['end']}"
        bounds = getattr(split, name)
        return f"{bounds.start} to {bounds.end}"

    if split is None:
        return f" over {dates('full')}" if "full" in periods else ""
    return (
        f" in sample {dates('in_sample')}; out of sample {dates('out_of_sample')}, shown beside it"
    )


def _heat_maps(frame: pd.DataFrame, sweep: SweepSettings, judged: str) -> list[go.Figure]:
    """The objective over each pair of varied parameters (mean over the others)."""
    if frame.empty or judged not in frame:
        return []
    varied = [name for name in sweep.parameters if frame[name].nunique() > 1]
    ranges = {
        name
        for name, parameter in sweep.parameters.items()
        if parameter.values is None and sweep.sampler != "grid"
    }
    figures = []
    for x, y in itertools.islice(itertools.combinations(varied, 2), 3):
        cells = pd.DataFrame(
            {name: heat_axis(frame[name], continuous=name in ranges) for name in (x, y)}
        ).assign(**{judged: frame[judged]})
        table = cells.pivot_table(index=y, columns=x, values=judged, aggfunc="mean", observed=True)
        heat = go.Heatmap(
            z=table.to_numpy(),
            x=[str(v) for v in table.columns],
            y=[str(v) for v in table.index],
            colorscale="RdYlGn",
            colorbar={"title": sweep.objective},
        )
        figure = go.Figure(heat)
        figure.update_layout(title=f"{sweep.objective} by {x} and {y}", height=420)
        figure.update_xaxes(title=x, type="category")
        figure.update_yaxes(title=y, type="category")
        figures.append(figure)
    if len(varied) == 1:
        name = varied[0]
        figure = go.Figure(go.Scatter(x=frame[name], y=frame[judged], mode="markers"))
        figure.update_layout(title=f"{sweep.objective} by {name}", height=380)
        figures.append(figure)
    return figures


def heat_axis(values: pd.Series, *, continuous: bool = False) -> pd.Series:
    """A heat map axis: values to 4 significant digits, binned when continuous and many.

    The labels are an ordered categorical (low to high); ``continuous`` values (a range drawn
    by the ``tpe`` or ``random`` sampler) with more than :data:`HEAT_BINS` distinct values
    fall into that many equal-width bins labelled ``low–high``.
    """
    if not pd.api.types.is_numeric_dtype(values):
        return values.astype(str)
    if continuous and values.nunique() > HEAT_BINS:
        bins = pd.cut(values, HEAT_BINS)
        names = [f"{b.left:.4g}–{b.right:.4g}" for b in bins.cat.categories]
        return bins.cat.rename_categories(names)
    labels = values.map(_shown)
    order = list(dict.fromkeys(labels.loc[values.sort_values().index]))
    return pd.Series(pd.Categorical(labels, categories=order, ordered=True), index=values.index)


def _best_curves(
    frame: pd.DataFrame, rows: Sequence[Mapping[str, Any]], sweep: SweepSettings, period: str
) -> go.Figure | None:
    """Daily equity in ``period`` of the best sets (ranked in the judged period).

    Sets without an objective (no spread opened) are left out; the x axis is a date axis.
    """
    curves = {row["run_id"]: row["equity"] for row in rows if row["period"] == period}
    judged = _judged(sweep)
    ranked = frame[frame[judged].notna()] if judged in frame else frame.iloc[:0]
    figure = go.Figure()
    for run in ranked["run_id"].head(BEST_CURVES):
        points = curves.get(run) or []
        label = ", ".join(
            f"{n.split('.')[-1]}={_shown(_cell(frame, run, n))}" for n in sweep.parameters
        )
        figure.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], name=label))
    if not figure.data:
        return None
    where = "" if period == "full" else f", {period.replace('_', '-')}"
    figure.update_layout(title=f"Equity of the best {BEST_CURVES} sets{where} (INR)", height=420)
    days = {point[0] for trace in curves.values() for point in trace}
    daily = {"dtick": 86_400_000} if len(days) <= DAILY_TICKS else {}
    figure.update_xaxes(type="date", tickformat="%Y-%m-%d", **daily)
    return figure


def _in_vs_out(frame: pd.DataFrame, sweep: SweepSettings) -> go.Figure | None:
    """Out-of-sample objective against in-sample, one point per set."""
    columns = ("in_sample_objective", "out_of_sample_objective")
    if frame.empty or not all(c in frame for c in columns):
        return None
    labels = [
        ", ".join(f"{n}={_shown(row[n])}" for n in sweep.parameters) for _, row in frame.iterrows()
    ]
    figure = go.Figure(
        go.Scatter(
            x=frame[columns[0]],
            y=frame[columns[1]],
            mode="markers",
            text=labels,
            hovertemplate="%{text}<br>in sample %{x:.3f}<br>out of sample %{y:.3f}",
        )
    )
    figure.update_layout(title=f"{sweep.objective}: out of sample against in sample", height=420)
    figure.update_xaxes(title="in sample")
    figure.update_yaxes(title="out of sample")
    return figure


def _cell(frame: pd.DataFrame, run: str, name: str) -> Any:
    return frame.loc[frame["run_id"] == run, name].iloc[0]


def _shown(value: Any) -> str:
    """A parameter value as shown in the charts: a float to 4 significant digits."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)

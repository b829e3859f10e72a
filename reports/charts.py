"""Charts of the report's figures with matplotlib (Agg, DejaVu Sans shipped with matplotlib: no system fonts):
SVG for the HTML page, PNG for the PDF. A figure without data gets no chart (the table says "nessun dato").

No boundary data of the Italian regions with a licence is at hand in this project, so there is no map: the
regional figures are horizontal bar charts by region.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from reports.figures import Figure  # noqa: E402

COLOURS = ("#8a9bb0", "#1f4e79")
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none",
                     "svg.hashsalt": "observatory"})  # fixed ids: the same data give the same SVG


def _draw(figure: Figure) -> Any | None:
    spec = figure.chart
    if not spec:
        return None
    if spec["kind"] in ("bar", "hbar") and not any(value for _, value in spec["data"]):
        return None
    if spec["kind"] == "grouped" and not spec["categories"]:
        return None
    height = 3.2 if spec["kind"] != "hbar" else max(2.4, 0.32 * len(spec["data"]) + 1)
    fig, ax = plt.subplots(figsize=(7.5, height))
    if spec["kind"] == "bar":
        labels = [str(label) for label, _ in spec["data"]]
        ax.bar(range(len(labels)), [v for _, v in spec["data"]], color=COLOURS[1])
        ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
        ax.set_ylabel(spec.get("ylabel", ""))
    elif spec["kind"] == "hbar":
        labels = [str(label) for label, _ in spec["data"]]
        ax.barh(range(len(labels)), [v for _, v in spec["data"]], color=COLOURS[1])
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel(spec.get("xlabel", ""))
        if spec.get("reference") is not None:
            ax.axvline(spec["reference"], color="#b03a2e", linestyle="--", linewidth=1,
                       label=f"riferimento +{spec['reference']:.2f} %".replace(".", ","))
            ax.legend(loc="lower right", frameon=False)
    else:
        categories = spec["categories"]
        width = 0.8 / len(spec["series"])
        for index, (name, values) in enumerate(spec["series"]):
            ax.bar([i + index * width for i in range(len(categories))], values, width, label=name,
                   color=COLOURS[index % len(COLOURS)])
        ax.set_xticks([i + width * (len(spec["series"]) - 1) / 2 for i in range(len(categories))], categories,
                      rotation=35, ha="right")
        ax.set_ylabel(spec.get("ylabel", ""))
        ax.legend(frameon=False)
    values = [v for _, v in spec.get("data", [])] + [v for _, vs in spec.get("series", []) for v in vs]
    if values and all(float(v).is_integer() for v in values):  # counts: no "2,5 gare" on the axis
        axis = ax.xaxis if spec["kind"] == "hbar" else ax.yaxis
        axis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def render(figure: Figure, fmt: str) -> bytes | None:
    """The chart as SVG or PNG bytes; None when the figure has nothing to draw."""
    fig = _draw(figure)
    if fig is None:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buffer.getvalue()

"""The demo Genie space's data: a small, fixed sales data set and the answers Genie gives on it.

`demo_genie_answer(question)` picks the table the question is about (a monthly trend when it
asks about months, trends or time; revenue and deals by region otherwise) and answers it the way
Genie does: a sentence, the SQL it ran, a description, typed columns and the rows. The figures
are fixed so a demo deck is the same every time and tests can check the charts against them.
"""

from __future__ import annotations

import re

from slidegen.emulator.replies import GenieAnswer

__all__ = ["MONTHLY_REVENUE", "REGION_REVENUE", "demo_genie_answer"]

# region, revenue (USD), deals won
REGION_REVENUE: tuple[tuple[str, float, int], ...] = (
    ("North America", 4_820_000.0, 312),
    ("Europe", 3_640_000.0, 268),
    ("Asia Pacific", 2_910_000.0, 231),
    ("Latin America", 1_270_000.0, 118),
    ("Middle East & Africa", 860_000.0, 74),
)

# month, revenue (USD)
MONTHLY_REVENUE: tuple[tuple[str, float], ...] = (
    ("2024-01", 980_000.0),
    ("2024-02", 1_010_000.0),
    ("2024-03", 1_090_000.0),
    ("2024-04", 1_060_000.0),
    ("2024-05", 1_140_000.0),
    ("2024-06", 1_210_000.0),
    ("2024-07", 1_180_000.0),
    ("2024-08", 1_150_000.0),
    ("2024-09", 1_260_000.0),
    ("2024-10", 1_320_000.0),
    ("2024-11", 1_380_000.0),
    ("2024-12", 1_720_000.0),
)

_TREND = re.compile(r"\b(month|monthly|trend|over time|time|quarter|weekly|growth|year)\b", re.I)


def demo_genie_answer(question: str) -> GenieAnswer:
    """Genie's answer to `question` on the demo sales data."""
    if _TREND.search(question):
        total = sum(v for _, v in MONTHLY_REVENUE)
        return GenieAnswer(
            text=f"Revenue grew through 2024, to {total / 1e6:.1f}M in total; December was the "
            "strongest month.",
            sql="SELECT date_format(order_date, 'yyyy-MM') AS month, SUM(amount) AS revenue\n"
            "FROM demo.sales.orders WHERE year(order_date) = 2024\nGROUP BY 1 ORDER BY 1",
            description="Total revenue per month in 2024",
            columns=(("month", "STRING"), ("revenue", "DOUBLE")),
            rows=MONTHLY_REVENUE,
        )
    return GenieAnswer(
        text="North America leads revenue in 2024, ahead of Europe and Asia Pacific.",
        sql="SELECT region, SUM(amount) AS revenue, COUNT(*) AS deals_won\n"
        "FROM demo.sales.orders WHERE year(order_date) = 2024\nGROUP BY region ORDER BY 2 DESC",
        description="Total revenue and deals won per region in 2024",
        columns=(("region", "STRING"), ("revenue", "DOUBLE"), ("deals_won", "INT")),
        rows=REGION_REVENUE,
    )

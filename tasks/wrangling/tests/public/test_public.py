"""Public tests for the wrangling task: shipped with the template, run them yourself.

`candidate.grader_view(NAME, *args)` calls your function NAME in the notebook and
returns its DataFrame as plain data: {"columns", "dtypes", "index", "rows"}.
"""

from __future__ import annotations

ORDERS = (
    "order_id,customer_id,order_date,amount,status\n"
    "1,A,2024-01-01,10.0,shipped\n"
    "2,B,2024-01-02,5.5,shipped\n"
)
CUSTOMERS = "customer_id,name,region\nA,Ann,north\nB,Bob,south\n"


def test_clean_orders_columns(candidate):
    """clean_orders keeps the five columns, in the order the task gives."""
    view = candidate.grader_view("clean_orders", ORDERS)
    assert view["columns"] == ["order_id", "customer_id", "order_date", "amount", "status"]
    assert view["dtypes"]["order_id"] == "int64"
    assert view["dtypes"]["amount"] == "float64"


def test_revenue_by_region_simple(candidate):
    """Two shipped orders in two regions: one row each, largest revenue first."""
    view = candidate.grader_view("revenue_by_region", ORDERS, CUSTOMERS)
    assert view["columns"] == ["region", "orders", "revenue"]
    assert view["rows"] == [["north", 1, 10.0], ["south", 1, 5.5]]

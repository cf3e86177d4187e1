"""Hidden tests for the wrangling task: never shown to candidates.

They check exact values and dtypes on inputs built to trip the usual mistakes:
duplicates that differ only after normalising, blank amounts, unknown customers,
regions with stray spaces and case, ties in revenue.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HEADER = "order_id,customer_id,order_date,amount,status\n"
DATA = Path(__file__).resolve().parents[2] / "data"
STRINGS = ("str", "string", "object")


def _view(candidate, name, *args):
    view = candidate.grader_view(name, *args)
    assert set(view) == {"columns", "dtypes", "index", "rows"}
    assert view["index"] == list(range(len(view["rows"])))
    return view


def _column(view, name):
    position = view["columns"].index(name)
    return [row[position] for row in view["rows"]]


def test_exact_duplicates_only_are_dropped(candidate):
    """A repeated row goes; a row equal only after normalising the status stays."""
    orders = HEADER + ("1,A,2024-01-01,5.0,shipped\n" "1,A,2024-01-01,5.0,shipped\n"
                       "1,A,2024-01-01,5.0, Shipped\n" "2,B,2024-01-02,7.0,pending\n")
    view = _view(candidate, "clean_orders", orders)
    assert _column(view, "order_id") == [1, 1, 2]
    assert _column(view, "status") == ["shipped", "shipped", "pending"]


def test_blank_amounts_dropped_and_order_kept(candidate):
    """Rows without amount go; the rest keep their order with a fresh index."""
    orders = HEADER + ("9,A,2024-01-05,,shipped\n" "3,B,2024-01-01,1.25,shipped\n"
                       "8,C,2024-01-03,2.5,cancelled\n")
    view = _view(candidate, "clean_orders", orders)
    assert _column(view, "order_id") == [3, 8]
    assert _column(view, "amount") == [1.25, 2.5]


def test_clean_orders_dtypes(candidate):
    """int64 ids, datetime64 dates, float64 amounts, string ids and statuses."""
    orders = HEADER + "4,A,2024-02-29,3,SHIPPED\n"
    view = _view(candidate, "clean_orders", orders)
    dtypes = view["dtypes"]
    assert view["columns"] == ["order_id", "customer_id", "order_date", "amount", "status"]
    assert dtypes["order_id"] == "int64"
    assert dtypes["amount"] == "float64"
    assert dtypes["order_date"].startswith("datetime64")
    assert dtypes["customer_id"] in STRINGS and dtypes["status"] in STRINGS
    assert _column(view, "order_date")[0].startswith("2024-02-29")
    assert _column(view, "amount") == [3.0]


def test_shipped_data_files_summary(candidate):
    """The exact summary of the shipped orders.csv and customers.csv."""
    orders = (DATA / "orders.csv").read_text(encoding="utf-8")
    customers = (DATA / "customers.csv").read_text(encoding="utf-8")
    view = _view(candidate, "revenue_by_region", orders, customers)
    assert view["columns"] == ["region", "orders", "revenue"]
    assert view["dtypes"]["orders"] == "int64"
    assert view["dtypes"]["revenue"] == "float64"
    assert view["rows"] == [["north", 3, 430.49], ["west", 2, 318.4],
                            ["south", 2, 95.75], ["unknown", 1, 42.0]]


def test_only_shipped_orders_count(candidate):
    """Cancelled and pending orders are not revenue."""
    orders = HEADER + ("1,A,2024-01-01,100,cancelled\n" "2,A,2024-01-02,1,pending\n"
                       "3,A,2024-01-03,2.5,shipped\n")
    view = _view(candidate, "revenue_by_region", orders, "customer_id,name,region\nA,Ann,east\n")
    assert view["rows"] == [["east", 1, 2.5]]


def test_regions_normalised_and_ties_by_name(candidate):
    """' North' and 'north' are one region; equal revenue sorts by region name."""
    orders = HEADER + ("1,A,2024-01-01,2,shipped\n" "2,B,2024-01-01,2,shipped\n"
                       "3,C,2024-01-01,4,shipped\n")
    customers = "customer_id,name,region\nA,Ann, North\nB,Bob,north\nC,Cy,EAST\n"
    view = _view(candidate, "revenue_by_region", orders, customers)
    assert view["rows"] == [["east", 1, 4.0], ["north", 2, 4.0]]


@pytest.mark.parametrize("amounts, expected", [((0.1, 0.2), 0.3), ((1.005, 2.0), 3.0)],
                         ids=["float-sum", "rounding"])
def test_revenue_rounded_to_cents(candidate, amounts, expected):
    """Revenue is rounded to 2 decimals."""
    orders = HEADER + "".join(f"{i},A,2024-01-01,{a},shipped\n" for i, a in enumerate(amounts))
    view = _view(candidate, "revenue_by_region", orders, "customer_id,name,region\nA,Ann,x\n")
    assert _column(view, "revenue") == [pytest.approx(expected, abs=0.0051)]
    assert round(_column(view, "revenue")[0], 2) == _column(view, "revenue")[0]

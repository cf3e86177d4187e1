from __future__ import annotations

import pytest

from harness.criteria.base import Context, Criterion
from harness.criteria.lint import Lint, LintMessage, PylintTimeout, run_pylint
from harness.errors import CriterionError, RubricError
from harness.result import Status
from tests.criteria.conftest import MakeContext, RealSubmission


TEN_STATEMENTS = "\n".join(f"value_{i} = {i}" for i in range(10))

CLEAN = '''import numpy as np


def centre(points):
    """Shift points so their mean is the origin."""
    return points - points.mean(axis=0)


print(centre(np.ones((3, 2))))
'''


def msg(line: int, category: str = "warning", symbol: str = "unused-variable") -> LintMessage:
    return LintMessage(line, 0, symbol, "W0612", category, f"{symbol} here")


# --- run_pylint: real pylint, notebook configuration ---------------------------------


@pytest.fixture(scope="module")
def notebook_messages() -> list[LintMessage]:
    code = "\n".join(
        [
            "import os",  # 1 unused-import: kept
            "import some_package_not_installed",  # 2 import-error: disabled
            "myVar = 1",  # 3 module-level name: not judged
            "myVar = 2",  # 4
            "myVar",  # 5 pointless-statement: disabled (a notebook display)",
            "import json",  # 6 wrong-import-position, ungrouped: disabled
            "print(json.dumps(myVar), some_package_not_installed)",  # 7
            "def CamelFunc(X, y):",  # 8 invalid-name on the function: kept; X is fine
            "    return X + y + undefined_name",  # 9 undefined-variable: kept
            "import os",  # 10 reimported: disabled
        ]
    )
    return run_pylint(code)


def test_run_pylint_reports_real_problems(notebook_messages: list[LintMessage]) -> None:
    found = {(m.line, m.symbol) for m in notebook_messages}
    assert (1, "unused-import") in found
    assert (9, "undefined-variable") in found
    assert (8, "invalid-name") in found


@pytest.mark.parametrize(
    "symbol",
    [
        "import-error",
        "pointless-statement",
        "wrong-import-position",
        "reimported",
        "missing-module-docstring",
        "missing-function-docstring",
    ],
)
def test_run_pylint_skips_notebook_mechanics(
    notebook_messages: list[LintMessage], symbol: str
) -> None:
    assert symbol not in {m.symbol for m in notebook_messages}


def test_run_pylint_accepts_module_level_names_and_sklearn_x(
    notebook_messages: list[LintMessage],
) -> None:
    naming = [m for m in notebook_messages if m.symbol == "invalid-name"]
    assert [(m.line, m.message.split('"')[1]) for m in naming] == [(8, "CamelFunc")]


def test_run_pylint_message_fields(notebook_messages: list[LintMessage]) -> None:
    undefined = next(m for m in notebook_messages if m.symbol == "undefined-variable")
    assert undefined == LintMessage(
        line=9,
        column=19,
        symbol="undefined-variable",
        msg_id="E0602",
        category="error",
        message="Undefined variable 'undefined_name'",
    )


def test_run_pylint_timeout_is_its_own_error() -> None:
    with pytest.raises(PylintTimeout, match="did not finish"):
        run_pylint(CLEAN, timeout=0.001)


# --- the criterion with real pylint ------------------------------------------------


def test_clean_code_passes(make_context: MakeContext) -> None:
    result = Lint().evaluate(make_context([("code", CLEAN)]))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert result.evidence == ()
    assert "10.0/10" in result.summary


def test_evidence_points_at_written_cell_and_line(make_context: MakeContext) -> None:
    cells = [
        ("code", "import os\nimport sys"),  # template: unused imports not the candidate's
        ("markdown", "# Solution"),
        ("code", 'print("start")\nimport re\nprint(sys.argv)'),
    ]
    written = {(2, 1), (2, 2), (2, 3)}
    result = Lint().evaluate(make_context(cells, written))
    assert [(e.cell, e.line, e.kind, e.severity) for e in result.evidence] == [
        (2, 2, "unused-import", "warning")
    ]
    assert result.evidence[0].message == "unused-import (W0611): Unused import re"
    assert result.details["messages"] == [
        {
            "cell": 2,
            "line": 2,
            "column": 0,
            "symbol": "unused-import",
            "msg_id": "W0611",
            "category": "warning",
            "message": "Unused import re",
        }
    ]


def test_real_pipeline_maps_messages_past_magics(real_submission: RealSubmission) -> None:
    template = [
        ("markdown", "# Task"),
        ("code", "import os\n\n\ndef solve(data):\n    raise NotImplementedError"),
    ]
    cells = [
        ("markdown", "# Task"),
        ("code", "import os\n\n\ndef solve(data):\n    return sorted(data)"),
        ("code", "%timeit solve([3, 1])\n!echo hi\nimport re\nprint(solve([2, 1]))"),
    ]
    result = Lint().evaluate(Context(real_submission(cells, template)))
    # `import os` is the template's (unused, but not the candidate's doing).
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [(2, 3, "unused-import")]


# --- scoring on given messages (the pipeline's path) ---------------------------------


@pytest.mark.parametrize(
    ("messages", "score", "status"),
    [
        pytest.param([], 1.0, Status.PASS, id="no-messages"),
        pytest.param([msg(1)], 1.0, Status.PASS, id="one-warning-is-9.0-at-pass-mark"),
        pytest.param([msg(1), msg(2)], 0.8, Status.PARTIAL, id="two-warnings-8.0"),
        pytest.param([msg(1, "error")], 0.5, Status.PARTIAL, id="error-weighs-five"),
        pytest.param([msg(1, "convention"), msg(2, "refactor")], 0.8, Status.PARTIAL, id="c-and-r"),
        pytest.param([msg(1, "info")], 1.0, Status.PASS, id="info-is-free"),
        pytest.param([msg(1, "error"), msg(2, "error")], 0.0, Status.FAIL, id="clamped-at-zero"),
    ],
)
def test_score_follows_pylint_formula(
    make_context: MakeContext, messages: list[LintMessage], score: float, status: Status
) -> None:
    result = Lint().evaluate(
        make_context([("code", TEN_STATEMENTS)], _messages=messages)
    )
    assert result.score == pytest.approx(score)
    assert result.status is status


def test_pass_at_option(make_context: MakeContext) -> None:
    context = make_context([("code", TEN_STATEMENTS)], _messages=[msg(1)], pass_at=9.5)
    result = Lint().evaluate(context)
    assert result.score == pytest.approx(0.9)
    assert result.status is Status.PARTIAL


def test_messages_outside_written_lines_ignored(make_context: MakeContext) -> None:
    cells = [("code", "a = 1\nb = 2"), ("code", "c = 3\nd = 4")]
    messages = [msg(1, "error"), msg(2, "error"), msg(4), msg(99)]
    result = Lint().evaluate(make_context(cells, {(1, 1), (1, 2)}, _messages=messages))
    assert [(e.cell, e.line) for e in result.evidence] == [(1, 2)]
    # 1 warning over the 2 written statements: 10 - 10 * 1 / 2 = 5.0
    assert result.score == pytest.approx(0.5)
    assert result.details["statements"] == 2


def test_line_references_become_cell_references(make_context: MakeContext) -> None:
    cells = [("code", "a = 1"), ("code", "b = 2\nc = 3")]
    given = LintMessage(3, 0, "redefined-builtin", "W0622", "warning", "Seen first (line 2)")
    result = Lint().evaluate(make_context(cells, _messages=[given]))
    assert result.evidence[0].message == "redefined-builtin (W0622): Seen first (cell 1, line 1)"


def test_unparsable_written_cell_counts_as_error(make_context: MakeContext) -> None:
    cells = [("code", TEN_STATEMENTS), ("code", "def broken(:\n    pass")]
    result = Lint().evaluate(make_context(cells, unparsable=(1,), _messages=[]))
    assert result.score == pytest.approx(0.5)
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [(1, 1, "syntax-error")]


def test_untouched_template_scores_zero(make_context: MakeContext) -> None:
    result = Lint().evaluate(
        make_context([("code", CLEAN)], written=set(), _messages=[])
    )
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert "no code of your own" in result.summary


def test_bad_pass_at_is_a_rubric_error(make_context: MakeContext) -> None:
    with pytest.raises(RubricError, match="'lint'.*'pass_at'"):
        Lint().evaluate(make_context([("code", CLEAN)], pass_at=11, _messages=[]))


def test_timeout_from_pipeline_is_an_error_result(make_context: MakeContext) -> None:
    given = PylintTimeout("pylint did not finish within 120 s")
    result = Lint().evaluate(make_context([("code", CLEAN)], _messages=given))
    assert (result.score, result.status) == (0.0, Status.ERROR)
    assert "did not finish" in result.summary


def test_bad_precomputed_messages_is_a_harness_error(make_context: MakeContext) -> None:
    with pytest.raises(CriterionError, match="_messages"):
        Lint().evaluate(make_context([("code", CLEAN)], _messages=["oops"]))


def test_is_a_criterion_named_lint() -> None:
    assert isinstance(Lint(), Criterion)
    assert Lint.name == "lint"

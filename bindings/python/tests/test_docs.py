"""The example of docs/python.md works as written."""

import contextlib
import io
import re

from conftest import ROOT


def test_the_example_runs_and_prints_completed():
    page = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    section = page[page.index("## An example"):]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(example.splitlines()) <= 16
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "docs/python.md", "exec"), {})
    assert out.getvalue() == "completed\n"

"""A fit measurement's answer checked and put in sentences (no browser needed)."""

from __future__ import annotations

import pytest

from slidegen.export.fit import FitReportError, parse_fit_report


def test_a_report_counts_content_entirely_off_the_slide_in_its_overflow() -> None:
    raw = {
        "v": 1,
        "extent": [40, 40, 600, 830],
        "items": [{"kind": "outside", "name": "the heading “Nationalism”", "px": 49}],
    }
    report = parse_fit_report(raw)
    assert not report.fits and report.only_overflow
    assert report.overflow_px == 110 and report.needed_height == 830
    assert report.problems == (
        "The heading “Nationalism” is entirely outside the slide (49 px away)",
    )
    many = {
        "v": 1,
        "extent": None,
        "items": [{"kind": "clipped", "name": f"the text “{i}”", "px": i} for i in range(1, 6)],
    }
    sentences = parse_fit_report(many).problems
    assert sentences[0].startswith("The text “5”") and len(sentences) == 4
    assert sentences[-1] == "2 more elements have the same problem"
    for bad in (
        None,
        {"v": 2},
        {"v": 1, "items": [{"kind": "boom"}]},
        {"v": 1, "items": [{"kind": "beyond", "name": "x", "px": 3}]},
    ):
        with pytest.raises(FitReportError):
            parse_fit_report(bad)

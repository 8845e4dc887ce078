"""The KPI dashboard in a real browser: Chart.js draws each chart from its table.

`DISPATCH_SCREENSHOTS=DIR` saves the page as DIR/kpi-dashboard.png (the README's picture:
`DISPATCH_SCREENSHOTS=docs/screenshots pytest tests/browser/test_kpi_dashboard.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

import kpi_history
from conftest import PASSWORD, TEST_ACTOR, browser_login

from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work

URL = "/kpis?from=2026-11-01&to=2026-12-31"


def test_dashboard_draws_every_chart_with_its_table_and_csv(app, page):
    with app.app_context(), unit_of_work():
        users.add_user("kpi@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        kpi_history.build()
    browser_login(page, "kpi@oxt.example.jp")
    page.goto(URL)
    # 3 same-day promises, 2 kept (tests/kpi_history.py).
    assert page.locator("#kpi-same_day_kept_rate").inner_text() == "66.7 %"
    assert page.locator("#kpi-reports").inner_text() == "3 / 1"
    for chart in ("weekly", "monthly", "bases", "decisions", "codes"):
        section = page.locator(f"#chart-{chart}")
        # Chart.js attached a chart object that drew as many points as the table has rows.
        drawn = section.locator("canvas").evaluate(
            "c => c.chart ? c.chart.data.labels.length : -1")
        assert drawn == section.locator("tbody tr").count() > 0, chart
        assert section.locator("a[download]").count() == 1
    weeks = page.locator("#chart-weekly tbody tr td:first-child").all_inner_texts()
    assert weeks == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-30"]
    with page.expect_download() as download:
        page.locator("#chart-decisions a[download]").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[:2] == ["判断,受付件数", "当日オンサイト,4"]
    shots = os.environ.get("DISPATCH_SCREENSHOTS")
    if shots:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(Path(shots) / "kpi-dashboard.png"), full_page=True)


def test_dashboard_in_english(app, page):
    with app.app_context(), unit_of_work():
        users.add_user("kpi-en@oxt.example.jp", "admin", PASSWORD, TEST_ACTOR)
        kpi_history.build()
    browser_login(page, "kpi-en@oxt.example.jp")
    page.goto("/lang/en")
    page.goto(URL)
    assert page.locator("h1").inner_text() == "Service figures"
    assert page.locator("#chart-decisions thead th").all_inner_texts() == ["Decision", "Calls"]

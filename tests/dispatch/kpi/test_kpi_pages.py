"""The dashboard page and its CSV downloads (rules.md §10); the charts: tests/browser."""

from __future__ import annotations

import kpi_history
from conftest import PASSWORD

from dispatch.extensions import db

RANGE = "from=2026-11-01&to=2026-12-31"


def _login(client, make_user, role: str) -> None:
    email, _ = make_user(role)
    client.post("/login", data={"email": email, "password": PASSWORD})


def test_csv_under_each_chart_holds_its_table(client, make_user):
    kpi_history.build()
    db.session.flush()
    _login(client, make_user, "coordinator")
    answer = client.get(f"/kpis/weekly.csv?{RANGE}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("週（月曜日）,当日対応の約束,うち当日訪問,約束履行率")
    # Week of 11-02: C1 and C2 promised, C1 kept; C1, C2, C3 visited, C1 fixed; C2 followed up.
    assert lines[2] == "2026-11-02,2,1,0.5,3,1,0.3333,0.3333,1.0"
    codes = client.get(f"/kpis/codes.csv?{RANGE}&base=OSA").get_data(as_text=True)
    assert codes.lstrip("\ufeff").splitlines() == ["ルールコード,受付件数",
                                                   "OUTSIDE_SAME_DAY_AREA,1"]
    assert client.get(f"/kpis/nope.csv?{RANGE}").status_code == 404


def test_backwards_range_is_a_form_error_not_a_500(client, make_user):
    _login(client, make_user, "admin")
    answer = client.get("/kpis?from=2026-12-01&to=2026-11-01")
    assert answer.status_code == 400
    assert "期間が正しくありません" in answer.get_data(as_text=True)


def test_technicians_do_not_see_the_dashboard(client, make_user):
    _login(client, make_user, "technician")
    assert client.get(f"/kpis?{RANGE}").status_code == 403

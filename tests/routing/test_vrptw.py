"""Solomon-format reader, VRPTW solve and the `python -m routing solve-vrptw` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from routing.__main__ import main
from routing.nodes import SolveOptions
from routing.vrptw import InstanceError, read_instance, route_distance, solve_instance

# Capacity 10: customers 1 and 2 (on one ray, 5 + 5 units) share a vehicle, 3 goes alone.
# Optimum: [1, 2] = 5 + 5 + 10 and [3] = 5 + 5, total 30, two vehicles.
TINY = """TINY

VEHICLE
NUMBER     CAPACITY
  3          10

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0         0          0       0         100           0
    1          3         4          5       0         100           1
    2          6         8          5       0         100           1
    3          0        -5          5       0         100           1
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "TINY.txt"
    path.write_text(TINY.replace("\n", "\r\n"))  # the published files use CRLF
    return path


def test_reader_gets_fleet_capacity_and_customer_rows(tiny):
    instance = read_instance(tiny)
    assert (instance.name, instance.vehicles, instance.capacity) == ("TINY", 3, 10)
    assert [c.number for c in instance.customers] == [0, 1, 2, 3]
    assert instance.customers[2].x == 6 and instance.customers[3].service == 1


def test_reader_rejects_a_file_without_a_customer_table(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\nworld\n")
    with pytest.raises(InstanceError, match="not a Solomon-format"):
        read_instance(bad)


def test_reader_rejects_text_after_the_customer_table(tmp_path):
    bad = tmp_path / "trailing.txt"
    bad.write_text(TINY + "see the notes below\n")
    with pytest.raises(InstanceError, match="customer row with 4 fields"):
        read_instance(bad)


def test_reader_rejects_customers_out_of_order(tmp_path):
    bad = tmp_path / "order.txt"
    bad.write_text(TINY.replace("    3          0        -5", "    7          0        -5"))
    with pytest.raises(InstanceError, match="numbered 0"):
        read_instance(bad)


def test_solver_finds_the_hand_computed_optimum(tiny):
    result = solve_instance(read_instance(tiny), SolveOptions(time_limit_s=2, parallel=False))
    assert sorted(map(sorted, result["routes"])) == [[1, 2], [3]]
    assert result["distance"] == pytest.approx(30.0)
    assert result["unserved"] == []


def test_time_window_forces_a_separate_vehicle(tiny, tmp_path):
    # Customer 2 must start by 10, reachable only directly (distance 10): 1 cannot go first.
    text = TINY.replace("6         8          5       0         100",
                        "6         8          5       0          10")
    path = tmp_path / "WIN.txt"
    path.write_text(text)
    result = solve_instance(read_instance(path), SolveOptions(time_limit_s=2, parallel=False))
    assert [1, 2] not in result["routes"]
    assert result["distance"] == pytest.approx(route_distance(read_instance(path),
                                                              result["routes"]))


def test_cli_prints_vehicles_distance_and_routes_as_json(tiny, capsys):
    assert main(["solve-vrptw", str(tiny), "--time-limit", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"vehicles", "distance", "routes"}
    assert out["vehicles"] == 2 and out["distance"] == pytest.approx(30.0)


def test_cli_reports_a_missing_file_on_one_stderr_line(tmp_path, capsys):
    assert main(["solve-vrptw", str(tmp_path / "nope.txt"), "--time-limit", "1"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err


def test_cli_rejects_a_non_positive_time_limit(tiny, capsys):
    assert main(["solve-vrptw", str(tiny), "--time-limit", "0"]) != 0
    assert "time-limit" in capsys.readouterr().err


def test_python_dash_m_routing_runs_as_a_module(tiny):
    done = subprocess.run(
        [sys.executable, "-m", "routing", "solve-vrptw", str(tiny), "--time-limit", "1"],
        capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["vehicles"] == 2

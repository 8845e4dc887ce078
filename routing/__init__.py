"""Vehicle routing for onsite-service visits. Knows nothing of Flask or the database.

Build a RoutingProblem from technicians, visits, pins and a travel source, then:

    plan = solve(problem, SolveOptions(time_limit_s=10))          # one region / one base
    plan = solve_by_region(problem, SolveOptions(time_limit_s=2))  # a national day
    plan = solve(problem, options, previous=plan)                  # warm re-plan
    plan = insert_visit(problem, plan, new_visit)                  # one new call, < 1 s

Times are integer seconds since the caller's epoch (midnight of the service day).
"""

from routing.insertion import insert_visit
from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    Break,
    DroppedVisit,
    DropReason,
    Location,
    Pin,
    Priority,
    Route,
    RoutePlan,
    RoutingProblem,
    Stop,
    Technician,
    TimeWindow,
    TravelMatrix,
    TravelTimeSource,
    Visit,
)
from routing.regions import solve_by_region
from routing.travel import GeodesicTravel, OsrmTravel

__all__ = [
    "Break",
    "DropReason",
    "DroppedVisit",
    "GeodesicTravel",
    "Location",
    "OsrmTravel",
    "Pin",
    "Priority",
    "Route",
    "RoutePlan",
    "RoutingProblem",
    "SolveOptions",
    "Stop",
    "Technician",
    "TimeWindow",
    "TravelMatrix",
    "TravelTimeSource",
    "Visit",
    "insert_visit",
    "solve",
    "solve_by_region",
]

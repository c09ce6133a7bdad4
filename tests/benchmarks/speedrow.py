"""One row of the speed table (issue 17): a whole-process timing beside its floor.

Each of ``speed_start.py``, ``speed_import.py`` and ``speed_output.py`` returns a list of
these from ``rows(db, runs)``; ``bench_speed.py`` prints them as one table.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    what: str                      # e.g. "qcdesk rates, one day"
    seconds: float                 # median of interleaved runs, whole process
    floor_what: str                # e.g. "the same SQL in a bare Python process" ("" when none)
    floor_seconds: float | None    # median of the floor, measured in the same run
    target_ratio: float | None     # e.g. 4.0 for "within 4x of the floor"
    target_seconds: float | None   # e.g. 0.8 for "under 0.8 s whole process"
    note: str = ""                 # memory, sizes, equality checks passed, ...

    @property
    def ratio(self) -> float | None:
        if self.floor_seconds is None or self.floor_seconds <= 0:
            return None
        return self.seconds / self.floor_seconds

    @property
    def met(self) -> bool:
        ratio = self.ratio
        if self.target_ratio is not None and (ratio is None or ratio > self.target_ratio):
            return False
        return not (self.target_seconds is not None and self.seconds > self.target_seconds)

"""A small workshop with people, for the tests of roles, sign-off, voiding and verify."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from qcdesk.model import Disposition
from qcdesk.people import Cost, Person
from qcdesk.store import NewHeat, NewIngot, Store

CHEAP = Cost(n=2 ** 4, r=8, p=1)  # tests only: people's PINs are hashed at OWASP's cost
NOW = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)
DAY = date(2025, 3, 10)
PINS = {"ada": "admin-pin", "hu": "head-pin", "wang": "insp-pin", "li": "insp-pin2"}
GOOD = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}


def clock_at(moment: datetime) -> list[datetime]:
    """A settable clock: the test moves moment[0]."""
    return [moment]


def open_as(path: Path, name: str | None, now: list[datetime] | None = None) -> Store:
    """Open the database and sign `name` in (None: nobody)."""
    now = now or [NOW]
    store = Store.open(path, "tester", clock=lambda: now[0])
    if name is not None:
        try:
            store.login(name, PINS[name])
        except BaseException:
            store.close()  # a refused sign-in leaves no connection open (a server's warns)
            raise
    return store


def add_people(store: Store) -> dict[str, Person]:
    """ada (admin, the first), hu (head), wang and li (inspectors)."""
    people = {"ada": store.add_person("ada", "admin", PINS["ada"], cost=CHEAP)}
    store.login("ada", PINS["ada"])
    people["hu"] = store.add_person("hu", "head", PINS["hu"], cost=CHEAP)
    people["wang"] = store.add_person("wang", "inspector", PINS["wang"], cost=CHEAP)
    people["li"] = store.add_person("li", "inspector", PINS["li"], cost=CHEAP)
    return people


def make_shop(path: Path, *, people: bool = True) -> None:
    """Before any person exists: on 10 March 2025 (default shifts: night 00-08, day 08-16,
    evening 16-24) heat D1 in the day shift with ingots 1 (700 kg accepted) and
    2 (650 kg scrap), heat D2 in the day shift with ingot 1 (800 kg accepted), and heat
    E1 in the evening shift with ingot 1 (900 kg accepted); then the people, if `people`."""
    with Store.open(path, "tester", clock=lambda: NOW) as s:
        s.add_heat(NewHeat("D1", "1", datetime(2025, 3, 10, 9, 0), "Q235B", 30.0, 1620.0, "wang",
                           analysis=GOOD))
        s.add_ingots("D1", [NewIngot(1, 700.0, Disposition.ACCEPTED, "wang",
                                     judged_at=datetime(2025, 3, 10, 10, 0)),
                            NewIngot(2, 650.0, Disposition.SCRAP, "wang",
                                     judged_at=datetime(2025, 3, 10, 10, 5))])
        s.add_heat(NewHeat("D2", "2", datetime(2025, 3, 10, 11, 30), "Q235B", 25.0, None, "wang",
                           analysis=GOOD))
        s.add_ingots("D2", [NewIngot(1, 800.0, Disposition.ACCEPTED, "wang",
                                     judged_at=datetime(2025, 3, 10, 12, 0))])
        s.add_heat(NewHeat("E1", "1", datetime(2025, 3, 10, 17, 0), "Q235B", 20.0, None, "li",
                           analysis=GOOD))
        s.add_ingots("E1", [NewIngot(1, 900.0, Disposition.ACCEPTED, "li",
                                     judged_at=datetime(2025, 3, 10, 18, 0))])
        if people:
            add_people(s)

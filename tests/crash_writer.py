"""A child process that writes heats and ingots through the Store, for the crash and two-writer tests.

    python tests/crash_writer.py DB RUN_ID SEED [OPERATIONS]

Loops over random operations — one heat added, ingots added to a heat, a CSV import
of 50 heats, a CSV import of 50 ingots — and prints one line to stdout, flushed, right
after each commit returns:

    heat HEAT_NO
    ingots HEAT_NO N            (the heat now holds exactly N ingots, all added in this step)
    import-heats TAG 50         (50 heats whose inspector is TAG)
    import-ingots TAG 50        (50 ingots whose inspector is TAG)

It prints "ready" once the database is open. With OPERATIONS it stops after that many
operations and exits 0; without, it runs until killed. Every heat number holds RUN_ID, so
runs on one database never collide. DB is a SQLite file (the CSV files are written beside
it) or a PostgreSQL URI (the CSV files are written in the current folder).
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qcdesk import csvio  # noqa: E402
from qcdesk.model import Disposition  # noqa: E402
from qcdesk.store import NewHeat, NewIngot, Store  # noqa: E402

IMPORT_ROWS = 50
_BASE = datetime(2020, 1, 1, 0, 0)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _heat(heat_no: str, n: int, inspector: str) -> NewHeat:
    return NewHeat(heat_no, str(n % 3 + 1), _BASE + timedelta(minutes=7 * n), "Q235B",
                   120.0 + n % 50, 1600.0, inspector, analysis={"C": 0.15, "Mn": 0.45})


def main() -> int:
    db, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
    rng = random.Random(seed)
    on_server = db.startswith("postgresql://")
    scratch = (Path.cwd() if on_server else Path(db).parent) / f"writer-{run}"
    scratch.mkdir(exist_ok=True)
    store = Store.open(db, f"writer-{run}")
    _say("ready")
    plain: list[str] = []  # heats of this run without ingots yet
    serial = 0
    done = 0
    while limit is None or done < limit:
        done += 1
        serial += 1
        choice = rng.random()
        if choice < 0.45 or len(plain) < 5:
            heat_no = f"{run}-{serial}"
            store.add_heat(_heat(heat_no, serial, f"w{run}"))
            plain.append(heat_no)
            _say(f"heat {heat_no}")
        elif choice < 0.7:
            heat_no = plain.pop(rng.randrange(len(plain)))
            n = rng.randint(1, 8)
            store.add_ingots(heat_no, [NewIngot(i, 9000.0 + i, Disposition.ACCEPTED, f"w{run}")
                                       for i in range(1, n + 1)])
            _say(f"ingots {heat_no} {n}")
        elif choice < 0.85:
            tag = f"ih-{run}-{serial}"
            path = scratch / "heats.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow([*csvio.HEAT_COLUMNS, "C", "Mn"])
                for k in range(IMPORT_ROWS):
                    at = _BASE + timedelta(minutes=7 * serial + k)
                    out.writerow([f"{tag}-{k}", str(k % 3 + 1), at.strftime("%Y-%m-%d %H:%M"),
                                  "Q235B", "130", "1610", tag, "0.16", "0.44"])
            csvio.import_heats(store, path)
            _say(f"import-heats {tag} {IMPORT_ROWS}")
        else:
            tag = f"ii-{run}-{serial}"
            targets = [plain.pop() for _ in range(5)]
            path = scratch / "ingots.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow(csvio.INGOT_COLUMNS)
                for k in range(IMPORT_ROWS):
                    out.writerow([targets[k % 5], str(k // 5 + 1), "8500", "accepted", "", tag])
            csvio.import_ingots(store, path)
            _say(f"import-ingots {tag} {IMPORT_ROWS}")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Plant mode at its edges: moving a database between a SQLite file and a PostgreSQL server
(`qcdesk migrate --to`), and what `qcdesk info` says of a server.

A migration copies every row as it is (`qcdesk.store.copy`): records, audit entries, blocks and
signatures, with their row ids, so the copy's chain is the original's, head and all. The copy
is written in one transaction on a server, and into a temporary file renamed into place for a
file; it is then checked with `qcdesk verify` and its chain head compared with the source's.
A copy that fails either check is taken away again: the target is left as it was.

The source is read in one snapshot (a read transaction), so desks writing meanwhile neither
tear the copy nor are lost from it unseen: what they save after the snapshot is in the source
only, and the source's head then differs from the copy's, which this module says.

Like `qcdesk.backup`, this module speaks to the databases directly, for what concerns a
database as a whole: the server's catalogue (what an empty database holds), its version.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from qcdesk import health, journal, outputs
from qcdesk.backup import fsync_folder
from qcdesk.errors import DatabaseError, QcError
from qcdesk.i18n import N_, _
from qcdesk.migrations import MIGRATIONS
from qcdesk.store import Store
from qcdesk.store import copy as whole
from qcdesk.store.common import split_statements
from qcdesk.store.postgres import Server

if TYPE_CHECKING:
    from qcdesk.plant_quality import PlantQuality
    from qcdesk.rates import RateReport
    from qcdesk.store import postgres
    from qcdesk.trends import Grain, Period
    from qcdesk.verify import Report

Progress = Callable[[str, int], None]  # (table, rows copied of it so far)
KINDS = {"table": N_("table"), "view": N_("view"), "sequence": N_("sequence"), "relation": N_("relation"),
         "function": N_("function"), "aggregate": N_("aggregate"), "procedure": N_("procedure"),
         "type": N_("type")}  # of what a database's schema holds
SHOWN_OBJECTS = 8  # what a non-empty database holds, named up to this many


@dataclass
class Migrated:
    """A migration done: where from and to, the chain heads, the rows per table, the times."""

    source: str
    target: str
    source_head: str            # the source's chain head in the snapshot copied (for a server
    target_head: str            # source: its head after the copy, if nobody wrote meanwhile)
    rows: dict[str, int]
    copy_s: float
    verify_s: float
    report: Report
    heads: Path | None          # the copy's journal of chain heads, if the source had one
    moved_on: bool = False      # the source was written after its snapshot was copied
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ migrate

def migrate(source: Path | Server, target: Path | Server, *, user: str | None = None,
            progress: Progress | None = None) -> Migrated:
    """Copy the database `source` into `target`: an empty PostgreSQL database, or a file that
    does not exist yet. Raises QcError, with the target as it was, when it cannot be done."""
    if isinstance(source, Server) == isinstance(target, Server):
        raise QcError(_("qcdesk migrate copies a SQLite file to a PostgreSQL database or back; "
                        "for a copy of the same kind use qcdesk backup and restore. Nothing was copied."))
    if isinstance(source, Path):
        if not source.is_file():
            raise DatabaseError(_("there is no database at {path}").format(path=source))
        check = health.damaged(source)
        if check is not None:
            raise QcError(_("{path} failed its integrity check on {when}: it is not copied. Restore a "
                            "backup first (qcdesk restore).").format(path=source, when=check.when))
    with Store.open(source, user, create=False) as store:
        if isinstance(target, Server):
            return _to_server(store, target, progress)
        return _to_file(store, Path(target), progress)


def _to_server(store: Store, server: Server, progress: Progress | None) -> Migrated:
    """A SQLite database into the empty PostgreSQL database `server`, in one transaction."""
    from qcdesk.store import postgres  # noqa: PLC0415 - plant mode only
    from qcdesk.store.dialect import postgres_schema  # noqa: PLC0415

    schema = postgres_schema()
    made = _new_schema(server)  # a workshop beside those there (workshops)
    try:
        conn = connect(server)
    except BaseException:
        _drop_schema(server, made)
        raise
    try:
        held = contents(conn)
        if held:
            raise QcError(_("{target} is not empty: it holds {what}. Nothing was copied: migrate into "
                            "an empty database (createdb), or drop what it holds first.").format(
                target=server.shown, what=", ".join(held)))
        started = time.monotonic()
        with store.snapshot():  # one state of the source throughout; writers elsewhere wait
            source_head = store.chain_head()
            rows = _server_errors(lambda: whole.into_server(store.conn, conn, schema=schema,
                                                            progress=progress), server)
    except BaseException:
        conn.close()
        _drop_schema(server, made)
        raise
    finally:
        conn.close()
    copy_s = time.monotonic() - started
    try:
        done = _checked(store, server, source_head, rows, copy_s)
        done.notes += grant_again(server)  # the desks' role may work on the copy
        if made and server.workshop is not None:
            done.notes.append(_("workshop {code} is new: qcdesk plant workshop add {code}, as a superuser, "
                                "gives it its desks' role and the quality office's rights").format(
                code=server.workshop))
        return done
    except BaseException:
        if made:
            _drop_schema(server, made)
            raise
        undo = postgres.connect(server)
        try:
            empty(undo)
        finally:
            undo.close()
        raise


def _new_schema(server: Server) -> bool:
    """The schema of the workshop `server` names, made (by the role connecting: the database's
    owner) if it is not there yet; whether it was made."""
    import psycopg  # noqa: PLC0415 - plant mode only
    from psycopg import sql  # noqa: PLC0415

    from qcdesk.store.postgres import workshop_problem  # noqa: PLC0415

    if server.workshop is None:
        return False
    if (problem := workshop_problem(server.workshop)) is not None:
        raise QcError(_("{problem}; nothing was copied").format(problem=problem))
    with _admin_connection(server.in_workshop(None)) as conn:
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (server.workshop,)).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(server.workshop)))
        except psycopg.Error as exc:
            raise QcError(_("{db} refused to make the workshop's schema: {error}. Nothing was copied: the "
                            "copy runs as the database's owner role.").format(
                db=server.shown, error=_message(exc))) from exc
    return True


def _drop_schema(server: Server, made: bool) -> None:
    """The schema made for a copy that did not succeed, taken away with all it holds."""
    from psycopg import sql  # noqa: PLC0415

    if not made or server.workshop is None:
        return
    with _admin_connection(server.in_workshop(None)) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(server.workshop)))


def _to_file(store: Store, target: Path, progress: Progress | None) -> Migrated:
    """A PostgreSQL database into the new SQLite file `target`: written as `<target>.part`,
    renamed into place once it passes its checks."""
    target = _new_file_target(target)
    part = target.with_name(target.name + outputs.TEMPORARY)
    part_heads = part.with_name(part.name + journal.SUFFIX)
    _remove_file(part)
    part_heads.unlink(missing_ok=True)
    try:
        conn = _new_database(part)
        try:
            started = time.monotonic()
            rows = _server_errors(lambda: whole.into_file(cast("postgres.Connection", store.conn), conn,
                                                          progress=progress), store.server)
        finally:
            conn.close()
        copy_s = time.monotonic() - started
        done = _checked(store, part, None, rows, copy_s, heads=part_heads)
        os.replace(part, target)
        fsync_folder(target.parent)
        if done.heads is not None:
            done.heads = _put_journal(part_heads, journal.journal_path(target))
        done.target = str(target)
        return done
    except BaseException:
        _remove_file(part)
        part_heads.unlink(missing_ok=True)
        raise


def _checked(source: Store, target: Path | Server, source_head: str | None, rows: dict[str, int],
             copy_s: float, *, heads: Path | None = None) -> Migrated:
    """The copy at `target`, with the source's journal of chain heads up to the copy's head,
    verified; QcError (and the journal copied taken away) if it does not pass verify or its
    head is not the source's."""
    from qcdesk.verify import verify  # noqa: PLC0415 - only for this command

    started = time.monotonic()
    with Store.open(target, source.user, create=False, heads=heads) as copy:
        target_head = copy.chain_head()
        kept = _journal_up_to(source.journal, copy.journal, target_head)
        try:
            report = verify(copy)
            moved_on = False
            if source_head is None:  # a server read in its own snapshot: its head now, or later
                source_head = source.chain_head()
                moved_on = source_head != target_head and source.entries_up_to(target_head) is not None
            if not report.ok:
                raise QcError(_("the copy does not pass verify: {problem}. Nothing was kept; check the "
                                "source with qcdesk verify.").format(problem=report.problem))
            if source_head != target_head and not moved_on:
                raise QcError(_("the copy's chain head {copied} is not the source's ({source}): nothing "
                                "was kept.").format(copied=target_head[:16], source=source_head[:16]))
        except BaseException:
            copy.journal.unlink(missing_ok=True)
            raise
    done = Migrated(source.location, copy.location, source_head, target_head, rows, copy_s,
                    time.monotonic() - started, report, copy.journal if kept else None, moved_on)
    if not kept:
        done.notes.append(_("the source's journal of chain heads {path} does not reach the copy's head: "
                            "the copy has none (verify says so)").format(path=source.journal))
    return done


def _journal_up_to(source: Path, target: Path, head: str) -> bool:
    """The source's journal, up to `head`, becomes the target's; a journal already there (of a
    database that had this name before) is kept aside, renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _keep_aside(target)
    return journal.copy_up_to(source, target, head)


def _put_journal(part_heads: Path, heads: Path) -> Path:
    _keep_aside(heads)
    heads.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(part_heads, heads)
    return heads


def _keep_aside(path: Path) -> None:
    if path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path.rename(path.with_name(f"{path.name}.replaced-{stamp}"))


def _new_file_target(target: Path) -> Path:
    """The file a migration writes: one that does not exist yet, in a folder that does."""
    target = target.expanduser()
    if target.exists() or target.is_symlink():
        raise QcError(_("{path} exists: qcdesk migrate writes a new file only. Nothing was copied.").format(
            path=target))
    return outputs.check_target(target, None)


def _new_database(path: Path) -> sqlite3.Connection:
    """A new SQLite database at `path` with the schema the migrations make, every table empty:
    the migrations are replayed in memory (their statements and steps, without the seed),
    and their tables, indexes, views and triggers made again here, without a row."""
    made = sqlite3.connect(":memory:")
    try:
        for _version, script, *steps in MIGRATIONS:
            for statement in split_statements(script):
                made.execute(statement)
            for step in steps:
                step(made)
        order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
        schema = sorted(made.execute("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall(),
                        key=lambda row: order.get(row[0], 4))
    finally:
        made.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for _kind, _name, statement in schema:
            conn.execute(statement)
        conn.execute("COMMIT")
        tables = [r[1] for r in schema if r[0] == "table"]
        if set(tables) != set(whole.TABLES):
            raise DatabaseError(f"the migrations make the tables {sorted(tables)}, not the copy's")
    except BaseException:
        conn.close()
        raise
    return conn


def _remove_file(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)




# ------------------------------------------------------------------ a server's database

def connect(server: Server) -> postgres.Connection:
    from qcdesk.store import environment_error, postgres  # noqa: PLC0415 - plant mode only

    try:
        return postgres.connect(server)
    except sqlite3.Error as exc:
        raise environment_error(exc) from exc


def _server_errors(work: Callable[[], dict[str, int]], server: Server | None) -> dict[str, int]:
    """`work` (a whole copy), a refusal of the server said in its own words."""
    try:
        return work()
    except sqlite3.Error as exc:
        state = getattr(exc.__cause__, "sqlstate", None)  # the server's refusal (`copy` keeps it)
        if server is None or state is None:
            raise  # the file's, or the connection's: said as any other command says them
        if state == "42501":
            raise QcError(_("{db} refused the copy: {error}. Nothing was copied: the copy creates the "
                            "schema, so it runs as the database's owner role.").format(
                db=server.shown, error=exc)) from exc
        raise QcError(_("{db} refused the copy: {error}. Nothing was copied.").format(
            db=server.shown, error=exc)) from exc


_CONTENTS = """
SELECT c.relname, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
       WHEN 'm' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'relation' END, 1
FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i'))
UNION ALL
SELECT p.proname, CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END, 2
FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
UNION ALL
SELECT t.typname, 'type', 3 FROM pg_type t
WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r', 'm')
  AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND t.typelem = 0
ORDER BY 3, 1
"""


def contents(conn: postgres.Connection | Any) -> list[str]:
    """What the database's schema holds, named ("table heat", …; up to SHOWN_OBJECTS and a
    count of the rest); empty for an empty database."""
    found = [f"{_(KINDS.get(kind, kind))} {name}" for name, kind, _rank in conn.execute(_CONTENTS).fetchall()]
    if len(found) > SHOWN_OBJECTS:
        rest = len(found) - SHOWN_OBJECTS
        found = [*found[:SHOWN_OBJECTS], _("{n} more").format(n=rest)]
    return found


_DROPS = """
SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', n.nspname, c.relname), 1
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.oid = current_schema()::regnamespace AND c.relkind IN ('v', 'm')
UNION ALL
SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE', n.nspname, c.relname), 2
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.oid = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', n.nspname, c.relname), 3
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.oid = current_schema()::regnamespace AND c.relkind = 'S'
UNION ALL
SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure),
       CASE p.prokind WHEN 'a' THEN 4 ELSE 5 END
FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
UNION ALL
SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname), 6
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.oid = current_schema()::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r', 'm') AND t.typelem = 0
  AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
ORDER BY 2, 1
"""


def empty(conn: postgres.Connection) -> None:
    """Take away, in one transaction, everything the database's schema holds: for a database
    that was empty before a copy or a restore that then failed its checks, so it is empty
    again. The statements are the server's own, written by format() from its catalogue."""
    raw = conn.raw
    with raw.transaction():
        # DROP … CASCADE of one object may take others of the list with it: IF EXISTS
        for statement, _order in raw.execute(_DROPS).fetchall():
            raw.execute(statement)


# ------------------------------------------------------------------ info

@dataclass(frozen=True)
class ServerFacts:
    """What `qcdesk info` says of a server: its version, the schema the tables are in, who
    the program connects as."""

    version: str
    schema: str
    role: str


def server_facts(store: Store) -> ServerFacts:
    row = store.conn.execute("SELECT current_setting('server_version'), current_schema(), "
                             "current_user").fetchone()
    return ServerFacts(str(row[0]), str(row[1]), str(row[2]))


# ------------------------------------------------------------------ setting a server up

def setup(superuser: Server, *, owner: str, app: str, owner_password: str | None = None,
          app_password: str | None = None) -> list[str]:
    """Set a server up for plant mode, as the superuser `superuser` connects as: the owner and
    application roles and the database it names, if missing, its schema the owner's and open to
    the application role; once the database holds qcdesk's tables, the rights of
    `postgres_roles.sql`. What was done, a line each. The tables themselves are made by
    `qcdesk migrate`, as the owner: in an empty database, so that `migrate --to` can copy into it."""
    import psycopg  # noqa: PLC0415 - plant mode only
    from psycopg import sql  # noqa: PLC0415
    from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: PLC0415

    from qcdesk.store.postgres import workshops  # noqa: PLC0415

    params = conninfo_to_dict(superuser.uri)
    dbname = str(params.get("dbname") or "")
    if not dbname or dbname in ("postgres", "template0", "template1"):
        raise QcError(_("name the database to set up in the URI (postgresql://…/qc): not {name!r}").format(
            name=dbname))
    for name in (owner, app):
        if not name.strip() or len(name) > 63 or any(ord(c) < 32 for c in name):
            raise QcError(_("{name!r} cannot be a role's name").format(name=name))
    if owner == app:
        raise QcError(_("the owner and the application role must be two roles: the desks must not own "
                        "the tables they write"))
    done: list[str] = []
    try:
        with psycopg.connect(make_conninfo(superuser.uri, dbname="postgres"), autocommit=True,
                             connect_timeout=10, application_name="qcdesk") as admin:
            if not (admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
                    or (False,))[0]:
                raise QcError(_("plant setup runs as a superuser (postgres): {uri} connects as another "
                                "role").format(uri=superuser.shown))
            for role, password in ((owner, owner_password), (app, app_password)):
                done.append(_role(admin, role, password))
            row = admin.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                                (dbname,)).fetchone()
            if row is None:
                done.append(_database(admin, dbname, owner))
            elif row[0] != owner:
                admin.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(dbname), sql.Identifier(owner)))
                done.append(_("database {name}: there, now owned by {owner} (was {was})").format(
                    name=dbname, owner=owner, was=row[0]))
            else:
                done.append(_("database {name}: there, owned by {owner}").format(name=dbname, owner=owner))
            for statement in ("REVOKE ALL ON DATABASE {db} FROM PUBLIC",
                              "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}"):
                admin.execute(sql.SQL(statement).format(db=sql.Identifier(dbname), app=sql.Identifier(app)))
        with psycopg.connect(superuser.uri, autocommit=True, connect_timeout=10,
                             application_name="qcdesk") as conn, conn.transaction():
            schema = sql.Identifier(str((conn.execute("SELECT current_schema()").fetchone() or ("",))[0]))
            for statement in ("ALTER SCHEMA {schema} OWNER TO {owner}",
                              "REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
                              "GRANT USAGE ON SCHEMA {schema} TO {app}"):
                conn.execute(sql.SQL(statement).format(schema=schema, owner=sql.Identifier(owner),
                                                       app=sql.Identifier(app)))
            made = conn.execute("SELECT to_regclass('qcdesk_schema')").fetchone() or (None,)
            if made[0] is not None:
                grant(conn, owner, app)
                done.append(_granted(owner, app))
            elif shops := [code for code, _member in workshops(conn)]:  # several workshops (workshops)
                done.append(_("the database holds the workshops {names}: each has its own desks' role "
                              "(qcdesk plant workshop add CODE grants it again)").format(
                    names=", ".join(shops)))
            else:
                done.append(_("the database is empty: as {owner}, create the schema (qcdesk --db URI "
                              "migrate) or copy a database into it (qcdesk --db FILE migrate --to URI); its "
                              "tables are then granted to {app}").format(owner=owner, app=app))
    except psycopg.Error as exc:
        raise QcError(_("{db} refused the set-up: {error}").format(db=superuser.shown, error=_message(exc))
                      ) from exc
    done.append(_("the desks connect as: {uri}").format(uri=_for_role(superuser, app, dbname)))
    done.append(_("qcdesk migrate and restore run as: {uri}").format(uri=_for_role(superuser, owner, dbname)))
    if not app_password or not owner_password:
        done.append(_("a role without a password signs in only as the server's pg_hba.conf lets it (peer, "
                      "certificate): give it one with --app-password / --owner-password, or ALTER ROLE"))
    return done


def _role(admin: Any, role: str, password: str | None) -> str:
    """The role, made if missing (LOGIN), its password set if one is given: sent as SCRAM's
    hash, so the password itself never reaches the server or its log."""
    from psycopg import sql  # noqa: PLC0415

    secret = None
    if password:
        secret = admin.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None
    statement = sql.SQL("ALTER ROLE {} LOGIN" if exists else "CREATE ROLE {} LOGIN").format(
        sql.Identifier(role))
    if secret is not None:
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(secret))
    admin.execute(statement)
    if exists:
        return (_("role {name}: there (password changed)") if secret else _("role {name}: there")).format(
            name=role)
    return _("role {name}: created").format(name=role)


def _database(admin: Any, name: str, owner: str) -> str:
    """CREATE DATABASE, its text compared by code point as SQLite compares it (C.UTF-8, else C)."""
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    for locale in ("C.UTF-8", "C"):
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8' "
                                  "LOCALE {}").format(sql.Identifier(name), sql.Identifier(owner),
                                                      sql.Literal(locale)))
            return _("database {name}: created, owned by {owner}").format(name=name, owner=owner)
        except psycopg.errors.InvalidParameterValue:
            if locale == "C":
                raise
    raise AssertionError("unreachable")


def _granted(owner: str, app: str) -> str:
    return _("{app} may read and write the records, and only read and add to the audit trail; {owner} owns "
             "the schema and runs qcdesk migrate").format(app=app, owner=owner)


def grant(conn: Any, owner: str, app: str) -> None:
    """The rights of `postgres_roles.sql` (the schema's owner, the application role's records
    and its read-and-add-only audit trail), on a psycopg connection as the owner or a superuser."""
    from psycopg import errors, sql  # noqa: PLC0415 - plant mode only

    text = resources.files("qcdesk.store").joinpath("postgres_roles.sql").read_text(encoding="utf-8")
    schema = str((conn.execute("SELECT current_schema()").fetchone() or ("",))[0])
    try:
        conn.execute(sql.SQL(text).format(schema=sql.Identifier(schema), owner=sql.Identifier(owner),
                                          app=sql.Identifier(app)))
    except errors.InsufficientPrivilege as exc:
        stray = str(exc.diag.message_primary or "").partition("not owned by the owner of the schema: ")[2]
        if not stray:
            raise
        names = stray.split(", ")
        shown = ", ".join(names[:5]) + (_(" and {n} more").format(n=len(names) - 5) if len(names) > 5 else "")
        raise QcError(_(
            "the schema {schema} holds what its owner {owner} does not own ({what}): made by another role, "
            "a superuser's copy say. Nothing was changed: copy the records in as {owner}, or have a "
            "superuser give them to {owner} (REASSIGN OWNED BY that role TO {owner}, in this database)."
        ).format(schema=schema, owner=owner, what=shown)) from exc


_APPS = """
SELECT pg_get_userbyid(n.nspowner), array_agg(a.grantee::regrole::text ORDER BY 1)
       FILTER (WHERE a.grantee NOT IN (0, n.nspowner))
FROM pg_namespace n LEFT JOIN LATERAL aclexplode(n.nspacl) a ON a.privilege_type = 'USAGE'
WHERE n.oid = current_schema()::regnamespace
GROUP BY n.nspowner
"""


def grant_again(server: Server) -> list[str]:
    """After the schema was made or changed (`qcdesk migrate`): the rights of every application
    role the schema's USAGE is granted to (`qcdesk plant setup` grants it), given again; what
    was done, a line each (none for a database no application role was set up for)."""
    import psycopg  # noqa: PLC0415 - plant mode only

    try:
        with psycopg.connect(server.uri, autocommit=True, connect_timeout=10,
                             application_name="qcdesk") as conn, conn.transaction():
            if server.workshop is not None:  # several workshops on one server (workshops)
                conn.execute("SELECT set_config('search_path', quote_ident(%s), true)", (server.workshop,))
            owner, apps = conn.execute(_APPS).fetchone() or ("", None)
            schema = str((conn.execute("SELECT current_schema()").fetchone() or ("",))[0])
            readers = set(_schema_roles(conn, schema)[1])
            apps = [app for app in apps or () if app not in readers]
            for app in apps:
                grant(conn, str(owner), str(app))
            for reader in sorted(readers):  # the quality office's: read only, new tables too
                read_only(conn, schema, reader)
    except psycopg.Error as exc:
        raise QcError(_("{db} refused to grant the application role its rights: {error}").format(
            db=server.shown, error=_message(exc))) from exc
    return [_granted(str(owner), str(app)) for app in apps or ()]


def _message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    return (diag.message_primary if diag is not None else None) or str(exc).strip()


def _unsplit(parts: Any) -> str:
    """A URI again (urlunsplit drops the `//` of an empty host, which libpq needs)."""
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def _for_role(superuser: Server, role: str, dbname: str) -> str:
    """The superuser's URI for `role` instead (no password: each desk keeps its own, in
    ~/.pgpass or the URI it is given)."""
    from urllib.parse import parse_qsl, quote, urlsplit  # noqa: PLC0415

    parts = urlsplit(superuser.uri)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in ("user", "password")]
    host = parts.hostname or ""
    netloc = quote(role, safe="") + "@" + (f"[{host}]" if ":" in host else host) + (
        f":{parts.port}" if parts.port else "")
    if not host and not parts.port:
        query.append(("user", role))
        netloc = ""
    text = "&".join(f"{quote(k, safe='')}={quote(v, safe='/')}" for k, v in query)
    return _unsplit(parts._replace(netloc=netloc, path="/" + quote(dbname, safe=""), query=text))


# ------------------------------------------------------------------ several workshops on one server
# (issue 14, workshops) A workshop is a schema of the plant's database holding the whole of
# qcdesk's schema, owned by the database's owner role; its desks' role (`qcdesk_app_<code>`,
# NOLOGIN) holds the rights of postgres_roles.sql on that schema only, and a person's or a
# desk's LOGIN role works in the workshops whose roles it is a member of. The plant's quality
# office role (`qcdesk_plant`) may read every workshop's tables and write none.

PLANT_ROLE = "qcdesk_plant"


@dataclass(frozen=True)
class WorkshopFacts:
    """A workshop of a plant's server, as `qcdesk plant workshop list` shows it."""

    code: str
    name: str                # its name (the workshop table's), "" if not set or not readable
    member: bool             # whether the role connected may work in it
    roles: tuple[str, ...]   # the roles that may write its records (its desks' roles)
    readers: tuple[str, ...]  # the roles that may only read them (the plant's quality office)


def _admin_connection(server: Server) -> Any:
    import psycopg  # noqa: PLC0415 - plant mode only

    try:
        return psycopg.connect(server.uri, autocommit=True, connect_timeout=10, application_name="qcdesk")
    except psycopg.Error as exc:
        raise QcError(_("{db} cannot be reached: {error}").format(db=server.shown, error=_message(exc))
                      ) from exc


def _superuser(conn: Any, server: Server, what: str) -> None:
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    if not (row or (False,))[0]:
        raise QcError(_("{what} runs as a superuser (postgres): {uri} connects as another role. Nothing was "
                        "changed.").format(what=what, uri=server.in_workshop(None).shown))


_WRITERS = """
SELECT a.grantee::regrole::text,
       c.oid IS NULL OR has_table_privilege(a.grantee, c.oid, 'INSERT')
       OR NOT has_table_privilege(a.grantee, c.oid, 'SELECT')
FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
     LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'heat'
WHERE n.nspname = %s AND a.privilege_type = 'USAGE' AND a.grantee NOT IN (0, n.nspowner)
ORDER BY 1
"""


def _schema_roles(conn: Any, code: str) -> tuple[list[str], list[str]]:
    """The roles with USAGE on the workshop's schema: those that may write its records (its
    desks' roles; and those not yet granted any, as the application role before workshops), and
    those that may only read them (the quality office)."""
    rows = conn.execute(_WRITERS, (code,)).fetchall()
    return [str(r[0]) for r in rows if r[1]], [str(r[0]) for r in rows if not r[1]]


def list_workshops(server: Server) -> list[WorkshopFacts]:
    """The workshops of the server's database, for any role that may connect to it."""
    from psycopg import sql  # noqa: PLC0415 - plant mode only

    from qcdesk.store.postgres import workshops  # noqa: PLC0415

    with _admin_connection(server) as conn:
        found = []
        for code, member in workshops(conn):
            name = ""
            if member and conn.execute("SELECT has_table_privilege(%s, 'SELECT')",
                                       (f'"{code}".workshop',)).fetchone()[0]:
                row = conn.execute(sql.SQL("SELECT name_en FROM {}.workshop WHERE id = 1").format(
                    sql.Identifier(code))).fetchone()
                name = str(row[0]) if row else ""
            writers, readers = _schema_roles(conn, code)
            found.append(WorkshopFacts(code, name, member, tuple(writers), tuple(readers)))
        return found


def add_workshop(superuser: Server, code: str, *, name: str = "", name_zh: str = "", role: str | None = None,
                 plant_role: str = PLANT_ROLE, user: str | None = None) -> list[str]:
    """Add the workshop `code` to the plant's database `superuser` connects to (as a superuser):
    its desks' role and the plant's role (NOLOGIN, made if missing), its schema (owned by the
    database's owner) with qcdesk's schema and a new database's records, named `name`, and the
    rights of each. A workshop already there keeps its records: its roles and rights are given
    again. What was done, a line each; on a failure, what was made is taken away again."""
    from psycopg import sql  # noqa: PLC0415 - plant mode only

    from qcdesk.store.postgres import workshop_problem, workshops  # noqa: PLC0415

    if (problem := workshop_problem(code)) is not None:
        raise QcError(_("{problem}; nothing was changed").format(problem=problem))
    role = role or f"qcdesk_app_{code}"
    for each in (role, plant_role):
        if not each.strip() or len(each) > 63 or any(ord(c) < 32 for c in each):
            raise QcError(_("{name!r} cannot be a role's name").format(name=each))
    if role == plant_role:
        raise QcError(_("the workshop's role and the plant's role must be two roles: the quality office "
                        "signs nothing"))
    base = superuser.in_workshop(None)
    done: list[str] = []
    made_roles: list[str] = []
    made_schema = False
    with _admin_connection(base) as conn:
        _superuser(conn, base, "qcdesk plant workshop add")
        owner, dbname, me = conn.execute("SELECT pg_get_userbyid(datdba), current_database(), current_user "
                                         "FROM pg_database WHERE datname = current_database()").fetchone()
        there = dict(workshops(conn))
        ident = sql.Identifier(code)
        try:
            with conn.transaction():
                for each in (role, plant_role):
                    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (each,)).fetchone() is None:
                        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(each)))
                        made_roles.append(each)
                        done.append(_("role {name}: created").format(name=each))
                    conn.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                        sql.Identifier(dbname), sql.Identifier(each)))
                if code not in there:
                    exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (code,)).fetchone()
                    if exists is not None:
                        conn.execute("SELECT set_config('search_path', quote_ident(%s), true)", (code,))
                        held = contents(conn)
                        if held:
                            raise QcError(_("the schema {code} holds {what}, and not a qcdesk workshop: "
                                            "nothing was changed. Choose another code.").format(
                                code=code, what=", ".join(held)))
                    else:
                        conn.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(
                            ident, sql.Identifier(owner)))
                        made_schema = True
                    conn.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(ident, sql.Identifier(owner)))
            if code not in there:
                _new_workshop(base, code, owner, me, name=name, name_zh=name_zh, user=user)
                done.append(_("workshop {code}: created, owned by {owner}").format(code=code, owner=owner))
            else:
                done.append(_("workshop {code}: there, its records kept").format(code=code))
            with conn.transaction():
                conn.execute("SELECT set_config('search_path', quote_ident(%s), true)", (code,))
                grant(conn, owner, role)
                read_only(conn, code, plant_role)
        except BaseException:
            with conn.transaction():
                if made_schema:
                    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
                for each in made_roles:
                    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(
                        sql.Identifier(dbname), sql.Identifier(each)))
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(each)))
            raise
    done.append(_granted(owner, role))
    done.append(_("{role} may read every workshop's records and write none (the plant's quality office)"
                  ).format(role=plant_role))
    done.append(_("the desks of {code} connect as a login role made a member of {role} (qcdesk plant member "
                  "add LOGIN --workshop {code}), to {uri}").format(
        code=code, role=role, uri=base.in_workshop(code).shown))
    return done


def _new_workshop(base: Server, code: str, owner: str, me: str, *, name: str, name_zh: str,
                  user: str | None) -> None:
    """The workshop's schema filled as a new database is, as the owner (the superuser connected
    as `me` takes the owner's role), and named."""
    from urllib.parse import quote  # noqa: PLC0415

    as_owner = base.uri + ("&" if "?" in base.uri else "?") + "options=" + quote(f"-c role={owner}", safe="")
    server = Server(as_owner, code)
    try:
        with Store.open(server, user or me, create=True) as store:
            if name.strip():
                store.set_workshop(name, name_zh)
    except sqlite3.Error as exc:
        raise QcError(_("{db} refused the workshop's schema: {error}. Nothing was changed.").format(
            db=base.shown, error=exc)) from exc


def read_only(conn: Any, code: str, role: str) -> None:
    """`role` may read every table of the workshop `code` (and run its functions, which the
    store's queries call) and change nothing: the plant's quality office."""
    from psycopg import sql  # noqa: PLC0415

    ident, who = sql.Identifier(code), sql.Identifier(role)
    for statement in ("REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
                      "GRANT USAGE ON SCHEMA {s} TO {r}",
                      "GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}",
                      "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r}"):
        conn.execute(sql.SQL(statement).format(s=ident, r=who))


def add_member(superuser: Server, login: str, *, workshop: str | None = None, plant: bool = False,
               plant_role: str = PLANT_ROLE, password: str | None = None) -> list[str]:
    """Make the LOGIN role `login` (made if missing) a member of the workshop's desks' roles, or
    (`plant`) of the plant's quality-office role; what was done, a line each."""
    from psycopg import sql  # noqa: PLC0415 - plant mode only

    if (workshop is None) == (not plant):
        raise QcError(_("say what {role} joins: --workshop CODE, or --plant for the quality office").format(
            role=login))
    if not login.strip() or len(login) > 63 or any(ord(c) < 32 for c in login):
        raise QcError(_("{name!r} cannot be a role's name").format(name=login))
    base = superuser.in_workshop(None)
    done: list[str] = []
    with _admin_connection(base) as conn:
        _superuser(conn, base, "qcdesk plant member add")
        if plant:
            roles = [plant_role]
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (plant_role,)).fetchone() is None:
                raise QcError(_("there is no role {role} yet: qcdesk plant workshop add makes it. Nothing "
                                "was changed.").format(role=plant_role))
        else:
            roles = _workshop_roles(conn, base, str(workshop))
        with conn.transaction():
            done.append(_role(conn, login, password))
            for each in roles:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(each), sql.Identifier(login)))
                done.append(_("{login} is a member of {role}").format(login=login, role=each))
    return done


def remove_member(superuser: Server, login: str, *, workshop: str | None = None, plant: bool = False,
                  plant_role: str = PLANT_ROLE) -> list[str]:
    """Take the login role `login` out of the workshop's desks' roles, or (`plant`) out of the
    plant's quality-office role: it may no longer work in that workshop (or read every one).
    The login role itself is kept (it may belong to other workshops). What was done, a line
    each; refused, changing nothing, when it was not a member."""
    from psycopg import sql  # noqa: PLC0415 - plant mode only

    if (workshop is None) == (not plant):
        raise QcError(_("say what {role} leaves: --workshop CODE, or --plant for the quality office").format(
            role=login))
    base = superuser.in_workshop(None)
    with _admin_connection(base) as conn:
        _superuser(conn, base, "qcdesk plant member remove")
        roles = [plant_role] if plant else _workshop_roles(conn, base, str(workshop))
        held = [each for each in roles if conn.execute(_MEMBER_OF, (login, each)).fetchone() is not None]
        if not held:
            what = _("the quality office ({role})").format(role=plant_role) if plant else \
                _("workshop {code}").format(code=workshop)
            raise QcError(_("{login} is not a member of {what}: nothing was changed").format(
                login=login, what=what))
        done = []
        with conn.transaction():
            for each in held:
                conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(each), sql.Identifier(login)))
                done.append(_("{login} is no longer a member of {role}").format(login=login, role=each))
    return done


_MEMBER_OF = """
SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
WHERE r.rolname = %s AND g.rolname = %s
"""

_MEMBERS = """
SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
       JOIN pg_roles g ON g.oid = m.roleid
WHERE g.rolname = ANY(%s) AND r.rolcanlogin
ORDER BY 1, 2
"""


def _workshop_roles(conn: Any, base: Server, workshop: str) -> list[str]:
    """The desks' roles of the workshop; refused when there is no such workshop or it has none."""
    from qcdesk.store.postgres import workshops  # noqa: PLC0415

    codes = [code for code, _member in workshops(conn)]
    if workshop not in codes:
        raise QcError(_("{db} holds no workshop {code}: the workshops there are {names}. Nothing was "
                        "changed.").format(db=base.shown, code=workshop, names=", ".join(codes) or _("none")))
    roles = _schema_roles(conn, workshop)[0]
    if not roles:
        raise QcError(_("workshop {code} has no desks' role yet: qcdesk plant workshop add {code} "
                        "gives it one. Nothing was changed.").format(code=workshop))
    return roles


@dataclass(frozen=True)
class Member:
    """A login role and what it may do on the plant's server, as `qcdesk plant member list` shows it."""

    login: str
    workshops: tuple[str, ...]  # the workshops whose records it may write (member of their desks' role)
    office: bool  # a member of the plant's quality-office role: reads every workshop


def list_members(server: Server, *, plant_role: str = PLANT_ROLE) -> list[Member]:
    """Every login role that is a member of a workshop's desks' role or of the quality office."""
    from qcdesk.store.postgres import workshops  # noqa: PLC0415

    with _admin_connection(server.in_workshop(None)) as conn:
        role_of: dict[str, list[str]] = {}  # a desks' role → the workshops it writes
        for code, _member in workshops(conn):
            for role in _schema_roles(conn, code)[0]:
                role_of.setdefault(role, []).append(code)
        found: dict[str, tuple[set[str], bool]] = {}
        for login, role in conn.execute(_MEMBERS, ([*role_of, plant_role],)).fetchall():
            shops, office = found.get(login, (set(), False))
            shops.update(role_of.get(role, ()))
            found[login] = (shops, office or role == plant_role)
    return [Member(login, tuple(sorted(shops)), office) for login, (shops, office) in sorted(found.items())]


@contextlib.contextmanager
def workshop_stores(server: Server, user: str | None = None
                    ) -> Iterator[tuple[list[tuple[str, Store]], list[str]]]:
    """Every workshop of the server's database the role may read, each open on a store of its
    own, (code, store) by code; and the workshops left out (the role is not a member of them).
    Refused when the role may read none."""
    from qcdesk.store.postgres import workshops  # noqa: PLC0415

    base = server.in_workshop(None)
    with _admin_connection(base) as conn:
        found = workshops(conn)
    if not found:
        raise QcError(_("{db} holds no workshop yet.").format(db=base.shown))
    left_out = [code for code, member in found if not member]
    if len(left_out) == len(found):
        raise QcError(_("you are a member of none of the workshops of {db} ({names}): an administrator makes "
                        "you one (qcdesk plant member add)").format(db=base.shown, names=", ".join(left_out)))
    with contextlib.ExitStack() as stack:
        stores = [(code, stack.enter_context(Store.open(server.in_workshop(code), user, create=False)))
                  for code, member in found if member]
        yield stores, left_out


def plant_rates(server: Server, date_from: date, date_to: date, by: Sequence[str] = (), basis: str = "weight",
                *, user: str | None = None) -> tuple[RateReport, list[str]]:
    """The rates of every workshop of the server the role may read, each computed by its own
    store, and the plant's combined from their sums (`qcdesk.rates.combined`); and the
    workshops left out (the role is not a member of them)."""
    from qcdesk.rates import combined, parse_group_keys  # noqa: PLC0415

    by = parse_group_keys(",".join(by)) if by else ()
    with workshop_stores(server, user) as (stores, left_out):
        reports = [(code, store.rates(date_from, date_to, by, basis)) for code, store in stores]
    return combined(reports), left_out


def plant_quality(server: Server, period: Period, grain: Grain | None = None, *,
                  user: str | None = None) -> PlantQuality:
    """The rates, trends and defects of every workshop the role may read, and the plant's
    (`qcdesk.plant_quality`): what the plant's quality office reviews and prints."""
    from qcdesk import plant_quality as quality  # noqa: PLC0415

    with workshop_stores(server, user) as (stores, left_out):
        return quality.plant_quality(stores, period, grain, left_out)

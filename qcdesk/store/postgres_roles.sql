-- qcdesk on PostgreSQL: who may do what, stated afresh each time this runs.
--
-- Two roles: the owner, which owns the schema and everything in it and alone changes it
-- (`qcdesk migrate` connects as the owner and runs postgres_schema.sql); the application role,
-- which the desks connect as: it reads and writes the records, may add to the audit trail but
-- neither change nor remove an entry of it (not granted: a trigger disabled by the owner, or
-- one dropped, still leaves the trail closed to it), and may change nothing of the schema.
--
-- Run as the owner (or a superuser), in the database, after postgres_schema.sql and again after
-- every migration. A template for psycopg, each name given as an identifier:
--     conn.execute(sql.SQL(text).format(schema=sql.Identifier("public"),
--                                       owner=sql.Identifier(owner), app=sql.Identifier(app)))
-- The roles themselves are made beforehand by an administrator, for example
--     CREATE ROLE qcdesk_owner LOGIN PASSWORD '...';
--     CREATE ROLE qcdesk_app LOGIN PASSWORD '...';
--     CREATE DATABASE qcdesk OWNER qcdesk_owner ENCODING 'UTF8' TEMPLATE template0;

ALTER SCHEMA {schema} OWNER TO {owner};
REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
REVOKE ALL ON SCHEMA {schema} FROM {app};
GRANT USAGE ON SCHEMA {schema} TO {app};

-- nothing for anyone but the owner, then what the application needs
REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM {app};

-- the records (those that are never deleted refuse it by trigger, as in SQLite)
GRANT SELECT, INSERT, UPDATE, DELETE ON
    {schema}.converter, {schema}.shift, {schema}.grade, {schema}.standard, {schema}.standard_limit,
    {schema}.defect, {schema}.heat, {schema}.ingot, {schema}.ingot_defect, {schema}.heat_analysis,
    {schema}.plan, {schema}.person, {schema}.signature, {schema}.workshop, {schema}.control_limits,
    {schema}.sample, {schema}.sample_value, {schema}.tolerance_edition, {schema}.tolerance_class
TO {app};

-- the audit trail: read and added to, never changed or removed
GRANT SELECT, INSERT ON {schema}.audit, {schema}.audit_block TO {app};
-- the dismissals of the off-grade announcements (issue 14): made, never changed or removed
GRANT SELECT, INSERT ON {schema}.alert_dismissal TO {app};
-- the log kept before schema 9, and the schema's version: read only
GRANT SELECT ON {schema}.audit_v1, {schema}.qcdesk_schema TO {app};

-- ids from the identity sequences (nextval; setting them is the owner's, through the
-- SECURITY DEFINER trigger function qc_identity_follows), and the functions of the schema
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {app};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {app};

-- Everything in the schema is the owner's: a table or function someone else made would be
-- theirs to change (and a SECURITY DEFINER function would run with their rights).
DO $$
DECLARE
    stray text;
BEGIN
    SELECT string_agg(what, ', ') INTO stray FROM (
        SELECT c.oid::regclass::text AS what FROM pg_class c
        WHERE c.relnamespace = '{schema}'::regnamespace
              AND c.relowner <> (SELECT nspowner FROM pg_namespace WHERE oid = '{schema}'::regnamespace)
        UNION ALL
        SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = '{schema}'::regnamespace
              AND p.proowner <> (SELECT nspowner FROM pg_namespace WHERE oid = '{schema}'::regnamespace)
        UNION ALL
        SELECT t.oid::regtype::text FROM pg_type t
        WHERE t.typnamespace = '{schema}'::regnamespace AND t.typrelid = 0 AND t.typelem = 0
              AND t.typowner <> (SELECT nspowner FROM pg_namespace WHERE oid = '{schema}'::regnamespace)
    ) o;
    IF stray IS NOT NULL THEN
        RAISE EXCEPTION 'not owned by the owner of the schema: %', stray
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

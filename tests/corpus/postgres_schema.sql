-- sqlx-rw PostgreSQL routing corpus: fixed schema
-- ================================================
--
-- Every entry of tests/corpus/postgres.sql runs against a database holding
-- exactly this schema. It is created on the PRIMARY (as the non-superuser
-- owner of the database, `sqlx_rw`) and reaches the hot standbys by streaming
-- replication. Everything lives in schema public. The file is plain SQL and
-- can be fed to psql (-f) or executed statement by statement; it contains no
-- psql meta-commands and no transaction control.

-- Main table: jsonb, array, quoted columns named after keywords.
CREATE TABLE t (
    id       integer PRIMARY KEY,
    v        text,
    n        integer NOT NULL DEFAULT 0,
    j        jsonb,
    tags     text[],
    "delete" text,
    "update" integer,
    created  timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);
CREATE INDEX t_v ON t (v);
CREATE INDEX t_j ON t USING gin (j);

INSERT INTO t (id, v, n, j, tags, "delete", "update") VALUES
    (1, 'a', 1, '{"a": 1, "b": {"c": "x"}, "k": [1, 2]}', '{x,y}', 'no', 10),
    (2, 'b', 2, '{"a": 2, "b": {"c": "y"}}', '{y}', 'yes', 20),
    (3, 'c', 3, '{"z": null}', '{}', NULL, NULL),
    (4, NULL, 0, NULL, NULL, 'maybe', 40);

-- Table with a serial column (and a foreign key to t).
CREATE TABLE u (
    id   serial PRIMARY KEY,
    t_id integer REFERENCES t (id) ON DELETE CASCADE,
    note text
);
INSERT INTO u (t_id, note) VALUES (1, 'first'), (1, 'second'), (2, 'third');

-- Table with an identity column.
CREATE TABLE items (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE,
    price numeric(10, 2) NOT NULL DEFAULT 0,
    span  int4range
);
INSERT INTO items (name, price, span) VALUES
    ('apple', 1.50, '[1,5)'), ('pear', 2.25, '[3,9)'), ('plum', 0.75, NULL);

-- Key/value table for INSERT ... ON CONFLICT and MERGE.
CREATE TABLE kv (
    k   text PRIMARY KEY,
    val integer NOT NULL DEFAULT 0
);
INSERT INTO kv VALUES ('one', 1), ('two', 2);

-- A table whose name and columns are keywords.
CREATE TABLE "delete" (
    "update" integer PRIMARY KEY,
    "select" text
);
INSERT INTO "delete" VALUES (1, 'from'), (2, 'where');

-- Range-partitioned table with two partitions.
CREATE TABLE events (
    id      integer NOT NULL,
    ts      date NOT NULL,
    payload jsonb
) PARTITION BY RANGE (ts);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events VALUES
    (1, '2023-06-01', '{"kind": "a"}'),
    (2, '2024-02-01', '{"kind": "b"}'),
    (3, '2024-03-01', '{"kind": "a"}');

-- Sequence.
CREATE SEQUENCE s START 1;

-- Composite type, and a table using it.
CREATE TYPE pair AS (x integer, y text);
CREATE TABLE pairs (id integer PRIMARY KEY, p pair);
INSERT INTO pairs VALUES (1, ROW(1, 'one')), (2, ROW(2, 'two'));

-- View and materialized view (with a unique index, so it can be refreshed concurrently).
CREATE VIEW tv AS SELECT id, v, n FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT v, count(*) AS c FROM t GROUP BY v;
CREATE UNIQUE INDEX mv_v ON mv (v);

-- plpgsql function that writes (INSERT), returns the new row's id.
CREATE FUNCTION f_write(x integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    new_id integer;
BEGIN
    INSERT INTO u (t_id, note) VALUES (NULL, 'f_write ' || x) RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- plpgsql function that only reads.
CREATE FUNCTION f_read(x integer) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text;
BEGIN
    SELECT v INTO r FROM t WHERE id = x;
    RETURN coalesce(r, 'none');
END
$$;

-- SQL function (reads).
CREATE FUNCTION f_sql(x integer) RETURNS integer LANGUAGE sql STABLE AS
    'SELECT coalesce(sum(n), 0)::integer + x FROM t';

-- Set-returning SQL function (reads).
CREATE FUNCTION f_rows(lim integer) RETURNS SETOF t LANGUAGE sql STABLE AS
    'SELECT * FROM t ORDER BY id LIMIT lim';

-- Procedure that writes, and one that only reads.
CREATE PROCEDURE p_ins(x integer) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kv (k, val) VALUES ('p' || x, x) ON CONFLICT (k) DO UPDATE SET val = excluded.val;
END
$$;
CREATE PROCEDURE p_read() LANGUAGE plpgsql AS $$
DECLARE
    c integer;
BEGIN
    SELECT count(*) INTO c FROM t;
    RAISE NOTICE 't has % rows', c;
END
$$;

-- Trigger: every UPDATE of t appends an audit row to u.
CREATE FUNCTION t_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO u (t_id, note) VALUES (NEW.id, 'updated');
    RETURN NEW;
END
$$;
CREATE TRIGGER t_audit AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_audit();

-- A second schema with one table, for schema-qualified names.
CREATE SCHEMA app;
CREATE TABLE app.settings (name text PRIMARY KEY, value text);
INSERT INTO app.settings VALUES ('mode', 'test');

COMMENT ON TABLE t IS 'main corpus table';

ANALYZE t, u, items, kv, "delete", events, pairs, app.settings;

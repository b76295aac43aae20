-- sqlx-rw PostgreSQL routing corpus
-- =================================
--
-- Differential-test corpus for the PostgreSQL router. Every entry is ONE SQL
-- string exactly as an application would hand it to sqlx (simple-query
-- protocol: a string with several ";"-separated statements runs as one
-- implicit transaction). Ground truth comes from a real PostgreSQL 15 hot
-- standby: every entry was run on a standby against the schema in
-- tests/corpus/postgres_schema.sql, and the outcome is recorded in
-- tests/corpus/postgres_labels.txt (one line per entry, same order:
-- "<index>\t<label>", index counted from 0 in file order).
--
-- Format (same convention as tests/corpus/statements.sql)
--   * Entries are separated by a line that is exactly "-- @@" (nothing else
--     on the line); a reader splits the file on "\n-- @@\n". Everything before
--     the first "-- @@" line (this header) is not an entry.
--   * The first line of every entry is a tag "-- kind: <family>/<variant>".
--     The tag line is part of the SQL string (it is an ordinary comment).
--   * An entry may span several lines. Entries of family "multi" (and a few
--     others: currval/lastval, LOCK, attach-partition, ...) hold several
--     statements separated by ";". Some entries contain literal TAB and CR
--     characters (lexical/tabs, lexical/crlf). The trailing ";" is optional.
--   * The very last entry ends WITHOUT a trailing newline, on purpose.
--
-- Labels (tests/corpus/postgres_labels.txt)
--   read            succeeded on the standby and changes nothing on the primary
--   refused         the standby refused it with SQLSTATE 25006
--                   (read_only_sql_transaction)
--   accepted-write  succeeded on the standby, but must run on the primary
--                   (see the hand list below)
--   error:<SQLSTATE> failed on the standby with another error
--
-- Hand list: writes a standby ACCEPTS (succeed there, must go to the primary)
--   * advisory locks, every variant: pg_advisory_lock, pg_advisory_lock_shared,
--     pg_advisory_unlock, pg_advisory_unlock_shared, pg_advisory_unlock_all,
--     pg_try_advisory_lock(_shared), pg_advisory_xact_lock(_shared),
--     pg_try_advisory_xact_lock(_shared), also when called from a DO block.
--     (The lock is taken on the standby, where it excludes nobody on the primary.)
--   * set_config(name, value, false) and set_config(name, value, true), setseed():
--     session state the standby accepts.
--   * LOCK TABLE in ACCESS SHARE / ROW SHARE / ROW EXCLUSIVE mode (inside a
--     transaction): accepted by a standby, but locks nothing on the primary.
--     Stronger modes are refused (25006).
-- Not on the hand list because the standby REFUSES them with 25006:
--   nextval/setval (and so currval/lastval entries), txid_current(),
--   pg_current_xact_id(), NOTIFY, pg_notify(), SELECT ... FOR UPDATE/NO KEY
--   UPDATE/SHARE/KEY SHARE, CALL/DO/SELECT of code that writes.
-- Writes a standby fails with an error OTHER than 25006 (label error:XX000):
--   lo_create() ("cannot assign OIDs during recovery"),
--   pg_logical_emit_message() ("cannot assign TransactionIds during recovery").
-- Reads that fail on a standby: pg_current_wal_lsn() (55000, recovery in progress).
-- Other inherent errors: CHECKPOINT needs pg_checkpoint (42501 for sqlx_rw);
--   a lone LOCK TABLE outside a transaction block is 25P01 for weak modes.
-- Reads worth noting: EXPLAIN (without ANALYZE) of INSERT/UPDATE/DELETE/MERGE,
--   SELECT ... FOR UPDATE and CREATE TABLE AS executes nothing and succeeds on
--   the standby; "SELECT f_write(id) FROM t WHERE false" never calls the writing
--   function and succeeds too (a router cannot know that: primary is right);
--   a MERGE whose only actions are DO NOTHING needs no write privilege and is
--   accepted by the standby (merge/no-rows) -- still route it to the primary.
--   pg_is_wal_replay_paused() succeeds on a standby but fails on the primary
--   (55000); pg_current_wal_lsn() is the other way round.
--
-- Handled by hand (not in this file): COPY t FROM STDIN (needs the COPY
--   sub-protocol, cannot run as a standalone string; it is a write).
-- Deliberately absent (the pool refuses them itself): transaction control
--   (BEGIN/COMMIT/ROLLBACK/SAVEPOINT/PREPARE TRANSACTION), SET/RESET,
--   LISTEN/UNLISTEN, PREPARE/EXECUTE/DEALLOCATE, DISCARD. Nothing needs
--   superuser (statements run as `sqlx_rw`, owner of the database).
--
-- Schema: tests/corpus/postgres_schema.sql (tables t, u (serial), items
--   (identity, int4range), kv, "delete", pairs (composite type pair), events
--   (range-partitioned: events_2023, events_2024), app.settings; sequence s;
--   view tv; materialized view mv; indexes t_v, t_j, mv_v; functions f_write
--   (plpgsql, INSERTs), f_read (plpgsql, reads), f_sql (SQL), f_rows (SRF),
--   trigger t_audit on t; procedures p_ins (writes), p_read (reads)).
-- Rules the entries follow
--   * Every entry is self-contained against that schema: it never relies on an
--     object created by another entry. Every entry was also run on a primary
--     (inside BEGIN ... ROLLBACK; VACUUM, REINDEX SCHEMA/CONCURRENTLY and
--     CREATE/DROP INDEX CONCURRENTLY directly) and succeeds there, except
--     CHECKPOINT (42501) and pg_is_wal_replay_paused() (55000); the lone
--     LOCK TABLE (lock/outside-transaction) fails with 25P01 outside a block.
--   * Entries that take a session-level advisory lock do not release it; run
--     every entry on a fresh connection (or discard it afterwards).
-- @@
-- kind: select/simple
SELECT 1
-- @@
-- kind: select/star
SELECT * FROM t
-- @@
-- kind: select/where-order
SELECT id, v FROM t WHERE n > 1 ORDER BY id DESC
-- @@
-- kind: select/is-null
SELECT * FROM t WHERE v IS NULL
-- @@
-- kind: select/distinct
SELECT DISTINCT v FROM t
-- @@
-- kind: select/distinct-on
SELECT DISTINCT ON (t_id) t_id, note FROM u ORDER BY t_id, id DESC
-- @@
-- kind: select/aggregates
SELECT count(*), sum(n), avg(n), min(v), max(v) FROM t
-- @@
-- kind: select/group-having
SELECT v, count(*) FROM t GROUP BY v HAVING count(*) >= 1 ORDER BY v NULLS FIRST
-- @@
-- kind: select/order-nulls
SELECT * FROM t ORDER BY v DESC NULLS LAST, id ASC NULLS FIRST
-- @@
-- kind: select/limit-offset
SELECT * FROM t ORDER BY id LIMIT 2 OFFSET 1
-- @@
-- kind: select/offset-fetch
SELECT * FROM t ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY
-- @@
-- kind: select/fetch-with-ties
SELECT * FROM t ORDER BY n DESC FETCH FIRST 1 ROW WITH TIES
-- @@
-- kind: select/limit-all
SELECT id FROM t LIMIT ALL OFFSET 0
-- @@
-- kind: select/order-using
SELECT id FROM t ORDER BY id USING >
-- @@
-- kind: select/table
TABLE t
-- @@
-- kind: select/table-order
TABLE tv ORDER BY id LIMIT 1
-- @@
-- kind: values/plain
VALUES (1, 'a'), (2, 'b')
-- @@
-- kind: values/order-limit
VALUES (1), (2), (3) ORDER BY 1 DESC LIMIT 1
-- @@
-- kind: values/in-from
SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS v (num, txt) WHERE num > 1
-- @@
-- kind: select/view
SELECT * FROM tv WHERE n >= 1
-- @@
-- kind: select/matview
SELECT * FROM mv ORDER BY c DESC, v
-- @@
-- kind: select/schema-qualified
SELECT name, value FROM app.settings WHERE name = 'mode'
-- @@
-- kind: select/qualified-star
SELECT t.* FROM public.t WHERE t.id = 1
-- @@
-- kind: select/whole-row
SELECT t FROM t WHERE id < 3
-- @@
-- kind: select/composite-fields
SELECT (p).x, (p).y FROM pairs ORDER BY (p).x
-- @@
-- kind: select/composite-cast
SELECT (ROW(1, 'a')::pair).y, ROW(2, 'b')::pair
-- @@
-- kind: select/partitioned
SELECT * FROM events WHERE ts >= DATE '2024-01-01' ORDER BY ts
-- @@
-- kind: select/partition-direct
SELECT count(*) FROM events_2023
-- @@
-- kind: select/system-columns
SELECT tableoid::regclass, ctid, xmin, id FROM events
-- @@
-- kind: select/identity-table
SELECT id, name, price FROM items WHERE price BETWEEN 1 AND 3
-- @@
-- kind: select/keyword-table
SELECT "update", "select" FROM "delete" WHERE "select" <> 'where'
-- @@
-- kind: select/keyword-columns
SELECT "delete", "update" FROM t WHERE "update" > 10 AND "delete" = 'yes'
-- @@
-- kind: subquery/in
SELECT * FROM t WHERE id IN (SELECT t_id FROM u)
-- @@
-- kind: subquery/exists
SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)
-- @@
-- kind: subquery/not-exists
SELECT id FROM t WHERE NOT EXISTS (SELECT FROM u WHERE u.t_id = t.id)
-- @@
-- kind: subquery/scalar
SELECT id, (SELECT count(*) FROM u WHERE u.t_id = t.id) AS cnt FROM t
-- @@
-- kind: subquery/all
SELECT * FROM t WHERE n > ALL (SELECT n FROM t WHERE id < 2)
-- @@
-- kind: subquery/any-array
SELECT * FROM t WHERE n = ANY (ARRAY[1, 2])
-- @@
-- kind: subquery/some
SELECT * FROM t WHERE v = SOME (SELECT v FROM t WHERE id = 1)
-- @@
-- kind: subquery/derived
SELECT * FROM (SELECT id, n * 2 AS dbl FROM t) AS sub WHERE dbl > 2
-- @@
-- kind: subquery/row-in
SELECT * FROM t WHERE (id, v) IN ((1, 'a'), (2, 'b'))
-- @@
-- kind: subquery/row-compare
SELECT * FROM t WHERE (id, n) > (1, 0)
-- @@
-- kind: subquery/array-constructor
SELECT ARRAY(SELECT id FROM t ORDER BY id) AS ids
-- @@
-- kind: subquery/scalar-arith
SELECT (SELECT 1) + (SELECT max(n) FROM t)
-- @@
-- kind: join/inner
SELECT t.id, u.note FROM t JOIN u ON u.t_id = t.id
-- @@
-- kind: join/inner-explicit
SELECT t.id, u.note FROM t INNER JOIN u ON u.t_id = t.id AND u.note LIKE 's%'
-- @@
-- kind: join/left
SELECT t.id, u.note FROM t LEFT JOIN u ON u.t_id = t.id ORDER BY t.id
-- @@
-- kind: join/right
SELECT t.id, u.note FROM u RIGHT OUTER JOIN t ON u.t_id = t.id
-- @@
-- kind: join/full
SELECT t.id, u.id FROM t FULL OUTER JOIN u ON u.t_id = t.id
-- @@
-- kind: join/cross
SELECT t.id, kv.k FROM t CROSS JOIN kv
-- @@
-- kind: join/natural
SELECT * FROM t NATURAL JOIN tv
-- @@
-- kind: join/using
SELECT id, t.v FROM t JOIN tv USING (id)
-- @@
-- kind: join/using-alias
SELECT j.id FROM t JOIN tv USING (id) AS j
-- @@
-- kind: join/self
SELECT a.id, b.id FROM t a JOIN t b ON a.n < b.n
-- @@
-- kind: join/comma
SELECT t.v, u.note FROM t, u WHERE u.t_id = t.id
-- @@
-- kind: join/anti
SELECT t.id FROM t LEFT JOIN u ON u.t_id = t.id WHERE u.id IS NULL
-- @@
-- kind: join/three-way
SELECT t.id, u.note, kv.val FROM t JOIN u ON u.t_id = t.id LEFT JOIN kv ON kv.val = t.n
-- @@
-- kind: join/partitioned
SELECT e.id, e.payload ->> 'kind', t.v FROM events e JOIN t ON t.id = e.id
-- @@
-- kind: join/lateral-cross
SELECT t.id, x.note FROM t CROSS JOIN LATERAL (SELECT note FROM u WHERE u.t_id = t.id ORDER BY id DESC LIMIT 1) x
-- @@
-- kind: join/lateral-left
SELECT t.id, x.c FROM t LEFT JOIN LATERAL (SELECT count(*) AS c FROM u WHERE u.t_id = t.id) x ON true
-- @@
-- kind: join/lateral-function
SELECT t.id, e.key, e.value FROM t, LATERAL jsonb_each(t.j) AS e
-- @@
-- kind: join/parenthesized
SELECT * FROM (t JOIN u ON u.t_id = t.id) JOIN kv ON true WHERE kv.k = 'one'
-- @@
-- kind: cte/simple
WITH x AS (SELECT id FROM t) SELECT * FROM x
-- @@
-- kind: cte/materialized
WITH x AS MATERIALIZED (SELECT id, n FROM t) SELECT sum(n) FROM x
-- @@
-- kind: cte/not-materialized
WITH x AS NOT MATERIALIZED (SELECT * FROM t) SELECT id FROM x WHERE n = 1
-- @@
-- kind: cte/recursive
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 10) SELECT sum(i) FROM r
-- @@
-- kind: cte/recursive-search
WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 5)
  SEARCH BREADTH FIRST BY n SET ord
SELECT * FROM r ORDER BY ord
-- @@
-- kind: cte/recursive-cycle
WITH RECURSIVE e(src, dst) AS (VALUES (1, 2), (2, 3), (3, 1)),
walk(node) AS (SELECT 1 UNION ALL SELECT e.dst FROM walk JOIN e ON e.src = walk.node)
  CYCLE node SET is_cycle USING path
SELECT * FROM walk
-- @@
-- kind: cte/chained
WITH a AS (SELECT id, n FROM t), b AS (SELECT id FROM a WHERE n > 1), c AS (SELECT count(*) AS k FROM b) SELECT * FROM c
-- @@
-- kind: cte/column-list
WITH x(a, b) AS (SELECT id, v FROM t) SELECT b FROM x WHERE a = 2
-- @@
-- kind: cte/nested
SELECT * FROM (WITH inner_cte AS (SELECT 1 AS one) SELECT one FROM inner_cte) s
-- @@
-- kind: window/row-number
SELECT id, n, row_number() OVER (ORDER BY n DESC) FROM t
-- @@
-- kind: window/rank-partition
SELECT t_id, id, rank() OVER (PARTITION BY t_id ORDER BY id), dense_rank() OVER (ORDER BY t_id) FROM u
-- @@
-- kind: window/frame-rows
SELECT id, sum(n) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t
-- @@
-- kind: window/lag-lead
SELECT id, lag(n) OVER w, lead(n, 1, 0) OVER w FROM t WINDOW w AS (ORDER BY id)
-- @@
-- kind: window/range-unbounded
SELECT id, first_value(v) OVER w, last_value(v) OVER w, nth_value(v, 2) OVER w FROM t
WINDOW w AS (ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
-- @@
-- kind: window/groups-exclude
SELECT id, sum(n) OVER (ORDER BY n GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t
-- @@
-- kind: window/distribution
SELECT id, ntile(2) OVER (ORDER BY id), percent_rank() OVER (ORDER BY n), cume_dist() OVER (ORDER BY n) FROM t
-- @@
-- kind: window/filter
SELECT id, count(*) FILTER (WHERE n > 1) OVER () FROM t
-- @@
-- kind: window/range-interval
SELECT id, count(*) OVER (ORDER BY created RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW) FROM t
-- @@
-- kind: group/grouping-sets
SELECT v, n, count(*) FROM t GROUP BY GROUPING SETS ((v), (n), ())
-- @@
-- kind: group/rollup
SELECT v, n, sum(id) FROM t GROUP BY ROLLUP (v, n) ORDER BY v, n
-- @@
-- kind: group/cube
SELECT v, n, count(*), GROUPING(v, n) FROM t GROUP BY CUBE (v, n)
-- @@
-- kind: group/distinct-rollup
SELECT v, n, count(*) FROM t GROUP BY DISTINCT ROLLUP (v, n), ROLLUP (v)
-- @@
-- kind: group/ordinal
SELECT t_id, count(*) FROM u GROUP BY 1 ORDER BY 2 DESC
-- @@
-- kind: agg/filter
SELECT count(*) FILTER (WHERE n > 1), sum(n) FILTER (WHERE v IS NOT NULL) FROM t
-- @@
-- kind: agg/ordered
SELECT string_agg(v, ',' ORDER BY v DESC), array_agg(DISTINCT v) FROM t
-- @@
-- kind: agg/within-group
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), mode() WITHIN GROUP (ORDER BY v) FROM t
-- @@
-- kind: agg/hypothetical
SELECT rank(2) WITHIN GROUP (ORDER BY n), percent_rank(2) WITHIN GROUP (ORDER BY n) FROM t
-- @@
-- kind: agg/bool
SELECT bool_and(n > 0), bool_or(v IS NULL), every(id > 0) FROM t
-- @@
-- kind: agg/json
SELECT jsonb_agg(v ORDER BY id), jsonb_object_agg(id, n) FROM t
-- @@
-- kind: agg/statistics
SELECT stddev(n), variance(n), corr(n, id), regr_slope(n, id) FROM t
-- @@
-- kind: agg/bits
SELECT bit_and(n), bit_or(n), bit_xor(n) FROM t
-- @@
-- kind: setop/union
SELECT id FROM t UNION SELECT t_id FROM u
-- @@
-- kind: setop/union-all
SELECT v FROM t UNION ALL SELECT note FROM u
-- @@
-- kind: setop/intersect
SELECT id FROM t INTERSECT SELECT t_id FROM u
-- @@
-- kind: setop/except
SELECT id FROM t EXCEPT SELECT t_id FROM u
-- @@
-- kind: setop/all-variants
SELECT n FROM t INTERSECT ALL SELECT n FROM t EXCEPT ALL SELECT 0
-- @@
-- kind: setop/parenthesized
(SELECT id FROM t ORDER BY id LIMIT 1) UNION (SELECT id FROM t ORDER BY id DESC LIMIT 1) ORDER BY 1
-- @@
-- kind: setop/values-union
VALUES (1) UNION SELECT id FROM t EXCEPT SELECT n FROM tv
-- @@
-- kind: json/arrow
SELECT j -> 'a', j ->> 'a' FROM t
-- @@
-- kind: json/path-op
SELECT j #> '{b,c}', j #>> '{b,c}' FROM t
-- @@
-- kind: json/exists-key
SELECT id FROM t WHERE j ? 'a'
-- @@
-- kind: json/exists-any
SELECT id FROM t WHERE j ?| array['a', 'z']
-- @@
-- kind: json/exists-all
SELECT id FROM t WHERE j ?& array['a', 'b']
-- @@
-- kind: json/contains
SELECT id FROM t WHERE j @> '{"a": 1}'
-- @@
-- kind: json/contained
SELECT id FROM t WHERE '{"a": 2}'::jsonb <@ j
-- @@
-- kind: json/minus-concat
SELECT j - 'a', j #- '{b,c}', j || '{"new": true}' FROM t WHERE j IS NOT NULL
-- @@
-- kind: json/jsonpath-exists
SELECT id FROM t WHERE j @? '$.k[*] ? (@ > 1)'
-- @@
-- kind: json/jsonpath-match
SELECT id FROM t WHERE j @@ '$.a == 2'
-- @@
-- kind: json/path-query
SELECT jsonb_path_query(j, '$.b.c') FROM t
-- @@
-- kind: json/each
SELECT id, jsonb_object_keys(j) FROM t WHERE jsonb_typeof(j) = 'object'
-- @@
-- kind: json/array-elements
SELECT jsonb_array_elements(j -> 'k') FROM t WHERE j ? 'k'
-- @@
-- kind: json/subscript
SELECT j['b']['c'], j['a'] FROM t
-- @@
-- kind: json/set
SELECT jsonb_set(j, '{a}', '5'), jsonb_insert(j, '{k,0}', '0') FROM t WHERE id = 1
-- @@
-- kind: json/build
SELECT jsonb_build_object('id', id, 'v', v), json_build_array(id, n), to_jsonb(t), row_to_json(t) FROM t
-- @@
-- kind: json/misc
SELECT jsonb_pretty(j), jsonb_typeof(j), jsonb_strip_nulls(j) FROM t WHERE j IS NOT NULL
-- @@
-- kind: json/recordset
SELECT * FROM jsonb_to_recordset('[{"a": 1, "b": "x"}, {"a": 2}]') AS x(a int, b text)
-- @@
-- kind: json/json-type
SELECT '{"a": 1}'::json ->> 'a', json '[1,2]' -> 1, jsonb 'null'
-- @@
-- kind: json/populate
SELECT * FROM jsonb_populate_record(NULL::pair, '{"x": 1, "y": "z"}')
-- @@
-- kind: array/subscript-slice
SELECT tags[1], tags[1:2], array_length(tags, 1), cardinality(tags) FROM t
-- @@
-- kind: array/overlap
SELECT id FROM t WHERE tags && ARRAY['x']
-- @@
-- kind: array/contains
SELECT id FROM t WHERE tags @> '{y}'
-- @@
-- kind: array/any
SELECT id FROM t WHERE 'y' = ANY (tags)
-- @@
-- kind: array/unnest-ordinality
SELECT t.id, x.tag, x.i FROM t, unnest(t.tags) WITH ORDINALITY AS x(tag, i)
-- @@
-- kind: array/functions
SELECT ARRAY[1, 2] || 3, array_cat(ARRAY[1], ARRAY[2]), array_remove(ARRAY[1, 2, 1], 1), array_position(ARRAY['a', 'b'], 'b')
-- @@
-- kind: array/multidim
SELECT (ARRAY[[1, 2], [3, 4]])[2][1], array_dims(ARRAY[[1, 2], [3, 4]])
-- @@
-- kind: array/string
SELECT array_to_string(tags, '|'), string_to_array('a,b,c', ',') FROM t
-- @@
-- kind: array/literal
SELECT '{1,2,3}'::int[], '{{a,b},{c,d}}'::text[]
-- @@
-- kind: array/multi-unnest
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c']) AS x(n, s)
-- @@
-- kind: series/ints
SELECT * FROM generate_series(1, 5)
-- @@
-- kind: series/step-timestamp
SELECT * FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-05', INTERVAL '1 day')
-- @@
-- kind: series/alias
SELECT g, g % 2 AS odd FROM generate_series(1, 10, 2) AS g WHERE g > 3
-- @@
-- kind: series/subscripts
SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1)
-- @@
-- kind: regex/match
SELECT v FROM t WHERE v ~ '^[a-b]$'
-- @@
-- kind: regex/case-insensitive
SELECT v FROM t WHERE v ~* 'A' OR v !~ 'c'
-- @@
-- kind: regex/functions
SELECT regexp_replace(v, '[ab]', 'X', 'g'), regexp_matches('a1b2c3', '[0-9]', 'g') FROM t WHERE v IS NOT NULL
-- @@
-- kind: regex/split
SELECT regexp_split_to_table('a, b,  c', ',\s*')
-- @@
-- kind: regex/pg15
SELECT regexp_count('abcabc', 'b'), regexp_instr('abc', 'c'), regexp_like('abc', '^a'), regexp_substr('a1b22', '\d+', 1, 2)
-- @@
-- kind: regex/like
SELECT v FROM t WHERE v LIKE 'a%' OR v ILIKE 'B_' OR v NOT LIKE '%!%%' ESCAPE '!'
-- @@
-- kind: regex/like-operators
SELECT 'abc' ~~ 'a%', 'ABC' ~~* 'a%', 'abc' !~~ 'x%', 'abc' ^@ 'ab'
-- @@
-- kind: expr/casts
SELECT '42'::int, CAST('1' AS bigint), int '5', '2024-01-01'::date + 1, 3.7::numeric(4, 1)
-- @@
-- kind: expr/coalesce
SELECT COALESCE(v, 'none'), NULLIF(n, 0), GREATEST(n, 2), LEAST(n, 2) FROM t
-- @@
-- kind: expr/case
SELECT id, CASE WHEN n > 1 THEN 'big' WHEN n = 1 THEN 'one' ELSE 'small' END, CASE v WHEN 'a' THEN 1 ELSE 0 END FROM t
-- @@
-- kind: expr/between
SELECT id FROM t WHERE n BETWEEN SYMMETRIC 3 AND 1
-- @@
-- kind: expr/boolean-tests
SELECT (n > 1) IS TRUE, (v = 'a') IS NOT FALSE, (v = 'a') IS UNKNOWN FROM t
-- @@
-- kind: expr/postfix-null
SELECT v ISNULL, v NOTNULL FROM t
-- @@
-- kind: expr/string-functions
SELECT substring('abcdef' FROM 2 FOR 3), position('c' IN 'abc'), overlay('abc' PLACING 'x' FROM 2), trim(BOTH 'x' FROM 'xax')
-- @@
-- kind: expr/string-misc
SELECT upper(v), lower(v), length(v), lpad(v, 3, '*'), reverse(v), left(v, 1), split_part('a.b', '.', 2) FROM t
-- @@
-- kind: expr/concat
SELECT 'a' || 1 || NULL, concat('a', NULL, 'b'), concat_ws('-', 'a', 'b')
-- @@
-- kind: expr/literals
SELECT E'tab\there', U&'\0041', B'101', X'1F', 1e3, .5, 'it''s'
-- @@
-- kind: expr/math
SELECT 2 ^ 10, |/ 25.0, @ -5, 7 % 3, factorial(5), round(2.567, 2), div(7, 2)
-- @@
-- kind: expr/row-compare
SELECT ROW(1, 2) < ROW(1, 3), ROW(1, 'a') = ROW(1, 'a')
-- @@
-- kind: expr/datetime
SELECT date_trunc('day', now()), to_char(TIMESTAMP '2024-05-06', 'YYYY-MM-DD'), age(TIMESTAMP '2024-01-01', TIMESTAMP '2023-01-01'), make_date(2024, 2, 29)
-- @@
-- kind: expr/interval
SELECT current_date - INTERVAL '1 day' * 3, INTERVAL '1' HOUR, INTERVAL '1-2' YEAR TO MONTH
-- @@
-- kind: expr/extract
SELECT EXTRACT(EPOCH FROM TIMESTAMPTZ '2024-01-01 00:00+00'), date_part('dow', DATE '2024-01-01')
-- @@
-- kind: expr/overlaps
SELECT (DATE '2024-01-01', DATE '2024-02-01') OVERLAPS (DATE '2024-01-15', DATE '2024-03-01')
-- @@
-- kind: expr/sql-value-functions
SELECT CURRENT_DATE, CURRENT_TIME, LOCALTIMESTAMP, CURRENT_USER, SESSION_USER, CURRENT_SCHEMA, CURRENT_CATALOG, USER
-- @@
-- kind: expr/volatile
SELECT gen_random_uuid(), random(), clock_timestamp(), md5('a'), format('%I = %L', 'col', 'val')
-- @@
-- kind: expr/typeof
SELECT pg_typeof(1.5), 't'::regclass, 'int4'::regtype, 'f_read'::regproc, 'public'::regnamespace
-- @@
-- kind: expr/bytea
SELECT 'abc'::bytea, decode('deadbeef', 'hex'), encode('\x0102'::bytea, 'base64')
-- @@
-- kind: expr/fulltext
SELECT to_tsvector('english', 'the quick brown fox') @@ to_tsquery('english', 'fox & quick'), websearch_to_tsquery('english', 'quick -slow')
-- @@
-- kind: expr/network-geometry
SELECT inet '192.168.0.1' << inet '192.168.0.0/24', point(1, 2) <-> point(4, 6), box '((0,0),(1,1))' && box '((0.5,0.5),(2,2))'
-- @@
-- kind: expr/null-counting
SELECT num_nonnulls(1, NULL, 'a'), num_nulls(NULL, NULL), width_bucket(5, 0, 10, 5)
-- @@
-- kind: expr/casts-text
SELECT ARRAY[1, 2]::text, '{"a": 1}'::jsonb::text, CAST(NULL AS pair), 1::text::int
-- @@
-- kind: expr/is-distinct
SELECT id FROM t WHERE v IS DISTINCT FROM 'a' AND n IS NOT DISTINCT FROM 1
-- @@
-- kind: expr/range
SELECT int4range(1, 5) @> 3, '[1,5)'::int4range * '[3,9)'::int4range, upper(span), lower_inc(span) FROM items WHERE span && '[2,3)'
-- @@
-- kind: expr/multirange
SELECT int4multirange(int4range(1, 3), int4range(5, 7)) @> 6, range_merge('{[1,2), [4,5)}'::int4multirange)
-- @@
-- kind: expr/daterange
SELECT daterange(DATE '2024-01-01', DATE '2024-02-01', '[]') @> DATE '2024-02-01', tstzrange(now(), NULL) @> now()
-- @@
-- kind: func/user-read
SELECT f_read(1), f_sql(2)
-- @@
-- kind: func/user-read-from
SELECT * FROM f_read(2)
-- @@
-- kind: func/srf
SELECT * FROM f_rows(2)
-- @@
-- kind: func/srf-columns
SELECT id, v FROM f_rows(10) WHERE n > 0
-- @@
-- kind: func/user-read-where
SELECT id FROM t WHERE f_read(id) <> 'none'
-- @@
-- kind: func/user-write
SELECT f_write(1)
-- @@
-- kind: func/user-write-from
SELECT * FROM f_write(2)
-- @@
-- kind: func/user-write-where
SELECT id FROM t WHERE f_write(id) > 0
-- @@
-- kind: func/user-write-unreached
SELECT f_write(id) FROM t WHERE false
-- @@
-- kind: func/user-write-nested
SELECT f_sql(f_write(3))
-- @@
-- kind: func/user-write-qualified
SELECT public.f_write(x => 4)
-- @@
-- kind: func/sleep
SELECT pg_sleep(0)
-- @@
-- kind: func/export-snapshot
SELECT pg_export_snapshot()
-- @@
-- kind: catalog/pg-class
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname
-- @@
-- kind: catalog/information-schema-tables
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public'
-- @@
-- kind: catalog/information-schema-columns
SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position
-- @@
-- kind: catalog/information-schema-routines
SELECT routine_name, routine_type FROM information_schema.routines WHERE specific_schema = 'public'
-- @@
-- kind: catalog/current-setting
SELECT current_setting('server_version_num'), current_setting('transaction_read_only'), current_setting('myapp.missing', true)
-- @@
-- kind: catalog/version
SELECT version()
-- @@
-- kind: catalog/now
SELECT now(), statement_timestamp(), transaction_timestamp(), timeofday()
-- @@
-- kind: catalog/in-recovery
SELECT pg_is_in_recovery()
-- @@
-- kind: catalog/replay-lsn
SELECT pg_last_wal_replay_lsn(), pg_last_wal_receive_lsn(), pg_last_xact_replay_timestamp()
-- @@
-- kind: catalog/replay-paused
SELECT pg_is_wal_replay_paused()
-- @@
-- kind: catalog/current-wal-lsn
SELECT pg_current_wal_lsn()
-- @@
-- kind: catalog/snapshot
SELECT txid_current_snapshot(), pg_current_snapshot(), pg_snapshot_xmin(pg_current_snapshot())
-- @@
-- kind: catalog/xid-if-assigned
SELECT txid_current_if_assigned(), pg_current_xact_id_if_assigned()
-- @@
-- kind: catalog/backend
SELECT pg_backend_pid(), pg_postmaster_start_time(), pg_conf_load_time(), inet_server_port()
-- @@
-- kind: catalog/stat-activity
SELECT pid, state, backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid()
-- @@
-- kind: catalog/locks
SELECT locktype, mode, granted FROM pg_locks WHERE pid = pg_backend_pid()
-- @@
-- kind: catalog/settings
SELECT name, setting FROM pg_settings WHERE name LIKE 'hot_standby%' OR name = 'default_transaction_read_only'
-- @@
-- kind: catalog/defs
SELECT pg_get_viewdef('tv'::regclass, true), pg_get_functiondef('f_write'::regproc), pg_get_indexdef('t_v'::regclass)
-- @@
-- kind: catalog/trigger-constraint-defs
SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 't_audit' UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'u_t_id_fkey'
-- @@
-- kind: catalog/sizes
SELECT pg_relation_size('t'), pg_total_relation_size('t'), pg_size_pretty(pg_database_size(current_database())), pg_column_size(ROW(1, 'a'))
-- @@
-- kind: catalog/privileges
SELECT has_table_privilege('t', 'INSERT'), has_function_privilege('f_write(integer)', 'EXECUTE'), has_schema_privilege('app', 'USAGE')
-- @@
-- kind: catalog/roles
SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = current_user
-- @@
-- kind: catalog/stat-user-tables
SELECT relname, seq_scan, n_live_tup FROM pg_stat_user_tables ORDER BY relname
-- @@
-- kind: catalog/stat-wal-receiver
SELECT status, sender_host IS NOT NULL FROM pg_stat_wal_receiver
-- @@
-- kind: catalog/stat-replication
SELECT application_name, state, sync_state FROM pg_stat_replication
-- @@
-- kind: catalog/database
SELECT datname, datallowconn FROM pg_database WHERE datname = current_database()
-- @@
-- kind: catalog/descriptions
SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 1), pg_get_serial_sequence('u', 'id')
-- @@
-- kind: catalog/to-regclass
SELECT to_regclass('nope'), to_regclass('public.t'), to_regproc('f_read')
-- @@
-- kind: catalog/keywords
SELECT word, catcode FROM pg_get_keywords() WHERE word IN ('select', 'delete', 'update') ORDER BY word
-- @@
-- kind: catalog/proc-type
SELECT p.proname, p.provolatile, ty.typname FROM pg_proc p JOIN pg_type ty ON ty.oid = p.prorettype WHERE p.pronamespace = 'public'::regnamespace
-- @@
-- kind: catalog/sequences
SELECT sequencename, last_value, increment_by FROM pg_sequences WHERE schemaname = 'public'
-- @@
-- kind: catalog/sequence-relation
SELECT last_value, log_cnt, is_called FROM s
-- @@
-- kind: catalog/sequence-last-value
SELECT pg_sequence_last_value('s'::regclass)
-- @@
-- kind: catalog/views
SELECT viewname FROM pg_views WHERE schemaname = 'public' UNION ALL SELECT matviewname FROM pg_matviews UNION ALL SELECT indexname FROM pg_indexes WHERE tablename = 't'
-- @@
-- kind: catalog/misc-functions
SELECT pg_blocking_pids(pg_backend_pid()), pg_listening_channels(), pg_notification_queue_usage(), pg_jit_available(), pg_trigger_depth(), current_schemas(true)
-- @@
-- kind: catalog/partitions
SELECT relid, parentrelid, isleaf, level FROM pg_partition_tree('events')
-- @@
-- kind: catalog/identify-object
SELECT * FROM pg_identify_object('pg_class'::regclass, 't'::regclass, 0)
-- @@
-- kind: catalog/timezones
SELECT name FROM pg_timezone_names WHERE name = 'UTC'
-- @@
-- kind: catalog/prepared-xacts-slots
SELECT count(*) FROM pg_prepared_xacts UNION ALL SELECT count(*) FROM pg_replication_slots
-- @@
-- kind: catalog/stat-database
SELECT datname, xact_commit > 0 FROM pg_stat_database WHERE datname = current_database()
-- @@
-- kind: catalog/settings-flags
SELECT pg_settings_get_flags('work_mem')
-- @@
-- kind: catalog/describe-object
SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend WHERE refobjid = 't'::regclass LIMIT 5
-- @@
-- kind: show/read-only
SHOW transaction_read_only
-- @@
-- kind: show/all
SHOW ALL
-- @@
-- kind: show/server-version
SHOW server_version
-- @@
-- kind: show/search-path
SHOW search_path
-- @@
-- kind: show/time-zone
SHOW TIME ZONE
-- @@
-- kind: show/isolation
SHOW TRANSACTION ISOLATION LEVEL
-- @@
-- kind: show/hot-standby
show hot_standby
-- @@
-- kind: rowlock/for-update
SELECT * FROM t WHERE id = 1 FOR UPDATE
-- @@
-- kind: rowlock/no-key-update
SELECT * FROM t WHERE id = 1 FOR NO KEY UPDATE
-- @@
-- kind: rowlock/share
SELECT * FROM t WHERE id = 1 FOR SHARE
-- @@
-- kind: rowlock/key-share
SELECT * FROM t WHERE id = 1 FOR KEY SHARE
-- @@
-- kind: rowlock/skip-locked
SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
-- @@
-- kind: rowlock/nowait
SELECT id FROM t WHERE id = 2 FOR UPDATE NOWAIT
-- @@
-- kind: rowlock/of-table
SELECT t.id, u.note FROM t JOIN u ON u.t_id = t.id FOR UPDATE OF t
-- @@
-- kind: rowlock/multiple-clauses
SELECT * FROM t JOIN u ON u.t_id = t.id FOR SHARE OF u NOWAIT FOR NO KEY UPDATE OF t SKIP LOCKED
-- @@
-- kind: rowlock/in-subquery
SELECT * FROM (SELECT * FROM t WHERE n > 0 FOR UPDATE) s
-- @@
-- kind: rowlock/in-cte
WITH x AS (SELECT id FROM t FOR KEY SHARE) SELECT * FROM x
-- @@
-- kind: rowlock/no-rows
SELECT * FROM kv WHERE false FOR UPDATE
-- @@
-- kind: advisory/lock-unlock
SELECT pg_advisory_lock(1); SELECT pg_advisory_unlock(1)
-- @@
-- kind: advisory/lock
SELECT pg_advisory_lock(1)
-- @@
-- kind: advisory/unlock
SELECT pg_advisory_unlock(1)
-- @@
-- kind: advisory/try-lock
SELECT pg_try_advisory_lock(2)
-- @@
-- kind: advisory/xact-lock
SELECT pg_advisory_xact_lock(3)
-- @@
-- kind: advisory/try-xact-lock
SELECT pg_try_advisory_xact_lock(4)
-- @@
-- kind: advisory/lock-shared
SELECT pg_advisory_lock_shared(5); SELECT pg_advisory_unlock_shared(5)
-- @@
-- kind: advisory/two-keys
SELECT pg_advisory_lock(1, 2)
-- @@
-- kind: advisory/try-shared-two-keys
SELECT pg_try_advisory_lock_shared(6, 7)
-- @@
-- kind: advisory/xact-shared
SELECT pg_advisory_xact_lock_shared(8), pg_try_advisory_xact_lock_shared(9)
-- @@
-- kind: advisory/unlock-all
SELECT pg_advisory_unlock_all()
-- @@
-- kind: advisory/hashed-key
SELECT pg_advisory_lock(hashtext('nightly-job'))
-- @@
-- kind: advisory/queue
SELECT id FROM t WHERE pg_try_advisory_lock(id) ORDER BY id LIMIT 1
-- @@
-- kind: advisory/qualified
SELECT pg_catalog.pg_try_advisory_lock(10) AS got
-- @@
-- kind: session/set-config-session
SELECT set_config('application_name', 'corpus', false)
-- @@
-- kind: session/set-config-local
SELECT set_config('statement_timeout', '5s', true)
-- @@
-- kind: session/set-config-search-path
SELECT set_config('search_path', 'app, public', false)
-- @@
-- kind: session/set-config-custom
SELECT pg_catalog.set_config('myapp.user_id', '42', false)
-- @@
-- kind: session/set-config-then-read
SELECT set_config('myapp.tenant', 'acme', false); SELECT current_setting('myapp.tenant')
-- @@
-- kind: session/setseed
SELECT setseed(0.5)
-- @@
-- kind: notify/plain
NOTIFY chan
-- @@
-- kind: notify/payload
NOTIFY chan, 'payload with ; semicolon'
-- @@
-- kind: notify/function
SELECT pg_notify('chan', 'x')
-- @@
-- kind: xid/txid-current
SELECT txid_current()
-- @@
-- kind: xid/current-xact-id
SELECT pg_current_xact_id()
-- @@
-- kind: xid/large-object
SELECT lo_create(0)
-- @@
-- kind: xid/logical-message
SELECT pg_logical_emit_message(true, 'corpus', 'hello')
-- @@
-- kind: seq/nextval
SELECT nextval('s')
-- @@
-- kind: seq/setval
SELECT setval('s', 100)
-- @@
-- kind: seq/setval-is-called
SELECT setval('s'::regclass, 100, false)
-- @@
-- kind: seq/currval
SELECT nextval('s'); SELECT currval('s')
-- @@
-- kind: seq/lastval
SELECT nextval('u_id_seq'); SELECT lastval()
-- @@
-- kind: seq/nextval-many
SELECT nextval('s') FROM generate_series(1, 3)
-- @@
-- kind: seq/nextval-in-expression
SELECT 'id-' || nextval('public.s')::text AS label
-- @@
-- kind: dml/insert
INSERT INTO t (id, v) VALUES (10, 'x')
-- @@
-- kind: dml/insert-returning
INSERT INTO t (id, v, n) VALUES (11, 'y', 5) RETURNING *
-- @@
-- kind: dml/insert-all-columns
INSERT INTO t VALUES (12, 'z', 1, '{"q": 1}', '{a,b}', 'd', 1, now())
-- @@
-- kind: dml/insert-select
INSERT INTO u (t_id, note) SELECT id, v FROM t WHERE v IS NOT NULL
-- @@
-- kind: dml/insert-select-none
INSERT INTO u (note) SELECT 'never' WHERE false
-- @@
-- kind: dml/insert-identity
INSERT INTO items (name) VALUES ('kiwi') RETURNING id
-- @@
-- kind: dml/insert-overriding
INSERT INTO items (id, name) OVERRIDING SYSTEM VALUE VALUES (100, 'fig')
-- @@
-- kind: dml/insert-default-values
INSERT INTO u DEFAULT VALUES
-- @@
-- kind: dml/insert-partitioned
INSERT INTO events VALUES (4, '2024-05-01', NULL)
-- @@
-- kind: dml/insert-keyword-table
INSERT INTO "delete" ("update", "select") VALUES (3, 'insert')
-- @@
-- kind: dml/insert-composite
INSERT INTO pairs VALUES (3, ROW(3, 'three'))
-- @@
-- kind: dml/insert-multi-row
INSERT INTO kv (k, val) VALUES ('a', 1), ('b', 2), ('c', DEFAULT)
-- @@
-- kind: upsert/do-update
INSERT INTO kv VALUES ('one', 5) ON CONFLICT (k) DO UPDATE SET val = kv.val + excluded.val RETURNING *
-- @@
-- kind: upsert/do-nothing
INSERT INTO kv VALUES ('one', 5) ON CONFLICT DO NOTHING
-- @@
-- kind: upsert/on-constraint
INSERT INTO kv VALUES ('two', 7) ON CONFLICT ON CONSTRAINT kv_pkey DO NOTHING
-- @@
-- kind: upsert/conditional
INSERT INTO kv AS target VALUES ('two', 9) ON CONFLICT (k) DO UPDATE SET val = excluded.val WHERE target.val < excluded.val
-- @@
-- kind: dml/update-trigger
UPDATE t SET n = n + 1 WHERE id = 1
-- @@
-- kind: dml/update-no-rows
UPDATE t SET v = 'z' WHERE false
-- @@
-- kind: dml/update-row-subselect
UPDATE t SET (n, v) = (SELECT 5, 'q') WHERE id = 2
-- @@
-- kind: dml/update-from
UPDATE t SET n = u.id FROM u WHERE u.t_id = t.id
-- @@
-- kind: dml/update-jsonb
UPDATE t SET j = jsonb_set(j, '{a}', '9') WHERE j ? 'a' RETURNING id, j
-- @@
-- kind: dml/update-array
UPDATE t SET tags = array_append(tags, 'z') WHERE tags IS NOT NULL
-- @@
-- kind: dml/update-keyword-columns
UPDATE t SET "delete" = 'gone', "update" = "update" + 1 WHERE id = 1
-- @@
-- kind: dml/update-only
UPDATE ONLY t SET n = DEFAULT WHERE id = 3
-- @@
-- kind: dml/update-composite-field
UPDATE pairs SET p.x = 9 WHERE id = 1
-- @@
-- kind: dml/update-partition-key
UPDATE events SET ts = '2024-06-01' WHERE id = 1
-- @@
-- kind: dml/delete
DELETE FROM u WHERE id = 1
-- @@
-- kind: dml/delete-using
DELETE FROM u USING t WHERE u.t_id = t.id AND t.v = 'a'
-- @@
-- kind: dml/delete-returning
DELETE FROM u RETURNING *
-- @@
-- kind: dml/delete-subquery
DELETE FROM kv WHERE k IN (SELECT k FROM kv WHERE val > 1)
-- @@
-- kind: dml/delete-keyword-table
DELETE FROM "delete" WHERE "update" = 1
-- @@
-- kind: dml/delete-partitioned
DELETE FROM events WHERE ts < '2024-01-01'
-- @@
-- kind: dml/delete-no-rows
DELETE FROM kv WHERE false
-- @@
-- kind: dml/delete-alias
DELETE FROM ONLY u AS x WHERE x.note = 'third'
-- @@
-- kind: merge/upsert
MERGE INTO kv USING (VALUES ('one', 10), ('three', 3)) AS src(k, val) ON kv.k = src.k
WHEN MATCHED THEN UPDATE SET val = src.val
WHEN NOT MATCHED THEN INSERT VALUES (src.k, src.val)
-- @@
-- kind: merge/delete
MERGE INTO kv USING t ON kv.val = t.n
WHEN MATCHED AND t.v = 'a' THEN DELETE
WHEN MATCHED THEN DO NOTHING
-- @@
-- kind: merge/insert-only
MERGE INTO u USING (SELECT id FROM t) AS s ON u.t_id = s.id
WHEN NOT MATCHED THEN INSERT (t_id, note) VALUES (s.id, 'merged')
-- @@
-- kind: merge/no-rows
MERGE INTO kv USING (SELECT 'x' AS k WHERE false) s ON kv.k = s.k WHEN NOT MATCHED THEN DO NOTHING
-- @@
-- kind: cte-write/delete
WITH d AS (DELETE FROM u WHERE t_id = 2 RETURNING *) SELECT count(*) FROM d
-- @@
-- kind: cte-write/insert
WITH i AS (INSERT INTO kv VALUES ('cte', 1) RETURNING k) SELECT * FROM i
-- @@
-- kind: cte-write/update
WITH up AS (UPDATE t SET n = n + 1 RETURNING id) SELECT * FROM up
-- @@
-- kind: cte-write/move
WITH moved AS (DELETE FROM kv WHERE val > 1 RETURNING *) INSERT INTO kv SELECT k || '_old', val FROM moved
-- @@
-- kind: cte-write/no-rows
WITH d AS (DELETE FROM u WHERE false RETURNING *) SELECT * FROM d
-- @@
-- kind: cte-write/unreferenced
WITH x AS (SELECT 1 AS one), d AS (DELETE FROM u WHERE id = 1 RETURNING id) SELECT * FROM x
-- @@
-- kind: cte-write/after-read-cte
WITH src AS (SELECT id FROM t WHERE n > 1), ins AS (INSERT INTO u (t_id, note) SELECT id, 'cte' FROM src RETURNING id) SELECT count(*) FROM ins
-- @@
-- kind: cte-write/recursive-then-insert
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3) INSERT INTO kv SELECT 'r' || i, i FROM r
-- @@
-- kind: cte-write/function
WITH w AS (SELECT f_write(9) AS id) SELECT * FROM w
-- @@
-- kind: select-into/table
SELECT * INTO t_copy FROM t
-- @@
-- kind: select-into/temp
SELECT id INTO TEMP tmp_ids FROM t
-- @@
-- kind: select-into/unlogged
SELECT id, v INTO UNLOGGED TABLE t_unl FROM t WHERE n > 0
-- @@
-- kind: ctas/plain
CREATE TABLE t2 AS SELECT * FROM t
-- @@
-- kind: ctas/temp
CREATE TEMP TABLE tt AS SELECT 1 AS x
-- @@
-- kind: ctas/no-data
CREATE TABLE t3 AS SELECT * FROM t WITH NO DATA
-- @@
-- kind: ctas/if-not-exists-table
CREATE TABLE IF NOT EXISTS t4 AS TABLE t
-- @@
-- kind: ctas/values
CREATE UNLOGGED TABLE t5 (a, b) AS VALUES (1, 'x')
-- @@
-- kind: ctas/matview
CREATE MATERIALIZED VIEW mv2 AS SELECT id, v FROM t WHERE n > 0
-- @@
-- kind: ctas/matview-no-data
CREATE MATERIALIZED VIEW IF NOT EXISTS mv3 AS SELECT * FROM t WITH NO DATA
-- @@
-- kind: ddl/create-table
CREATE TABLE new_t (id integer PRIMARY KEY, x text NOT NULL DEFAULT '')
-- @@
-- kind: ddl/create-table-if-not-exists-existing
CREATE TABLE IF NOT EXISTS t (id integer)
-- @@
-- kind: ddl/create-temp-table
CREATE TEMP TABLE tmp1 (x integer) ON COMMIT DROP
-- @@
-- kind: ddl/create-unlogged
CREATE UNLOGGED TABLE ul (x integer)
-- @@
-- kind: ddl/create-like
CREATE TABLE t_like (LIKE t INCLUDING ALL)
-- @@
-- kind: ddl/create-inherits
CREATE TABLE kv_child (note text) INHERITS (kv)
-- @@
-- kind: ddl/create-generated
CREATE TABLE gen (a integer, b integer GENERATED ALWAYS AS (a * 2) STORED, c bigint GENERATED BY DEFAULT AS IDENTITY)
-- @@
-- kind: ddl/create-exclusion
CREATE TABLE bookings (during tsrange, EXCLUDE USING gist (during WITH &&))
-- @@
-- kind: ddl/create-partition
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
-- @@
-- kind: ddl/create-default-partition
CREATE TABLE events_default PARTITION OF events DEFAULT
-- @@
-- kind: ddl/detach-partition
ALTER TABLE events DETACH PARTITION events_2023
-- @@
-- kind: ddl/attach-partition
CREATE TABLE events_2030 (LIKE events); ALTER TABLE events ATTACH PARTITION events_2030 FOR VALUES FROM ('2030-01-01') TO ('2031-01-01')
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE t ADD COLUMN extra text
-- @@
-- kind: ddl/alter-add-column-if-not-exists
ALTER TABLE t ADD COLUMN IF NOT EXISTS extra2 integer DEFAULT 0
-- @@
-- kind: ddl/alter-drop-column
ALTER TABLE t DROP COLUMN "update"
-- @@
-- kind: ddl/alter-rename-column
ALTER TABLE t RENAME COLUMN v TO val
-- @@
-- kind: ddl/alter-set-default
ALTER TABLE t ALTER COLUMN n SET DEFAULT 5
-- @@
-- kind: ddl/alter-type
ALTER TABLE u ALTER COLUMN note TYPE varchar(100)
-- @@
-- kind: ddl/alter-add-check
ALTER TABLE t ADD CONSTRAINT n_nonneg CHECK (n >= 0) NOT VALID
-- @@
-- kind: ddl/alter-validate
ALTER TABLE t ADD CONSTRAINT n_small CHECK (n < 1000) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT n_small
-- @@
-- kind: ddl/alter-rename-table
ALTER TABLE kv RENAME TO kv_renamed
-- @@
-- kind: ddl/alter-storage-params
ALTER TABLE t SET (fillfactor = 90, autovacuum_enabled = false)
-- @@
-- kind: ddl/alter-rls
ALTER TABLE t ENABLE ROW LEVEL SECURITY
-- @@
-- kind: ddl/alter-disable-trigger
ALTER TABLE t DISABLE TRIGGER t_audit
-- @@
-- kind: ddl/alter-cluster-on
ALTER TABLE t CLUSTER ON t_pkey
-- @@
-- kind: ddl/alter-statistics
ALTER TABLE t ALTER COLUMN v SET STATISTICS 200
-- @@
-- kind: ddl/alter-if-exists-missing
ALTER TABLE IF EXISTS nope ADD COLUMN x integer
-- @@
-- kind: ddl/alter-set-schema
ALTER TABLE app.settings SET SCHEMA public
-- @@
-- kind: ddl/alter-replica-identity
ALTER TABLE t REPLICA IDENTITY FULL
-- @@
-- kind: ddl/alter-identity-restart
ALTER TABLE items ALTER COLUMN id RESTART WITH 1000
-- @@
-- kind: ddl/alter-identity-by-default
ALTER TABLE items ALTER COLUMN id SET GENERATED BY DEFAULT
-- @@
-- kind: ddl/alter-compression
ALTER TABLE t ALTER COLUMN v SET COMPRESSION pglz
-- @@
-- kind: ddl/alter-owner
ALTER TABLE t OWNER TO CURRENT_USER
-- @@
-- kind: ddl/drop-table-if-exists
DROP TABLE IF EXISTS nope
-- @@
-- kind: ddl/drop-keyword-table
DROP TABLE "delete"
-- @@
-- kind: ddl/drop-cascade
DROP TABLE kv, pairs CASCADE
-- @@
-- kind: ddl/create-index
CREATE INDEX ON t (n)
-- @@
-- kind: ddl/create-index-concurrently
CREATE INDEX CONCURRENTLY t_n_conc ON t (n)
-- @@
-- kind: ddl/create-unique-partial-index
CREATE UNIQUE INDEX IF NOT EXISTS t_v_uniq ON t (v) WHERE v IS NOT NULL
-- @@
-- kind: ddl/create-expression-index
CREATE INDEX t_lower_v ON t ((lower(v))) INCLUDE (n)
-- @@
-- kind: ddl/create-gin-index
CREATE INDEX t_tags ON t USING gin (tags)
-- @@
-- kind: ddl/alter-index
ALTER INDEX t_v RENAME TO t_v2
-- @@
-- kind: ddl/drop-index
DROP INDEX t_v
-- @@
-- kind: ddl/drop-index-concurrently
DROP INDEX CONCURRENTLY IF EXISTS t_v
-- @@
-- kind: ddl/create-view
CREATE VIEW v2 AS SELECT id FROM t WHERE n > 0
-- @@
-- kind: ddl/create-or-replace-view
CREATE OR REPLACE VIEW tv AS SELECT id, v, n FROM t
-- @@
-- kind: ddl/create-temp-view
CREATE TEMP VIEW tmpv AS SELECT 1 AS one
-- @@
-- kind: ddl/create-recursive-view
CREATE RECURSIVE VIEW nums (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM nums WHERE n < 5
-- @@
-- kind: ddl/alter-view
ALTER VIEW tv RENAME TO tv2
-- @@
-- kind: ddl/drop-view
DROP VIEW tv
-- @@
-- kind: ddl/alter-matview
ALTER MATERIALIZED VIEW mv RENAME TO mv_r
-- @@
-- kind: ddl/drop-matview
DROP MATERIALIZED VIEW mv
-- @@
-- kind: ddl/create-sequence
CREATE SEQUENCE s2 INCREMENT 5 START 10
-- @@
-- kind: ddl/alter-sequence-restart
ALTER SEQUENCE s RESTART WITH 10
-- @@
-- kind: ddl/alter-sequence-increment
ALTER SEQUENCE IF EXISTS s INCREMENT BY 2 CACHE 10
-- @@
-- kind: ddl/drop-sequence
DROP SEQUENCE s
-- @@
-- kind: ddl/create-function-sql-body
CREATE FUNCTION add1(integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN $1 + 1
-- @@
-- kind: ddl/create-function-begin-atomic
CREATE FUNCTION f_atomic() RETURNS integer LANGUAGE sql
BEGIN ATOMIC
  SELECT count(*) FROM t;
END
-- @@
-- kind: ddl/create-function-plpgsql
CREATE OR REPLACE FUNCTION f_new(a integer) RETURNS integer LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM u WHERE id = a;
  RETURN a;
END
$fn$
-- @@
-- kind: ddl/alter-function
ALTER FUNCTION f_read(integer) IMMUTABLE
-- @@
-- kind: ddl/alter-function-set
ALTER FUNCTION f_write(integer) SET search_path = public
-- @@
-- kind: ddl/rename-function
ALTER FUNCTION f_write(integer) RENAME TO f_write2
-- @@
-- kind: ddl/drop-function
DROP FUNCTION f_sql(integer)
-- @@
-- kind: ddl/drop-function-if-exists
DROP FUNCTION IF EXISTS nope()
-- @@
-- kind: ddl/create-procedure
CREATE PROCEDURE p2() LANGUAGE sql AS $$ INSERT INTO kv VALUES ('p2', 2) $$
-- @@
-- kind: ddl/drop-procedure
DROP PROCEDURE p_ins
-- @@
-- kind: ddl/create-enum
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')
-- @@
-- kind: ddl/create-composite
CREATE TYPE pair2 AS (a integer, b integer)
-- @@
-- kind: ddl/create-range-type
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)
-- @@
-- kind: ddl/alter-type-attribute
ALTER TYPE pair ADD ATTRIBUTE z integer CASCADE
-- @@
-- kind: ddl/drop-type
DROP TYPE IF EXISTS mood
-- @@
-- kind: ddl/create-domain
CREATE DOMAIN posint AS integer CHECK (VALUE > 0)
-- @@
-- kind: ddl/create-schema
CREATE SCHEMA IF NOT EXISTS extra
-- @@
-- kind: ddl/create-schema-elements
CREATE SCHEMA s2 CREATE TABLE s2t (x integer) CREATE VIEW s2v AS SELECT x FROM s2t
-- @@
-- kind: ddl/alter-schema
ALTER SCHEMA app RENAME TO app2
-- @@
-- kind: ddl/drop-schema
DROP SCHEMA app CASCADE
-- @@
-- kind: ddl/create-trigger
CREATE TRIGGER t_audit_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_audit()
-- @@
-- kind: ddl/create-or-replace-trigger
CREATE OR REPLACE TRIGGER t_audit AFTER UPDATE OF n ON t FOR EACH ROW WHEN (OLD.n IS DISTINCT FROM NEW.n) EXECUTE FUNCTION t_audit()
-- @@
-- kind: ddl/alter-trigger
ALTER TRIGGER t_audit ON t RENAME TO t_audit_renamed
-- @@
-- kind: ddl/drop-trigger
DROP TRIGGER t_audit ON t
-- @@
-- kind: ddl/create-rule
CREATE RULE kv_no_delete AS ON DELETE TO kv DO INSTEAD NOTHING
-- @@
-- kind: ddl/create-policy
CREATE POLICY t_positive ON t FOR SELECT USING (n > 0)
-- @@
-- kind: ddl/create-statistics
CREATE STATISTICS t_v_n ON v, n FROM t
-- @@
-- kind: ddl/create-aggregate
CREATE AGGREGATE my_sum(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0')
-- @@
-- kind: ddl/create-operator
CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq)
-- @@
-- kind: ddl/create-collation
CREATE COLLATION mycoll (provider = libc, locale = 'C')
-- @@
-- kind: ddl/create-ts-config
CREATE TEXT SEARCH CONFIGURATION mycfg (COPY = english)
-- @@
-- kind: ddl/create-publication
CREATE PUBLICATION corpus_pub FOR TABLE t
-- @@
-- kind: ddl/reassign-owned
REASSIGN OWNED BY CURRENT_USER TO CURRENT_USER
-- @@
-- kind: ddl/security-definer
ALTER FUNCTION f_read(integer) SECURITY DEFINER
-- @@
-- kind: grant/select-public
GRANT SELECT ON t TO PUBLIC
-- @@
-- kind: grant/all-tables
GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC
-- @@
-- kind: grant/revoke
REVOKE INSERT ON t FROM PUBLIC
-- @@
-- kind: grant/schema-usage
GRANT USAGE ON SCHEMA app TO PUBLIC
-- @@
-- kind: grant/function
GRANT EXECUTE ON FUNCTION f_read(integer) TO PUBLIC
-- @@
-- kind: grant/revoke-sequence
REVOKE ALL ON SEQUENCE s FROM PUBLIC
-- @@
-- kind: grant/column
GRANT SELECT (id, v), UPDATE (n) ON t TO PUBLIC
-- @@
-- kind: grant/default-privileges
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC
-- @@
-- kind: comment/table
COMMENT ON TABLE t IS 'changed'
-- @@
-- kind: comment/column-null
COMMENT ON COLUMN t.v IS NULL
-- @@
-- kind: comment/function
COMMENT ON FUNCTION f_read(integer) IS 'reads; never INSERTs'
-- @@
-- kind: maintenance/truncate
TRUNCATE u
-- @@
-- kind: maintenance/truncate-restart
TRUNCATE TABLE kv, "delete" RESTART IDENTITY
-- @@
-- kind: maintenance/truncate-cascade
TRUNCATE t CASCADE
-- @@
-- kind: maintenance/truncate-only
TRUNCATE ONLY items RESTART IDENTITY
-- @@
-- kind: maintenance/vacuum
VACUUM t
-- @@
-- kind: maintenance/vacuum-options
VACUUM (VERBOSE, ANALYZE) kv
-- @@
-- kind: maintenance/vacuum-full
VACUUM FULL u
-- @@
-- kind: maintenance/vacuum-analyze-columns
VACUUM ANALYZE t (v, n)
-- @@
-- kind: maintenance/analyze
ANALYZE t
-- @@
-- kind: maintenance/analyze-verbose
ANALYZE VERBOSE kv
-- @@
-- kind: maintenance/cluster
CLUSTER t USING t_pkey
-- @@
-- kind: maintenance/cluster-verbose
CLUSTER VERBOSE kv USING kv_pkey
-- @@
-- kind: maintenance/reindex-table
REINDEX TABLE t
-- @@
-- kind: maintenance/reindex-index
REINDEX INDEX t_v
-- @@
-- kind: maintenance/reindex-concurrently
REINDEX (VERBOSE) TABLE CONCURRENTLY kv
-- @@
-- kind: maintenance/reindex-schema
REINDEX SCHEMA app
-- @@
-- kind: maintenance/refresh
REFRESH MATERIALIZED VIEW mv
-- @@
-- kind: maintenance/refresh-concurrently
REFRESH MATERIALIZED VIEW CONCURRENTLY mv
-- @@
-- kind: maintenance/refresh-no-data
REFRESH MATERIALIZED VIEW mv WITH NO DATA
-- @@
-- kind: maintenance/checkpoint
CHECKPOINT
-- @@
-- kind: lock/access-share
LOCK TABLE t IN ACCESS SHARE MODE; SELECT count(*) FROM t
-- @@
-- kind: lock/row-exclusive
LOCK TABLE t IN ROW EXCLUSIVE MODE; SELECT 1
-- @@
-- kind: lock/row-share
LOCK t IN ROW SHARE MODE NOWAIT; SELECT 1
-- @@
-- kind: lock/share
LOCK TABLE t IN SHARE MODE; SELECT count(*) FROM t
-- @@
-- kind: lock/exclusive-multi
LOCK TABLE t, u IN EXCLUSIVE MODE; SELECT 1
-- @@
-- kind: lock/access-exclusive-default
LOCK TABLE ONLY kv; SELECT 1
-- @@
-- kind: lock/outside-transaction
LOCK TABLE t IN ACCESS SHARE MODE
-- @@
-- kind: copy/table-to-stdout
COPY t TO STDOUT
-- @@
-- kind: copy/columns-csv
COPY t (id, v) TO STDOUT WITH (FORMAT csv, HEADER)
-- @@
-- kind: copy/query
COPY (SELECT * FROM t WHERE n > 1) TO STDOUT
-- @@
-- kind: copy/binary
COPY kv TO STDOUT (FORMAT binary)
-- @@
-- kind: copy/dml-returning
COPY (DELETE FROM u WHERE id = 1 RETURNING *) TO STDOUT
-- @@
-- kind: copy/old-syntax
copy "delete" to stdout with csv
-- @@
-- kind: call/write
CALL p_ins(1)
-- @@
-- kind: call/read
CALL p_read()
-- @@
-- kind: call/named-arg
CALL public.p_ins(x => 2)
-- @@
-- kind: do/notice
DO $$BEGIN RAISE NOTICE 'hi'; END$$
-- @@
-- kind: do/read
DO $$DECLARE c integer; BEGIN SELECT count(*) INTO c FROM t; END$$
-- @@
-- kind: do/insert
DO LANGUAGE plpgsql $$BEGIN INSERT INTO kv VALUES ('do', 1); END$$
-- @@
-- kind: do/dynamic-delete
DO $$BEGIN EXECUTE 'DELETE FROM u WHERE false'; END$$
-- @@
-- kind: do/advisory-lock
DO $$BEGIN PERFORM pg_advisory_lock(7); END$$
-- @@
-- kind: do/calls-writer
DO $$BEGIN PERFORM f_write(1); END$$
-- @@
-- kind: do/tagged-dollar
DO $body$
DECLARE
  -- this block only looks at the catalog; DROP TABLE t; is just text here
  r record;
BEGIN
  FOR r IN SELECT relname FROM pg_class WHERE relname = 't' LOOP
    RAISE NOTICE 'found %', r.relname;
  END LOOP;
END
$body$
-- @@
-- kind: do/ddl
DO $$BEGIN EXECUTE format('CREATE TABLE %I (x int)', 'do_made'); END$$
-- @@
-- kind: explain/select
EXPLAIN SELECT * FROM t
-- @@
-- kind: explain/json
EXPLAIN (FORMAT JSON) SELECT * FROM t JOIN u ON u.t_id = t.id
-- @@
-- kind: explain/analyze-select
EXPLAIN ANALYZE SELECT count(*) FROM t
-- @@
-- kind: explain/analyze-options
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM t WHERE n > 0
-- @@
-- kind: explain/verbose-recursive
EXPLAIN VERBOSE WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3) SELECT * FROM r
-- @@
-- kind: explain/insert
EXPLAIN INSERT INTO kv VALUES ('x', 1)
-- @@
-- kind: explain/update
EXPLAIN UPDATE t SET n = 1
-- @@
-- kind: explain/delete
EXPLAIN (COSTS false) DELETE FROM u WHERE id > 1
-- @@
-- kind: explain/merge
EXPLAIN MERGE INTO kv USING (VALUES ('one', 1)) AS s(k, val) ON kv.k = s.k WHEN MATCHED THEN DELETE
-- @@
-- kind: explain/for-update
EXPLAIN SELECT * FROM t FOR UPDATE
-- @@
-- kind: explain/ctas
EXPLAIN CREATE TABLE explained AS SELECT * FROM t
-- @@
-- kind: explain/analyze-insert
EXPLAIN ANALYZE INSERT INTO kv VALUES ('x', 1)
-- @@
-- kind: explain/analyze-delete-no-rows
EXPLAIN ANALYZE DELETE FROM u WHERE false
-- @@
-- kind: explain/analyze-update-options
EXPLAIN (ANALYZE true, FORMAT YAML) UPDATE t SET n = n WHERE id = 1
-- @@
-- kind: explain/analyze-writer-function
EXPLAIN ANALYZE SELECT f_write(1)
-- @@
-- kind: explain/analyze-for-update
EXPLAIN (ANALYZE) SELECT * FROM t FOR UPDATE
-- @@
-- kind: explain/analyze-cte-write
EXPLAIN ANALYZE WITH d AS (DELETE FROM u RETURNING 1) SELECT count(*) FROM d
-- @@
-- kind: multi/all-reads
SELECT 1; SELECT 2
-- @@
-- kind: multi/reads-catalog
SELECT count(*) FROM t; SELECT pg_is_in_recovery(); SHOW server_version
-- @@
-- kind: multi/read-then-write
SELECT * FROM t; INSERT INTO kv VALUES ('multi', 1)
-- @@
-- kind: multi/write-then-read
DELETE FROM u WHERE id = 3; SELECT count(*) FROM u;
-- @@
-- kind: multi/read-write-read
SELECT 1;
UPDATE t SET n = 0 WHERE id = 4;
SELECT 2;
-- @@
-- kind: multi/ddl-and-dml
CREATE TEMP TABLE tmp_multi (x integer); INSERT INTO tmp_multi VALUES (1); SELECT * FROM tmp_multi
-- @@
-- kind: multi/trailing-empty
SELECT 1;;; 
-- @@
-- kind: multi/leading-empty
; ; SELECT v FROM t WHERE id = 1
-- @@
-- kind: multi/read-then-rowlock
SELECT 1; SELECT id FROM t FOR SHARE
-- @@
-- kind: multi/read-then-advisory
SELECT count(*) FROM kv; SELECT pg_try_advisory_xact_lock(42)
-- @@
-- kind: multi/read-then-nextval
SELECT last_value FROM s; SELECT nextval('s')
-- @@
-- kind: multi/values-table
VALUES (1); TABLE kv
-- @@
-- kind: multi/explain-and-select
EXPLAIN SELECT 1; SELECT 1
-- @@
-- kind: multi/write-function-last
SELECT f_read(1); SELECT f_sql(1); SELECT f_write(1)
-- @@
-- kind: multi/many-reads
SELECT 1; SELECT 'a;b'; SELECT $$;$$; SELECT ';' || ';'; WITH x AS (SELECT 1) SELECT * FROM x
-- @@
-- kind: multi/copy-last
SELECT 1; COPY (SELECT 2) TO STDOUT
-- @@
-- kind: lexical/line-comment-write-word
SELECT 1 -- DELETE FROM t
-- @@
-- kind: lexical/block-comment-before
/* INSERT INTO t VALUES (99) */ SELECT 1
-- @@
-- kind: lexical/nested-block-comment
/* outer /* DROP TABLE t; */ still comment */ SELECT id FROM t
-- @@
-- kind: lexical/comment-between-tokens
SELECT /* ; UPDATE t SET n = 0; */ id -- ; DELETE
  FROM /* x */ t
-- @@
-- kind: lexical/comment-before-write
-- harmless looking comment: SELECT 1
DELETE FROM kv WHERE k = 'one'
-- @@
-- kind: lexical/comment-only
/* nothing to run; DELETE FROM t */
-- @@
-- kind: lexical/lowercase
select id, v from t where id = 1
-- @@
-- kind: lexical/mixed-case
SeLeCt Id FrOm T wHeRe V = 'a'
-- @@
-- kind: lexical/mixed-case-write
InSeRt InTo Kv (K, VaL) vAlUeS ('case', 1)
-- @@
-- kind: lexical/odd-whitespace
   SELECT

	id
  FROM		t
	   WHERE n   >   0   
-- @@
-- kind: lexical/tabs
SELECT	id,	v
	FROM	t	WHERE	id	=	1
-- @@
-- kind: lexical/crlf
SELECT id,
       v
  FROM t -- comment
 WHERE n > 0
 ORDER BY id
-- @@
-- kind: lexical/no-spaces
SELECT(1)+(2)AS"x",t.id FROM"t"WHERE(t.id)=1
-- @@
-- kind: lexical/quoted-identifiers
SELECT "id", "v" AS "Select", t."delete" FROM "public"."t"
-- @@
-- kind: lexical/quoted-keyword-table
SELECT d."update" FROM "delete" AS d WHERE d."select" = 'from'
-- @@
-- kind: lexical/quoted-keyword-update
UPDATE "delete" SET "select" = 'delete' WHERE "update" = 2
-- @@
-- kind: lexical/quoted-with-quotes
SELECT 1 AS "a ""quoted"" name", 2 AS "DELETE"
-- @@
-- kind: lexical/unicode-identifier
SELECT 1 AS U&"d\0061t\+000061"
-- @@
-- kind: lexical/dollar-quoted-write-words
SELECT $$INSERT INTO t VALUES (1); DELETE FROM t;$$
-- @@
-- kind: lexical/dollar-tagged
SELECT $tag$ UPDATE t SET n = 0; $$ nested $$ $tag$ AS s
-- @@
-- kind: lexical/dollar-plain
SELECT $$a$$
-- @@
-- kind: lexical/string-semicolon
SELECT 'a; DELETE FROM t; b'
-- @@
-- kind: lexical/string-quote-semicolon
SELECT 'it''s; DROP TABLE t; --' AS s, v FROM t WHERE v <> ';'
-- @@
-- kind: lexical/escape-string
SELECT E'\'; DELETE FROM t; --'
-- @@
-- kind: lexical/write-with-semicolon-string
INSERT INTO kv (k) VALUES ('x; SELECT 1')
-- @@
-- kind: lexical/trailing-semicolon
SELECT 1;
-- @@
-- kind: lexical/keyword-alias
SELECT 1 AS "insert", 2 AS "update", 3 "delete"
-- @@
-- kind: lexical/positional-dollar-in-string
SELECT '$1', '?', '$$'
-- @@
-- kind: long/in-list
SELECT id FROM t WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544, 545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587, 588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620, 621, 622, 623, 624, 625, 626, 627, 628, 629, 630, 631, 632, 633, 634, 635, 636, 637, 638, 639, 640, 641, 642, 643, 644, 645, 646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657, 658, 659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 684, 685, 686, 687, 688, 689, 690, 691, 692, 693, 694, 695, 696, 697, 698, 699, 700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 730, 731, 732, 733, 734, 735, 736, 737, 738, 739, 740, 741, 742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756, 757, 758, 759, 760, 761, 762, 763, 764, 765, 766, 767, 768, 769, 770, 771, 772, 773, 774, 775, 776, 777, 778, 779, 780, 781, 782, 783, 784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797, 798, 799, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 822, 823, 824, 825, 826, 827, 828, 829, 830, 831, 832, 833, 834, 835, 836, 837, 838, 839, 840, 841, 842, 843, 844, 845, 846, 847, 848, 849, 850, 851, 852, 853, 854, 855, 856, 857, 858, 859, 860, 861, 862, 863, 864, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 875, 876, 877, 878, 879, 880, 881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 897, 898, 899, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934, 935, 936, 937, 938, 939, 940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965, 966, 967, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 993, 994, 995, 996, 997, 998, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033, 1034, 1035, 1036, 1037, 1038, 1039, 1040, 1041, 1042, 1043, 1044, 1045, 1046, 1047, 1048, 1049, 1050, 1051, 1052, 1053, 1054, 1055, 1056, 1057, 1058, 1059, 1060, 1061, 1062, 1063, 1064, 1065, 1066, 1067, 1068, 1069, 1070, 1071, 1072, 1073, 1074, 1075, 1076, 1077, 1078, 1079, 1080, 1081, 1082, 1083, 1084, 1085, 1086, 1087, 1088, 1089, 1090, 1091, 1092, 1093, 1094, 1095, 1096, 1097, 1098, 1099, 1100, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1110, 1111, 1112, 1113, 1114, 1115, 1116, 1117, 1118, 1119, 1120, 1121, 1122, 1123, 1124, 1125, 1126, 1127, 1128, 1129, 1130, 1131, 1132, 1133, 1134, 1135, 1136, 1137, 1138, 1139, 1140, 1141, 1142, 1143, 1144, 1145, 1146, 1147, 1148, 1149, 1150, 1151, 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1162, 1163, 1164, 1165, 1166, 1167, 1168, 1169, 1170, 1171, 1172, 1173, 1174, 1175, 1176, 1177, 1178, 1179, 1180, 1181, 1182, 1183, 1184, 1185, 1186, 1187, 1188, 1189, 1190, 1191, 1192, 1193, 1194, 1195, 1196, 1197, 1198, 1199, 1200, 1201, 1202, 1203, 1204, 1205, 1206, 1207, 1208, 1209, 1210, 1211, 1212, 1213, 1214, 1215, 1216, 1217, 1218, 1219, 1220, 1221, 1222, 1223, 1224, 1225, 1226, 1227, 1228, 1229, 1230, 1231, 1232, 1233, 1234, 1235, 1236, 1237, 1238, 1239, 1240, 1241, 1242, 1243, 1244, 1245, 1246, 1247, 1248, 1249, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258, 1259, 1260, 1261, 1262, 1263, 1264, 1265, 1266, 1267, 1268, 1269, 1270, 1271, 1272, 1273, 1274, 1275, 1276, 1277, 1278, 1279, 1280, 1281, 1282, 1283, 1284, 1285, 1286, 1287, 1288, 1289, 1290, 1291, 1292, 1293, 1294, 1295, 1296, 1297, 1298, 1299, 1300, 1301, 1302, 1303, 1304, 1305, 1306, 1307, 1308, 1309, 1310, 1311, 1312, 1313, 1314, 1315, 1316, 1317, 1318, 1319, 1320, 1321, 1322, 1323, 1324, 1325, 1326, 1327, 1328, 1329, 1330, 1331, 1332, 1333, 1334, 1335, 1336, 1337, 1338, 1339, 1340, 1341, 1342, 1343, 1344, 1345, 1346, 1347, 1348, 1349, 1350, 1351, 1352, 1353, 1354, 1355, 1356, 1357, 1358, 1359, 1360, 1361, 1362, 1363, 1364, 1365, 1366, 1367, 1368, 1369, 1370, 1371, 1372, 1373, 1374, 1375, 1376, 1377, 1378, 1379, 1380, 1381, 1382, 1383, 1384, 1385, 1386, 1387, 1388, 1389, 1390, 1391, 1392, 1393, 1394, 1395, 1396, 1397, 1398, 1399, 1400, 1401, 1402, 1403, 1404, 1405, 1406, 1407, 1408, 1409, 1410, 1411, 1412, 1413, 1414, 1415, 1416, 1417, 1418, 1419, 1420, 1421, 1422, 1423, 1424, 1425, 1426, 1427, 1428, 1429, 1430, 1431, 1432, 1433, 1434, 1435, 1436, 1437, 1438, 1439, 1440, 1441, 1442, 1443, 1444, 1445, 1446, 1447, 1448, 1449, 1450, 1451, 1452, 1453, 1454, 1455, 1456, 1457, 1458, 1459, 1460, 1461, 1462, 1463, 1464, 1465, 1466, 1467, 1468, 1469, 1470, 1471, 1472, 1473, 1474, 1475, 1476, 1477, 1478, 1479, 1480, 1481, 1482, 1483, 1484, 1485, 1486, 1487, 1488, 1489, 1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499, 1500)
-- @@
-- kind: long/nested-subqueries-20
SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT max(id) AS c FROM t) AS s0) AS s1) AS s2) AS s3) AS s4) AS s5) AS s6) AS s7) AS s8) AS s9) AS s10) AS s11) AS s12) AS s13) AS s14) AS s15) AS s16) AS s17) AS s18) AS s19
-- @@
-- kind: long/nested-subqueries-80
SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT c + 0 AS c FROM (SELECT max(id) AS c FROM t) AS s0) AS s1) AS s2) AS s3) AS s4) AS s5) AS s6) AS s7) AS s8) AS s9) AS s10) AS s11) AS s12) AS s13) AS s14) AS s15) AS s16) AS s17) AS s18) AS s19) AS s20) AS s21) AS s22) AS s23) AS s24) AS s25) AS s26) AS s27) AS s28) AS s29) AS s30) AS s31) AS s32) AS s33) AS s34) AS s35) AS s36) AS s37) AS s38) AS s39) AS s40) AS s41) AS s42) AS s43) AS s44) AS s45) AS s46) AS s47) AS s48) AS s49) AS s50) AS s51) AS s52) AS s53) AS s54) AS s55) AS s56) AS s57) AS s58) AS s59) AS s60) AS s61) AS s62) AS s63) AS s64) AS s65) AS s66) AS s67) AS s68) AS s69) AS s70) AS s71) AS s72) AS s73) AS s74) AS s75) AS s76) AS s77) AS s78) AS s79
-- @@
-- kind: long/nested-parens
SELECT ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1 + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1)
-- @@
-- kind: long/union-chain
SELECT 0 AS n
UNION ALL SELECT 1 AS n
UNION ALL SELECT 2 AS n
UNION ALL SELECT 3 AS n
UNION ALL SELECT 4 AS n
UNION ALL SELECT 5 AS n
UNION ALL SELECT 6 AS n
UNION ALL SELECT 7 AS n
UNION ALL SELECT 8 AS n
UNION ALL SELECT 9 AS n
UNION ALL SELECT 10 AS n
UNION ALL SELECT 11 AS n
UNION ALL SELECT 12 AS n
UNION ALL SELECT 13 AS n
UNION ALL SELECT 14 AS n
UNION ALL SELECT 15 AS n
UNION ALL SELECT 16 AS n
UNION ALL SELECT 17 AS n
UNION ALL SELECT 18 AS n
UNION ALL SELECT 19 AS n
UNION ALL SELECT 20 AS n
UNION ALL SELECT 21 AS n
UNION ALL SELECT 22 AS n
UNION ALL SELECT 23 AS n
UNION ALL SELECT 24 AS n
UNION ALL SELECT 25 AS n
UNION ALL SELECT 26 AS n
UNION ALL SELECT 27 AS n
UNION ALL SELECT 28 AS n
UNION ALL SELECT 29 AS n
UNION ALL SELECT 30 AS n
UNION ALL SELECT 31 AS n
UNION ALL SELECT 32 AS n
UNION ALL SELECT 33 AS n
UNION ALL SELECT 34 AS n
UNION ALL SELECT 35 AS n
UNION ALL SELECT 36 AS n
UNION ALL SELECT 37 AS n
UNION ALL SELECT 38 AS n
UNION ALL SELECT 39 AS n
UNION ALL SELECT 40 AS n
UNION ALL SELECT 41 AS n
UNION ALL SELECT 42 AS n
UNION ALL SELECT 43 AS n
UNION ALL SELECT 44 AS n
UNION ALL SELECT 45 AS n
UNION ALL SELECT 46 AS n
UNION ALL SELECT 47 AS n
UNION ALL SELECT 48 AS n
UNION ALL SELECT 49 AS n
UNION ALL SELECT 50 AS n
UNION ALL SELECT 51 AS n
UNION ALL SELECT 52 AS n
UNION ALL SELECT 53 AS n
UNION ALL SELECT 54 AS n
UNION ALL SELECT 55 AS n
UNION ALL SELECT 56 AS n
UNION ALL SELECT 57 AS n
UNION ALL SELECT 58 AS n
UNION ALL SELECT 59 AS n
UNION ALL SELECT 60 AS n
UNION ALL SELECT 61 AS n
UNION ALL SELECT 62 AS n
UNION ALL SELECT 63 AS n
UNION ALL SELECT 64 AS n
UNION ALL SELECT 65 AS n
UNION ALL SELECT 66 AS n
UNION ALL SELECT 67 AS n
UNION ALL SELECT 68 AS n
UNION ALL SELECT 69 AS n
UNION ALL SELECT 70 AS n
UNION ALL SELECT 71 AS n
UNION ALL SELECT 72 AS n
UNION ALL SELECT 73 AS n
UNION ALL SELECT 74 AS n
UNION ALL SELECT 75 AS n
UNION ALL SELECT 76 AS n
UNION ALL SELECT 77 AS n
UNION ALL SELECT 78 AS n
UNION ALL SELECT 79 AS n
UNION ALL SELECT 80 AS n
UNION ALL SELECT 81 AS n
UNION ALL SELECT 82 AS n
UNION ALL SELECT 83 AS n
UNION ALL SELECT 84 AS n
UNION ALL SELECT 85 AS n
UNION ALL SELECT 86 AS n
UNION ALL SELECT 87 AS n
UNION ALL SELECT 88 AS n
UNION ALL SELECT 89 AS n
UNION ALL SELECT 90 AS n
UNION ALL SELECT 91 AS n
UNION ALL SELECT 92 AS n
UNION ALL SELECT 93 AS n
UNION ALL SELECT 94 AS n
UNION ALL SELECT 95 AS n
UNION ALL SELECT 96 AS n
UNION ALL SELECT 97 AS n
UNION ALL SELECT 98 AS n
UNION ALL SELECT 99 AS n
UNION ALL SELECT 100 AS n
UNION ALL SELECT 101 AS n
UNION ALL SELECT 102 AS n
UNION ALL SELECT 103 AS n
UNION ALL SELECT 104 AS n
UNION ALL SELECT 105 AS n
UNION ALL SELECT 106 AS n
UNION ALL SELECT 107 AS n
UNION ALL SELECT 108 AS n
UNION ALL SELECT 109 AS n
UNION ALL SELECT 110 AS n
UNION ALL SELECT 111 AS n
UNION ALL SELECT 112 AS n
UNION ALL SELECT 113 AS n
UNION ALL SELECT 114 AS n
UNION ALL SELECT 115 AS n
UNION ALL SELECT 116 AS n
UNION ALL SELECT 117 AS n
UNION ALL SELECT 118 AS n
UNION ALL SELECT 119 AS n
UNION ALL SELECT 120 AS n
UNION ALL SELECT 121 AS n
UNION ALL SELECT 122 AS n
UNION ALL SELECT 123 AS n
UNION ALL SELECT 124 AS n
UNION ALL SELECT 125 AS n
UNION ALL SELECT 126 AS n
UNION ALL SELECT 127 AS n
UNION ALL SELECT 128 AS n
UNION ALL SELECT 129 AS n
UNION ALL SELECT 130 AS n
UNION ALL SELECT 131 AS n
UNION ALL SELECT 132 AS n
UNION ALL SELECT 133 AS n
UNION ALL SELECT 134 AS n
UNION ALL SELECT 135 AS n
UNION ALL SELECT 136 AS n
UNION ALL SELECT 137 AS n
UNION ALL SELECT 138 AS n
UNION ALL SELECT 139 AS n
UNION ALL SELECT 140 AS n
UNION ALL SELECT 141 AS n
UNION ALL SELECT 142 AS n
UNION ALL SELECT 143 AS n
UNION ALL SELECT 144 AS n
UNION ALL SELECT 145 AS n
UNION ALL SELECT 146 AS n
UNION ALL SELECT 147 AS n
UNION ALL SELECT 148 AS n
UNION ALL SELECT 149 AS n
UNION ALL SELECT 150 AS n
UNION ALL SELECT 151 AS n
UNION ALL SELECT 152 AS n
UNION ALL SELECT 153 AS n
UNION ALL SELECT 154 AS n
UNION ALL SELECT 155 AS n
UNION ALL SELECT 156 AS n
UNION ALL SELECT 157 AS n
UNION ALL SELECT 158 AS n
UNION ALL SELECT 159 AS n
UNION ALL SELECT 160 AS n
UNION ALL SELECT 161 AS n
UNION ALL SELECT 162 AS n
UNION ALL SELECT 163 AS n
UNION ALL SELECT 164 AS n
UNION ALL SELECT 165 AS n
UNION ALL SELECT 166 AS n
UNION ALL SELECT 167 AS n
UNION ALL SELECT 168 AS n
UNION ALL SELECT 169 AS n
UNION ALL SELECT 170 AS n
UNION ALL SELECT 171 AS n
UNION ALL SELECT 172 AS n
UNION ALL SELECT 173 AS n
UNION ALL SELECT 174 AS n
UNION ALL SELECT 175 AS n
UNION ALL SELECT 176 AS n
UNION ALL SELECT 177 AS n
UNION ALL SELECT 178 AS n
UNION ALL SELECT 179 AS n
UNION ALL SELECT 180 AS n
UNION ALL SELECT 181 AS n
UNION ALL SELECT 182 AS n
UNION ALL SELECT 183 AS n
UNION ALL SELECT 184 AS n
UNION ALL SELECT 185 AS n
UNION ALL SELECT 186 AS n
UNION ALL SELECT 187 AS n
UNION ALL SELECT 188 AS n
UNION ALL SELECT 189 AS n
UNION ALL SELECT 190 AS n
UNION ALL SELECT 191 AS n
UNION ALL SELECT 192 AS n
UNION ALL SELECT 193 AS n
UNION ALL SELECT 194 AS n
UNION ALL SELECT 195 AS n
UNION ALL SELECT 196 AS n
UNION ALL SELECT 197 AS n
UNION ALL SELECT 198 AS n
UNION ALL SELECT 199 AS n
-- @@
-- kind: long/delete-in-list
DELETE FROM kv WHERE k IN ('k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19', 'k20', 'k21', 'k22', 'k23', 'k24', 'k25', 'k26', 'k27', 'k28', 'k29', 'k30', 'k31', 'k32', 'k33', 'k34', 'k35', 'k36', 'k37', 'k38', 'k39', 'k40', 'k41', 'k42', 'k43', 'k44', 'k45', 'k46', 'k47', 'k48', 'k49', 'k50', 'k51', 'k52', 'k53', 'k54', 'k55', 'k56', 'k57', 'k58', 'k59', 'k60', 'k61', 'k62', 'k63', 'k64', 'k65', 'k66', 'k67', 'k68', 'k69', 'k70', 'k71', 'k72', 'k73', 'k74', 'k75', 'k76', 'k77', 'k78', 'k79', 'k80', 'k81', 'k82', 'k83', 'k84', 'k85', 'k86', 'k87', 'k88', 'k89', 'k90', 'k91', 'k92', 'k93', 'k94', 'k95', 'k96', 'k97', 'k98', 'k99', 'k100', 'k101', 'k102', 'k103', 'k104', 'k105', 'k106', 'k107', 'k108', 'k109', 'k110', 'k111', 'k112', 'k113', 'k114', 'k115', 'k116', 'k117', 'k118', 'k119', 'k120', 'k121', 'k122', 'k123', 'k124', 'k125', 'k126', 'k127', 'k128', 'k129', 'k130', 'k131', 'k132', 'k133', 'k134', 'k135', 'k136', 'k137', 'k138', 'k139', 'k140', 'k141', 'k142', 'k143', 'k144', 'k145', 'k146', 'k147', 'k148', 'k149', 'k150', 'k151', 'k152', 'k153', 'k154', 'k155', 'k156', 'k157', 'k158', 'k159', 'k160', 'k161', 'k162', 'k163', 'k164', 'k165', 'k166', 'k167', 'k168', 'k169', 'k170', 'k171', 'k172', 'k173', 'k174', 'k175', 'k176', 'k177', 'k178', 'k179', 'k180', 'k181', 'k182', 'k183', 'k184', 'k185', 'k186', 'k187', 'k188', 'k189', 'k190', 'k191', 'k192', 'k193', 'k194', 'k195', 'k196', 'k197', 'k198', 'k199', 'k200', 'k201', 'k202', 'k203', 'k204', 'k205', 'k206', 'k207', 'k208', 'k209', 'k210', 'k211', 'k212', 'k213', 'k214', 'k215', 'k216', 'k217', 'k218', 'k219', 'k220', 'k221', 'k222', 'k223', 'k224', 'k225', 'k226', 'k227', 'k228', 'k229', 'k230', 'k231', 'k232', 'k233', 'k234', 'k235', 'k236', 'k237', 'k238', 'k239', 'k240', 'k241', 'k242', 'k243', 'k244', 'k245', 'k246', 'k247', 'k248', 'k249', 'k250', 'k251', 'k252', 'k253', 'k254', 'k255', 'k256', 'k257', 'k258', 'k259', 'k260', 'k261', 'k262', 'k263', 'k264', 'k265', 'k266', 'k267', 'k268', 'k269', 'k270', 'k271', 'k272', 'k273', 'k274', 'k275', 'k276', 'k277', 'k278', 'k279', 'k280', 'k281', 'k282', 'k283', 'k284', 'k285', 'k286', 'k287', 'k288', 'k289', 'k290', 'k291', 'k292', 'k293', 'k294', 'k295', 'k296', 'k297', 'k298', 'k299', 'k300', 'k301', 'k302', 'k303', 'k304', 'k305', 'k306', 'k307', 'k308', 'k309', 'k310', 'k311', 'k312', 'k313', 'k314', 'k315', 'k316', 'k317', 'k318', 'k319', 'k320', 'k321', 'k322', 'k323', 'k324', 'k325', 'k326', 'k327', 'k328', 'k329', 'k330', 'k331', 'k332', 'k333', 'k334', 'k335', 'k336', 'k337', 'k338', 'k339', 'k340', 'k341', 'k342', 'k343', 'k344', 'k345', 'k346', 'k347', 'k348', 'k349', 'k350', 'k351', 'k352', 'k353', 'k354', 'k355', 'k356', 'k357', 'k358', 'k359', 'k360', 'k361', 'k362', 'k363', 'k364', 'k365', 'k366', 'k367', 'k368', 'k369', 'k370', 'k371', 'k372', 'k373', 'k374', 'k375', 'k376', 'k377', 'k378', 'k379', 'k380', 'k381', 'k382', 'k383', 'k384', 'k385', 'k386', 'k387', 'k388', 'k389', 'k390', 'k391', 'k392', 'k393', 'k394', 'k395', 'k396', 'k397', 'k398', 'k399', 'k400', 'k401', 'k402', 'k403', 'k404', 'k405', 'k406', 'k407', 'k408', 'k409', 'k410', 'k411', 'k412', 'k413', 'k414', 'k415', 'k416', 'k417', 'k418', 'k419', 'k420', 'k421', 'k422', 'k423', 'k424', 'k425', 'k426', 'k427', 'k428', 'k429', 'k430', 'k431', 'k432', 'k433', 'k434', 'k435', 'k436', 'k437', 'k438', 'k439', 'k440', 'k441', 'k442', 'k443', 'k444', 'k445', 'k446', 'k447', 'k448', 'k449', 'k450', 'k451', 'k452', 'k453', 'k454', 'k455', 'k456', 'k457', 'k458', 'k459', 'k460', 'k461', 'k462', 'k463', 'k464', 'k465', 'k466', 'k467', 'k468', 'k469', 'k470', 'k471', 'k472', 'k473', 'k474', 'k475', 'k476', 'k477', 'k478', 'k479', 'k480', 'k481', 'k482', 'k483', 'k484', 'k485', 'k486', 'k487', 'k488', 'k489', 'k490', 'k491', 'k492', 'k493', 'k494', 'k495', 'k496', 'k497', 'k498', 'k499', 'k500', 'k501', 'k502', 'k503', 'k504', 'k505', 'k506', 'k507', 'k508', 'k509', 'k510', 'k511', 'k512', 'k513', 'k514', 'k515', 'k516', 'k517', 'k518', 'k519', 'k520', 'k521', 'k522', 'k523', 'k524', 'k525', 'k526', 'k527', 'k528', 'k529', 'k530', 'k531', 'k532', 'k533', 'k534', 'k535', 'k536', 'k537', 'k538', 'k539', 'k540', 'k541', 'k542', 'k543', 'k544', 'k545', 'k546', 'k547', 'k548', 'k549', 'k550', 'k551', 'k552', 'k553', 'k554', 'k555', 'k556', 'k557', 'k558', 'k559', 'k560', 'k561', 'k562', 'k563', 'k564', 'k565', 'k566', 'k567', 'k568', 'k569', 'k570', 'k571', 'k572', 'k573', 'k574', 'k575', 'k576', 'k577', 'k578', 'k579', 'k580', 'k581', 'k582', 'k583', 'k584', 'k585', 'k586', 'k587', 'k588', 'k589', 'k590', 'k591', 'k592', 'k593', 'k594', 'k595', 'k596', 'k597', 'k598', 'k599', 'k600', 'k601', 'k602', 'k603', 'k604', 'k605', 'k606', 'k607', 'k608', 'k609', 'k610', 'k611', 'k612', 'k613', 'k614', 'k615', 'k616', 'k617', 'k618', 'k619', 'k620', 'k621', 'k622', 'k623', 'k624', 'k625', 'k626', 'k627', 'k628', 'k629', 'k630', 'k631', 'k632', 'k633', 'k634', 'k635', 'k636', 'k637', 'k638', 'k639', 'k640', 'k641', 'k642', 'k643', 'k644', 'k645', 'k646', 'k647', 'k648', 'k649', 'k650', 'k651', 'k652', 'k653', 'k654', 'k655', 'k656', 'k657', 'k658', 'k659', 'k660', 'k661', 'k662', 'k663', 'k664', 'k665', 'k666', 'k667', 'k668', 'k669', 'k670', 'k671', 'k672', 'k673', 'k674', 'k675', 'k676', 'k677', 'k678', 'k679', 'k680', 'k681', 'k682', 'k683', 'k684', 'k685', 'k686', 'k687', 'k688', 'k689', 'k690', 'k691', 'k692', 'k693', 'k694', 'k695', 'k696', 'k697', 'k698', 'k699', 'k700', 'k701', 'k702', 'k703', 'k704', 'k705', 'k706', 'k707', 'k708', 'k709', 'k710', 'k711', 'k712', 'k713', 'k714', 'k715', 'k716', 'k717', 'k718', 'k719', 'k720', 'k721', 'k722', 'k723', 'k724', 'k725', 'k726', 'k727', 'k728', 'k729', 'k730', 'k731', 'k732', 'k733', 'k734', 'k735', 'k736', 'k737', 'k738', 'k739', 'k740', 'k741', 'k742', 'k743', 'k744', 'k745', 'k746', 'k747', 'k748', 'k749', 'k750', 'k751', 'k752', 'k753', 'k754', 'k755', 'k756', 'k757', 'k758', 'k759', 'k760', 'k761', 'k762', 'k763', 'k764', 'k765', 'k766', 'k767', 'k768', 'k769', 'k770', 'k771', 'k772', 'k773', 'k774', 'k775', 'k776', 'k777', 'k778', 'k779', 'k780', 'k781', 'k782', 'k783', 'k784', 'k785', 'k786', 'k787', 'k788', 'k789', 'k790', 'k791', 'k792', 'k793', 'k794', 'k795', 'k796', 'k797', 'k798', 'k799', 'k800', 'k801', 'k802', 'k803', 'k804', 'k805', 'k806', 'k807', 'k808', 'k809', 'k810', 'k811', 'k812', 'k813', 'k814', 'k815', 'k816', 'k817', 'k818', 'k819', 'k820', 'k821', 'k822', 'k823', 'k824', 'k825', 'k826', 'k827', 'k828', 'k829', 'k830', 'k831', 'k832', 'k833', 'k834', 'k835', 'k836', 'k837', 'k838', 'k839', 'k840', 'k841', 'k842', 'k843', 'k844', 'k845', 'k846', 'k847', 'k848', 'k849', 'k850', 'k851', 'k852', 'k853', 'k854', 'k855', 'k856', 'k857', 'k858', 'k859', 'k860', 'k861', 'k862', 'k863', 'k864', 'k865', 'k866', 'k867', 'k868', 'k869', 'k870', 'k871', 'k872', 'k873', 'k874', 'k875', 'k876', 'k877', 'k878', 'k879', 'k880', 'k881', 'k882', 'k883', 'k884', 'k885', 'k886', 'k887', 'k888', 'k889', 'k890', 'k891', 'k892', 'k893', 'k894', 'k895', 'k896', 'k897', 'k898', 'k899', 'k900', 'k901', 'k902', 'k903', 'k904', 'k905', 'k906', 'k907', 'k908', 'k909', 'k910', 'k911', 'k912', 'k913', 'k914', 'k915', 'k916', 'k917', 'k918', 'k919', 'k920', 'k921', 'k922', 'k923', 'k924', 'k925', 'k926', 'k927', 'k928', 'k929', 'k930', 'k931', 'k932', 'k933', 'k934', 'k935', 'k936', 'k937', 'k938', 'k939', 'k940', 'k941', 'k942', 'k943', 'k944', 'k945', 'k946', 'k947', 'k948', 'k949', 'k950', 'k951', 'k952', 'k953', 'k954', 'k955', 'k956', 'k957', 'k958', 'k959', 'k960', 'k961', 'k962', 'k963', 'k964', 'k965', 'k966', 'k967', 'k968', 'k969', 'k970', 'k971', 'k972', 'k973', 'k974', 'k975', 'k976', 'k977', 'k978', 'k979', 'k980', 'k981', 'k982', 'k983', 'k984', 'k985', 'k986', 'k987', 'k988', 'k989', 'k990', 'k991', 'k992', 'k993', 'k994', 'k995', 'k996', 'k997', 'k998', 'k999')
-- @@
-- kind: long/wide-select
SELECT id + 0 AS c0, id + 1 AS c1, id + 2 AS c2, id + 3 AS c3, id + 4 AS c4, id + 5 AS c5, id + 6 AS c6, id + 7 AS c7, id + 8 AS c8, id + 9 AS c9, id + 10 AS c10, id + 11 AS c11, id + 12 AS c12, id + 13 AS c13, id + 14 AS c14, id + 15 AS c15, id + 16 AS c16, id + 17 AS c17, id + 18 AS c18, id + 19 AS c19, id + 20 AS c20, id + 21 AS c21, id + 22 AS c22, id + 23 AS c23, id + 24 AS c24, id + 25 AS c25, id + 26 AS c26, id + 27 AS c27, id + 28 AS c28, id + 29 AS c29, id + 30 AS c30, id + 31 AS c31, id + 32 AS c32, id + 33 AS c33, id + 34 AS c34, id + 35 AS c35, id + 36 AS c36, id + 37 AS c37, id + 38 AS c38, id + 39 AS c39, id + 40 AS c40, id + 41 AS c41, id + 42 AS c42, id + 43 AS c43, id + 44 AS c44, id + 45 AS c45, id + 46 AS c46, id + 47 AS c47, id + 48 AS c48, id + 49 AS c49, id + 50 AS c50, id + 51 AS c51, id + 52 AS c52, id + 53 AS c53, id + 54 AS c54, id + 55 AS c55, id + 56 AS c56, id + 57 AS c57, id + 58 AS c58, id + 59 AS c59, id + 60 AS c60, id + 61 AS c61, id + 62 AS c62, id + 63 AS c63, id + 64 AS c64, id + 65 AS c65, id + 66 AS c66, id + 67 AS c67, id + 68 AS c68, id + 69 AS c69, id + 70 AS c70, id + 71 AS c71, id + 72 AS c72, id + 73 AS c73, id + 74 AS c74, id + 75 AS c75, id + 76 AS c76, id + 77 AS c77, id + 78 AS c78, id + 79 AS c79, id + 80 AS c80, id + 81 AS c81, id + 82 AS c82, id + 83 AS c83, id + 84 AS c84, id + 85 AS c85, id + 86 AS c86, id + 87 AS c87, id + 88 AS c88, id + 89 AS c89, id + 90 AS c90, id + 91 AS c91, id + 92 AS c92, id + 93 AS c93, id + 94 AS c94, id + 95 AS c95, id + 96 AS c96, id + 97 AS c97, id + 98 AS c98, id + 99 AS c99, id + 100 AS c100, id + 101 AS c101, id + 102 AS c102, id + 103 AS c103, id + 104 AS c104, id + 105 AS c105, id + 106 AS c106, id + 107 AS c107, id + 108 AS c108, id + 109 AS c109, id + 110 AS c110, id + 111 AS c111, id + 112 AS c112, id + 113 AS c113, id + 114 AS c114, id + 115 AS c115, id + 116 AS c116, id + 117 AS c117, id + 118 AS c118, id + 119 AS c119, id + 120 AS c120, id + 121 AS c121, id + 122 AS c122, id + 123 AS c123, id + 124 AS c124, id + 125 AS c125, id + 126 AS c126, id + 127 AS c127, id + 128 AS c128, id + 129 AS c129, id + 130 AS c130, id + 131 AS c131, id + 132 AS c132, id + 133 AS c133, id + 134 AS c134, id + 135 AS c135, id + 136 AS c136, id + 137 AS c137, id + 138 AS c138, id + 139 AS c139, id + 140 AS c140, id + 141 AS c141, id + 142 AS c142, id + 143 AS c143, id + 144 AS c144, id + 145 AS c145, id + 146 AS c146, id + 147 AS c147, id + 148 AS c148, id + 149 AS c149, id + 150 AS c150, id + 151 AS c151, id + 152 AS c152, id + 153 AS c153, id + 154 AS c154, id + 155 AS c155, id + 156 AS c156, id + 157 AS c157, id + 158 AS c158, id + 159 AS c159, id + 160 AS c160, id + 161 AS c161, id + 162 AS c162, id + 163 AS c163, id + 164 AS c164, id + 165 AS c165, id + 166 AS c166, id + 167 AS c167, id + 168 AS c168, id + 169 AS c169, id + 170 AS c170, id + 171 AS c171, id + 172 AS c172, id + 173 AS c173, id + 174 AS c174, id + 175 AS c175, id + 176 AS c176, id + 177 AS c177, id + 178 AS c178, id + 179 AS c179, id + 180 AS c180, id + 181 AS c181, id + 182 AS c182, id + 183 AS c183, id + 184 AS c184, id + 185 AS c185, id + 186 AS c186, id + 187 AS c187, id + 188 AS c188, id + 189 AS c189, id + 190 AS c190, id + 191 AS c191, id + 192 AS c192, id + 193 AS c193, id + 194 AS c194, id + 195 AS c195, id + 196 AS c196, id + 197 AS c197, id + 198 AS c198, id + 199 AS c199, id + 200 AS c200, id + 201 AS c201, id + 202 AS c202, id + 203 AS c203, id + 204 AS c204, id + 205 AS c205, id + 206 AS c206, id + 207 AS c207, id + 208 AS c208, id + 209 AS c209, id + 210 AS c210, id + 211 AS c211, id + 212 AS c212, id + 213 AS c213, id + 214 AS c214, id + 215 AS c215, id + 216 AS c216, id + 217 AS c217, id + 218 AS c218, id + 219 AS c219, id + 220 AS c220, id + 221 AS c221, id + 222 AS c222, id + 223 AS c223, id + 224 AS c224, id + 225 AS c225, id + 226 AS c226, id + 227 AS c227, id + 228 AS c228, id + 229 AS c229, id + 230 AS c230, id + 231 AS c231, id + 232 AS c232, id + 233 AS c233, id + 234 AS c234, id + 235 AS c235, id + 236 AS c236, id + 237 AS c237, id + 238 AS c238, id + 239 AS c239, id + 240 AS c240, id + 241 AS c241, id + 242 AS c242, id + 243 AS c243, id + 244 AS c244, id + 245 AS c245, id + 246 AS c246, id + 247 AS c247, id + 248 AS c248, id + 249 AS c249, id + 250 AS c250, id + 251 AS c251, id + 252 AS c252, id + 253 AS c253, id + 254 AS c254, id + 255 AS c255, id + 256 AS c256, id + 257 AS c257, id + 258 AS c258, id + 259 AS c259, id + 260 AS c260, id + 261 AS c261, id + 262 AS c262, id + 263 AS c263, id + 264 AS c264, id + 265 AS c265, id + 266 AS c266, id + 267 AS c267, id + 268 AS c268, id + 269 AS c269, id + 270 AS c270, id + 271 AS c271, id + 272 AS c272, id + 273 AS c273, id + 274 AS c274, id + 275 AS c275, id + 276 AS c276, id + 277 AS c277, id + 278 AS c278, id + 279 AS c279, id + 280 AS c280, id + 281 AS c281, id + 282 AS c282, id + 283 AS c283, id + 284 AS c284, id + 285 AS c285, id + 286 AS c286, id + 287 AS c287, id + 288 AS c288, id + 289 AS c289, id + 290 AS c290, id + 291 AS c291, id + 292 AS c292, id + 293 AS c293, id + 294 AS c294, id + 295 AS c295, id + 296 AS c296, id + 297 AS c297, id + 298 AS c298, id + 299 AS c299 FROM t
-- @@
-- kind: exotic/rows-from
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) WITH ORDINALITY AS x(a, b, o)
-- @@
-- kind: exotic/tablesample-system
SELECT * FROM t TABLESAMPLE SYSTEM (100) REPEATABLE (1)
-- @@
-- kind: exotic/tablesample-bernoulli
SELECT count(*) FROM u TABLESAMPLE BERNOULLI (50)
-- @@
-- kind: exotic/alias-columns
SELECT x.a, x.b FROM t AS x(a, b)
-- @@
-- kind: exotic/operator-syntax
SELECT 1 OPERATOR(pg_catalog.+) 2, 3 OPERATOR(pg_catalog.<) 4
-- @@
-- kind: exotic/collate
SELECT v FROM t WHERE v COLLATE "C" < 'b' ORDER BY v COLLATE "C" DESC
-- @@
-- kind: exotic/collate-compare
SELECT 'a' COLLATE "C" < 'B' COLLATE "C", 'a' < 'B' COLLATE "POSIX"
-- @@
-- kind: exotic/at-time-zone
SELECT TIMESTAMP '2024-01-01 10:00' AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris', now() AT TIME ZONE 'UTC'
-- @@
-- kind: exotic/similar-to
SELECT v FROM t WHERE v SIMILAR TO '(a|b)%' OR v NOT SIMILAR TO 'c'
-- @@
-- kind: exotic/substring-similar
SELECT substring('abc' SIMILAR 'a#"b#"c' ESCAPE '#')
-- @@
-- kind: exotic/only
SELECT * FROM ONLY t WHERE id > 1
-- @@
-- kind: exotic/inheritance-star
SELECT count(*) FROM kv * WHERE val > 0
-- @@
-- kind: exotic/xmlparse
SELECT XMLPARSE (DOCUMENT '<a><b>1</b></a>'), xmlelement(name x, xmlattributes(1 AS y), 'z')
-- @@
-- kind: exotic/xml-functions
SELECT xpath('/a/b/text()', XMLPARSE (CONTENT '<a><b>1</b></a>')), XMLSERIALIZE(CONTENT xmlforest(1 AS a, 'b' AS b) AS text)
-- @@
-- kind: exotic/xmltable
SELECT * FROM XMLTABLE('/r/i' PASSING XMLPARSE (DOCUMENT '<r><i n="1"/><i n="2"/></r>') COLUMNS n integer PATH '@n')
-- @@
-- kind: exotic/normalized
SELECT normalize(U&'\0061\0301', NFC), U&'\0061' IS NFC NORMALIZED
-- @@
-- kind: exotic/array-slice-omitted
SELECT (ARRAY[1, 2, 3, 4])[:2], (ARRAY[1, 2, 3, 4])[3:]
-- @@
-- kind: exotic/field-star
SELECT (p).* FROM pairs
-- @@
-- kind: exotic/row-star
SELECT ROW(t.*) FROM t WHERE id = 1
-- @@
-- kind: exotic/typed-string-prefix
SELECT DATE '2024-01-01', TIME WITH TIME ZONE '10:00+02', TIMESTAMP(0) WITH TIME ZONE '2024-01-01 10:00:00.5+00', BIT VARYING(4) '101'
-- @@
-- kind: exotic/interval-fields
SELECT INTERVAL '1 02:03' DAY TO MINUTE, INTERVAL (2) '1.234 second'
-- @@
-- kind: exotic/function-no-parens
SELECT CURRENT_TIMESTAMP(2), LOCALTIME(0), CURRENT_ROLE
-- @@
-- kind: exotic/aggregate-star-filter-order
SELECT array_agg(id ORDER BY n DESC NULLS LAST) FILTER (WHERE v IS NOT NULL), count(DISTINCT v) FROM t
-- @@
-- kind: exotic/variadic
SELECT concat(VARIADIC ARRAY['a', 'b']), format('%s-%s', VARIADIC ARRAY['x', 'y'])
-- @@
-- kind: exotic/named-notation
SELECT make_interval(days => 2, hours := 3)
-- @@
-- kind: exotic/qualified-operator-any
SELECT 2 OPERATOR(pg_catalog.=) ANY (ARRAY[1, 2])
-- @@
-- kind: exotic/is-json-like
SELECT jsonb_path_exists('{"a": [1, 2]}', '$.a[*] ? (@ > $min)', '{"min": 1}')
-- @@
-- kind: exotic/values-alias-lateral
SELECT v.x, s.y FROM (VALUES (1), (2)) v(x), LATERAL (SELECT v.x * 10 AS y) s
-- @@
-- kind: exotic/table-function-ordinality
SELECT * FROM jsonb_array_elements_text('["a", "b"]') WITH ORDINALITY AS e(val, idx)
-- @@
-- kind: exotic/window-in-order-by
SELECT id FROM t ORDER BY row_number() OVER (ORDER BY n DESC)
-- @@
-- kind: exotic/grouping-empty
SELECT count(*) FROM t GROUP BY ()
-- @@
-- kind: exotic/select-no-columns
SELECT FROM t
-- @@
-- kind: exotic/select-star-system
SELECT *, ctid FROM kv
-- @@
-- kind: exotic/fetch-percent-like
SELECT * FROM t ORDER BY id FETCH FIRST (1 + 1) ROWS ONLY
-- @@
-- kind: exotic/money-cast
SELECT 12.5::numeric::money, '1.5'::float8::int
-- @@
-- kind: exotic/unicode-escape-string
SELECT U&'!0041!0042' UESCAPE '!'
-- @@
-- kind: exotic/cast-array-type
SELECT CAST(ARRAY['1', '2'] AS integer[]), '{}'::text[][], ARRAY[]::integer[]
-- @@
-- kind: exotic/regclass-join
SELECT a.attname FROM pg_attribute a WHERE a.attrelid = 'public.t'::regclass AND a.attnum > 0 AND NOT a.attisdropped
-- @@
-- kind: exotic/escape-string-e
SELECT e'\x41\u0042', E'\\'
-- @@
-- kind: exotic/in-empty-subquery
SELECT 1 WHERE 1 NOT IN (SELECT NULL::integer WHERE false)
-- @@
-- kind: exotic/unknown-function-call-write-name
SELECT "delete" FROM t WHERE "delete" IN ('insert', 'update', 'delete')
-- @@
-- kind: exotic/window-frame-expr
SELECT id, avg(n) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING EXCLUDE TIES) FROM t
-- @@
-- kind: exotic/pg-catalog-schema
SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^t$'
-- @@
-- kind: lexical/trailing-comment-no-newline
SELECT 2 -- trailing comment
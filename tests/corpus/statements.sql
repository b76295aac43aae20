-- sqlx-rw routing corpus
-- =======================
--
-- Differential-test corpus. Every entry is ONE SQL string exactly as an
-- application would hand it to sqlx. The test prepares every statement of
-- every entry (nothing is executed) and compares sqlx-rw's routing decision
-- (read-only reader vs. the single writer) with SQLite's own
-- sqlite3_stmt_readonly() verdict.
--
-- Format
--   * Entries are separated by a line that is exactly "-- @@" (nothing else
--     on the line). Everything before the first "-- @@" line (this header)
--     is not an entry.
--   * The first line of every entry is a tag "-- kind: <family>/<variant>".
--     Families: select, param, conn, temp, dml, ddl, pragma, txn, attach,
--     maintenance, explain, lexical, multi.
--   * An entry may span several lines. Some entries deliberately contain
--     several statements separated by ";" (family "multi", plus a few others),
--     comments in odd places, literal TAB characters and CR characters
--     (lexical/crlf, lexical/tabs). The trailing ";" is optional (both occur).
--   * The very last entry of the file ends WITHOUT a trailing newline, on
--     purpose (trailing "--" comment not followed by a newline).
--
-- Schema: every entry is prepared against a fresh database containing exactly
--   CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER DEFAULT 0, j TEXT);
--   CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id), note TEXT);
--   CREATE TABLE kv (k TEXT PRIMARY KEY, val BLOB) WITHOUT ROWID;
--   CREATE INDEX t_v ON t(v);
--   CREATE VIEW tv AS SELECT id, v FROM t;
--   CREATE VIRTUAL TABLE docs USING fts5(title, body);
--   CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN
--     INSERT INTO u (t_id, note) VALUES (new.id, 'updated'); END;
--   INSERT INTO t (id, v, n, j) VALUES (1, 'a', 1, '{"x": 1}'), (2, 'b', 2, '[1,2]');
--   INSERT INTO docs VALUES ('hello', 'hello world');
--
-- Rules the entries follow
--   * All statements of an entry are prepared before any of them runs, so
--     every statement prepares against the schema above alone: an entry never
--     uses an object created (or attached) by an earlier statement of the same
--     string; drops/creates of non-existing objects use names not in the
--     schema or IF [NOT] EXISTS.
--   * No REGEXP (no regexp() is registered) and no math-extension functions
--     (sqrt, pow, ln, pi, ...): the bundled SQLite (libsqlite3-sys 0.37,
--     SQLite 3.51.x) is built without SQLITE_ENABLE_MATH_FUNCTIONS. No
--     DELETE/UPDATE ... ORDER BY/LIMIT (needs SQLITE_ENABLE_UPDATE_DELETE_LIMIT).
--   * Some entries need a recent SQLite (RIGHT/FULL JOIN, ->>, jsonb_*, STRICT,
--     IS DISTINCT FROM, unixepoch, string_agg, ORDER BY inside aggregates,
--     if(), unistr(), digit separators, ...); they are valid for 3.51.
--   * Note for harness authors: several PRAGMA set forms (flag pragmas such as
--     foreign_keys, query_only, writable_schema, recursive_triggers, and
--     busy_timeout, threads, case_sensitive_like, soft/hard_heap_limit,
--     temp_store_directory) take effect while being PREPARED, so use a fresh
--     connection per entry.
-- @@
-- kind: select/simple
SELECT 1
-- @@
-- kind: select/simple
SELECT * FROM t
-- @@
-- kind: select/simple
SELECT id, v, n, j FROM t WHERE id = 1;
-- @@
-- kind: select/simple
SELECT NULL, 1.5, -2, 'text', X'DEADBEEF', 0x1F, 1e3, .5, TRUE, FALSE
-- @@
-- kind: select/simple
SELECT t.* FROM main.t
-- @@
-- kind: select/simple
SELECT rowid, oid, _rowid_, * FROM t
-- @@
-- kind: select/simple
SELECT k, val FROM kv WHERE k >= 'a' AND k < 'b';
-- @@
-- kind: select/simple
SELECT * FROM u WHERE t_id = 1 AND note IS NOT NULL
-- @@
-- kind: select/view
SELECT * FROM tv WHERE v IS NOT NULL
-- @@
-- kind: select/view
SELECT count(*) FROM main.tv
-- @@
-- kind: select/no-from
SELECT 1 + 1 AS two, 'x' || 'y' AS xy
-- @@
-- kind: select/no-from
SELECT 1 WHERE 0
-- @@
-- kind: select/distinct
SELECT DISTINCT v FROM t
-- @@
-- kind: select/distinct
SELECT ALL v FROM t
-- @@
-- kind: select/distinct
SELECT DISTINCT v, n FROM t ORDER BY v;
-- @@
-- kind: select/indexed
SELECT * FROM t INDEXED BY t_v WHERE v = 'a'
-- @@
-- kind: select/indexed
SELECT * FROM t NOT INDEXED WHERE v = 'a'
-- @@
-- kind: select/alias
SELECT x.id AS ident, x.v value_without_as FROM t AS x WHERE x.n > 0
-- @@
-- kind: select/join-inner
SELECT t.id, u.note FROM t INNER JOIN u ON u.t_id = t.id
-- @@
-- kind: select/join-inner
SELECT * FROM t JOIN u ON u.t_id = t.id AND u.note IS NOT NULL
-- @@
-- kind: select/join-left
SELECT t.id, u.note FROM t LEFT JOIN u ON u.t_id = t.id
-- @@
-- kind: select/join-left
SELECT t.id, count(u.id) FROM t LEFT OUTER JOIN u ON u.t_id = t.id GROUP BY t.id;
-- @@
-- kind: select/join-right
SELECT t.id, u.note FROM t RIGHT JOIN u ON u.t_id = t.id
-- @@
-- kind: select/join-right
SELECT * FROM u RIGHT OUTER JOIN t ON t.id = u.t_id
-- @@
-- kind: select/join-full
SELECT t.id, u.id FROM t FULL JOIN u ON u.t_id = t.id
-- @@
-- kind: select/join-full
SELECT coalesce(t.id, u.t_id) AS id FROM t FULL OUTER JOIN u ON u.t_id = t.id
-- @@
-- kind: select/join-cross
SELECT * FROM t CROSS JOIN u
-- @@
-- kind: select/join-cross
SELECT a.id, b.id FROM t AS a, t AS b WHERE a.id < b.id
-- @@
-- kind: select/join-natural
SELECT * FROM t NATURAL JOIN u
-- @@
-- kind: select/join-natural
SELECT * FROM t NATURAL LEFT JOIN u
-- @@
-- kind: select/join-using
SELECT * FROM t JOIN u USING (id)
-- @@
-- kind: select/join-using
SELECT id FROM t LEFT JOIN tv USING (id, v)
-- @@
-- kind: select/join-multi
SELECT t.id, u.note, kv.val
FROM t
JOIN u ON u.t_id = t.id
LEFT JOIN kv ON kv.k = t.v
JOIN tv ON tv.id = t.id
-- @@
-- kind: select/join-subquery
SELECT t.id, s.c FROM t JOIN (SELECT t_id, count(*) AS c FROM u GROUP BY t_id) AS s ON s.t_id = t.id
-- @@
-- kind: select/group-by
SELECT v, count(*) FROM t GROUP BY v
-- @@
-- kind: select/group-by
SELECT v, sum(n) AS s FROM t GROUP BY v HAVING sum(n) > 1
-- @@
-- kind: select/group-by
SELECT n % 2 AS parity, count(*) FROM t GROUP BY 1 HAVING count(*) >= 1 ORDER BY 1
-- @@
-- kind: select/group-by
SELECT count(*) FROM t HAVING count(*) > 0
-- @@
-- kind: select/order-limit
SELECT * FROM t ORDER BY n DESC, v ASC LIMIT 10
-- @@
-- kind: select/order-limit
SELECT * FROM t ORDER BY id LIMIT 10 OFFSET 5
-- @@
-- kind: select/order-limit
SELECT * FROM t ORDER BY id LIMIT 5, 10
-- @@
-- kind: select/order-limit
SELECT * FROM t ORDER BY v COLLATE NOCASE DESC NULLS FIRST, n NULLS LAST LIMIT -1 OFFSET 1
-- @@
-- kind: select/subquery-scalar
SELECT id, (SELECT count(*) FROM u WHERE u.t_id = t.id) AS nu FROM t
-- @@
-- kind: select/subquery-scalar
SELECT (SELECT max(id) FROM t) + 1
-- @@
-- kind: select/subquery-in
SELECT * FROM t WHERE id IN (SELECT t_id FROM u)
-- @@
-- kind: select/subquery-in
SELECT * FROM t WHERE id NOT IN (SELECT t_id FROM u WHERE t_id IS NOT NULL)
-- @@
-- kind: select/subquery-in
SELECT * FROM t WHERE id IN (1, 2, 3) AND v NOT IN ('x', 'y')
-- @@
-- kind: select/subquery-exists
SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)
-- @@
-- kind: select/subquery-exists
SELECT * FROM t AS o WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = o.id AND u.note = 'updated')
-- @@
-- kind: select/subquery-correlated
SELECT * FROM t AS o WHERE n > (SELECT avg(n) FROM t AS i WHERE i.v = o.v)
-- @@
-- kind: select/subquery-from
SELECT s.v, s.total FROM (SELECT v, sum(n) AS total FROM t GROUP BY v) AS s WHERE s.total > 0
-- @@
-- kind: select/subquery-from
SELECT * FROM (SELECT * FROM (SELECT id FROM t))
-- @@
-- kind: select/row-value
SELECT * FROM t WHERE (id, v) = (1, 'a')
-- @@
-- kind: select/row-value
SELECT * FROM t WHERE (id, v) IN (SELECT t_id, note FROM u)
-- @@
-- kind: select/row-value
SELECT * FROM t WHERE (n, id) > (1, 0) ORDER BY n, id
-- @@
-- kind: select/compound-union
SELECT id FROM t UNION SELECT t_id FROM u
-- @@
-- kind: select/compound-union-all
SELECT v FROM t UNION ALL SELECT note FROM u ORDER BY 1 LIMIT 5
-- @@
-- kind: select/compound-intersect
SELECT id FROM t INTERSECT SELECT t_id FROM u
-- @@
-- kind: select/compound-except
SELECT id FROM t EXCEPT SELECT t_id FROM u
-- @@
-- kind: select/compound-chain
SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 EXCEPT SELECT 2 INTERSECT SELECT 3
-- @@
-- kind: select/compound-values
VALUES (1) UNION ALL SELECT 2
-- @@
-- kind: select/values
VALUES (1, 'a'), (2, 'b')
-- @@
-- kind: select/values
VALUES (1);
-- @@
-- kind: select/values-from
SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS x
-- @@
-- kind: select/values-from
SELECT column1, column2 FROM (VALUES (1, 2)) WHERE column1 = 1
-- @@
-- kind: select/values-in
SELECT * FROM t WHERE id IN (VALUES (1), (2))
-- @@
-- kind: select/cte
WITH x AS (SELECT id, v FROM t) SELECT * FROM x
-- @@
-- kind: select/cte
WITH a AS (SELECT 1 AS n), b AS (SELECT n + 1 AS n FROM a) SELECT * FROM a, b
-- @@
-- kind: select/cte
WITH c(a, b) AS (VALUES (1, 2), (3, 4)) SELECT a + b FROM c
-- @@
-- kind: select/cte
WITH ids AS (SELECT t_id FROM u) SELECT * FROM t WHERE id IN ids
-- @@
-- kind: select/cte
WITH "delete" AS (SELECT 1 AS x) SELECT x FROM "delete"
-- @@
-- kind: select/cte-recursive
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10) SELECT x FROM cnt
-- @@
-- kind: select/cte-recursive
WITH RECURSIVE chain(id, depth) AS (
  SELECT id, 0 FROM t WHERE id = 1
  UNION
  SELECT u.id, chain.depth + 1 FROM u JOIN chain ON u.t_id = chain.id
)
SELECT * FROM chain ORDER BY depth LIMIT 100
-- @@
-- kind: select/cte-recursive
WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib LIMIT 20) SELECT a FROM fib
-- @@
-- kind: select/cte-materialized
WITH m AS MATERIALIZED (SELECT * FROM t) SELECT * FROM m WHERE id = 1
-- @@
-- kind: select/cte-materialized
WITH m AS NOT MATERIALIZED (SELECT * FROM t) SELECT count(*) FROM m
-- @@
-- kind: select/cte-nested
SELECT * FROM (WITH inner_cte AS (SELECT 2 AS y) SELECT y FROM inner_cte)
-- @@
-- kind: select/window
SELECT id, row_number() OVER (ORDER BY n) FROM t
-- @@
-- kind: select/window
SELECT v, n,
       rank() OVER (PARTITION BY v ORDER BY n DESC) AS r,
       dense_rank() OVER (PARTITION BY v ORDER BY n DESC) AS dr
FROM t
-- @@
-- kind: select/window
SELECT id, percent_rank() OVER (ORDER BY n), cume_dist() OVER (ORDER BY n), ntile(4) OVER (ORDER BY n) FROM t
-- @@
-- kind: select/window
SELECT v, group_concat(v, ',') OVER (ORDER BY id) FROM t
-- @@
-- kind: select/window
SELECT * FROM (SELECT id, row_number() OVER (PARTITION BY v ORDER BY id DESC) AS rn FROM t) WHERE rn = 1
-- @@
-- kind: select/window-named
SELECT id, lag(n, 1, 0) OVER w, lead(n) OVER w FROM t WINDOW w AS (ORDER BY id)
-- @@
-- kind: select/window-named
SELECT id, first_value(v) OVER w1, last_value(v) OVER w2, nth_value(v, 2) OVER w2
FROM t
WINDOW w1 AS (PARTITION BY n), w2 AS (w1 ORDER BY id)
-- @@
-- kind: select/window-frame
SELECT id, sum(n) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t
-- @@
-- kind: select/window-frame
SELECT id, avg(n) OVER (ORDER BY n RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t
-- @@
-- kind: select/window-frame
SELECT id, count(*) OVER (ORDER BY n GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t
-- @@
-- kind: select/window-frame
SELECT id, sum(n) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM t
-- @@
-- kind: select/window-frame
SELECT id,
       max(n) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING EXCLUDE GROUP),
       min(n) OVER (ORDER BY id ROWS 2 PRECEDING EXCLUDE NO OTHERS)
FROM t
-- @@
-- kind: select/window-filter
SELECT id, sum(n) FILTER (WHERE n > 1) OVER (PARTITION BY v) FROM t
-- @@
-- kind: select/aggregate
SELECT count(*), count(v), count(DISTINCT v), sum(n), total(n), avg(n), min(n), max(n) FROM t
-- @@
-- kind: select/aggregate
SELECT group_concat(v), group_concat(v, '|'), group_concat(DISTINCT v) FROM t
-- @@
-- kind: select/aggregate
SELECT string_agg(v, ','), group_concat(v ORDER BY n DESC), json_group_array(n ORDER BY id) FROM t
-- @@
-- kind: select/aggregate
SELECT max(n), v FROM t
-- @@
-- kind: select/aggregate-filter
SELECT count(*) FILTER (WHERE n > 1), sum(n) FILTER (WHERE v = 'a') FROM t
-- @@
-- kind: select/case
SELECT CASE WHEN n > 1 THEN 'big' WHEN n = 1 THEN 'one' ELSE 'small' END FROM t
-- @@
-- kind: select/case
SELECT CASE v WHEN 'a' THEN 1 WHEN 'b' THEN 2 END AS code FROM t
-- @@
-- kind: select/cast
SELECT CAST(n AS TEXT), CAST(v AS INTEGER), CAST('1.5' AS REAL), CAST(x'41' AS TEXT), CAST('12abc' AS NUMERIC), CAST(n AS BLOB) FROM t
-- @@
-- kind: select/collate
SELECT * FROM t WHERE v = 'A' COLLATE NOCASE ORDER BY v COLLATE RTRIM
-- @@
-- kind: select/collate
SELECT v COLLATE BINARY FROM t GROUP BY v COLLATE NOCASE
-- @@
-- kind: select/like
SELECT * FROM t WHERE v LIKE 'a%' OR v NOT LIKE '_b%'
-- @@
-- kind: select/like
SELECT * FROM t WHERE v LIKE '50\%' ESCAPE '\'
-- @@
-- kind: select/glob
SELECT * FROM t WHERE v GLOB '[a-c]*' AND v NOT GLOB '*z'
-- @@
-- kind: select/between
SELECT * FROM t WHERE n BETWEEN 1 AND 10 AND id NOT BETWEEN 5 AND 6
-- @@
-- kind: select/is
SELECT * FROM t WHERE v IS NULL OR v IS NOT 'a' OR j ISNULL OR n NOTNULL OR v NOT NULL
-- @@
-- kind: select/is-distinct
SELECT * FROM t WHERE v IS DISTINCT FROM 'a' OR n IS NOT DISTINCT FROM NULL
-- @@
-- kind: select/operators
SELECT 7 / 2, 7 % 3, 7.0 / 2, 1 << 4, 256 >> 2, 255 & 15, 1 | 2, ~0, -n, +n, NOT 0,
       1 AND 0, 1 OR 0, 'a' || 'b', 1 == 1, 1 <> 2, 1 != 2
FROM t
-- @@
-- kind: select/iif
SELECT iif(n > 1, 'y', 'n'), coalesce(j, v, 'none'), ifnull(v, '?'), nullif(n, 0) FROM t
-- @@
-- kind: select/iif
SELECT if(n > 1, 'y', 'n') AS big FROM t
-- @@
-- kind: select/likely
SELECT * FROM t WHERE likely(n > 0) AND unlikely(v = 'z') AND likelihood(id > 0, 0.9)
-- @@
-- kind: select/json
SELECT json_extract(j, '$.x') FROM t
-- @@
-- kind: select/json
SELECT j -> '$.x', j ->> '$.x', j -> 0, j ->> 1 FROM t
-- @@
-- kind: select/json
SELECT id FROM t WHERE j ->> '$.x' = 1 OR j ->> 'x' IS NULL
-- @@
-- kind: select/json
SELECT t.id, e.key, e.value, e.type FROM t, json_each(t.j) AS e
-- @@
-- kind: select/json
SELECT * FROM json_each('[1,2,3]') WHERE value > 1
-- @@
-- kind: select/json
SELECT fullkey, path, atom FROM json_tree('{"a":{"b":[1,2]}}')
-- @@
-- kind: select/json
SELECT json_group_array(v), json_group_object(v, n) FROM t
-- @@
-- kind: select/json
SELECT json_object('id', id, 'v', v), json_array(id, v, NULL), json_quote(v) FROM t
-- @@
-- kind: select/json
SELECT json_set(j, '$.y', 2), json_insert(j, '$.z', 'a'), json_replace(j, '$.x', 9), json_remove(j, '$.x'), json_patch(j, '{"w":0}') FROM t WHERE json_valid(j)
-- @@
-- kind: select/json
SELECT json_valid(j), json_type(j), json_array_length(j), json(j) FROM t
-- @@
-- kind: select/json
SELECT json_pretty(j), json_error_position('{bad json') FROM t
-- @@
-- kind: select/jsonb
SELECT jsonb('{"a":1}'), jsonb_extract(jsonb(j), '$.x'), json(jsonb_set(jsonb(j), '$.y', 2)) FROM t
-- @@
-- kind: select/jsonb
SELECT jsonb_group_array(n), jsonb_group_object(v, n), jsonb_object('k', 1), jsonb_array(1, 2) FROM t
-- @@
-- kind: select/json
SELECT value FROM json_each(?) ORDER BY key
-- @@
-- kind: select/fts5
SELECT * FROM docs WHERE docs MATCH 'hello'
-- @@
-- kind: select/fts5
SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH 'hello OR world' ORDER BY bm25(docs)
-- @@
-- kind: select/fts5
SELECT highlight(docs, 1, '<b>', '</b>'), snippet(docs, 1, '[', ']', '...', 8) FROM docs WHERE docs MATCH 'world'
-- @@
-- kind: select/fts5
SELECT * FROM docs('hello') ORDER BY rank
-- @@
-- kind: select/fts5
SELECT title FROM docs WHERE title MATCH 'hel*'
-- @@
-- kind: select/fts5
SELECT * FROM docs WHERE docs MATCH '{title body}: hello AND NEAR(hello world, 5)'
-- @@
-- kind: select/fts5
SELECT * FROM docs WHERE docs = 'hello' AND rank MATCH 'bm25(10.0, 5.0)' ORDER BY rank
-- @@
-- kind: select/fts5
SELECT count(*), max(rowid) FROM docs
-- @@
-- kind: select/fts5
SELECT * FROM docs WHERE docs MATCH ? LIMIT ?
-- @@
-- kind: select/fts5
SELECT t.id, docs.title FROM t JOIN docs ON docs.rowid = t.id WHERE docs MATCH 'hello'
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_table_info('t')
-- @@
-- kind: select/pragma-tvf
SELECT name, type, pk FROM pragma_table_info('kv', 'main')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM main.pragma_table_info('t')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_table_xinfo('t')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_index_list('t')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_index_info('t_v')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_index_xinfo('t_v')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_foreign_key_list('u')
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_foreign_key_check
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_database_list
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_collation_list
-- @@
-- kind: select/pragma-tvf
SELECT name FROM pragma_function_list WHERE builtin ORDER BY name
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_module_list
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_pragma_list
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_compile_options
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_table_list WHERE schema = 'main'
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_integrity_check
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_quick_check
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_user_version
-- @@
-- kind: select/pragma-tvf
SELECT page_count * page_size AS bytes FROM pragma_page_count, pragma_page_size
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_journal_mode
-- @@
-- kind: select/pragma-tvf
SELECT * FROM pragma_freelist_count, pragma_data_version
-- @@
-- kind: select/pragma-tvf
SELECT m.name AS tbl, p.name AS col
FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table'
-- @@
-- kind: select/pragma-tvf
SELECT count(*) FROM pragma_index_list('t') AS il, pragma_index_info(il.name) AS ii
-- @@
-- kind: select/datetime
SELECT date('now'), time('now'), datetime('now'), julianday('now'), strftime('%Y-%m-%d %H:%M:%S', 'now')
-- @@
-- kind: select/datetime
SELECT datetime('now', 'localtime'), date('now', 'start of month', '+1 month', '-1 day'), datetime(1700000000, 'unixepoch')
-- @@
-- kind: select/datetime
SELECT unixepoch(), unixepoch('now', 'subsec'), strftime('%s', 'now')
-- @@
-- kind: select/datetime
SELECT CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME
-- @@
-- kind: select/datetime
SELECT timediff('2024-01-02', '2024-01-01'), date('2024-02-29', '+1 year'), datetime('2024-01-01 12:00', 'weekday 0', 'utc')
-- @@
-- kind: select/math
SELECT abs(-5), round(2.5), round(3.14159, 2), max(1, 5, 3), min(n, 10), sign(-3) FROM t
-- @@
-- kind: select/math
SELECT abs(random()) % 100, (n * 1.0) / 3, n - 1, -(-n), 9223372036854775807 + 0, 1e308 * 10 FROM t
-- @@
-- kind: select/string
SELECT length(v), upper(v), lower(v), substr(v, 1, 1), substring(v, 1), trim('  x  '), ltrim('xxa', 'x'), rtrim('a  ') FROM t
-- @@
-- kind: select/string
SELECT replace(v, 'a', 'b'), instr(v, 'a'), printf('%05d|%s', n, v), format('%.2f', 1.0 / 3), char(65, 66), unicode('A') FROM t
-- @@
-- kind: select/string
SELECT hex(v), unhex('4142'), quote(v), zeroblob(4), typeof(n), soundex('Robert') FROM t
-- @@
-- kind: select/string
SELECT concat(v, '-', n), concat_ws(',', id, v, n), octet_length(v) FROM t
-- @@
-- kind: select/string
SELECT unistr('caf\u00e9'), 'ünïcödé' AS "名前"
-- @@
-- kind: select/string
SELECT like('a%', v), glob('a*', v) FROM t
-- @@
-- kind: select/random
SELECT random()
-- @@
-- kind: select/random
SELECT hex(randomblob(16)) AS uuidish
-- @@
-- kind: select/random
SELECT * FROM t ORDER BY random() LIMIT 1
-- @@
-- kind: select/system
SELECT sqlite_version(), sqlite_source_id(), sqlite_compileoption_used('ENABLE_FTS5'), sqlite_compileoption_get(0)
-- @@
-- kind: select/side-effect-fn
SELECT load_extension('definitely_not_there')
-- @@
-- kind: select/schema-table
SELECT * FROM sqlite_schema
-- @@
-- kind: select/schema-table
SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name
-- @@
-- kind: select/schema-table
SELECT * FROM main.sqlite_schema WHERE tbl_name = 't'
-- @@
-- kind: select/dbstat
SELECT name, sum(pgsize) FROM dbstat GROUP BY name
-- @@
-- kind: select/nested-parens
SELECT ((((1 + (2 * (3))))))
-- @@
-- kind: select/empty-in
SELECT * FROM t WHERE v IN () OR id NOT IN ()
-- @@
-- kind: select/exists-expr
SELECT EXISTS (SELECT 1 FROM t WHERE n > 1) AS any_big, NOT EXISTS (SELECT 1 FROM u) AS no_u
-- @@
-- kind: select/limit-subquery
SELECT * FROM t LIMIT (SELECT count(*) FROM u) OFFSET (SELECT 0)
-- @@
-- kind: select/join-parenthesized
SELECT * FROM (t JOIN u ON u.t_id = t.id) LEFT JOIN kv ON kv.k = u.note
-- @@
-- kind: select/join-mixed
SELECT t1.id, t2.v, u.note, kv.k FROM t AS t1 JOIN t AS t2 USING (id) LEFT JOIN u ON u.t_id = t1.id RIGHT JOIN kv ON kv.k = t2.v
-- @@
-- kind: select/window
SELECT id, count(*) OVER () AS total_rows, sum(n) OVER (PARTITION BY v) FROM t ORDER BY row_number() OVER (ORDER BY n DESC)
-- @@
-- kind: select/case
SELECT CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) THEN (SELECT max(note) FROM u WHERE u.t_id = t.id) ELSE 'none' END FROM t
-- @@
-- kind: select/fts5
SELECT * FROM t WHERE rowid IN (SELECT rowid FROM docs WHERE docs MATCH 'hello')
-- @@
-- kind: select/pragma-tvf
SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0
-- @@
-- kind: select/cast
SELECT CAST(? AS INTEGER), CAST(:x AS TEXT)
-- @@
-- kind: select/json
SELECT id FROM t WHERE EXISTS (SELECT 1 FROM json_each(t.j) WHERE json_each.value = 1)
-- @@
-- kind: param/positional
SELECT ?
-- @@
-- kind: param/positional
SELECT * FROM t WHERE id IN (?, ?, ?) LIMIT ? OFFSET ?
-- @@
-- kind: param/numbered
SELECT ?1, ?2, ?1
-- @@
-- kind: param/numbered
SELECT * FROM t WHERE id = ?999
-- @@
-- kind: param/numbered
SELECT ?3, ?, ?
-- @@
-- kind: param/named-colon
SELECT * FROM t WHERE id = :id
-- @@
-- kind: param/named-at
SELECT * FROM t WHERE v = @v
-- @@
-- kind: param/named-dollar
SELECT * FROM t WHERE n = $n
-- @@
-- kind: param/named-dollar
SELECT $ns::var, $arr(key)
-- @@
-- kind: param/mixed
SELECT * FROM t WHERE id = :id AND v = @v AND n = $n AND j IS ? AND id <> ?7
-- @@
-- kind: param/in-string
SELECT '?', ':not_a_param', '@nope', '$nope', ?
-- @@
-- kind: param/dml
INSERT INTO t (v, n) VALUES (?, ?)
-- @@
-- kind: param/dml
UPDATE t SET v = :v, n = :n WHERE id = :id
-- @@
-- kind: param/dml
DELETE FROM kv WHERE k = @k
-- @@
-- kind: param/dml
INSERT INTO kv (k, val) VALUES ($k, $val) ON CONFLICT (k) DO UPDATE SET val = $val
-- @@
-- kind: param/dml
INSERT INTO kv VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET val = ?2 WHERE kv.val IS NOT ?2
-- @@
-- kind: param/like
SELECT * FROM t WHERE v LIKE ? ESCAPE '!'
-- @@
-- kind: conn/last-insert-rowid
SELECT last_insert_rowid()
-- @@
-- kind: conn/changes
SELECT changes()
-- @@
-- kind: conn/total-changes
SELECT total_changes()
-- @@
-- kind: conn/expr
SELECT changes() > 0 AS changed, last_insert_rowid() + 0 AS rid
-- @@
-- kind: conn/expr
SELECT * FROM t WHERE id = last_insert_rowid()
-- @@
-- kind: conn/expr
SELECT CASE WHEN total_changes() = 0 THEN 'clean' ELSE 'dirty' END AS state
-- @@
-- kind: conn/in-dml
INSERT INTO u (t_id, note) VALUES (last_insert_rowid(), 'child')
-- @@
-- kind: conn/in-dml
UPDATE t SET n = changes() WHERE id = 1
-- @@
-- kind: temp/create-table
CREATE TEMP TABLE scratch (x)
-- @@
-- kind: temp/create-table
CREATE TEMPORARY TABLE IF NOT EXISTS scratch2 (x INTEGER PRIMARY KEY, y TEXT)
-- @@
-- kind: temp/create-table
CREATE TABLE temp.scratch3 (x)
-- @@
-- kind: temp/create-table-as
CREATE TEMP TABLE snap AS SELECT * FROM t
-- @@
-- kind: temp/create-view
CREATE TEMP VIEW tmpv AS SELECT * FROM t WHERE n > 0
-- @@
-- kind: temp/create-view
CREATE TEMPORARY VIEW IF NOT EXISTS tmpv2 (a) AS VALUES (1), (2)
-- @@
-- kind: temp/create-trigger
CREATE TEMP TRIGGER tmp_trg AFTER INSERT ON u BEGIN UPDATE t SET n = n + 1 WHERE id = new.t_id; END
-- @@
-- kind: temp/create-trigger
CREATE TEMPORARY TRIGGER IF NOT EXISTS tmp_trg2 BEFORE DELETE ON main.u FOR EACH ROW BEGIN SELECT RAISE(IGNORE); END
-- @@
-- kind: temp/create-virtual
CREATE VIRTUAL TABLE temp.docs_vocab_t USING fts5vocab(main, docs, instance)
-- @@
-- kind: temp/drop
DROP TABLE IF EXISTS temp.scratch
-- @@
-- kind: temp/select-master
SELECT * FROM temp.sqlite_master
-- @@
-- kind: temp/select-master
SELECT * FROM sqlite_temp_master
-- @@
-- kind: temp/select-master
SELECT * FROM temp.sqlite_schema
-- @@
-- kind: temp/select-master
SELECT * FROM sqlite_temp_schema
-- @@
-- kind: temp/select-master
SELECT * FROM sqlite_schema UNION ALL SELECT * FROM temp.sqlite_schema
-- @@
-- kind: dml/insert-values
INSERT INTO t (v, n) VALUES ('x', 1)
-- @@
-- kind: dml/insert-values
INSERT INTO t VALUES (NULL, 'y', 2, NULL);
-- @@
-- kind: dml/insert-values
INSERT INTO main.kv (k, val) VALUES ('blob', x'00ff')
-- @@
-- kind: dml/insert-multirow
INSERT INTO t (v, n) VALUES ('a', 1), ('b', 2), ('c', 3)
-- @@
-- kind: dml/insert-select
INSERT INTO u (t_id, note) SELECT id, v FROM t WHERE n > 0
-- @@
-- kind: dml/insert-select
INSERT INTO t (v) SELECT note FROM u UNION SELECT 'extra'
-- @@
-- kind: dml/insert-default
INSERT INTO t DEFAULT VALUES
-- @@
-- kind: dml/insert-default
INSERT INTO u DEFAULT VALUES RETURNING id
-- @@
-- kind: dml/insert-or
INSERT OR REPLACE INTO t (id, v) VALUES (1, 'z')
-- @@
-- kind: dml/insert-or
INSERT OR IGNORE INTO t (id, v) VALUES (1, 'z')
-- @@
-- kind: dml/insert-or
INSERT OR ABORT INTO u (note) VALUES ('abort')
-- @@
-- kind: dml/insert-or
INSERT OR FAIL INTO u (note) VALUES ('fail')
-- @@
-- kind: dml/insert-or
INSERT OR ROLLBACK INTO kv (k, val) VALUES ('r', 1)
-- @@
-- kind: dml/replace
REPLACE INTO kv (k, val) VALUES ('a', x'01')
-- @@
-- kind: dml/replace
REPLACE INTO t SELECT * FROM t WHERE id = 1
-- @@
-- kind: dml/upsert
INSERT INTO t (id, v) VALUES (1, 'a') ON CONFLICT DO NOTHING
-- @@
-- kind: dml/upsert
INSERT INTO t (id, v) VALUES (1, 'a') ON CONFLICT (id) DO NOTHING
-- @@
-- kind: dml/upsert
INSERT INTO t (id, v, n) VALUES (1, 'a', 1)
  ON CONFLICT (id) DO UPDATE SET v = excluded.v, n = t.n + excluded.n
-- @@
-- kind: dml/upsert
INSERT INTO kv (k, val) VALUES ('k', x'00') ON CONFLICT (k) DO UPDATE SET val = excluded.val WHERE excluded.val IS NOT kv.val
-- @@
-- kind: dml/upsert-multi
INSERT INTO t (id, v) VALUES (1, 'a')
  ON CONFLICT (id) DO UPDATE SET v = excluded.v
  ON CONFLICT DO NOTHING
-- @@
-- kind: dml/upsert-select
INSERT INTO t (id, v) SELECT t_id, note FROM u WHERE true ON CONFLICT (id) DO UPDATE SET v = excluded.v
-- @@
-- kind: dml/upsert-alias
INSERT INTO t AS cur (id, v) VALUES (2, 'b') ON CONFLICT (id) DO UPDATE SET v = cur.v || excluded.v
-- @@
-- kind: dml/upsert-returning
INSERT INTO kv VALUES ('k', 1) ON CONFLICT (k) DO UPDATE SET val = val + 1 RETURNING val
-- @@
-- kind: dml/insert-returning
INSERT INTO t (v) VALUES ('r') RETURNING id
-- @@
-- kind: dml/insert-returning
INSERT INTO t (v, n) VALUES ('r', 5) RETURNING *, id * 2 AS twice
-- @@
-- kind: dml/insert-noop
INSERT INTO t SELECT * FROM t WHERE 0
-- @@
-- kind: dml/update
UPDATE t SET n = n + 1 WHERE id = 1
-- @@
-- kind: dml/update
UPDATE t SET v = upper(v)
-- @@
-- kind: dml/update
UPDATE main.t SET (v, n) = ('row', 9) WHERE id = 2
-- @@
-- kind: dml/update
UPDATE t SET (v, n) = (SELECT note, t_id FROM u WHERE u.t_id = t.id)
WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)
-- @@
-- kind: dml/update
UPDATE kv SET val = NULL WHERE k = 'k'
-- @@
-- kind: dml/update
UPDATE u SET note = note
-- @@
-- kind: dml/update-noop
UPDATE t SET n = 0 WHERE 0
-- @@
-- kind: dml/update-or
UPDATE OR IGNORE t SET id = 2 WHERE id = 1
-- @@
-- kind: dml/update-or
UPDATE OR REPLACE t SET id = 2 WHERE id = 1
-- @@
-- kind: dml/update-or
UPDATE OR ROLLBACK kv SET k = 'x'
-- @@
-- kind: dml/update-or
UPDATE OR ABORT u SET note = 'x' WHERE id = 1
-- @@
-- kind: dml/update-or
UPDATE OR FAIL u SET note = 'y'
-- @@
-- kind: dml/update-from
UPDATE t SET n = s.c FROM (SELECT t_id, count(*) AS c FROM u GROUP BY t_id) AS s WHERE s.t_id = t.id
-- @@
-- kind: dml/update-from
UPDATE t SET v = u.note FROM u WHERE u.t_id = t.id
-- @@
-- kind: dml/update-returning
UPDATE t SET n = n * 2 WHERE n > 0 RETURNING id, n
-- @@
-- kind: dml/update-alias
UPDATE t AS x SET n = 0 WHERE x.id = 1
-- @@
-- kind: dml/update-indexed
UPDATE t INDEXED BY t_v SET n = 1 WHERE v = 'a'
-- @@
-- kind: dml/delete
DELETE FROM u
-- @@
-- kind: dml/delete
DELETE FROM t WHERE id = 1
-- @@
-- kind: dml/delete
DELETE FROM t WHERE id NOT IN (SELECT t_id FROM u WHERE t_id IS NOT NULL)
-- @@
-- kind: dml/delete
DELETE FROM main.kv WHERE k LIKE 'tmp%'
-- @@
-- kind: dml/delete-noop
DELETE FROM u WHERE 0
-- @@
-- kind: dml/delete-alias
DELETE FROM t AS x WHERE x.n = 0
-- @@
-- kind: dml/delete-indexed
DELETE FROM t INDEXED BY t_v WHERE v = 'z'
-- @@
-- kind: dml/delete-indexed
DELETE FROM t NOT INDEXED WHERE v = 'z'
-- @@
-- kind: dml/delete-returning
DELETE FROM u WHERE note = 'updated' RETURNING id, t_id
-- @@
-- kind: dml/cte-insert
WITH s AS (SELECT 10 AS n) INSERT INTO t (n) SELECT n FROM s
-- @@
-- kind: dml/cte-insert
WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 5)
INSERT INTO t (n) SELECT x FROM seq
-- @@
-- kind: dml/cte-update
WITH s AS (SELECT t_id FROM u) UPDATE t SET n = n + 1 WHERE id IN (SELECT t_id FROM s)
-- @@
-- kind: dml/cte-delete
WITH old AS (SELECT id FROM t WHERE n = 0) DELETE FROM t WHERE id IN old
-- @@
-- kind: dml/cte-delete
WITH x AS MATERIALIZED (SELECT 1 AS id) DELETE FROM u WHERE t_id IN (SELECT id FROM x) RETURNING *
-- @@
-- kind: dml/cte-replace
WITH src(k, val) AS (VALUES ('a', 1), ('b', 2)) REPLACE INTO kv SELECT k, val FROM src
-- @@
-- kind: dml/cte-upsert
WITH src AS (SELECT 'k' AS k, 1 AS val) INSERT INTO kv SELECT k, val FROM src WHERE true ON CONFLICT (k) DO UPDATE SET val = excluded.val
-- @@
-- kind: dml/trigger-firing
UPDATE t SET v = v WHERE id = 1
-- @@
-- kind: dml/view-select-into
INSERT INTO u (t_id, note) SELECT id, v FROM tv
-- @@
-- kind: dml/fts5-insert
INSERT INTO docs (title, body) VALUES ('t', 'b')
-- @@
-- kind: dml/fts5-insert
INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs) VALUES('optimize')
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs) VALUES ('rebuild')
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs) VALUES ('integrity-check')
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs, rank) VALUES ('automerge', 8)
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs, rank) VALUES ('merge', 500)
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs, rank) VALUES ('rank', 'bm25(10.0, 5.0)')
-- @@
-- kind: dml/fts5-command
INSERT INTO docs(docs, rowid, title, body) VALUES ('delete', 1, 'hello', 'hello world')
-- @@
-- kind: dml/fts5-update
UPDATE docs SET body = 'changed' WHERE rowid = 1
-- @@
-- kind: dml/fts5-delete
DELETE FROM docs WHERE docs MATCH 'hello'
-- @@
-- kind: dml/update-json
UPDATE t SET j = json_set(coalesce(j, '{}'), '$.touched', 1) WHERE id = 1
-- @@
-- kind: dml/insert-jsonb
INSERT INTO kv (k, val) VALUES ('doc', jsonb('{"a": [1, 2]}'))
-- @@
-- kind: dml/upsert-no-target-update
INSERT INTO t (id, v) VALUES (1, 'a') ON CONFLICT DO UPDATE SET n = n + 1
-- @@
-- kind: dml/upsert-select
INSERT INTO u SELECT * FROM u WHERE false ON CONFLICT DO NOTHING RETURNING *
-- @@
-- kind: dml/insert-returning
INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id, last_insert_rowid() AS lir
-- @@
-- kind: dml/insert-values-expr
INSERT INTO t (v, n, j) VALUES (lower('X'), (SELECT count(*) FROM u), json_object('at', datetime('now')))
-- @@
-- kind: ddl/create-table
CREATE TABLE w (x)
-- @@
-- kind: ddl/create-table
CREATE TABLE IF NOT EXISTS w (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  age INTEGER DEFAULT 0 CHECK (age >= 0),
  t_id INTEGER REFERENCES t (id) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created TEXT DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT w_uq UNIQUE (name, age) ON CONFLICT REPLACE
)
-- @@
-- kind: ddl/create-table-constraints
CREATE TABLE orders (
  id INTEGER NOT NULL,
  t_id INTEGER NOT NULL,
  qty REAL DEFAULT (1.0) CHECK (qty > 0),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
  PRIMARY KEY (id DESC) ON CONFLICT ABORT,
  FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE RESTRICT ON UPDATE NO ACTION,
  CONSTRAINT qty_sane CHECK (qty < 1e6)
);
-- @@
-- kind: ddl/create-table-strict
CREATE TABLE s (a INT, b TEXT, c REAL, d BLOB, e ANY, f INTEGER PRIMARY KEY) STRICT
-- @@
-- kind: ddl/create-table-strict
CREATE TABLE s2 (k TEXT PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID
-- @@
-- kind: ddl/create-table-without-rowid
CREATE TABLE wr (a TEXT, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID
-- @@
-- kind: ddl/create-table-generated
CREATE TABLE g (
  a INTEGER,
  b INTEGER,
  c INTEGER AS (a + b) VIRTUAL,
  d TEXT GENERATED ALWAYS AS (printf('%d-%d', a, b)) STORED,
  e AS (a * 2)
)
-- @@
-- kind: ddl/create-table-as
CREATE TABLE t_copy AS SELECT * FROM t WHERE n > 0
-- @@
-- kind: ddl/create-table-as
CREATE TABLE IF NOT EXISTS t_summary AS WITH s AS (SELECT v, count(*) AS c FROM t GROUP BY v) SELECT * FROM s
-- @@
-- kind: ddl/create-table-if-not-exists
-- note: t already exists, so this is a no-op
CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)
-- @@
-- kind: ddl/create-table-if-not-exists
CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, val BLOB) WITHOUT ROWID;
-- @@
-- kind: ddl/create-table-schema
CREATE TABLE main.w2 ("quoted col" TEXT, [bracket col] INTEGER, `tick col` BLOB)
-- @@
-- kind: ddl/create-table-quoted
CREATE TABLE "weird ""name""" ("select" TEXT, "from" INTEGER, [delete] BLOB)
-- @@
-- kind: ddl/create-table-types
CREATE TABLE types (a VARCHAR(255), b DECIMAL(10, 2), c DOUBLE PRECISION, d UNSIGNED BIG INT, e DATETIME, f BOOLEAN, g)
-- @@
-- kind: ddl/create-index
CREATE INDEX u_t_id ON u (t_id)
-- @@
-- kind: ddl/create-index-unique
CREATE UNIQUE INDEX t_n_uq ON t (n)
-- @@
-- kind: ddl/create-index-if-not-exists
CREATE UNIQUE INDEX IF NOT EXISTS u_note_uq ON u (note, t_id)
-- @@
-- kind: ddl/create-index-if-not-exists
-- note: t_v already exists, so this is a no-op
CREATE INDEX IF NOT EXISTS t_v ON t (v)
-- @@
-- kind: ddl/create-index-partial
CREATE INDEX t_pos ON t (n) WHERE n > 0
-- @@
-- kind: ddl/create-index-expr
CREATE INDEX t_lower_v ON t (lower(v))
-- @@
-- kind: ddl/create-index-expr
CREATE INDEX t_jx ON t (json_extract(j, '$.x')) WHERE j IS NOT NULL
-- @@
-- kind: ddl/create-index-collate
CREATE INDEX t_v_nocase ON t (v COLLATE NOCASE DESC, n ASC)
-- @@
-- kind: ddl/create-index-schema
CREATE INDEX main.kv_val ON kv (val)
-- @@
-- kind: ddl/create-view
CREATE VIEW tv2 AS SELECT id, v FROM t WHERE n > 0
-- @@
-- kind: ddl/create-view-if-not-exists
-- note: tv already exists, so this is a no-op
CREATE VIEW IF NOT EXISTS tv AS SELECT 1
-- @@
-- kind: ddl/create-view-if-not-exists
CREATE VIEW IF NOT EXISTS tv_join AS
  WITH c AS (SELECT t_id, count(*) AS n FROM u GROUP BY t_id)
  SELECT t.*, c.n AS unotes FROM t LEFT JOIN c ON c.t_id = t.id
-- @@
-- kind: ddl/create-view-columns
CREATE VIEW tv3 (ident, value) AS SELECT id, v FROM t
-- @@
-- kind: ddl/create-view-temp
CREATE TEMP VIEW IF NOT EXISTS tmpv3 AS SELECT v, count(*) AS c FROM t GROUP BY v
-- @@
-- kind: ddl/create-trigger
CREATE TRIGGER t_before_ins BEFORE INSERT ON t FOR EACH ROW WHEN new.n < 0
BEGIN
  SELECT RAISE(ABORT, 'n must be >= 0');
END
-- @@
-- kind: ddl/create-trigger
CREATE TRIGGER t_after_del AFTER DELETE ON t
BEGIN
  DELETE FROM u WHERE t_id = old.id;
  INSERT INTO kv (k, val) VALUES ('deleted:' || old.id, NULL) ON CONFLICT (k) DO NOTHING;
END;
-- @@
-- kind: ddl/create-trigger
CREATE TRIGGER t_upsert_trg AFTER INSERT ON t BEGIN INSERT INTO kv (k, val) SELECT new.v, new.n WHERE true ON CONFLICT (k) DO UPDATE SET val = excluded.val; END
-- @@
-- kind: ddl/create-trigger-instead-of
CREATE TRIGGER tv_ins INSTEAD OF INSERT ON tv
BEGIN
  INSERT INTO t (id, v) VALUES (new.id, new.v);
END
-- @@
-- kind: ddl/create-trigger-instead-of
CREATE TRIGGER tv_upd INSTEAD OF UPDATE OF v ON tv FOR EACH ROW
BEGIN
  UPDATE t SET v = new.v WHERE id = old.id;
END
-- @@
-- kind: ddl/create-trigger-instead-of
CREATE TRIGGER tv_del INSTEAD OF DELETE ON tv BEGIN DELETE FROM t WHERE id = old.id; END
-- @@
-- kind: ddl/create-trigger-update-of
CREATE TRIGGER t_upd_of BEFORE UPDATE OF v, n ON t WHEN old.v IS NOT new.v
BEGIN
  UPDATE u SET note = 'v changed' WHERE t_id = new.id;
  SELECT CASE WHEN new.n < 0 THEN RAISE(FAIL, 'negative') END;
END
-- @@
-- kind: ddl/create-trigger-if-not-exists
-- note: t_audit already exists, so this is a no-op
CREATE TRIGGER IF NOT EXISTS t_audit AFTER UPDATE ON t BEGIN SELECT 1; END
-- @@
-- kind: ddl/create-trigger-if-not-exists
CREATE TRIGGER IF NOT EXISTS kv_ins AFTER INSERT ON kv BEGIN UPDATE t SET n = n + 1 WHERE v = new.k; END
-- @@
-- kind: ddl/create-trigger-tricky-body
CREATE TRIGGER u_note AFTER INSERT ON u
BEGIN
  -- a comment with ; inside the trigger body
  INSERT INTO kv (k, val) VALUES ('END; DROP TABLE t;', 'BEGIN') ON CONFLICT DO NOTHING;
  /* END; */ UPDATE t SET v = 'case' WHERE id = CASE new.t_id WHEN 1 THEN 1 ELSE new.t_id END;
END
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE docs2 USING fts5(title, body, tokenize = 'porter unicode61')
-- @@
-- kind: ddl/create-virtual-if-not-exists
CREATE VIRTUAL TABLE IF NOT EXISTS docs3 USING fts5(content, prefix = '2 3')
-- @@
-- kind: ddl/create-virtual-if-not-exists
-- note: docs already exists, so this is a no-op
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body)
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE t_fts USING fts5(v, content = 't', content_rowid = 'id')
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE contentless USING fts5(a, b, content = '', contentless_delete = 1)
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs, row)
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE f4 USING fts4(content TEXT)
-- @@
-- kind: ddl/create-virtual
CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)
-- @@
-- kind: ddl/alter-rename-table
ALTER TABLE kv RENAME TO kv_old
-- @@
-- kind: ddl/alter-rename-table
ALTER TABLE main.u RENAME TO "u 2"
-- @@
-- kind: ddl/alter-rename-column
ALTER TABLE u RENAME COLUMN note TO remark
-- @@
-- kind: ddl/alter-rename-column
ALTER TABLE t RENAME n TO counter
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE u ADD created_at TEXT
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE t ADD COLUMN flag INTEGER NOT NULL DEFAULT 0 CHECK (flag IN (0, 1))
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE t ADD COLUMN n2 AS (n * 2)
-- @@
-- kind: ddl/alter-drop-column
ALTER TABLE u DROP COLUMN note
-- @@
-- kind: ddl/alter-drop-column
ALTER TABLE t DROP j
-- @@
-- kind: ddl/drop-table
DROP TABLE kv
-- @@
-- kind: ddl/drop-table
DROP TABLE main.u;
-- @@
-- kind: ddl/drop-table
DROP TABLE docs
-- @@
-- kind: ddl/drop-table-if-exists
DROP TABLE IF EXISTS w
-- @@
-- kind: ddl/drop-table-if-exists
DROP TABLE IF EXISTS t
-- @@
-- kind: ddl/drop-index
DROP INDEX t_v
-- @@
-- kind: ddl/drop-index-if-exists
DROP INDEX IF EXISTS no_such_index
-- @@
-- kind: ddl/drop-index-if-exists
DROP INDEX IF EXISTS main.t_v
-- @@
-- kind: ddl/drop-view
DROP VIEW tv
-- @@
-- kind: ddl/drop-view-if-exists
DROP VIEW IF EXISTS no_such_view
-- @@
-- kind: ddl/drop-trigger
DROP TRIGGER t_audit
-- @@
-- kind: ddl/drop-trigger-if-exists
DROP TRIGGER IF EXISTS no_such_trigger
-- @@
-- kind: ddl/drop-trigger-if-exists
DROP TRIGGER IF EXISTS main.t_audit
-- @@
-- kind: pragma/analysis_limit:query
PRAGMA analysis_limit
-- @@
-- kind: pragma/analysis_limit:set
PRAGMA analysis_limit = 400
-- @@
-- kind: pragma/application_id:query
PRAGMA application_id
-- @@
-- kind: pragma/application_id:set
PRAGMA application_id = 1234
-- @@
-- kind: pragma/application_id:schema-query
PRAGMA main.application_id
-- @@
-- kind: pragma/auto_vacuum:query
PRAGMA auto_vacuum
-- @@
-- kind: pragma/auto_vacuum:set
PRAGMA auto_vacuum = INCREMENTAL
-- @@
-- kind: pragma/auto_vacuum:schema-set
PRAGMA main.auto_vacuum = 0
-- @@
-- kind: pragma/auto_vacuum:set-call
PRAGMA auto_vacuum(FULL)
-- @@
-- kind: pragma/automatic_index:query
PRAGMA automatic_index
-- @@
-- kind: pragma/automatic_index:set
PRAGMA automatic_index = OFF
-- @@
-- kind: pragma/busy_timeout:query
PRAGMA busy_timeout
-- @@
-- kind: pragma/busy_timeout:set
PRAGMA busy_timeout = 5000
-- @@
-- kind: pragma/busy_timeout:set-call
PRAGMA busy_timeout(1000)
-- @@
-- kind: pragma/cache_size:query
PRAGMA cache_size
-- @@
-- kind: pragma/cache_size:set
PRAGMA cache_size = -8000
-- @@
-- kind: pragma/cache_size:schema-set
PRAGMA main.cache_size = 1000
-- @@
-- kind: pragma/cache_size:schema-query
PRAGMA temp.cache_size
-- @@
-- kind: pragma/cache_spill:query
PRAGMA cache_spill
-- @@
-- kind: pragma/cache_spill:set
PRAGMA cache_spill = 0
-- @@
-- kind: pragma/cache_spill:schema-set
PRAGMA main.cache_spill = 100
-- @@
-- kind: pragma/case_sensitive_like:query
PRAGMA case_sensitive_like
-- @@
-- kind: pragma/case_sensitive_like:set
PRAGMA case_sensitive_like = 1
-- @@
-- kind: pragma/case_sensitive_like:set-call
PRAGMA case_sensitive_like(false)
-- @@
-- kind: pragma/cell_size_check:query
PRAGMA cell_size_check
-- @@
-- kind: pragma/cell_size_check:set
PRAGMA cell_size_check = ON
-- @@
-- kind: pragma/checkpoint_fullfsync:query
PRAGMA checkpoint_fullfsync
-- @@
-- kind: pragma/checkpoint_fullfsync:set
PRAGMA checkpoint_fullfsync = true
-- @@
-- kind: pragma/collation_list:query
PRAGMA collation_list
-- @@
-- kind: pragma/compile_options:query
PRAGMA compile_options
-- @@
-- kind: pragma/count_changes:query
PRAGMA count_changes
-- @@
-- kind: pragma/count_changes:set
PRAGMA count_changes = 1
-- @@
-- kind: pragma/data_store_directory:query
PRAGMA data_store_directory
-- @@
-- kind: pragma/data_version:query
PRAGMA data_version
-- @@
-- kind: pragma/data_version:schema-query
PRAGMA main.data_version
-- @@
-- kind: pragma/database_list:query
PRAGMA database_list
-- @@
-- kind: pragma/default_cache_size:query
PRAGMA default_cache_size
-- @@
-- kind: pragma/default_cache_size:set
PRAGMA default_cache_size = 2000
-- @@
-- kind: pragma/defer_foreign_keys:query
PRAGMA defer_foreign_keys
-- @@
-- kind: pragma/defer_foreign_keys:set
PRAGMA defer_foreign_keys = ON
-- @@
-- kind: pragma/empty_result_callbacks:query
PRAGMA empty_result_callbacks
-- @@
-- kind: pragma/empty_result_callbacks:set
PRAGMA empty_result_callbacks = 1
-- @@
-- kind: pragma/encoding:query
PRAGMA encoding
-- @@
-- kind: pragma/encoding:set
PRAGMA encoding = 'UTF-8'
-- @@
-- kind: pragma/encoding:set
PRAGMA encoding = "UTF-16le"
-- @@
-- kind: pragma/foreign_key_check:query
PRAGMA foreign_key_check
-- @@
-- kind: pragma/foreign_key_check:arg
PRAGMA foreign_key_check(u)
-- @@
-- kind: pragma/foreign_key_check:schema-arg
PRAGMA main.foreign_key_check('u')
-- @@
-- kind: pragma/foreign_key_list:arg
PRAGMA foreign_key_list(u)
-- @@
-- kind: pragma/foreign_key_list:arg-eq
PRAGMA foreign_key_list = 'u'
-- @@
-- kind: pragma/foreign_keys:query
PRAGMA foreign_keys
-- @@
-- kind: pragma/foreign_keys:set
PRAGMA foreign_keys = ON
-- @@
-- kind: pragma/foreign_keys:set
PRAGMA foreign_keys = false
-- @@
-- kind: pragma/foreign_keys:set-call
PRAGMA foreign_keys(1)
-- @@
-- kind: pragma/freelist_count:query
PRAGMA freelist_count
-- @@
-- kind: pragma/freelist_count:schema-query
PRAGMA main.freelist_count
-- @@
-- kind: pragma/full_column_names:query
PRAGMA full_column_names
-- @@
-- kind: pragma/full_column_names:set
PRAGMA full_column_names = 1
-- @@
-- kind: pragma/fullfsync:query
PRAGMA fullfsync
-- @@
-- kind: pragma/fullfsync:set
PRAGMA fullfsync = 0
-- @@
-- kind: pragma/function_list:query
PRAGMA function_list
-- @@
-- kind: pragma/hard_heap_limit:query
PRAGMA hard_heap_limit
-- @@
-- kind: pragma/hard_heap_limit:set
PRAGMA hard_heap_limit = 0
-- @@
-- kind: pragma/ignore_check_constraints:query
PRAGMA ignore_check_constraints
-- @@
-- kind: pragma/ignore_check_constraints:set
PRAGMA ignore_check_constraints = yes
-- @@
-- kind: pragma/incremental_vacuum:query
PRAGMA incremental_vacuum
-- @@
-- kind: pragma/incremental_vacuum:set-call
PRAGMA incremental_vacuum(10)
-- @@
-- kind: pragma/incremental_vacuum:schema-set
PRAGMA main.incremental_vacuum = 5
-- @@
-- kind: pragma/index_info:arg
PRAGMA index_info(t_v)
-- @@
-- kind: pragma/index_info:schema-arg
PRAGMA main.index_info('t_v')
-- @@
-- kind: pragma/index_list:arg
PRAGMA index_list(t)
-- @@
-- kind: pragma/index_list:arg-eq
PRAGMA index_list = kv
-- @@
-- kind: pragma/index_xinfo:arg
PRAGMA index_xinfo(t_v)
-- @@
-- kind: pragma/index_xinfo:schema-arg
PRAGMA main.index_xinfo(t_v)
-- @@
-- kind: pragma/integrity_check:query
PRAGMA integrity_check
-- @@
-- kind: pragma/integrity_check:arg
PRAGMA integrity_check(10)
-- @@
-- kind: pragma/integrity_check:arg
PRAGMA integrity_check(t)
-- @@
-- kind: pragma/integrity_check:schema-query
PRAGMA main.integrity_check
-- @@
-- kind: pragma/journal_mode:query
PRAGMA journal_mode
-- @@
-- kind: pragma/journal_mode:set
PRAGMA journal_mode = WAL
-- @@
-- kind: pragma/journal_mode:set
PRAGMA journal_mode = DELETE
-- @@
-- kind: pragma/journal_mode:set
PRAGMA journal_mode = MEMORY
-- @@
-- kind: pragma/journal_mode:set
PRAGMA journal_mode = OFF
-- @@
-- kind: pragma/journal_mode:set-call
PRAGMA journal_mode(PERSIST)
-- @@
-- kind: pragma/journal_mode:schema-set
PRAGMA main.journal_mode = 'truncate'
-- @@
-- kind: pragma/journal_mode:schema-query
PRAGMA main.journal_mode
-- @@
-- kind: pragma/journal_size_limit:query
PRAGMA journal_size_limit
-- @@
-- kind: pragma/journal_size_limit:set
PRAGMA journal_size_limit = 67108864
-- @@
-- kind: pragma/journal_size_limit:schema-set
PRAGMA main.journal_size_limit = -1
-- @@
-- kind: pragma/legacy_alter_table:query
PRAGMA legacy_alter_table
-- @@
-- kind: pragma/legacy_alter_table:set
PRAGMA legacy_alter_table = ON
-- @@
-- kind: pragma/legacy_file_format:query
PRAGMA legacy_file_format
-- @@
-- kind: pragma/legacy_file_format:set
PRAGMA legacy_file_format = OFF
-- @@
-- kind: pragma/locking_mode:query
PRAGMA locking_mode
-- @@
-- kind: pragma/locking_mode:set
PRAGMA locking_mode = EXCLUSIVE
-- @@
-- kind: pragma/locking_mode:schema-set
PRAGMA main.locking_mode = NORMAL
-- @@
-- kind: pragma/max_page_count:query
PRAGMA max_page_count
-- @@
-- kind: pragma/max_page_count:set
PRAGMA max_page_count = 1000000
-- @@
-- kind: pragma/max_page_count:schema-query
PRAGMA main.max_page_count
-- @@
-- kind: pragma/mmap_size:query
PRAGMA mmap_size
-- @@
-- kind: pragma/mmap_size:set
PRAGMA mmap_size = 268435456
-- @@
-- kind: pragma/mmap_size:schema-set-call
PRAGMA main.mmap_size(0)
-- @@
-- kind: pragma/module_list:query
PRAGMA module_list
-- @@
-- kind: pragma/optimize:query
PRAGMA optimize
-- @@
-- kind: pragma/optimize:set
PRAGMA optimize = 0x10002
-- @@
-- kind: pragma/optimize:set-call
PRAGMA optimize(-1)
-- @@
-- kind: pragma/optimize:schema-query
PRAGMA main.optimize
-- @@
-- kind: pragma/page_count:query
PRAGMA page_count
-- @@
-- kind: pragma/page_count:schema-query
PRAGMA main.page_count
-- @@
-- kind: pragma/page_size:query
PRAGMA page_size
-- @@
-- kind: pragma/page_size:set
PRAGMA page_size = 8192
-- @@
-- kind: pragma/page_size:schema-query
PRAGMA main.page_size
-- @@
-- kind: pragma/parser_trace:set
PRAGMA parser_trace = ON
-- @@
-- kind: pragma/pragma_list:query
PRAGMA pragma_list
-- @@
-- kind: pragma/query_only:query
PRAGMA query_only
-- @@
-- kind: pragma/query_only:set
PRAGMA query_only = 1
-- @@
-- kind: pragma/query_only:set
PRAGMA query_only = FALSE
-- @@
-- kind: pragma/quick_check:query
PRAGMA quick_check
-- @@
-- kind: pragma/quick_check:arg
PRAGMA quick_check(t)
-- @@
-- kind: pragma/quick_check:arg
PRAGMA quick_check(1)
-- @@
-- kind: pragma/quick_check:schema-query
PRAGMA main.quick_check
-- @@
-- kind: pragma/read_uncommitted:query
PRAGMA read_uncommitted
-- @@
-- kind: pragma/read_uncommitted:set
PRAGMA read_uncommitted = 1
-- @@
-- kind: pragma/recursive_triggers:query
PRAGMA recursive_triggers
-- @@
-- kind: pragma/recursive_triggers:set
PRAGMA recursive_triggers = ON
-- @@
-- kind: pragma/reverse_unordered_selects:query
PRAGMA reverse_unordered_selects
-- @@
-- kind: pragma/reverse_unordered_selects:set
PRAGMA reverse_unordered_selects = 1
-- @@
-- kind: pragma/schema_version:query
PRAGMA schema_version
-- @@
-- kind: pragma/schema_version:set
PRAGMA schema_version = 42
-- @@
-- kind: pragma/schema_version:schema-query
PRAGMA main.schema_version
-- @@
-- kind: pragma/secure_delete:query
PRAGMA secure_delete
-- @@
-- kind: pragma/secure_delete:set
PRAGMA secure_delete = FAST
-- @@
-- kind: pragma/secure_delete:schema-set
PRAGMA main.secure_delete = 0
-- @@
-- kind: pragma/short_column_names:query
PRAGMA short_column_names
-- @@
-- kind: pragma/short_column_names:set
PRAGMA short_column_names = 0
-- @@
-- kind: pragma/shrink_memory:query
PRAGMA shrink_memory
-- @@
-- kind: pragma/soft_heap_limit:query
PRAGMA soft_heap_limit
-- @@
-- kind: pragma/soft_heap_limit:set
PRAGMA soft_heap_limit = 0
-- @@
-- kind: pragma/stats:query
PRAGMA stats
-- @@
-- kind: pragma/synchronous:query
PRAGMA synchronous
-- @@
-- kind: pragma/synchronous:set
PRAGMA synchronous = NORMAL
-- @@
-- kind: pragma/synchronous:set
PRAGMA synchronous = 0
-- @@
-- kind: pragma/synchronous:set-call
PRAGMA synchronous(FULL)
-- @@
-- kind: pragma/synchronous:schema-set
PRAGMA main.synchronous = EXTRA
-- @@
-- kind: pragma/synchronous:schema-query
PRAGMA temp.synchronous
-- @@
-- kind: pragma/table_info:arg
PRAGMA table_info(t)
-- @@
-- kind: pragma/table_info:arg
PRAGMA table_info('kv')
-- @@
-- kind: pragma/table_info:arg-eq
PRAGMA table_info = "u"
-- @@
-- kind: pragma/table_info:schema-arg
PRAGMA main.table_info(tv)
-- @@
-- kind: pragma/table_info:arg
PRAGMA table_info(docs)
-- @@
-- kind: pragma/table_info:arg-missing
PRAGMA table_info(no_such_table)
-- @@
-- kind: pragma/table_list:query
PRAGMA table_list
-- @@
-- kind: pragma/table_list:arg
PRAGMA table_list(t)
-- @@
-- kind: pragma/table_list:schema-query
PRAGMA temp.table_list
-- @@
-- kind: pragma/table_xinfo:arg
PRAGMA table_xinfo(t)
-- @@
-- kind: pragma/table_xinfo:schema-arg
PRAGMA main.table_xinfo(kv)
-- @@
-- kind: pragma/temp_store:query
PRAGMA temp_store
-- @@
-- kind: pragma/temp_store:set
PRAGMA temp_store = MEMORY
-- @@
-- kind: pragma/temp_store:set
PRAGMA temp_store = 0
-- @@
-- kind: pragma/temp_store_directory:query
PRAGMA temp_store_directory
-- @@
-- kind: pragma/temp_store_directory:set
PRAGMA temp_store_directory = ''
-- @@
-- kind: pragma/threads:query
PRAGMA threads
-- @@
-- kind: pragma/threads:set
PRAGMA threads = 2
-- @@
-- kind: pragma/trusted_schema:query
PRAGMA trusted_schema
-- @@
-- kind: pragma/trusted_schema:set
PRAGMA trusted_schema = OFF
-- @@
-- kind: pragma/user_version:query
PRAGMA user_version
-- @@
-- kind: pragma/user_version:set
PRAGMA user_version = 7
-- @@
-- kind: pragma/user_version:set-call
PRAGMA user_version(3)
-- @@
-- kind: pragma/user_version:schema-set
PRAGMA main.user_version = -1
-- @@
-- kind: pragma/user_version:schema-query
PRAGMA temp.user_version
-- @@
-- kind: pragma/vdbe_trace:query
PRAGMA vdbe_trace
-- @@
-- kind: pragma/vdbe_trace:set
PRAGMA vdbe_debug = OFF
-- @@
-- kind: pragma/wal_autocheckpoint:query
PRAGMA wal_autocheckpoint
-- @@
-- kind: pragma/wal_autocheckpoint:set
PRAGMA wal_autocheckpoint = 1000
-- @@
-- kind: pragma/wal_checkpoint:query
PRAGMA wal_checkpoint
-- @@
-- kind: pragma/wal_checkpoint:arg
PRAGMA wal_checkpoint(PASSIVE)
-- @@
-- kind: pragma/wal_checkpoint:arg
PRAGMA wal_checkpoint(FULL)
-- @@
-- kind: pragma/wal_checkpoint:arg
PRAGMA wal_checkpoint(RESTART)
-- @@
-- kind: pragma/wal_checkpoint:schema-arg
PRAGMA main.wal_checkpoint(TRUNCATE)
-- @@
-- kind: pragma/writable_schema:query
PRAGMA writable_schema
-- @@
-- kind: pragma/writable_schema:set
PRAGMA writable_schema = ON
-- @@
-- kind: pragma/writable_schema:set
PRAGMA writable_schema = RESET
-- @@
-- kind: pragma/odd-quoted-name
PRAGMA "user_version"
-- @@
-- kind: pragma/odd-string-name
PRAGMA 'user_version'
-- @@
-- kind: pragma/odd-bracket-name
PRAGMA [foreign_keys] = 1
-- @@
-- kind: pragma/odd-backtick-name
PRAGMA `journal_mode`
-- @@
-- kind: pragma/odd-quoted-schema
PRAGMA "main"."user_version" = 1
-- @@
-- kind: pragma/odd-upper-case
PRAGMA USER_VERSION
-- @@
-- kind: pragma/odd-mixed-case
pragma Journal_Mode = wal;
-- @@
-- kind: pragma/odd-signed-value
PRAGMA user_version = +5
-- @@
-- kind: pragma/odd-quoted-value
PRAGMA foreign_keys = "on"
-- @@
-- kind: pragma/odd-bracket-arg
PRAGMA table_info([t])
-- @@
-- kind: pragma/odd-spaces
PRAGMA  main . table_info ( 't' ) ;
-- @@
-- kind: pragma/odd-newlines
PRAGMA
  journal_mode
  =
  WAL
-- @@
-- kind: pragma/odd-comment
PRAGMA /* which one */ user_version /* = 9 */
-- @@
-- kind: pragma/odd-keyword-value
PRAGMA secure_delete = DEFAULT
-- @@
-- kind: pragma/odd-keyword-value
PRAGMA main.journal_mode = delete
-- @@
-- kind: pragma/odd-trailing-semicolon
PRAGMA foreign_keys;
-- @@
-- kind: pragma/odd-unknown
PRAGMA no_such_pragma
-- @@
-- kind: pragma/odd-unknown
PRAGMA no_such_pragma = 1
-- @@
-- kind: pragma/odd-unknown
PRAGMA main.no_such_pragma('x')
-- @@
-- kind: txn/begin
BEGIN
-- @@
-- kind: txn/begin
BEGIN;
-- @@
-- kind: txn/begin-deferred
BEGIN DEFERRED
-- @@
-- kind: txn/begin-immediate
BEGIN IMMEDIATE
-- @@
-- kind: txn/begin-exclusive
BEGIN EXCLUSIVE
-- @@
-- kind: txn/begin
BEGIN TRANSACTION
-- @@
-- kind: txn/begin-deferred
BEGIN DEFERRED TRANSACTION
-- @@
-- kind: txn/begin-immediate
BEGIN IMMEDIATE TRANSACTION;
-- @@
-- kind: txn/begin-exclusive
BEGIN EXCLUSIVE TRANSACTION
-- @@
-- kind: txn/begin-immediate
begin immediate
-- @@
-- kind: txn/begin-named
BEGIN TRANSACTION named_tx
-- @@
-- kind: txn/commit
COMMIT
-- @@
-- kind: txn/commit
COMMIT TRANSACTION
-- @@
-- kind: txn/commit
commit;
-- @@
-- kind: txn/end
END
-- @@
-- kind: txn/end
END TRANSACTION
-- @@
-- kind: txn/rollback
ROLLBACK
-- @@
-- kind: txn/rollback
ROLLBACK TRANSACTION
-- @@
-- kind: txn/rollback-to
ROLLBACK TO sp
-- @@
-- kind: txn/rollback-to
ROLLBACK TO SAVEPOINT sp
-- @@
-- kind: txn/rollback-to
ROLLBACK TRANSACTION TO SAVEPOINT sp
-- @@
-- kind: txn/rollback-to
ROLLBACK TRANSACTION TO sp
-- @@
-- kind: txn/savepoint
SAVEPOINT sp
-- @@
-- kind: txn/savepoint
SAVEPOINT "my savepoint"
-- @@
-- kind: txn/savepoint
savepoint [bracketed];
-- @@
-- kind: txn/release
RELEASE sp
-- @@
-- kind: txn/release
RELEASE SAVEPOINT sp
-- @@
-- kind: txn/release
RELEASE "my savepoint"
-- @@
-- kind: attach/attach
ATTACH DATABASE ':memory:' AS aux
-- @@
-- kind: attach/attach
ATTACH ':memory:' AS aux
-- @@
-- kind: attach/attach-uri
ATTACH 'file:x?mode=memory' AS a2
-- @@
-- kind: attach/attach-uri
ATTACH DATABASE 'file:memdb1?mode=memory&cache=shared' AS a3;
-- @@
-- kind: attach/attach-empty
ATTACH '' AS tmpdb
-- @@
-- kind: attach/attach-param
ATTACH ? AS aux
-- @@
-- kind: attach/attach-param
ATTACH DATABASE :path AS "aux db"
-- @@
-- kind: attach/attach-key
ATTACH ':memory:' AS aux KEY ''
-- @@
-- kind: attach/attach
attach ':memory:' as lower_aux
-- @@
-- kind: attach/detach
DETACH aux
-- @@
-- kind: attach/detach
DETACH DATABASE aux
-- @@
-- kind: attach/detach
DETACH "aux db"
-- @@
-- kind: attach/detach-param
DETACH DATABASE ?
-- @@
-- kind: maintenance/vacuum
VACUUM
-- @@
-- kind: maintenance/vacuum
VACUUM main
-- @@
-- kind: maintenance/vacuum
VACUUM temp
-- @@
-- kind: maintenance/vacuum
vacuum;
-- @@
-- kind: maintenance/vacuum-into
VACUUM INTO 'somefile.db'
-- @@
-- kind: maintenance/vacuum-into
VACUUM main INTO 'file:vac?mode=memory'
-- @@
-- kind: maintenance/vacuum-into
VACUUM INTO ?
-- @@
-- kind: maintenance/analyze
ANALYZE
-- @@
-- kind: maintenance/analyze
ANALYZE main
-- @@
-- kind: maintenance/analyze
ANALYZE t
-- @@
-- kind: maintenance/analyze
ANALYZE main.t_v
-- @@
-- kind: maintenance/analyze
ANALYZE t_v
-- @@
-- kind: maintenance/analyze
ANALYZE temp;
-- @@
-- kind: maintenance/reindex
REINDEX
-- @@
-- kind: maintenance/reindex
REINDEX t
-- @@
-- kind: maintenance/reindex
REINDEX t_v
-- @@
-- kind: maintenance/reindex
REINDEX main.t
-- @@
-- kind: maintenance/reindex-collation
REINDEX BINARY
-- @@
-- kind: maintenance/reindex-collation
REINDEX NOCASE
-- @@
-- kind: maintenance/reindex-collation
REINDEX RTRIM
-- @@
-- kind: explain/select
EXPLAIN SELECT * FROM t
-- @@
-- kind: explain/qp-select
EXPLAIN QUERY PLAN SELECT * FROM t JOIN u ON u.t_id = t.id WHERE t.v = 'a'
-- @@
-- kind: explain/qp-select
EXPLAIN QUERY PLAN WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT * FROM c
-- @@
-- kind: explain/qp-select
EXPLAIN QUERY PLAN SELECT * FROM docs WHERE docs MATCH 'hello'
-- @@
-- kind: explain/qp-select
explain query plan select * from t where id in (select t_id from u)
-- @@
-- kind: explain/insert
EXPLAIN INSERT INTO t (v) VALUES ('x')
-- @@
-- kind: explain/qp-update
EXPLAIN QUERY PLAN UPDATE t SET n = 1 WHERE v = 'a'
-- @@
-- kind: explain/qp-delete
EXPLAIN QUERY PLAN DELETE FROM u WHERE t_id = 1
-- @@
-- kind: explain/delete
EXPLAIN DELETE FROM u
-- @@
-- kind: explain/qp-upsert
EXPLAIN QUERY PLAN INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET val = excluded.val
-- @@
-- kind: explain/cte-dml
EXPLAIN WITH s AS (SELECT 1 AS id) DELETE FROM t WHERE id IN s
-- @@
-- kind: explain/ddl
EXPLAIN CREATE TABLE w (x)
-- @@
-- kind: explain/ddl
EXPLAIN DROP TABLE kv
-- @@
-- kind: explain/ddl
EXPLAIN CREATE INDEX t_n ON t (n)
-- @@
-- kind: explain/ddl
EXPLAIN ALTER TABLE t ADD COLUMN z
-- @@
-- kind: explain/ddl
EXPLAIN CREATE TRIGGER tx AFTER INSERT ON t BEGIN DELETE FROM u; END
-- @@
-- kind: explain/qp-ddl
EXPLAIN QUERY PLAN CREATE TABLE w AS SELECT * FROM t
-- @@
-- kind: explain/pragma
EXPLAIN PRAGMA user_version = 3
-- @@
-- kind: explain/pragma
EXPLAIN PRAGMA table_info(t)
-- @@
-- kind: explain/txn
EXPLAIN BEGIN IMMEDIATE
-- @@
-- kind: explain/txn
EXPLAIN COMMIT
-- @@
-- kind: explain/txn
EXPLAIN SAVEPOINT sp
-- @@
-- kind: explain/maintenance
EXPLAIN VACUUM
-- @@
-- kind: explain/maintenance
EXPLAIN ANALYZE
-- @@
-- kind: explain/maintenance
EXPLAIN REINDEX
-- @@
-- kind: explain/attach
EXPLAIN ATTACH ':memory:' AS aux
-- @@
-- kind: explain/comment
EXPLAIN /* x */ QUERY /* y */ PLAN SELECT 1
-- @@
-- kind: explain/lowercase
explain select 1;
-- @@
-- kind: lexical/leading-line-comment
-- fetch everything
SELECT * FROM t
-- @@
-- kind: lexical/leading-line-comment
-- DELETE FROM t;
-- UPDATE t SET n = 0;
SELECT 1
-- @@
-- kind: lexical/leading-block-comment
/* leading block */ SELECT * FROM t
-- @@
-- kind: lexical/leading-block-comment
/*
 * multi-line block comment
 * INSERT INTO t VALUES (1);
 */
SELECT count(*) FROM u
-- @@
-- kind: lexical/inner-comment
SELECT /* inside */ id FROM /* another */ t WHERE /* and */ n > 0
-- @@
-- kind: lexical/trailing-block-comment
SELECT id FROM t /* trailing block */
-- @@
-- kind: lexical/trailing-line-comment
SELECT id FROM t -- trailing line comment
-- @@
-- kind: lexical/comment-between-keywords
DELETE /* between */ FROM u WHERE 0
-- @@
-- kind: lexical/comment-between-keywords
INSERT /* x */ INTO /* y */ u (note) VALUES ('z')
-- @@
-- kind: lexical/comment-between-keywords
SELECT -- line comment between keyword and expression
  1
-- @@
-- kind: lexical/comment-between-keywords
WITH /* c */ x AS (SELECT 1) SELECT * FROM x
-- @@
-- kind: lexical/comment-between-keywords
BEGIN /* c */ IMMEDIATE /* d */ TRANSACTION
-- @@
-- kind: lexical/comment-write-keyword
/* DELETE FROM t; */ SELECT 1
-- @@
-- kind: lexical/comment-write-keyword
SELECT 1 /* ; DELETE FROM t ; */
-- @@
-- kind: lexical/comment-read-keyword
/* SELECT */ DELETE FROM u WHERE 0
-- @@
-- kind: lexical/comment-read-keyword
-- SELECT 1
UPDATE t SET n = 0 WHERE 0
-- @@
-- kind: lexical/comment-read-keyword
/* EXPLAIN */ /* PRAGMA */ -- SELECT
INSERT INTO u (note) VALUES ('sneaky')
-- @@
-- kind: lexical/comment-not-nested
/* outer /* inner */ SELECT 1
-- @@
-- kind: lexical/comment-unterminated
SELECT 1 /* unterminated block comment
-- @@
-- kind: lexical/comment-only-prefix
-- a
-- b
/* c */
VALUES (1)
-- @@
-- kind: lexical/string-comment-like
SELECT '/* not a comment */', '-- not a comment'
-- @@
-- kind: lexical/string-semicolon
SELECT 'a;b' AS semi
-- @@
-- kind: lexical/string-semicolon
INSERT INTO u (note) VALUES ('x; DROP TABLE t; --')
-- @@
-- kind: lexical/string-quote
SELECT 'it''s' AS q, '''' AS just_quote
-- @@
-- kind: lexical/string-write-keyword
SELECT 'DELETE FROM t' AS sql_text, 'INSERT' AS i
-- @@
-- kind: lexical/string-write-keyword
SELECT * FROM t WHERE v = 'UPDATE t SET n = 1'
-- @@
-- kind: lexical/dqs-string
SELECT "DELETE FROM t"
-- @@
-- kind: lexical/quoted-keyword-alias
SELECT id AS "delete", v AS "update", n AS "insert", j AS "drop" FROM t
-- @@
-- kind: lexical/quoted-keyword-alias
SELECT 1 AS [update], 2 AS `replace`, 3 AS "select"
-- @@
-- kind: lexical/quoted-identifiers
SELECT "id", [v], `n` FROM "t"
-- @@
-- kind: lexical/quoted-identifiers
SELECT [select].* FROM [t] AS [select]
-- @@
-- kind: lexical/quoted-identifiers
SELECT "it""s" FROM (SELECT 1 AS "it""s")
-- @@
-- kind: lexical/quoted-identifiers
SELECT 1 AS "semi;colon", 2 AS "dash--dash", 3 AS [star/*bracket]
-- @@
-- kind: lexical/quoted-identifiers
INSERT INTO "t" ("v", [n]) VALUES ('quoted', 1)
-- @@
-- kind: lexical/quoted-identifiers
UPDATE `t` SET `n` = `n` + 1 WHERE "id" = 1
-- @@
-- kind: lexical/keyword-identifiers
SELECT key, value, "type" FROM json_each('{"a":1}')
-- @@
-- kind: lexical/mixed-case
SeLeCt Id FrOm T wHeRe N > 0
-- @@
-- kind: lexical/mixed-case
select * from t
-- @@
-- kind: lexical/mixed-case
InSeRt InTo U (NoTe) VaLuEs ('mixed')
-- @@
-- kind: lexical/mixed-case
with X as (select 1 as y) DELETE from u where t_id in (select Y from x)
-- @@
-- kind: lexical/whitespace
    	
  SELECT	*

 FROM		t   	
-- @@
-- kind: lexical/tabs
UPDATE	t	SET	n	=	1	WHERE	id	=	1
-- @@
-- kind: lexical/many-spaces
DELETE          FROM          u          WHERE          id          =          1
-- @@
-- kind: lexical/newlines
SELECT
id
,
v
FROM
t
WHERE
n
>
0
-- @@
-- kind: lexical/crlf
SELECT id,
  v
FROM t
WHERE n > 0
-- @@
-- kind: lexical/crlf
INSERT INTO u (note)
VALUES ('crlf');
-- @@
-- kind: lexical/unicode
SELECT v AS "名前", 'ünïcödé — ✓' AS txt, '😀' AS emoji FROM t
-- @@
-- kind: lexical/numbers
SELECT 1_000_000, 0xFFFF_FFFF, 1.5e-3, 1E+2, 0.0, 00012
-- @@
-- kind: lexical/blob-literal
SELECT x'', X'00FF', x'deadbeef'
-- @@
-- kind: lexical/leading-semicolons
;;SELECT 1;;
-- @@
-- kind: lexical/leading-semicolons
; DELETE FROM u WHERE 0
-- @@
-- kind: lexical/no-space
SELECT*FROM"t"WHERE"id"=1
-- @@
-- kind: lexical/no-space
INSERT INTO u(note)VALUES('x')RETURNING*
-- @@
-- kind: multi/read-read
SELECT 1; SELECT 2
-- @@
-- kind: multi/read-read
SELECT count(*) FROM t; SELECT count(*) FROM u; SELECT count(*) FROM kv;
-- @@
-- kind: multi/read-read
VALUES (1); VALUES (2)
-- @@
-- kind: multi/read-write
SELECT * FROM t; INSERT INTO u (note) VALUES ('x');
-- @@
-- kind: multi/read-write
SELECT 1; SELECT 2; SELECT 3; SELECT 4; SELECT 5; UPDATE t SET n = 0 WHERE 0
-- @@
-- kind: multi/write-read
INSERT INTO t (v) VALUES ('x'); SELECT last_insert_rowid();
-- @@
-- kind: multi/write-read
DELETE FROM u WHERE 0; SELECT 1
-- @@
-- kind: multi/write-read
UPDATE t SET n = n + 1 WHERE id = 1;
SELECT changes();
SELECT total_changes()
-- @@
-- kind: multi/write-write
INSERT INTO t (v) VALUES ('a'); INSERT INTO t (v) VALUES ('b'); DELETE FROM kv
-- @@
-- kind: multi/ddl-dml
CREATE TABLE IF NOT EXISTS log (msg TEXT); INSERT INTO u (note) VALUES ('log');
-- @@
-- kind: multi/ddl-ddl
DROP TABLE IF EXISTS w; CREATE TABLE w (x); CREATE INDEX IF NOT EXISTS u_t ON u (t_id)
-- @@
-- kind: multi/ddl-read
CREATE TEMP TABLE IF NOT EXISTS scratch (x); SELECT * FROM t
-- @@
-- kind: multi/txn-block
BEGIN; UPDATE t SET n = n + 1; COMMIT;
-- @@
-- kind: multi/txn-block
BEGIN IMMEDIATE;
INSERT INTO t (v) VALUES ('one');
INSERT INTO u (t_id, note) VALUES (last_insert_rowid(), 'two');
END
-- @@
-- kind: multi/txn-block-read
BEGIN; SELECT * FROM t; COMMIT
-- @@
-- kind: multi/txn-block
BEGIN DEFERRED TRANSACTION; DELETE FROM u; ROLLBACK TRANSACTION;
-- @@
-- kind: multi/savepoint-block
SAVEPOINT a; DELETE FROM u WHERE 0; RELEASE a;
-- @@
-- kind: multi/savepoint-block
SAVEPOINT outer_sp; SAVEPOINT inner_sp; ROLLBACK TO inner_sp; RELEASE SAVEPOINT outer_sp
-- @@
-- kind: multi/txn-only
COMMIT; BEGIN
-- @@
-- kind: multi/txn-then-read
ROLLBACK; SELECT 1
-- @@
-- kind: multi/trailing-line-comment
SELECT 1; -- just a comment
-- @@
-- kind: multi/trailing-block-comment
SELECT 1; /* only a comment */
-- @@
-- kind: multi/trailing-comment-write-keyword
SELECT 1; -- DELETE FROM t;
-- @@
-- kind: multi/trailing-whitespace
SELECT 1;   
	  
-- @@
-- kind: multi/empty-statements
SELECT 1;;; SELECT 2;
-- @@
-- kind: multi/comment-between
SELECT 1 -- comment ; DELETE FROM t
; SELECT 2
-- @@
-- kind: multi/comment-between
SELECT 1 /* ; */; /* DELETE FROM t; */ SELECT 'a;b'; SELECT "c;d"
-- @@
-- kind: multi/pragma-setup
PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
-- @@
-- kind: multi/pragma-reads
PRAGMA user_version; PRAGMA application_id
-- @@
-- kind: multi/pragma-then-read
PRAGMA query_only = 1; SELECT 1
-- @@
-- kind: multi/read-pragma-set
SELECT * FROM t; PRAGMA user_version = 2
-- @@
-- kind: multi/attach-detach
ATTACH ':memory:' AS aux; DETACH aux;
-- @@
-- kind: multi/trigger-then-read
CREATE TRIGGER IF NOT EXISTS trg AFTER INSERT ON u
BEGIN
  UPDATE t SET n = n + 1 WHERE id = new.t_id;
END;
SELECT 1;
-- @@
-- kind: multi/cte-read-cte-write
WITH x AS (SELECT 1) SELECT * FROM x; WITH y AS (SELECT 2 AS id) DELETE FROM u WHERE id IN y;
-- @@
-- kind: multi/maintenance
VACUUM; ANALYZE; PRAGMA optimize
-- @@
-- kind: multi/explain-then-read
EXPLAIN QUERY PLAN SELECT * FROM t; SELECT * FROM t
-- @@
-- kind: multi/conn
SELECT changes(); SELECT total_changes(); SELECT last_insert_rowid()
-- @@
-- kind: multi/upsert-returning
INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET val = excluded.val RETURNING *; SELECT * FROM kv
-- @@
-- kind: multi/drop-then-use
DROP TABLE kv; SELECT * FROM kv
-- @@
-- kind: multi/fts5
INSERT INTO docs (title, body) VALUES ('x', 'y'); SELECT * FROM docs WHERE docs MATCH 'y'; INSERT INTO docs(docs) VALUES ('optimize')
-- @@
-- kind: multi/newline-separated
SELECT 1
;
SELECT 2
;
-- @@
-- kind: multi/mixed-everything
-- migration-ish script
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE IF NOT EXISTS new_t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t (v) SELECT note FROM u;
DROP INDEX IF EXISTS t_v;
ALTER TABLE u ADD COLUMN extra TEXT;
COMMIT;
PRAGMA foreign_keys = ON;
-- @@
-- kind: lexical/trailing-comment-no-newline
SELECT * FROM t WHERE id = 1 -- this entry is the last one and has no trailing newline
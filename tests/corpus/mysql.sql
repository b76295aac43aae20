-- sqlx-rw MySQL/MariaDB routing corpus
-- ====================================
--
-- Differential-test corpus for the MySQL router. Every entry is ONE SQL string
-- exactly as an application would hand it to sqlx (text protocol, COM_QUERY,
-- with CLIENT_MULTI_STATEMENTS: a string may hold several ";"-separated
-- statements; the server runs them in order and stops at the first error).
-- Ground truth comes from a real MariaDB 10.11 replica (read_only=1; the
-- application user `sqlx_rw` has neither SUPER nor READ ONLY ADMIN): every
-- entry was run on a replica, each on a fresh connection initialised the way
-- sqlx initialises one (SET sql_mode=CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,
-- NO_ENGINE_SUBSTITUTION'), time_zone='+00:00', NAMES utf8mb4), against the
-- schema in tests/corpus/mysql_schema.sql, and the outcome is recorded in
-- tests/corpus/mysql_labels.txt (one line per entry, same order:
-- "<index>\t<label>", index counted from 0 in file order).
--
-- Format (same convention as tests/corpus/postgres.sql)
--   * Entries are separated by a line that is exactly "-- @@" (nothing else
--     on the line); a reader splits the file on "\n-- @@\n". Everything before
--     the first "-- @@" line (this header) is not an entry.
--   * The first line of every entry is a tag "-- kind: <family>/<variant>"
--     (MySQL needs the space after "--"). The tag line is part of the SQL
--     string (it is an ordinary comment). Tags are unique.
--   * An entry may span several lines. Entries of family "multi" (and some
--     tx/, lock/, handler/, temp/, prepare/ entries) hold several statements.
--     Some entries contain literal TAB and CR characters (lexical/tabs,
--     lexical/crlf). The trailing ";" is optional.
--   * The very last entry ends WITHOUT a trailing newline, on purpose.
--
-- Labels (tests/corpus/mysql_labels.txt)
--   read            ran on the replica, changes nothing on the primary and does
--                   not depend on the connection's own state
--   refused         the replica refused it: error 1290 (ER_OPTION_PREVENTS_
--                   STATEMENT, --read-only) or 1792 (ER_CANT_EXECUTE_IN_READ_
--                   ONLY_TRANSACTION). 1290 has SQLSTATE HY000 (1792 has
--                   25006): match on the error NUMBER, not the SQLSTATE.
--   failed\t<errno> failed on the replica with another error (third column)
--   accepted-write  ran on the replica, but must run on the primary (hand list)
--
-- Hand list: statements a read_only replica ACCEPTS that must run on the primary
--   * named locks: GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK,
--     IS_USED_LOCK (SELECT or DO, in WHERE, in subqueries, in executable
--     comments); the lock is taken on the replica, where it excludes nobody.
--   * SELECT ... LOCK IN SHARE MODE (incl. NOWAIT / SKIP LOCKED, joins), and
--     the FOR UPDATE forms the replica does NOT refuse: FOR UPDATE over no
--     table, over a CTE, over a derived table at the outer level, over
--     information_schema; LOCK TABLES ... READ [LOCAL], UNLOCK TABLES; HANDLER.
--   * connection state: LAST_INSERT_ID(), FOUND_ROWS(), SQL_CALC_FOUND_ROWS,
--     ROW_COUNT(), CONNECTION_ID(), every @user
--     and @@system variable (read or assigned, SELECT ... INTO @v, CALL with an
--     OUT @v), every SET (SESSION, NAMES, CHARACTER SET, TRANSACTION, ROLE,
--     STATEMENT ... FOR SELECT, also inside /*!40101 ... */), USE, PREPARE /
--     EXECUTE / DEALLOCATE / EXECUTE IMMEDIATE, temporary tables (CREATE/
--     INSERT/UPDATE/DELETE/ALTER/TRUNCATE/INDEX/DROP on them, including a
--     temporary table shadowing t), LASTVAL / PREVIOUS VALUE FOR a sequence.
--   * transaction control: BEGIN, START TRANSACTION [READ ONLY | WITH
--     CONSISTENT SNAPSHOT], COMMIT, ROLLBACK, SAVEPOINT, XA START/BEGIN/END/
--     ROLLBACK, XA RECOVER.
--   * server state: every SHOW, DESCRIBE/DESC/EXPLAIN <table>,
--     CHECK TABLE; ANALYZE TABLE ... PERSISTENT FOR ALL and REPAIR TABLE, which
--     "succeed" with an Error row (1290 text) inside their result set.
-- Refused by the replica (1290) although they look like reads or are "only
--   locks": SELECT ... FOR UPDATE [NOWAIT | SKIP LOCKED | WAIT n] on a base
--   table or a view (also inside a subquery, derived table or UNION, and
--   hidden in /*!50000 FOR UPDATE */), LOCK TABLES ... WRITE, EXPLAIN (and
--   ANALYZE) of UPDATE/INSERT/DELETE, START TRANSACTION READ WRITE, SELECT /
--   DO / SET of a function that writes -- even "SELECT f_write() FROM t WHERE
--   1 = 0", which never calls it (the tables it writes are pre-locked for
--   write), every NEXTVAL / NEXT VALUE FOR / SETVAL, CREATE TEMPORARY SEQUENCE,
--   ANALYZE/OPTIMIZE TABLE, LOAD DATA/XML INFILE (before the FILE privilege
--   check), DDL on objects that do not exist (DROP TABLE IF EXISTS, INSERT
--   INTO a missing table: read_only is checked first).
--   "START TRANSACTION READ ONLY; INSERT ..." is refused with 1290 (not 1792);
--   "START TRANSACTION READ ONLY; SELECT f_write()" with 1792.
-- Executable comments: MariaDB runs /*! ... */, /*!50000 ... */, /*!50500 ... */
--   and /*M! ... */, /*M!100100 ... */, but skips /*!50700 ... */, /*!80000 ... */,
--   /*!99999 ... */ and /*M!999999 ... */ (those entries are reads).
-- Lexical: "SELECT 1;;" and a comment-only string both succeed (no 1065).
--   "SELECT 1 --1" is 1 - -1 (no comment without the space). MariaDB has no
--   -> / ->> JSON operators, no TABLE statement, no FOR SHARE, no FOR UPDATE OF,
--   no WITH ... UPDATE (all 1064).
--
-- Writes that the replica refuses but that also fail on a primary (as sqlx_rw):
--   insert/delayed (1616: DELAYED not supported for InnoDB),
--   insert/into-missing-table (1146), ddl/drop-table-missing (1051),
--   ddl/create-database and ddl/drop-database (1044), load/* (1045, no FILE
--   privilege), admin/grant (1142), tx/read-only-insert (1792).
-- Every other entry was also run on a primary, each in a fresh copy of the
--   schema, and behaves there as on the replica except that refused entries
--   succeed; no entry labelled read changed any table, routine, sequence or
--   statistics on the primary.
--
-- Schema: tests/corpus/mysql_schema.sql (tables t (auto-increment, JSON,
--   unique name, index t_v, trigger t_audit), customers, orders (FK to
--   customers), items (FK to orders, ON DELETE CASCADE), kv, tree, audit; view
--   v_t; sequence seq1; functions f_read (DETERMINISTIC, no SQL), f_count
--   (reads), f_write (MODIFIES SQL DATA, inserts into audit); procedures p_read
--   (SELECT), p_read_arg(IN, OUT) (reads), p_write (inserts into audit)).
--   Creating its routines as sqlx_rw needs log_bin_trust_function_creators=1
--   on the primary (scripts/mariadb-cluster configures it).
-- Rules the entries follow
--   * Every entry is self-contained against that schema: it never relies on an
--     object created by another entry, never on the database's name (it runs
--     in whatever database the connection opened).
--   * No entry waits: SLEEP(0) only, GET_LOCK with timeout 0 (or -1 on a lock
--     nobody holds). Entries that take a named lock, LOCK TABLES, open a
--     HANDLER, an XA or a transaction do not release it: run every entry on a
--     fresh connection (or discard it afterwards).
--   * Writes are harmless if they run on the primary: they insert into audit
--     or kv, touch rows with no-op or impossible WHERE clauses, or use
--     IF [NOT] EXISTS / OR REPLACE; RENAME TABLE kv TO kv_tmp, kv_tmp TO kv is
--     a no-op. A few (delete/all, ddl/truncate, delete/order-limit) empty
--     audit, which no entry reads for its outcome.
-- @@
-- kind: select/one
SELECT 1
-- @@
-- kind: select/star
SELECT * FROM t
-- @@
-- kind: select/where-order
SELECT id, name FROM t WHERE v > 1 ORDER BY id DESC
-- @@
-- kind: select/is-null
SELECT * FROM t WHERE v IS NULL
-- @@
-- kind: select/null-safe
SELECT NULL <=> NULL, ISNULL(v), NULLIF(v, 1), v <=> 1 FROM t
-- @@
-- kind: select/distinct
SELECT DISTINCT status FROM orders
-- @@
-- kind: select/count-distinct
SELECT COUNT(DISTINCT customer_id), COUNT(*) FROM orders
-- @@
-- kind: select/aggregates
SELECT COUNT(*), SUM(v), AVG(v), MIN(created), MAX(created) FROM t
-- @@
-- kind: select/group-having
SELECT customer_id, COUNT(*) AS n, SUM(total) FROM orders
GROUP BY customer_id HAVING COUNT(*) >= 1 ORDER BY n DESC
-- @@
-- kind: select/having-alias
SELECT COUNT(*) AS n FROM t HAVING n > 0
-- @@
-- kind: select/group-rollup
SELECT status, SUM(total) FROM orders GROUP BY status WITH ROLLUP
-- @@
-- kind: select/group-expression
SELECT DATE_FORMAT(placed_at, '%Y-%m') AS month, COUNT(*) FROM orders GROUP BY month ORDER BY month
-- @@
-- kind: select/group-concat
SELECT order_id, GROUP_CONCAT(sku ORDER BY sku SEPARATOR ', ') FROM items GROUP BY order_id
-- @@
-- kind: select/limit
SELECT * FROM t ORDER BY id LIMIT 2
-- @@
-- kind: select/limit-offset
SELECT * FROM t ORDER BY id LIMIT 2 OFFSET 1
-- @@
-- kind: select/limit-comma
SELECT * FROM t ORDER BY id LIMIT 1, 2
-- @@
-- kind: select/offset-fetch
SELECT * FROM t ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY
-- @@
-- kind: select/fetch-with-ties
SELECT * FROM orders ORDER BY customer_id FETCH FIRST 1 ROWS WITH TIES
-- @@
-- kind: select/order-by-field
SELECT * FROM orders ORDER BY FIELD(status, 'new', 'paid', 'shipped', 'cancelled'), id
-- @@
-- kind: select/order-by-rand
SELECT id FROM t ORDER BY RAND() LIMIT 1
-- @@
-- kind: select/inner-join
SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
-- @@
-- kind: select/left-join
SELECT c.email, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id
-- @@
-- kind: select/right-join
SELECT c.email, o.id FROM orders o RIGHT OUTER JOIN customers c ON o.customer_id = c.id
-- @@
-- kind: select/three-way-join
SELECT c.email, o.id, i.sku, i.qty * i.price AS amount
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN items i ON i.order_id = o.id
ORDER BY amount DESC
-- @@
-- kind: select/join-using
SELECT * FROM orders JOIN items USING (id)
-- @@
-- kind: select/natural-join
SELECT * FROM t NATURAL JOIN v_t
-- @@
-- kind: select/straight-join
SELECT STRAIGHT_JOIN o.id, i.sku FROM orders o, items i WHERE i.order_id = o.id
-- @@
-- kind: select/cross-join
SELECT COUNT(*) FROM t CROSS JOIN customers
-- @@
-- kind: select/self-join
SELECT a.label, b.label AS child FROM tree a LEFT JOIN tree b ON b.parent_id = a.id
-- @@
-- kind: select/subquery-in
SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE status = 'paid')
-- @@
-- kind: select/subquery-scalar
SELECT id, (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) AS n FROM orders o
-- @@
-- kind: select/subquery-all-any
SELECT * FROM orders WHERE total >= ALL (SELECT total FROM orders) OR total < ANY (SELECT price FROM items)
-- @@
-- kind: select/row-constructor
SELECT * FROM t WHERE (id, v) IN ((1, 1), (2, 2))
-- @@
-- kind: select/exists
SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
-- @@
-- kind: select/not-exists
SELECT * FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'new')
-- @@
-- kind: select/exists-scalar
SELECT EXISTS (SELECT 1 FROM t WHERE id = 1) AS present
-- @@
-- kind: select/derived-table
SELECT x.customer_id, x.s FROM (SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id) AS x WHERE x.s > 10
-- @@
-- kind: select/cte
WITH paid AS (SELECT * FROM orders WHERE status = 'paid') SELECT COUNT(*) FROM paid
-- @@
-- kind: select/cte-multiple
WITH
  spend AS (SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id),
  top AS (SELECT customer_id FROM spend WHERE s > 20)
SELECT c.email FROM customers c JOIN top ON top.customer_id = c.id
-- @@
-- kind: select/cte-recursive
WITH RECURSIVE sub AS (
    SELECT id, label, 0 AS depth FROM tree WHERE parent_id IS NULL
    UNION ALL
    SELECT tr.id, tr.label, sub.depth + 1 FROM tree tr JOIN sub ON tr.parent_id = sub.id
)
SELECT * FROM sub ORDER BY depth, id
-- @@
-- kind: select/cte-recursive-series
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT SUM(i) FROM n
-- @@
-- kind: select/window-row-number
SELECT id, customer_id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY placed_at) AS rn FROM orders
-- @@
-- kind: select/window-running-sum
SELECT id, SUM(total) OVER (ORDER BY placed_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM orders
-- @@
-- kind: select/window-named
SELECT id, RANK() OVER w, DENSE_RANK() OVER w, PERCENT_RANK() OVER w FROM orders WINDOW w AS (ORDER BY total DESC)
-- @@
-- kind: select/window-lag-lead
SELECT id, LAG(total) OVER (ORDER BY id), LEAD(total, 1) OVER (ORDER BY id) FROM orders
-- @@
-- kind: select/window-ntile-first
SELECT id, NTILE(2) OVER (ORDER BY id), FIRST_VALUE(name) OVER (ORDER BY id) FROM t
-- @@
-- kind: select/window-median
SELECT DISTINCT MEDIAN(total) OVER () FROM orders
-- @@
-- kind: select/union
SELECT name FROM t UNION SELECT email FROM customers
-- @@
-- kind: select/union-all-order
SELECT id, 't' AS src FROM t UNION ALL SELECT id, 'o' FROM orders ORDER BY id, src LIMIT 5
-- @@
-- kind: select/intersect
SELECT customer_id FROM orders INTERSECT SELECT id FROM customers
-- @@
-- kind: select/except
SELECT id FROM customers EXCEPT SELECT customer_id FROM orders WHERE status = 'cancelled'
-- @@
-- kind: select/case
SELECT t.id, CASE WHEN v IS NULL THEN 'none' WHEN v < 3 THEN 'low' ELSE 'high' END AS bucket,
  CASE status WHEN 'paid' THEN 1 ELSE 0 END FROM t, orders WHERE orders.id = t.id
-- @@
-- kind: select/if-ifnull-coalesce
SELECT IF(v > 2, 'big', 'small'), IFNULL(v, 0), COALESCE(v, id, 0) FROM t
-- @@
-- kind: select/string-functions
SELECT CONCAT(name, '!'), CONCAT_WS('-', id, name), UPPER(name), SUBSTRING(name, 2, 3),
  REPLACE(name, 'a', 'A'), LPAD(id, 5, '0'), LENGTH(name), CHAR_LENGTH(name), LOCATE('l', name) FROM t
-- @@
-- kind: select/regexp
SELECT name, name REGEXP '^[a-d]', REGEXP_REPLACE(name, '[aeiou]', '_'), REGEXP_SUBSTR(name, 'l+') FROM t
-- @@
-- kind: select/like-escape
SELECT * FROM customers WHERE email LIKE '%@example.com' AND email NOT LIKE 'a\_%'
-- @@
-- kind: select/between-in
SELECT * FROM orders WHERE total BETWEEN 10 AND 50 AND status IN ('paid', 'new')
-- @@
-- kind: select/date-functions
SELECT DATE_FORMAT(created, '%Y-%m'), DATE_ADD(created, INTERVAL 1 DAY), DATEDIFF(NOW(), created),
  TIMESTAMPDIFF(HOUR, created, NOW()), CURDATE(), UNIX_TIMESTAMP(created), LAST_DAY(created) FROM t
-- @@
-- kind: select/interval-arith
SELECT created + INTERVAL 1 HOUR, created - INTERVAL '1:30' HOUR_MINUTE FROM t
-- @@
-- kind: select/date-literals
SELECT DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00', TIME '12:00', EXTRACT(YEAR FROM DATE '2024-05-01')
-- @@
-- kind: select/str-to-date
SELECT STR_TO_DATE('04/03/2024', '%d/%m/%Y'), FROM_UNIXTIME(0), CONVERT_TZ('2024-01-01 00:00:00', '+00:00', '+02:00')
-- @@
-- kind: select/now
SELECT NOW(), CURRENT_TIMESTAMP, SYSDATE(), UTC_TIMESTAMP(), NOW(6)
-- @@
-- kind: select/math
SELECT ROUND(2.567, 2), FLOOR(-1.5), CEIL(1.2), MOD(10, 3), 10 % 4, POW(2, 10), 7 DIV 2, ABS(-3), SQRT(16)
-- @@
-- kind: select/cast-convert
SELECT CAST('12' AS SIGNED), CAST(3.14159 AS DECIMAL(5, 2)), CAST(created AS DATE), CONVERT('abc' USING utf8mb4), CAST(1 AS CHAR) FROM t
-- @@
-- kind: select/json-extract
SELECT JSON_EXTRACT(data, '$.a'), JSON_UNQUOTE(JSON_EXTRACT(data, '$.tags[0]')) FROM t
-- @@
-- kind: select/json-arrow
SELECT data->'$.a', data->>'$.tags[0]' FROM t
-- @@
-- kind: select/json-functions
SELECT JSON_VALUE(data, '$.a'), JSON_QUERY(data, '$.tags'), JSON_LENGTH(data), JSON_KEYS(data),
  JSON_CONTAINS(data, '1', '$.a'), JSON_VALID(data), JSON_TYPE(data) FROM t WHERE data IS NOT NULL
-- @@
-- kind: select/json-search
SELECT id FROM t WHERE JSON_CONTAINS_PATH(data, 'one', '$.nested') OR JSON_SEARCH(data, 'one', 'x') IS NOT NULL
-- @@
-- kind: select/json-build
SELECT JSON_OBJECT('id', id, 'name', name), JSON_ARRAY(id, v) FROM t
-- @@
-- kind: select/json-agg
SELECT JSON_ARRAYAGG(name), JSON_OBJECTAGG(id, name) FROM t
-- @@
-- kind: select/json-table
SELECT t.id, jt.tag FROM t, JSON_TABLE(t.data, '$.tags[*]' COLUMNS (tag VARCHAR(10) PATH '$')) AS jt
-- @@
-- kind: select/view
SELECT * FROM v_t
-- @@
-- kind: select/view-join
SELECT v_t.name, o.total FROM v_t JOIN orders o ON o.id = v_t.id
-- @@
-- kind: select/f-read
SELECT f_read(1)
-- @@
-- kind: select/f-read-column
SELECT id, f_read(v) FROM t WHERE f_read(id) > 2
-- @@
-- kind: select/f-count
SELECT f_count()
-- @@
-- kind: select/no-from
SELECT 1 + 1, 'a', NULL, TRUE, 1.5e3
-- @@
-- kind: select/dual
SELECT 1 FROM DUAL
-- @@
-- kind: select/values
VALUES (1, 'a'), (2, 'b')
-- @@
-- kind: select/values-derived
SELECT * FROM (VALUES (1), (2), (3)) AS x
-- @@
-- kind: select/values-union
SELECT 1 UNION VALUES (2)
-- @@
-- kind: select/table-statement
TABLE t
-- @@
-- kind: select/information-schema-tables
SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('t', 'orders', 'v_t') ORDER BY table_name
-- @@
-- kind: select/information-schema-columns
SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position
-- @@
-- kind: select/information-schema-routines
SELECT routine_name, routine_type FROM information_schema.routines WHERE routine_name LIKE 'f\_%'
-- @@
-- kind: select/information-schema-fk
SELECT constraint_name, referenced_table_name FROM information_schema.key_column_usage WHERE referenced_table_name IS NOT NULL
-- @@
-- kind: select/information-schema-upper
SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA
-- @@
-- kind: select/mysql-schema-denied
SELECT user, host FROM mysql.user
-- @@
-- kind: select/index-hints
SELECT * FROM t FORCE INDEX (t_v) WHERE v > 0
-- @@
-- kind: select/use-ignore-index
SELECT * FROM t USE INDEX (t_v) JOIN orders IGNORE INDEX FOR JOIN (orders_status_placed) ON orders.id = t.id
-- @@
-- kind: select/modifiers
SELECT SQL_NO_CACHE SQL_BUFFER_RESULT HIGH_PRIORITY SQL_SMALL_RESULT * FROM t
-- @@
-- kind: select/procedure-analyse
SELECT id, v FROM t PROCEDURE ANALYSE()
-- @@
-- kind: select/sequence-as-table
SELECT * FROM seq1
-- @@
-- kind: select/uuid-rand
SELECT UUID(), RAND(), UUID_SHORT()
-- @@
-- kind: select/version-function
SELECT VERSION()
-- @@
-- kind: select/current-user
SELECT CURRENT_USER()
-- @@
-- kind: session/current-role
SELECT CURRENT_ROLE()
-- @@
-- kind: select/benchmark
SELECT BENCHMARK(10, MD5('x'))
-- @@
-- kind: select/sleep-zero
SELECT SLEEP(0)
-- @@
-- kind: select/hashes
SELECT MD5('a'), SHA2('a', 256), CRC32('a'), HEX('a'), TO_BASE64('a')
-- @@
-- kind: select/inet
SELECT INET_ATON('10.0.0.1'), INET_NTOA(167772161), INET6_NTOA(INET6_ATON('::1'))
-- @@
-- kind: select/charset-collation
SELECT 'a' COLLATE utf8mb4_bin = 'A', CHARSET('x'), COLLATION('x'), 'a' = 'A'
-- @@
-- kind: select/literals-binary
SELECT X'41', 0x42, b'1000011', 0b01, _utf8mb4'd', N'e', _binary'f'
-- @@
-- kind: select/utf8
SELECT 'héllo', '日本語', '😀' AS emoji, name FROM t WHERE name <> 'ü'
-- @@
-- kind: select/keyword-aliases
SELECT 1 AS `insert`, 2 AS `delete`, 3 AS `update`, id AS replace_me FROM t
-- @@
-- kind: select/write-words-in-strings
SELECT 'INSERT INTO t (name) VALUES (1)' AS s, 'UPDATE t SET v = 1' AS u, 'DROP TABLE t' AS d
-- @@
-- kind: select/lock-words-in-strings
SELECT 'FOR UPDATE' AS a, 'GET_LOCK(''x'', 0)' AS b, 'LOCK IN SHARE MODE' AS c
-- @@
-- kind: select/session-words-in-strings
SELECT 'LAST_INSERT_ID()' AS a, '@x' AS b, '@@version' AS c, 'SET @y = 1' AS d
-- @@
-- kind: select/missing-table
SELECT * FROM no_such_table
-- @@
-- kind: select/missing-column
SELECT no_such_column FROM t
-- @@
-- kind: select/syntax-error
SELEC 1
-- @@
-- kind: select/explain
EXPLAIN SELECT * FROM t WHERE v = 1
-- @@
-- kind: select/explain-format-json
EXPLAIN FORMAT=JSON SELECT * FROM orders JOIN items ON items.order_id = orders.id
-- @@
-- kind: select/explain-extended
EXPLAIN EXTENDED SELECT * FROM t
-- @@
-- kind: select/explain-partitions
EXPLAIN PARTITIONS SELECT * FROM t
-- @@
-- kind: select/desc-select
DESC SELECT * FROM t
-- @@
-- kind: select/analyze-select
ANALYZE SELECT * FROM t WHERE v > 1
-- @@
-- kind: select/analyze-format-json
ANALYZE FORMAT=JSON SELECT COUNT(*) FROM orders
-- @@
-- kind: explain/update
EXPLAIN UPDATE t SET v = 0 WHERE id = 1
-- @@
-- kind: explain/insert
EXPLAIN INSERT INTO audit (msg) VALUES ('x')
-- @@
-- kind: explain/delete
EXPLAIN DELETE FROM audit WHERE id = 1
-- @@
-- kind: explain/for-update
EXPLAIN SELECT * FROM t WHERE id = 1 FOR UPDATE
-- @@
-- kind: explain/analyze-update
ANALYZE UPDATE t SET v = v WHERE id = -1
-- @@
-- kind: explain/analyze-delete
ANALYZE DELETE FROM audit WHERE id = -1
-- @@
-- kind: lexical/lower-case
select id, name from t where id = 1
-- @@
-- kind: lexical/mixed-case
sElEcT CoUnT(*) FrOm t WhErE v Is NoT nUlL
-- @@
-- kind: lexical/leading-newlines


   
   SELECT id FROM t
-- @@
-- kind: lexical/tabs
SELECT	id,	name	FROM	t	WHERE	id	=	1
-- @@
-- kind: lexical/crlf
SELECT id,
  name
FROM t
WHERE id = 1
-- @@
-- kind: lexical/trailing-semicolon
SELECT 1;
-- @@
-- kind: lexical/trailing-semicolon-space
SELECT COUNT(*) FROM t ;  

-- @@
-- kind: lexical/double-semicolon
SELECT 1;;
-- @@
-- kind: lexical/parenthesized
(SELECT 1)
-- @@
-- kind: lexical/parenthesized-union
(SELECT id FROM t) UNION (SELECT id FROM orders) ORDER BY 1 LIMIT 3
-- @@
-- kind: lexical/no-space
SELECT(1)+(2),`id`FROM`t`
-- @@
-- kind: lexical/only-comment
/* nothing to run */
-- @@
-- kind: lexical/escaped-quote
SELECT 'it\'s', 'tab\there', 'back\\slash', 'nl\n', '%\_'
-- @@
-- kind: lexical/doubled-quote
SELECT 'it''s' AS q, name FROM t WHERE name = 'it''s'
-- @@
-- kind: lexical/double-quoted-string
SELECT "double", "it\"s", "a""b", "its"
-- @@
-- kind: lexical/backtick-ids
SELECT `id`, `name` FROM `t` WHERE `v` IS NOT NULL
-- @@
-- kind: lexical/backtick-weird
SELECT 1 AS `select; insert into t values (1)`, 2 AS `a``b`, 3 AS `-- x`
-- @@
-- kind: lexical/string-with-semicolon
SELECT 'a; DELETE FROM t; -- x' AS s, "b; DROP TABLE t" AS d
-- @@
-- kind: lexical/backslash-trap-lock
SELECT 'a\\', GET_LOCK('corpus', 0)
-- @@
-- kind: lexical/backslash-trap-string
SELECT 'a\', GET_LOCK(''corpus'', 0) ' AS s
-- @@
-- kind: lexical/double-quote-trap
SELECT "a', GET_LOCK('corpus', 0), '" AS s
-- @@
-- kind: lexical/backtick-trap
SELECT 1 AS `a', GET_LOCK('corpus', 0), '`
-- @@
-- kind: lexical/user-var-lookalike
SELECT * FROM customers WHERE email = 'ann@example.com'
-- @@
-- kind: lexical/qualified-names
SELECT t.id, `t`.`name`, o.`total` FROM t JOIN orders AS o ON o.id = t.id
-- @@
-- kind: comment/hash
# a hash comment; INSERT INTO t (name) VALUES ('x')
SELECT 1
-- @@
-- kind: comment/dash
-- leading comment; DELETE FROM t
SELECT 1
-- @@
-- kind: comment/block
/* DELETE FROM t; */ SELECT 1
-- @@
-- kind: comment/block-inline
SELECT /* UPDATE t SET v = 1 */ id FROM t
-- @@
-- kind: comment/block-multiline
/*
 * report query
 * INSERT INTO audit ...
 */
SELECT COUNT(*) FROM orders
-- @@
-- kind: comment/hash-trailing
SELECT 1 # trailing; DROP TABLE t
-- @@
-- kind: comment/dash-trailing
SELECT 1 -- ; DROP TABLE t
-- @@
-- kind: comment/dash-no-space
SELECT 1 --1
-- @@
-- kind: comment/dash-tab
SELECT 1 --	INSERT INTO t
, 2
-- @@
-- kind: comment/nested-looking
SELECT 1 /* outer /* inner */ AS x
-- @@
-- kind: comment/markers-in-strings
SELECT '#not a comment', '-- nor this', '/* nor this */', '/*! nor this */'
-- @@
-- kind: comment/optimizer-hint
SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t
-- @@
-- kind: comment/executable-select
/*!40101 SELECT 1 */
-- @@
-- kind: comment/executable-unversioned
SELECT 1 /*! + 1 */
-- @@
-- kind: comment/executable-lock
SELECT 1 /*!, GET_LOCK('corpus', 0) */
-- @@
-- kind: comment/executable-versioned-lock
SELECT 1 /*!50000 , GET_LOCK('corpus', 0) */
-- @@
-- kind: comment/executable-future-mysql
SELECT 1 /*!99999 , GET_LOCK('corpus', 0) */
-- @@
-- kind: comment/executable-mysql8
SELECT 1 /*!80000 , IS_FREE_LOCK('corpus') */
-- @@
-- kind: comment/executable-mysql57
SELECT 1 /*!50700 , IS_FREE_LOCK('corpus') */
-- @@
-- kind: comment/executable-mysql55
SELECT 1 /*!50500 , IS_FREE_LOCK('corpus') */
-- @@
-- kind: comment/executable-write
/*!50000 INSERT INTO audit (msg) VALUES ('hidden') */
-- @@
-- kind: comment/executable-f-write
SELECT 1 /*!, f_write() */
-- @@
-- kind: comment/executable-for-update
SELECT * FROM t WHERE id = 1 /*!50000 FOR UPDATE */
-- @@
-- kind: comment/mariadb-executable
SELECT 1 /*M!100100 , IS_FREE_LOCK('corpus') */
-- @@
-- kind: comment/mariadb-executable-unversioned
SELECT 1 /*M! , IS_USED_LOCK('corpus') */
-- @@
-- kind: comment/mariadb-executable-future
SELECT 1 /*M!999999 , GET_LOCK('corpus', 0) */
-- @@
-- kind: comment/mariadb-executable-write
/*M!100500 DELETE FROM audit WHERE id = -1 */
-- @@
-- kind: comment/mysqldump-set
/*!40101 SET NAMES utf8mb4 */
-- @@
-- kind: comment/mysqldump-save-var
/*!40101 SET @saved_sql_mode = @@sql_mode */
-- @@
-- kind: lock/for-update
SELECT * FROM t WHERE id = 1 FOR UPDATE
-- @@
-- kind: lock/for-update-lower
select * from t for update
-- @@
-- kind: lock/for-update-nowait
SELECT * FROM t WHERE id = 1 FOR UPDATE NOWAIT
-- @@
-- kind: lock/for-update-skip-locked
SELECT * FROM orders WHERE status = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
-- @@
-- kind: lock/for-update-wait
SELECT * FROM t WHERE id = 1 FOR UPDATE WAIT 1
-- @@
-- kind: lock/lock-in-share-mode
SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE
-- @@
-- kind: lock/lock-in-share-mode-nowait
SELECT * FROM t LOCK IN SHARE MODE NOWAIT
-- @@
-- kind: lock/for-share
SELECT * FROM t WHERE id = 1 FOR SHARE
-- @@
-- kind: lock/for-update-of
SELECT * FROM t JOIN orders ON orders.id = t.id FOR UPDATE OF t
-- @@
-- kind: lock/for-update-join
SELECT o.id, i.sku FROM orders o JOIN items i ON i.order_id = o.id WHERE o.id = 1 FOR UPDATE
-- @@
-- kind: lock/subquery-for-update
SELECT * FROM t WHERE id IN (SELECT order_id FROM items FOR UPDATE)
-- @@
-- kind: lock/derived-for-update
SELECT * FROM (SELECT * FROM t FOR UPDATE) AS x
-- @@
-- kind: lock/union-for-update
SELECT id FROM t UNION SELECT id FROM orders FOR UPDATE
-- @@
-- kind: lock/cte-for-update
WITH x AS (SELECT id FROM t) SELECT * FROM x FOR UPDATE
-- @@
-- kind: lock/no-table-for-update
SELECT 1 FOR UPDATE
-- @@
-- kind: lock/view-for-update
SELECT * FROM v_t WHERE id = 1 FOR UPDATE
-- @@
-- kind: lock/derived-outer-for-update
SELECT * FROM (SELECT id, v FROM t) AS x WHERE x.id = 1 FOR UPDATE
-- @@
-- kind: lock/information-schema-for-update
SELECT table_name FROM information_schema.tables WHERE table_name = 't' FOR UPDATE
-- @@
-- kind: lock/share-mode-skip-locked
SELECT * FROM orders LOCK IN SHARE MODE SKIP LOCKED
-- @@
-- kind: lock/share-mode-join
SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id LOCK IN SHARE MODE
-- @@
-- kind: lock/for-update-in-transaction
START TRANSACTION;
SELECT v FROM t WHERE id = 1 FOR UPDATE;
COMMIT
-- @@
-- kind: lock/tables-read
LOCK TABLES t READ
-- @@
-- kind: lock/tables-read-local
LOCK TABLES t READ LOCAL
-- @@
-- kind: lock/table-alias
LOCK TABLE t AS x READ
-- @@
-- kind: lock/tables-write
LOCK TABLES audit WRITE
-- @@
-- kind: lock/tables-read-unlock
LOCK TABLES t READ, orders AS o READ;
SELECT COUNT(*) FROM t;
UNLOCK TABLES
-- @@
-- kind: lock/unlock-tables
UNLOCK TABLES
-- @@
-- kind: lock/unlock-table-singular
UNLOCK TABLE
-- @@
-- kind: handler/open
HANDLER t OPEN
-- @@
-- kind: handler/open-read-close
HANDLER t OPEN AS h;
HANDLER h READ FIRST;
HANDLER h READ NEXT LIMIT 2;
HANDLER h CLOSE
-- @@
-- kind: handler/read-index
HANDLER orders OPEN;
HANDLER orders READ `PRIMARY` = (1);
HANDLER orders CLOSE
-- @@
-- kind: handler/read-unopened
HANDLER t READ FIRST
-- @@
-- kind: named-lock/get-lock
SELECT GET_LOCK('corpus', 0)
-- @@
-- kind: named-lock/get-lock-lower
select get_lock('corpus', 0) as got
-- @@
-- kind: named-lock/release-lock
SELECT RELEASE_LOCK('corpus')
-- @@
-- kind: named-lock/is-free
SELECT IS_FREE_LOCK('corpus')
-- @@
-- kind: named-lock/is-used
SELECT IS_USED_LOCK('corpus')
-- @@
-- kind: named-lock/release-all
SELECT RELEASE_ALL_LOCKS()
-- @@
-- kind: named-lock/get-and-release
SELECT GET_LOCK('corpus', 0), RELEASE_LOCK('corpus')
-- @@
-- kind: named-lock/do-get-lock
DO GET_LOCK('corpus', 0)
-- @@
-- kind: named-lock/do-release
DO RELEASE_LOCK('corpus')
-- @@
-- kind: named-lock/do-release-all
DO RELEASE_ALL_LOCKS()
-- @@
-- kind: named-lock/in-where
SELECT id FROM t WHERE GET_LOCK(CONCAT('row-', id), 0) = 1
-- @@
-- kind: named-lock/in-subquery
SELECT (SELECT GET_LOCK('corpus', 0)) AS g
-- @@
-- kind: named-lock/space-before-paren
SELECT GET_LOCK ('corpus', 0)
-- @@
-- kind: named-lock/backticked
SELECT `GET_LOCK`('corpus', 0)
-- @@
-- kind: named-lock/negative-timeout
SELECT GET_LOCK('corpus', -1)
-- @@
-- kind: session/last-insert-id
SELECT LAST_INSERT_ID()
-- @@
-- kind: session/last-insert-id-set
SELECT LAST_INSERT_ID(42)
-- @@
-- kind: session/last-insert-id-in-where
SELECT * FROM t WHERE id = LAST_INSERT_ID()
-- @@
-- kind: session/found-rows
SELECT FOUND_ROWS()
-- @@
-- kind: session/calc-found-rows
SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1
-- @@
-- kind: session/calc-found-rows-multi
SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 1;
SELECT FOUND_ROWS()
-- @@
-- kind: session/row-count
SELECT ROW_COUNT()
-- @@
-- kind: session/connection-id
SELECT CONNECTION_ID()
-- @@
-- kind: session/database
SELECT DATABASE()
-- @@
-- kind: session/do-sleep-zero
DO SLEEP(0)
-- @@
-- kind: session/do-one
DO 1
-- @@
-- kind: session/do-expression
DO (SELECT COUNT(*) FROM t)
-- @@
-- kind: var/set-user
SET @x = 1
-- @@
-- kind: var/set-user-colon
SET @x := 1, @y := 'a'
-- @@
-- kind: var/select-assign
SELECT @x := 5
-- @@
-- kind: var/select-read
SELECT @x
-- @@
-- kind: var/select-read-upper
SELECT @X IS NULL
-- @@
-- kind: var/select-into
SELECT COUNT(*) INTO @n FROM t
-- @@
-- kind: var/select-into-trailing
SELECT id, name FROM t WHERE id = 1 INTO @i, @nm
-- @@
-- kind: var/in-where
SELECT * FROM t WHERE id > @x
-- @@
-- kind: var/set-then-select
SET @a = 2;
SELECT * FROM t WHERE id = @a
-- @@
-- kind: var/row-number-idiom
SELECT @rn := @rn + 1 AS rn, name FROM t, (SELECT @rn := 0) AS r
-- @@
-- kind: var/quoted-names
SELECT @`my var`, @'x', @"y"
-- @@
-- kind: var/set-from-select
SET @total = (SELECT SUM(total) FROM orders)
-- @@
-- kind: sysvar/version
SELECT @@version
-- @@
-- kind: sysvar/read-only
SELECT @@read_only
-- @@
-- kind: sysvar/session-time-zone
SELECT @@session.time_zone
-- @@
-- kind: sysvar/global
SELECT @@global.max_connections
-- @@
-- kind: sysvar/several
SELECT @@autocommit, @@tx_isolation, @@in_transaction
-- @@
-- kind: sysvar/server-id
SELECT @@server_id, @@hostname
-- @@
-- kind: sysvar/gtid
SELECT @@gtid_current_pos, @@last_gtid
-- @@
-- kind: sysvar/identity
SELECT @@identity
-- @@
-- kind: sysvar/in-where
SELECT * FROM t WHERE v < @@max_connections
-- @@
-- kind: sysvar/spaced
SELECT @@ version_comment
-- @@
-- kind: set/session
SET SESSION sql_mode = 'STRICT_ALL_TABLES'
-- @@
-- kind: set/bare
SET sql_mode = ''
-- @@
-- kind: set/at-at-session
SET @@session.wait_timeout = 600
-- @@
-- kind: set/local
SET LOCAL max_statement_time = 10
-- @@
-- kind: set/global
SET GLOBAL max_connections = 200
-- @@
-- kind: set/global-at-at
SET @@global.slow_query_log = 0
-- @@
-- kind: set/names
SET NAMES utf8mb4
-- @@
-- kind: set/names-collate
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci
-- @@
-- kind: set/character-set
SET CHARACTER SET utf8mb4
-- @@
-- kind: set/time-zone
SET time_zone = '+00:00'
-- @@
-- kind: set/autocommit-off
SET autocommit = 0
-- @@
-- kind: set/transaction-isolation
SET TRANSACTION ISOLATION LEVEL READ COMMITTED
-- @@
-- kind: set/session-transaction-read-only
SET SESSION TRANSACTION READ ONLY
-- @@
-- kind: set/transaction-read-write
SET TRANSACTION READ WRITE
-- @@
-- kind: set/statement-for-select
SET STATEMENT max_statement_time = 5 FOR SELECT * FROM t
-- @@
-- kind: set/statement-for-insert
SET STATEMENT max_statement_time = 5 FOR INSERT INTO audit (msg) VALUES ('set stmt')
-- @@
-- kind: set/mixed
SET @a = 1, SESSION sql_select_limit = 10
-- @@
-- kind: set/role-none
SET ROLE NONE
-- @@
-- kind: set/insert-id
SET insert_id = 100
-- @@
-- kind: set/sql-log-bin
SET sql_log_bin = 0
-- @@
-- kind: set/foreign-key-checks
SET FOREIGN_KEY_CHECKS = 0
-- @@
-- kind: set/lower
set session net_read_timeout = 60
-- @@
-- kind: set/f-write
SET @r = f_write()
-- @@
-- kind: use/information-schema
USE information_schema
-- @@
-- kind: use/backtick
USE `information_schema`
-- @@
-- kind: use/missing
USE no_such_db
-- @@
-- kind: prepare/prepare
PREPARE s FROM 'SELECT * FROM t WHERE id = ?'
-- @@
-- kind: prepare/full-read
PREPARE s FROM 'SELECT * FROM t WHERE id = ?';
SET @id = 1;
EXECUTE s USING @id;
DEALLOCATE PREPARE s
-- @@
-- kind: prepare/full-write
PREPARE s FROM 'INSERT INTO audit (msg) VALUES (?)';
EXECUTE s USING 'prepared';
DEALLOCATE PREPARE s
-- @@
-- kind: prepare/prepare-write
PREPARE s FROM 'UPDATE t SET v = v WHERE id = -1'
-- @@
-- kind: prepare/execute-unknown
EXECUTE nope
-- @@
-- kind: prepare/deallocate-unknown
DEALLOCATE PREPARE nope
-- @@
-- kind: prepare/drop-prepare-unknown
DROP PREPARE nope
-- @@
-- kind: prepare/execute-immediate-read
EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM t'
-- @@
-- kind: prepare/execute-immediate-write
EXECUTE IMMEDIATE 'DELETE FROM audit WHERE id = -1'
-- @@
-- kind: tx/begin
BEGIN
-- @@
-- kind: tx/begin-work
BEGIN WORK
-- @@
-- kind: tx/start-transaction
START TRANSACTION
-- @@
-- kind: tx/start-read-only
START TRANSACTION READ ONLY
-- @@
-- kind: tx/start-read-write
START TRANSACTION READ WRITE
-- @@
-- kind: tx/start-consistent-snapshot
START TRANSACTION WITH CONSISTENT SNAPSHOT
-- @@
-- kind: tx/commit
COMMIT
-- @@
-- kind: tx/commit-work
COMMIT WORK
-- @@
-- kind: tx/rollback
ROLLBACK
-- @@
-- kind: tx/rollback-work
ROLLBACK WORK
-- @@
-- kind: tx/savepoint
SAVEPOINT sp1
-- @@
-- kind: tx/rollback-to-missing
ROLLBACK TO SAVEPOINT nope
-- @@
-- kind: tx/release-missing
RELEASE SAVEPOINT nope
-- @@
-- kind: tx/block-read
START TRANSACTION;
SELECT * FROM t;
COMMIT
-- @@
-- kind: tx/block-read-only
START TRANSACTION READ ONLY;
SELECT COUNT(*) FROM orders;
COMMIT
-- @@
-- kind: tx/block-write
START TRANSACTION;
UPDATE kv SET hits = hits + 1 WHERE k = 'mode';
COMMIT
-- @@
-- kind: tx/read-only-insert
START TRANSACTION READ ONLY;
INSERT INTO audit (msg) VALUES ('ro')
-- @@
-- kind: tx/read-only-f-write
START TRANSACTION READ ONLY;
SELECT f_write()
-- @@
-- kind: tx/savepoint-block
BEGIN;
SAVEPOINT a;
SELECT 1;
ROLLBACK TO SAVEPOINT a;
RELEASE SAVEPOINT a;
COMMIT
-- @@
-- kind: tx/commit-and-chain
BEGIN;
COMMIT AND CHAIN;
ROLLBACK AND NO CHAIN
-- @@
-- kind: tx/lowercase-block
begin; select 1; commit;
-- @@
-- kind: tx/xa-start
XA START 'corpus'
-- @@
-- kind: tx/xa-begin-end-rollback
XA BEGIN 'corpus';
SELECT COUNT(*) FROM t;
XA END 'corpus';
XA ROLLBACK 'corpus'
-- @@
-- kind: tx/xa-recover
XA RECOVER
-- @@
-- kind: insert/values
INSERT INTO t (name, v) VALUES ('new', 1)
-- @@
-- kind: insert/multi-row
INSERT INTO audit (msg) VALUES ('a'), ('b'), ('c')
-- @@
-- kind: insert/set-form
INSERT INTO kv SET k = 'set-form', val = 'y'
-- @@
-- kind: insert/no-column-list
INSERT INTO audit VALUES (NULL, 'no list', NOW())
-- @@
-- kind: insert/empty-values
INSERT INTO t VALUES ()
-- @@
-- kind: insert/select
INSERT INTO audit (msg) SELECT name FROM t WHERE name IS NOT NULL
-- @@
-- kind: insert/select-union
INSERT INTO audit (msg) SELECT 'x' UNION ALL SELECT 'y'
-- @@
-- kind: insert/ignore
INSERT IGNORE INTO kv (k, val) VALUES ('greeting', 'dup')
-- @@
-- kind: insert/on-duplicate
INSERT INTO kv (k, val) VALUES ('greeting', 'hi') ON DUPLICATE KEY UPDATE hits = hits + 1
-- @@
-- kind: insert/on-duplicate-values
INSERT INTO kv (k, val) VALUES ('mode', 'prod') ON DUPLICATE KEY UPDATE val = VALUES(val)
-- @@
-- kind: insert/returning
INSERT INTO audit (msg) VALUES ('r') RETURNING id, at
-- @@
-- kind: insert/select-returning
INSERT INTO audit (msg) SELECT 'rs' RETURNING id
-- @@
-- kind: insert/low-priority
INSERT LOW_PRIORITY INTO audit (msg) VALUES ('lp')
-- @@
-- kind: insert/delayed
INSERT DELAYED INTO audit (msg) VALUES ('delayed')
-- @@
-- kind: insert/lower-case
insert into audit (msg) values ('lc')
-- @@
-- kind: insert/into-view
INSERT INTO v_t (name, v) VALUES ('via view', 9)
-- @@
-- kind: insert/nextval
INSERT INTO audit (msg) VALUES (CONCAT('seq ', NEXT VALUE FOR seq1))
-- @@
-- kind: insert/with-cte
INSERT INTO audit (msg) WITH x AS (SELECT 'cte' AS m) SELECT m FROM x
-- @@
-- kind: insert/leading-comment
/* app: save */ INSERT INTO audit (msg) VALUES ('commented')
-- @@
-- kind: insert/into-missing-table
INSERT INTO no_such_table VALUES (1)
-- @@
-- kind: replace/values
REPLACE INTO kv (k, val) VALUES ('mode', 'prod')
-- @@
-- kind: replace/select
REPLACE INTO kv (k, val) SELECT CONCAT('t-', id), name FROM t
-- @@
-- kind: replace/returning
REPLACE INTO kv (k, val) VALUES ('r', 'x') RETURNING k, val
-- @@
-- kind: replace/set-form
REPLACE kv SET k = 'rs', val = 'v'
-- @@
-- kind: update/simple
UPDATE t SET v = v + 1 WHERE id = 1
-- @@
-- kind: update/no-rows
UPDATE t SET v = 0 WHERE 1 = 0
-- @@
-- kind: update/order-limit
UPDATE audit SET msg = 'last' ORDER BY id DESC LIMIT 1
-- @@
-- kind: update/multi-table-join
UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.total = o.total WHERE c.country = 'DE'
-- @@
-- kind: update/multi-table-comma
UPDATE orders, items SET items.qty = items.qty WHERE items.order_id = orders.id AND orders.id = 1
-- @@
-- kind: update/subquery
UPDATE kv SET hits = (SELECT COUNT(*) FROM t) WHERE k = 'mode'
-- @@
-- kind: update/ignore
UPDATE IGNORE t SET name = 'alpha' WHERE id = 2
-- @@
-- kind: update/json-set
UPDATE t SET data = JSON_SET(COALESCE(data, '{}'), '$.touched', TRUE) WHERE id = 1
-- @@
-- kind: update/low-priority-lower
update low_priority kv set hits = 0 where k = 'nope'
-- @@
-- kind: update/with-cte
WITH x AS (SELECT 1 AS id) UPDATE t JOIN x USING (id) SET t.v = t.v
-- @@
-- kind: update/view
UPDATE v_t SET v = v WHERE id = 1
-- @@
-- kind: delete/simple
DELETE FROM audit WHERE id = -1
-- @@
-- kind: delete/all
DELETE FROM audit
-- @@
-- kind: delete/order-limit
DELETE FROM audit ORDER BY id LIMIT 1
-- @@
-- kind: delete/returning
DELETE FROM audit WHERE id = -1 RETURNING id, msg
-- @@
-- kind: delete/multi-table
DELETE i FROM items i JOIN orders o ON o.id = i.order_id WHERE o.status = 'nope'
-- @@
-- kind: delete/multi-table-using
DELETE FROM i USING items AS i JOIN orders AS o ON o.id = i.order_id WHERE o.id = -1
-- @@
-- kind: delete/multi-target
DELETE o, i FROM orders o JOIN items i ON i.order_id = o.id WHERE o.id = -1
-- @@
-- kind: delete/quick-ignore
DELETE LOW_PRIORITY QUICK IGNORE FROM audit WHERE id = -1
-- @@
-- kind: delete/subquery
DELETE FROM kv WHERE k IN (SELECT name FROM t WHERE v = -1)
-- @@
-- kind: load/data-infile
LOAD DATA INFILE '/tmp/corpus-none.csv' INTO TABLE audit FIELDS TERMINATED BY ',' (msg)
-- @@
-- kind: load/data-infile-replace
LOAD DATA INFILE '/tmp/corpus-none.csv' REPLACE INTO TABLE kv
-- @@
-- kind: load/xml
LOAD XML INFILE '/tmp/corpus-none.xml' INTO TABLE audit
-- @@
-- kind: outfile/select-into-outfile
SELECT * FROM t INTO OUTFILE '/tmp/corpus-out.csv'
-- @@
-- kind: outfile/select-into-dumpfile
SELECT name FROM t LIMIT 1 INTO DUMPFILE '/tmp/corpus-out.bin'
-- @@
-- kind: outfile/outfile-before-from
SELECT id INTO OUTFILE '/tmp/corpus-out2.csv' FIELDS TERMINATED BY ',' FROM t
-- @@
-- kind: call/p-read
CALL p_read()
-- @@
-- kind: call/p-read-no-parens
CALL p_read
-- @@
-- kind: call/p-read-arg
CALL p_read_arg(3, @n)
-- @@
-- kind: call/p-read-arg-then-select
CALL p_read_arg(3, @n);
SELECT @n
-- @@
-- kind: call/p-write
CALL p_write()
-- @@
-- kind: call/p-write-lower
call p_write
-- @@
-- kind: call/missing
CALL p_nope()
-- @@
-- kind: func/f-write
SELECT f_write()
-- @@
-- kind: func/f-write-where-false
SELECT f_write() FROM t WHERE 1 = 0
-- @@
-- kind: func/f-write-in-where
SELECT * FROM t WHERE f_write() = 1
-- @@
-- kind: func/f-write-alias
SELECT id, f_write() AS w FROM t WHERE id = 1
-- @@
-- kind: func/do-f-write
DO f_write()
-- @@
-- kind: func/f-write-in-subquery
SELECT (SELECT f_write()) AS w
-- @@
-- kind: func/missing
SELECT f_nope()
-- @@
-- kind: seq/next-value-for
SELECT NEXT VALUE FOR seq1
-- @@
-- kind: seq/nextval
SELECT NEXTVAL(seq1)
-- @@
-- kind: seq/nextval-lower
select nextval(seq1) as id
-- @@
-- kind: seq/lastval
SELECT LASTVAL(seq1)
-- @@
-- kind: seq/previous-value-for
SELECT PREVIOUS VALUE FOR seq1
-- @@
-- kind: seq/setval
SELECT SETVAL(seq1, 100)
-- @@
-- kind: seq/oracle-syntax
SELECT seq1.nextval
-- @@
-- kind: seq/alter
ALTER SEQUENCE seq1 RESTART WITH 1
-- @@
-- kind: seq/create
CREATE SEQUENCE IF NOT EXISTS seq_corpus
-- @@
-- kind: seq/drop-if-exists
DROP SEQUENCE IF EXISTS seq_nope
-- @@
-- kind: seq/create-temporary
CREATE TEMPORARY SEQUENCE seq_tmp
-- @@
-- kind: ddl/create-table
CREATE TABLE corpus_new (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB
-- @@
-- kind: ddl/create-table-if-not-exists-existing
CREATE TABLE IF NOT EXISTS t (id INT)
-- @@
-- kind: ddl/create-table-like
CREATE TABLE IF NOT EXISTS t_copy LIKE t
-- @@
-- kind: ddl/create-table-as-select
CREATE TABLE IF NOT EXISTS t_ctas AS SELECT * FROM t
-- @@
-- kind: ddl/create-or-replace-table
CREATE OR REPLACE TABLE corpus_scratch (id INT)
-- @@
-- kind: ddl/alter-add-column
ALTER TABLE audit ADD COLUMN IF NOT EXISTS extra INT
-- @@
-- kind: ddl/alter-comment
ALTER TABLE audit COMMENT = 'audit log'
-- @@
-- kind: ddl/alter-add-index
ALTER TABLE orders ADD INDEX IF NOT EXISTS orders_total (total)
-- @@
-- kind: ddl/alter-algorithm
ALTER TABLE kv ALGORITHM=INPLACE, LOCK=NONE, ADD INDEX IF NOT EXISTS kv_hits (hits)
-- @@
-- kind: ddl/create-index
CREATE INDEX IF NOT EXISTS items_sku ON items (sku)
-- @@
-- kind: ddl/create-unique-index
CREATE UNIQUE INDEX IF NOT EXISTS customers_email2 ON customers (email)
-- @@
-- kind: ddl/drop-index
DROP INDEX IF EXISTS no_such_index ON t
-- @@
-- kind: ddl/drop-table-if-exists
DROP TABLE IF EXISTS no_such_table
-- @@
-- kind: ddl/drop-table-missing
DROP TABLE no_such_table
-- @@
-- kind: ddl/create-view
CREATE VIEW v_new AS SELECT 1 AS one
-- @@
-- kind: ddl/create-or-replace-view
CREATE OR REPLACE VIEW v_t AS SELECT id, name, v FROM t WHERE v IS NOT NULL
-- @@
-- kind: ddl/alter-view
ALTER VIEW v_t AS SELECT id, name, v FROM t WHERE v IS NOT NULL
-- @@
-- kind: ddl/drop-view-if-exists
DROP VIEW IF EXISTS v_nope
-- @@
-- kind: ddl/truncate
TRUNCATE TABLE audit
-- @@
-- kind: ddl/truncate-short
truncate audit
-- @@
-- kind: ddl/rename-table
RENAME TABLE kv TO kv_tmp, kv_tmp TO kv
-- @@
-- kind: ddl/alter-rename
ALTER TABLE IF EXISTS no_such_table RENAME TO no_such_table2
-- @@
-- kind: ddl/create-database
CREATE DATABASE corpus_nope
-- @@
-- kind: ddl/drop-database
DROP DATABASE IF EXISTS corpus_nope
-- @@
-- kind: ddl/create-function
CREATE FUNCTION IF NOT EXISTS f_new() RETURNS INT DETERMINISTIC RETURN 1
-- @@
-- kind: ddl/create-procedure
CREATE OR REPLACE PROCEDURE p_new() SELECT 1
-- @@
-- kind: ddl/drop-procedure-if-exists
DROP PROCEDURE IF EXISTS p_nope
-- @@
-- kind: ddl/drop-function-if-exists
DROP FUNCTION IF EXISTS f_nope
-- @@
-- kind: ddl/create-trigger
CREATE TRIGGER IF NOT EXISTS kv_bu BEFORE UPDATE ON kv FOR EACH ROW SET NEW.hits = NEW.hits + 1
-- @@
-- kind: ddl/create-event
CREATE EVENT IF NOT EXISTS ev_corpus ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit WHERE id = -1
-- @@
-- kind: ddl/leading-comment
/* migration 42 */
ALTER TABLE audit COMMENT = 'm42'
-- @@
-- kind: ddl/analyze-persistent
ANALYZE TABLE t PERSISTENT FOR ALL
-- @@
-- kind: temp/create
CREATE TEMPORARY TABLE tmp_corpus (id INT PRIMARY KEY, note TEXT)
-- @@
-- kind: temp/create-select
CREATE TEMPORARY TABLE tmp_corpus AS SELECT id, name FROM t
-- @@
-- kind: temp/create-like
CREATE TEMPORARY TABLE tmp_corpus LIKE orders
-- @@
-- kind: temp/create-if-not-exists
CREATE TEMPORARY TABLE IF NOT EXISTS tmp_corpus (id INT)
-- @@
-- kind: temp/create-or-replace
CREATE OR REPLACE TEMPORARY TABLE tmp_corpus (id INT)
-- @@
-- kind: temp/drop-if-exists
DROP TEMPORARY TABLE IF EXISTS tmp_corpus
-- @@
-- kind: temp/drop-missing
DROP TEMPORARY TABLE tmp_nope
-- @@
-- kind: temp/full-cycle
CREATE TEMPORARY TABLE tmp_corpus (id INT);
INSERT INTO tmp_corpus VALUES (1), (2);
UPDATE tmp_corpus SET id = id + 10;
DELETE FROM tmp_corpus WHERE id = 11;
SELECT * FROM tmp_corpus;
DROP TEMPORARY TABLE tmp_corpus
-- @@
-- kind: temp/shadow-real
CREATE TEMPORARY TABLE t (id INT);
INSERT INTO t VALUES (1);
SELECT * FROM t
-- @@
-- kind: temp/join-real
CREATE TEMPORARY TABLE ids (id INT);
INSERT INTO ids SELECT id FROM t WHERE v > 1;
SELECT t.* FROM t JOIN ids USING (id)
-- @@
-- kind: temp/update-real-from-temp
CREATE TEMPORARY TABLE ids (id INT);
UPDATE t JOIN ids USING (id) SET t.v = 0
-- @@
-- kind: temp/drop-table-on-temp
CREATE TEMPORARY TABLE tmp_corpus (id INT);
DROP TABLE tmp_corpus
-- @@
-- kind: temp/alter-temp
CREATE TEMPORARY TABLE tmp_corpus (id INT);
ALTER TABLE tmp_corpus ADD COLUMN x INT
-- @@
-- kind: temp/truncate-temp
CREATE TEMPORARY TABLE tmp_corpus (id INT);
TRUNCATE TABLE tmp_corpus
-- @@
-- kind: temp/index-temp
CREATE TEMPORARY TABLE tmp_corpus (id INT);
CREATE INDEX tmp_id ON tmp_corpus (id)
-- @@
-- kind: admin/analyze-table
ANALYZE TABLE t
-- @@
-- kind: admin/analyze-local
ANALYZE LOCAL TABLE t, orders
-- @@
-- kind: admin/optimize-table
OPTIMIZE TABLE audit
-- @@
-- kind: admin/repair-table
REPAIR TABLE audit
-- @@
-- kind: admin/check-table
CHECK TABLE t
-- @@
-- kind: admin/checksum-table
CHECKSUM TABLE t, orders
-- @@
-- kind: admin/flush-tables
FLUSH TABLES
-- @@
-- kind: admin/flush-privileges
FLUSH PRIVILEGES
-- @@
-- kind: admin/flush-tables-read-lock
FLUSH TABLES t WITH READ LOCK
-- @@
-- kind: admin/flush-no-write-to-binlog
FLUSH NO_WRITE_TO_BINLOG STATUS
-- @@
-- kind: admin/kill-query
KILL QUERY 999999
-- @@
-- kind: admin/purge-binary-logs
PURGE BINARY LOGS BEFORE '2000-01-01 00:00:00'
-- @@
-- kind: admin/grant
GRANT SELECT ON t TO 'sqlx_rw'@'%'
-- @@
-- kind: admin/create-user
CREATE USER 'corpus_u'@'%' IDENTIFIED BY 'x'
-- @@
-- kind: admin/backup-stage
BACKUP STAGE START
-- @@
-- kind: admin/reset-query-cache
RESET QUERY CACHE
-- @@
-- kind: admin/stop-slave
STOP SLAVE
-- @@
-- kind: admin/help
HELP 'SELECT'
-- @@
-- kind: admin/cache-index
CACHE INDEX t IN hot_cache
-- @@
-- kind: show/tables
SHOW TABLES
-- @@
-- kind: show/full-tables
SHOW FULL TABLES WHERE Table_type = 'VIEW'
-- @@
-- kind: show/tables-lower
show tables like 'o%'
-- @@
-- kind: show/variables-like
SHOW VARIABLES LIKE 'read_only'
-- @@
-- kind: show/session-variables-where
SHOW SESSION VARIABLES WHERE Variable_name IN ('autocommit', 'time_zone')
-- @@
-- kind: show/global-status
SHOW GLOBAL STATUS LIKE 'Threads_%'
-- @@
-- kind: show/create-table
SHOW CREATE TABLE t
-- @@
-- kind: show/create-view
SHOW CREATE VIEW v_t
-- @@
-- kind: show/create-procedure
SHOW CREATE PROCEDURE p_read
-- @@
-- kind: show/create-function
SHOW CREATE FUNCTION f_write
-- @@
-- kind: show/create-sequence
SHOW CREATE SEQUENCE seq1
-- @@
-- kind: show/columns
SHOW COLUMNS FROM t
-- @@
-- kind: show/full-columns
SHOW FULL COLUMNS FROM orders LIKE 's%'
-- @@
-- kind: show/index
SHOW INDEX FROM orders
-- @@
-- kind: show/table-status
SHOW TABLE STATUS LIKE 't'
-- @@
-- kind: show/databases
SHOW DATABASES
-- @@
-- kind: show/processlist
SHOW PROCESSLIST
-- @@
-- kind: show/warnings
SHOW WARNINGS
-- @@
-- kind: show/errors
SHOW ERRORS
-- @@
-- kind: show/count-warnings
SHOW COUNT(*) WARNINGS
-- @@
-- kind: show/grants
SHOW GRANTS
-- @@
-- kind: show/slave-status
SHOW SLAVE STATUS
-- @@
-- kind: show/replica-status
SHOW REPLICA STATUS
-- @@
-- kind: show/master-status
SHOW MASTER STATUS
-- @@
-- kind: show/binary-logs
SHOW BINARY LOGS
-- @@
-- kind: show/engine-innodb-status
SHOW ENGINE INNODB STATUS
-- @@
-- kind: show/character-set
SHOW CHARACTER SET LIKE 'utf8%'
-- @@
-- kind: show/collation
SHOW COLLATION WHERE Charset = 'utf8mb4' AND `Default` = 'Yes'
-- @@
-- kind: show/triggers
SHOW TRIGGERS
-- @@
-- kind: show/open-tables
SHOW OPEN TABLES
-- @@
-- kind: show/procedure-status
SHOW PROCEDURE STATUS WHERE Name LIKE 'p\_%'
-- @@
-- kind: show/privileges
SHOW PRIVILEGES
-- @@
-- kind: show/engines
SHOW ENGINES
-- @@
-- kind: show/status-like
SHOW STATUS LIKE 'Com_select'
-- @@
-- kind: describe/table
DESCRIBE t
-- @@
-- kind: describe/desc-column
DESC t id
-- @@
-- kind: describe/explain-table
EXPLAIN orders
-- @@
-- kind: multi/two-reads
SELECT 1; SELECT COUNT(*) FROM t
-- @@
-- kind: multi/three-reads-lines
SELECT id FROM t WHERE id = 1;
SELECT * FROM orders WHERE id = 2;
SELECT name FROM v_t
-- @@
-- kind: multi/reads-with-comments
SELECT 1; -- INSERT INTO t
SELECT 2; /* DELETE FROM t; */ SELECT 3
-- @@
-- kind: multi/read-strings-semicolons
SELECT ';'; SELECT 'a;b', "c;d"
-- @@
-- kind: multi/read-then-write
SELECT * FROM t;
INSERT INTO audit (msg) VALUES ('m')
-- @@
-- kind: multi/write-then-read
UPDATE kv SET hits = hits + 1 WHERE k = 'mode';
SELECT hits FROM kv WHERE k = 'mode'
-- @@
-- kind: multi/read-then-lock
SELECT * FROM t; SELECT GET_LOCK('corpus', 0)
-- @@
-- kind: multi/read-then-set
SELECT 1; SET @x = 1
-- @@
-- kind: multi/set-names-then-read
SET NAMES utf8mb4; SELECT * FROM t
-- @@
-- kind: multi/read-then-ddl
SELECT 1; CREATE TABLE IF NOT EXISTS multi_new (id INT)
-- @@
-- kind: multi/read-then-error
SELECT 1; SELECT * FROM no_such_table
-- @@
-- kind: multi/error-then-read
SELECT * FROM no_such_table; SELECT 1
-- @@
-- kind: multi/read-then-call-write
SELECT 1; CALL p_write()
-- @@
-- kind: multi/read-then-f-write
SELECT COUNT(*) FROM t; SELECT f_write()
-- @@
-- kind: multi/read-then-for-update
SELECT 1; SELECT * FROM t WHERE id = 1 FOR UPDATE
-- @@
-- kind: multi/read-then-temp
SELECT 1; CREATE TEMPORARY TABLE tmp_multi (id INT)
-- @@
-- kind: multi/show-then-select
SHOW TABLES; SELECT COUNT(*) FROM t
-- @@
-- kind: multi/explain-then-select
EXPLAIN SELECT * FROM t; SELECT * FROM t
-- @@
-- kind: multi/call-read-then-select
CALL p_read(); SELECT 1
-- @@
-- kind: multi/read-then-last-insert-id
SELECT 1; SELECT LAST_INSERT_ID()
-- @@
-- kind: multi/insert-then-last-insert-id
INSERT INTO audit (msg) VALUES ('x'); SELECT LAST_INSERT_ID()
-- @@
-- kind: multi/read-with-executable-write
SELECT 1; /*!40000 DELETE FROM audit WHERE id = -1 */
-- @@
-- kind: multi/final-trailing-comment
SELECT 1;
SELECT 2 -- trailing comment
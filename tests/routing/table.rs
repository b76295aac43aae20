//! `docs/routing.md` is the routing table users read; this test keeps it true. For every row it
//! checks `route_of` against the documented route and reason, then runs the example on a fresh
//! database and checks, from the pool's counters, which connection really ran it.

use crate::common;

use sqlx::AssertSqlSafe;
use sqlx_rw::{Reason, RwErrorKind, Target};

const SCHEMA: &str = "
    CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER DEFAULT 0);
    INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b');
    CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id));
    CREATE INDEX t_v ON t(v);
    CREATE VIEW tv AS SELECT id, v FROM t;";

struct Row {
    kind: String,
    sql: String,
    target: Target,
    why: String,
}

fn table() -> Vec<Row> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/routing.md"))
        .expect("docs/routing.md");
    let mut lines = doc
        .lines()
        .skip_while(|l| !l.starts_with("| Statement kind |"))
        .skip(2);
    let mut rows = Vec::new();
    while let Some(line) = lines.next().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [kind, example, route, why] = cells[..] else {
            panic!("routing table row needs four cells: {line}")
        };
        let sql = example.strip_prefix('`').and_then(|s| s.strip_suffix('`'));
        let sql = sql.unwrap_or_else(|| panic!("example must be `code`: {line}"));
        let target = match route {
            "reader" => Target::Reader,
            "writer" => Target::Writer,
            other => panic!("route must be reader or writer, not {other:?}"),
        };
        rows.push(Row {
            kind: kind.to_owned(),
            sql: sql.replace("\\n", "\n"),
            target,
            why: why.to_owned(),
        });
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_routing_table_holds() {
    let rows = table();
    assert!(rows.len() >= 60, "the table has {} rows", rows.len());
    // Examples such as VACUUM INTO write files relative to the working directory.
    let scratch = tempfile::tempdir().unwrap();
    std::env::set_current_dir(scratch.path()).unwrap();

    let mut failures = Vec::new();
    for row in &rows {
        let (_dir, pool) = common::file_pool().await;
        sqlx::raw_sql(SCHEMA).execute(&pool).await.unwrap();

        let route = pool.route_of(&row.sql);
        if route.target() != row.target || route.reason().describe() != row.why {
            failures.push(format!(
                "{}: route_of says {route}, table says {:?}: {}",
                row.kind, row.target, row.why
            ));
            continue;
        }

        let before = pool.stats();
        let result = sqlx::raw_sql(AssertSqlSafe(row.sql.clone()))
            .execute(&pool)
            .await;
        let after = pool.stats();
        if matches!(route.reason(), Reason::Refused | Reason::Empty) {
            // Rejected before it reaches any connection.
            let rejected = result.as_ref().err().and_then(common::rw_kind);
            let ran = after.reader_statements + after.writer_statements + after.pinned_statements
                != before.reader_statements + before.writer_statements + before.pinned_statements;
            if rejected != Some(RwErrorKind::Rejected) || ran {
                failures.push(format!("{}: not rejected cleanly: {result:?}", row.kind));
            }
            continue;
        }
        let on_reader = after.reader_statements - before.reader_statements;
        let on_writer = (after.writer_statements - before.writer_statements)
            + (after.pinned_statements - before.pinned_statements);
        let observed = match (on_reader, on_writer) {
            (1, 0) => Target::Reader,
            (0, 1) => Target::Writer,
            other => {
                failures.push(format!(
                    "{}: ran on (readers, writer) = {other:?}",
                    row.kind
                ));
                continue;
            }
        };
        if observed != row.target || after.healed != 0 {
            failures.push(format!(
                "{}: ran on {observed:?} (healed {})",
                row.kind, after.healed
            ));
        }
        // A reader can only run what it was sent if the verdict was right; the writer may
        // reject an example (COMMIT with no transaction open) and still prove the route.
        if let (Target::Reader, Err(e)) = (row.target, &result) {
            failures.push(format!("{}: failed on a reader: {e}", row.kind));
        }
    }
    assert!(
        failures.is_empty(),
        "routing table rows that do not hold:\n{}",
        failures.join("\n")
    );
}

//! SQLite is the judge: for every statement of a corpus covering SQLite's grammar, and for
//! generated ones, our route is compared with `sqlite3_stmt_readonly`, SQLite's own verdict on
//! whether a prepared statement can write.
//!
//! The rule: nothing SQLite says writes may be routed to a reader (zero tolerance). A statement
//! SQLite calls read-only may go to the writer only for a documented reason (transaction
//! control, connection state, TEMP objects, pragmas kept on the writer, ATTACH/DETACH, or
//! SQL that could not be parsed or proven by the scan). The counts are kept in
//! `docs/routing.md`; `SQLX_RW_BLESS=1 cargo test --test differential` rewrites them.

use crate::common;

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use libsqlite3_sys as ffi;
use sqlx_rw::{Reason, SqliteRwPool, Target};

const SCHEMA: &str = "
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER DEFAULT 0, j TEXT);
CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id), note TEXT);
CREATE TABLE kv (k TEXT PRIMARY KEY, val BLOB) WITHOUT ROWID;
CREATE INDEX t_v ON t(v);
CREATE VIEW tv AS SELECT id, v FROM t;
CREATE VIRTUAL TABLE docs USING fts5(title, body);
CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN INSERT INTO u (t_id, note) VALUES (new.id, 'updated'); END;
INSERT INTO t (id, v, n, j) VALUES (1, 'a', 1, '{\"x\": 1}'), (2, 'b', 2, '[1,2]');
INSERT INTO docs VALUES ('hello', 'hello world');";

/// Reasons that may send a statement SQLite calls read-only to the writer, and why.
fn documented(reason: Reason) -> Option<&'static str> {
    Some(match reason {
        Reason::Transaction => "transaction control must reach the writer to pin it",
        Reason::Maintenance => "ATTACH/DETACH change the writer connection's configuration",
        Reason::ConnectionState => "last_insert_rowid()/changes() must read the writer",
        Reason::TempObject => "TEMP objects exist on the writer connection only",
        Reason::WriterSetting | Reason::SessionSetting | Reason::Refused => {
            "pragmas that act, or read or set per-connection state, stay on the writer"
        }
        Reason::Unparseable | Reason::TooLarge => "not parsed and not provable by the scan",
        Reason::MixedBatch => "a batch with a statement that is not a read",
        Reason::Schema => {
            "schema statements go to the writer; a no-op one (IF EXISTS) is read-only"
        }
        Reason::Empty => "nothing to run",
        _ => return None,
    })
}

/// A connection straight to SQLite, to ask it about statements without running them.
struct Judge(*mut ffi::sqlite3);

impl Judge {
    fn new() -> Judge {
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_URI;
        // SAFETY: valid C string and out-pointer; the handle is closed in Drop.
        let rc = unsafe { ffi::sqlite3_open_v2(c":memory:".as_ptr(), &mut db, flags, ptr::null()) };
        assert_eq!(rc, ffi::SQLITE_OK);
        let judge = Judge(db);
        let schema = std::ffi::CString::new(SCHEMA).unwrap();
        // SAFETY: open handle, NUL-terminated SQL, no callback.
        let rc = unsafe {
            ffi::sqlite3_exec(db, schema.as_ptr(), None, ptr::null_mut(), ptr::null_mut())
        };
        assert_eq!(rc, ffi::SQLITE_OK, "schema: {}", judge.error());
        judge
    }

    fn error(&self) -> String {
        // SAFETY: open handle; sqlite3_errmsg returns a NUL-terminated string it owns.
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }
            .to_string_lossy()
            .into_owned()
    }

    /// `Ok(true)` if any statement in `sql` may write, per `sqlite3_stmt_readonly`;
    /// `Err` if SQLite cannot prepare it.
    fn writes(&self, sql: &str) -> Result<bool, String> {
        let mut writes = false;
        let mut rest = sql.as_bytes();
        while !rest.is_empty() {
            let mut stmt = ptr::null_mut();
            let mut tail: *const c_char = ptr::null();
            // SAFETY: `rest` is valid for its length; prepare reads at most that many bytes and
            // sets `tail` inside it.
            let rc = unsafe {
                ffi::sqlite3_prepare_v2(
                    self.0,
                    rest.as_ptr().cast(),
                    rest.len() as c_int,
                    &mut stmt,
                    &mut tail,
                )
            };
            if rc != ffi::SQLITE_OK {
                return Err(self.error());
            }
            if !stmt.is_null() {
                // SAFETY: a statement just prepared on this handle, finalized right after.
                unsafe {
                    writes |= ffi::sqlite3_stmt_readonly(stmt) == 0;
                    ffi::sqlite3_finalize(stmt);
                }
            }
            // SAFETY: tail points into `rest` (or at its end).
            let consumed = unsafe { tail.cast::<u8>().offset_from(rest.as_ptr()) } as usize;
            if consumed == 0 {
                break;
            }
            rest = &rest[consumed..];
        }
        Ok(writes)
    }
}

impl Drop for Judge {
    fn drop(&mut self) {
        // SAFETY: the handle is open and every statement was finalized.
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/statements.sql"
    ))
    .expect("tests/corpus/statements.sql");
    text.split("\n-- @@\n")
        .skip(1)
        .map(|entry| {
            let kind = entry
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("-- kind: "))
                .unwrap_or("untagged")
                .to_owned();
            (kind, entry.to_owned())
        })
        .filter(|(_, sql)| !sql.trim().is_empty())
        .collect()
}

#[derive(Default)]
struct Tally {
    statements: usize,
    unpreparable: Vec<String>,
    read_to_reader: usize,
    write_to_writer: usize,
    write_to_reader: Vec<String>,
    read_to_writer: BTreeMap<&'static str, usize>,
    undocumented: Vec<String>,
}

impl Tally {
    fn judge(&mut self, judge: &Judge, pool: &SqliteRwPool, label: &str, sql: &str) {
        self.statements += 1;
        let writes = match judge.writes(sql) {
            Ok(writes) => writes,
            Err(e) => {
                self.unpreparable.push(format!("{label}: {e}: {sql}"));
                return;
            }
        };
        let route = pool.route_of(sql);
        match (writes, route.target()) {
            (false, Target::Reader) => self.read_to_reader += 1,
            (true, Target::Writer) => self.write_to_writer += 1,
            (true, Target::Reader) => self
                .write_to_reader
                .push(format!("{label}: {route}: {sql}")),
            (false, Target::Writer) => {
                let reason = route.reason();
                *self.read_to_writer.entry(reason_name(reason)).or_default() += 1;
                if std::env::var_os("SQLX_RW_SHOW_READS_ON_WRITER").is_some() {
                    println!(
                        "read on writer: {label}: {route}: {}",
                        sql.replace('\n', " ")
                    );
                }
                if documented(reason).is_none() {
                    self.undocumented.push(format!("{label}: {route}: {sql}"));
                }
            }
        }
    }

    fn table(&self, title: &str) -> String {
        let mut out = format!(
            "| {title} | count |\n|---|---|\n| statements | {} |\n| SQLite: read-only, routed to a reader | {} |\n\
             | SQLite: writes, routed to the writer | {} |\n| **SQLite: writes, routed to a reader** | **{}** |\n\
             | not preparable by SQLite (skipped) | {} |\n",
            self.statements,
            self.read_to_reader,
            self.write_to_writer,
            self.write_to_reader.len(),
            self.unpreparable.len()
        );
        for (reason, count) in &self.read_to_writer {
            out += &format!("| SQLite: read-only, routed to the writer ({reason}) | {count} |\n");
        }
        out
    }
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Transaction => "transaction control",
        Reason::Maintenance => "ATTACH/DETACH",
        Reason::ConnectionState => "connection state",
        Reason::TempObject => "TEMP object",
        Reason::WriterSetting => "pragma kept on the writer",
        Reason::SessionSetting => "per-connection pragma, spread to every connection",
        Reason::Refused => "pragma refused (locking_mode)",
        Reason::Unparseable => "unparseable",
        Reason::TooLarge => "too large",
        Reason::MixedBatch => "mixed batch",
        Reason::Schema => "schema statement that is a no-op here",
        Reason::Empty => "empty",
        _ => "other",
    }
}

/// Random statements built from grammar fragments: queries of every shape, DML hidden under
/// WITH, batches, comments and case changes in odd places.
struct Generator(common::Rng);

impl Generator {
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.0.below(options.len() as u64) as usize]
    }

    /// An expression; `cols` allows the column `id`, which every FROM below has.
    fn expr(&mut self, depth: u32, cols: bool) -> String {
        let atoms: &[&str] = if cols {
            &[
                "id",
                "42",
                "'a'",
                "?",
                "?1",
                ":p",
                "$x",
                "@y",
                "NULL",
                "last_insert_rowid()",
                "changes()",
                "random()",
            ]
        } else {
            &[
                "42",
                "'a'",
                "?",
                "?2",
                ":q",
                "NULL",
                "random()",
                "total_changes()",
            ]
        };
        if depth > 2 {
            return self.pick(atoms).into();
        }
        let d = depth + 1;
        match self.0.below(7) {
            0 => format!("({} + {})", self.expr(d, cols), self.expr(d, cols)),
            1 => format!("{} IN ({})", self.expr(d, cols), self.select(d)),
            2 => format!("EXISTS ({})", self.select(d)),
            3 => format!(
                "CASE WHEN {} THEN {} ELSE {} END",
                self.expr(d, cols),
                self.expr(d, cols),
                self.expr(d, cols)
            ),
            4 => format!(
                "{}({})",
                self.pick(&["abs", "length", "upper", "typeof", "hex", "quote"]),
                self.expr(d, cols)
            ),
            5 => format!("({})", self.select(d)),
            _ => self.pick(atoms).into(),
        }
    }

    /// A one-column query.
    fn select(&mut self, depth: u32) -> String {
        let from = self.pick(&["t", "u", "tv", "t NATURAL JOIN tv", "json_each('[1,2]')"]);
        let mut s = format!("SELECT {} FROM {from}", self.expr(depth + 1, true));
        if self.0.below(2) == 0 {
            s += &format!(" WHERE {}", self.expr(depth + 1, true));
        }
        if self.0.below(4) == 0 {
            s += &format!(
                " {} SELECT 1 FROM t",
                self.pick(&["UNION", "UNION ALL", "EXCEPT", "INTERSECT"])
            );
        }
        if self.0.below(3) == 0 {
            s += " LIMIT 3";
        }
        s
    }

    fn with(&mut self) -> String {
        format!(
            "WITH {}c AS (SELECT id FROM t) ",
            self.pick(&["", "RECURSIVE "])
        )
    }

    fn statement(&mut self) -> String {
        match self.0.below(12) {
            0..=3 => {
                let with = if self.0.below(3) == 0 {
                    self.with()
                } else {
                    String::new()
                };
                format!("{with}{}", self.select(0))
            }
            4 => format!(
                "{}INSERT INTO t (v, n) VALUES ({}, 1){}",
                self.maybe_with(),
                self.expr(1, false),
                self.returning()
            ),
            5 => format!(
                "{}UPDATE t SET n = {} WHERE id = {}{}",
                self.maybe_with(),
                self.expr(1, true),
                self.expr(1, true),
                self.returning()
            ),
            6 => format!(
                "{}DELETE FROM u WHERE t_id = {}{}",
                self.maybe_with(),
                self.expr(1, true),
                self.returning()
            ),
            7 => format!(
                "{} INTO kv (k, val) VALUES ('k', x'00')",
                self.pick(&["REPLACE", "INSERT OR REPLACE", "INSERT OR IGNORE"])
            ),
            8 => format!(
                "PRAGMA {}",
                self.pick(&[
                    "user_version",
                    "table_info(t)",
                    "index_list(t)",
                    "integrity_check",
                    "cache_size",
                    "foreign_keys",
                    "optimize",
                    "user_version = 5",
                    "journal_mode",
                    "data_version",
                    "page_count",
                    "freelist_count",
                    "application_id"
                ])
            ),
            9 => self
                .pick(&[
                    "BEGIN",
                    "COMMIT",
                    "ROLLBACK",
                    "SAVEPOINT s",
                    "RELEASE s",
                    "BEGIN IMMEDIATE",
                    "END",
                ])
                .into(),
            10 => format!(
                "EXPLAIN {}{}",
                self.pick(&["", "QUERY PLAN "]),
                self.select(1)
            ),
            _ => self
                .pick(&[
                    "CREATE TABLE IF NOT EXISTS g (a)",
                    "CREATE TEMP TABLE g2 (a)",
                    "DROP VIEW IF EXISTS nope",
                    "ANALYZE",
                    "CREATE INDEX IF NOT EXISTS g_i ON t(n)",
                ])
                .into(),
        }
    }

    fn maybe_with(&mut self) -> String {
        if self.0.below(3) == 0 {
            self.with()
        } else {
            String::new()
        }
    }

    fn returning(&mut self) -> &'static str {
        self.pick(&["", "", " RETURNING id", " RETURNING *"])
    }

    /// A whole string: one to three statements, with comments and case noise.
    fn sql(&mut self) -> String {
        let count = 1 + self.0.below(3) as usize;
        let statements: Vec<String> = (0..count).map(|_| self.statement()).collect();
        let mut sql = statements.join(self.pick(&["; ", ";\n", " /* ; */ ; "]));
        if self.0.below(3) == 0 {
            sql = format!("{}{sql}", self.pick(&["/* lead */ ", "-- line\n", "\n\t "]));
        }
        if self.0.below(4) == 0 {
            sql = sql.to_lowercase();
        }
        sql
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_agrees_that_no_write_is_routed_to_a_reader() {
    let (_dir, pool) = common::file_pool().await;
    let judge = Judge::new();

    let entries = corpus();
    assert!(
        entries.len() >= 300,
        "the corpus has {} entries",
        entries.len()
    );
    let mut from_corpus = Tally::default();
    for (kind, sql) in &entries {
        from_corpus.judge(&judge, &pool, kind, sql);
    }

    let cases: u64 = std::env::var("SQLX_RW_GENERATED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let mut generator = Generator(common::Rng::new(0x5eed));
    let mut generated = Tally::default();
    for i in 0..cases {
        let sql = generator.sql();
        generated.judge(&judge, &pool, &format!("generated #{i}"), &sql);
    }

    let report = format!(
        "{}\n{}",
        from_corpus.table("Corpus (tests/corpus/statements.sql)"),
        generated.table(&format!("Generated ({cases} cases, fixed seed)"))
    );
    println!("{report}");
    if std::env::var_os("SQLX_RW_SHOW_UNPREPARABLE").is_some() {
        for line in generated.unpreparable.iter().take(40) {
            println!("{line}");
        }
    }
    for tally in [&from_corpus, &generated] {
        assert!(
            tally.write_to_reader.is_empty(),
            "writes routed to readers:\n{}",
            tally.write_to_reader.join("\n")
        );
        assert!(
            tally.undocumented.is_empty(),
            "read-only statements on the writer without a documented reason:\n{}",
            tally.undocumented.join("\n")
        );
    }
    assert!(
        from_corpus.unpreparable.len() * 20 <= entries.len(),
        "too many corpus entries SQLite cannot prepare:\n{}",
        from_corpus.unpreparable.join("\n")
    );

    // The counts in docs/routing.md are this run's.
    common::doc_block::check("docs/routing.md", "differential", &report);
}

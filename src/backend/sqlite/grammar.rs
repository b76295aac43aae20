//! SQLite's grammar for the router: the dialect, every `PRAGMA` by what it does, the functions
//! that read the connection's own state, and the words only a writing statement contains.
//!
//! The pragma table follows <https://www.sqlite.org/pragma.html>. Unknown names (SQLCipher's,
//! future ones) go to the writer in every form: routing fails closed.

use sqlparser::ast::{ObjectName, Statement};
use sqlparser::dialect::SQLiteDialect;

use crate::route::{split_statements, words, Grammar, SettingAccess, SettingUse};

/// The grammar the classifier parses SQLite's SQL with.
pub(crate) static GRAMMAR: Grammar = Grammar {
    dialect: &SQLiteDialect {},
    setting,
    unparsed_setting,
    assignments: |sql| pragma_assignments(sql, SettingAccess::PerConnection),
    connection_word: |_| false,
    opaque: |_| false,
    connection_function: is_connection_function,
    // SQLite's built-in functions never write.
    read_function: |_| true,
    write_keywords: &WRITE_KEYWORDS,
    temp_schemas: &[
        "temp",
        "temporary",
        "sqlite_temp_master",
        "sqlite_temp_schema",
    ],
    count_parameters: true,
    refusal,
};

fn refusal(shown: &str) -> String {
    format!(
        "`{shown}` changes a setting the pool cannot apply consistently: on every connection \
         it would have each lock the others out, and on the writer alone it would lock the \
         pool's own readers out. Use a plain connection for exclusive access"
    )
}

/// Every SQLite statement that writes or changes connection state starts with, or (for
/// `WITH … DELETE`) contains, one of these keywords. Quoted identifiers are compared too, so a
/// column named "delete" errs towards the writer.
const WRITE_KEYWORDS: [&str; 21] = [
    "insert",
    "update",
    "delete",
    "replace",
    "upsert",
    "create",
    "drop",
    "alter",
    "attach",
    "detach",
    "vacuum",
    "reindex",
    "analyze",
    "pragma",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "release",
    "returning",
    "into",
];

/// A parsed `PRAGMA`, by what its name does.
fn setting(statement: &Statement) -> Option<SettingUse> {
    let Statement::Pragma { name, value, is_eq } = statement else {
        return None;
    };
    Some(SettingUse {
        access: pragma_access(&last_ident_lower(name)),
        has_argument: value.is_some() || *is_eq,
        is_eq: *is_eq,
    })
}

fn last_ident_lower(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `PRAGMA [schema.]name [(arg)] [;]` or `PRAGMA [schema.]name = …`, with nothing else in the
/// string, for text sqlparser rejects.
fn unparsed_setting(sql: &str) -> Option<SettingUse> {
    let mut words = words(sql);
    if !words.next()?.eq_ignore_ascii_case("pragma") {
        return None;
    }
    let mut name = words.next()?;
    let mut next = words.next();
    if next == Some(".") {
        name = words.next()?;
        next = words.next();
    }
    let access = pragma_access(&name.to_ascii_lowercase());
    let has_argument = match next {
        None | Some(";") => false,
        Some("(") => {
            let _argument = words.next()?;
            if words.next()? != ")" {
                return None;
            }
            true
        }
        Some("=") => {
            return Some(SettingUse {
                access,
                has_argument: true,
                is_eq: true,
            })
        }
        Some(_) => return None,
    };
    match words.next() {
        None | Some(";") => {}
        Some(_) => return None,
    }
    if words.next().is_some() {
        return None;
    }
    Some(SettingUse {
        access,
        has_argument,
        is_eq: false,
    })
}

/// The pragma assignments in `sql` whose access is `wanted`, as `(name, value)`: the name
/// lower-case and with its schema if one was given (`main.cache_size`), the value as written
/// (`64000`, `-2000`, `'WAL'`, `MEMORY`). `PRAGMA name = value` and `PRAGMA name(value)` alike.
pub(crate) fn pragma_assignments(sql: &str, wanted: SettingAccess) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for piece in split_statements(sql) {
        let mut words = words(piece);
        if !words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("pragma"))
        {
            continue;
        }
        let Some(mut name) = words.next().map(str::to_ascii_lowercase) else {
            continue;
        };
        let mut next = words.next();
        if next == Some(".") {
            let Some(field) = words.next() else { continue };
            name = format!("{name}.{}", field.to_ascii_lowercase());
            next = words.next();
        }
        let bare = name.rsplit('.').next().unwrap_or_default();
        if pragma_access(bare) != wanted {
            continue;
        }
        let close = match next {
            Some("=") => None,
            Some("(") => Some(")"),
            _ => continue,
        };
        let value: String = words
            .take_while(|w| Some(*w) != close && *w != ";")
            .collect();
        if !value.is_empty() {
            found.push((name, value));
        }
    }
    found
}

/// Every pragma SQLite documents, by how it may be routed.
fn pragma_access(name: &str) -> SettingAccess {
    match name {
        // Report on the schema or the file, in every form; `(arg)` names what to report on.
        "table_info" | "table_xinfo" | "table_list" | "index_info" | "index_xinfo"
        | "index_list" | "foreign_key_list" | "foreign_key_check" | "integrity_check"
        | "quick_check" | "collation_list" | "database_list" | "function_list" | "module_list"
        | "pragma_list" | "compile_options" | "freelist_count" | "page_count" => {
            SettingAccess::Report
        }
        // Database-wide values stored in the file: any connection reads the same value.
        // (Not journal_mode: SQLite's sqlite3_stmt_readonly calls even its query form a write,
        // since querying may change the mode; tests/routing/differential.rs holds us to that.)
        "application_id" | "user_version" | "schema_version" | "page_size" | "encoding"
        | "auto_vacuum" => SettingAccess::Value,
        // Per-connection settings that change what reads do or cost: set through the pool,
        // they are carried to every reader.
        "cache_size"
        | "cache_spill"
        | "mmap_size"
        | "temp_store"
        | "temp_store_directory"
        | "busy_timeout"
        | "query_only"
        | "read_uncommitted"
        | "case_sensitive_like"
        | "reverse_unordered_selects"
        | "automatic_index"
        | "threads"
        | "soft_heap_limit"
        | "hard_heap_limit"
        | "short_column_names"
        | "full_column_names"
        | "count_changes"
        | "empty_result_callbacks"
        | "trusted_schema"
        | "data_version"
        | "legacy_file_format"
        | "data_store_directory" => SettingAccess::PerConnection,
        // Readers run beside the writer only in WAL mode.
        "journal_mode" => SettingAccess::ReaderMode,
        // The checkpoint manager follows them (a user's value wins over its defaults).
        "wal_autocheckpoint" | "journal_size_limit" => SettingAccess::Upkeep,
        // EXCLUSIVE on every connection would have each lock the others out, and on the
        // writer alone it locks the readers out at its next write.
        "locking_mode" => SettingAccess::Refused,
        // Everything else either acts on the database (optimize, wal_checkpoint,
        // incremental_vacuum, shrink_memory) or changes how writes behave (foreign_keys,
        // synchronous, recursive_triggers, …): the writer, where all writes run.
        _ => SettingAccess::Writer,
    }
}

fn is_connection_function(name: &str) -> bool {
    ["last_insert_rowid", "changes", "total_changes"]
        .iter()
        .any(|f| name.eq_ignore_ascii_case(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::classify::MAX_PARSE_LEN;
    use crate::route::classify::{classify, Setting, TxnEffect, Verdict};
    use crate::route::scan::{temp_names_created, without_comments};
    use crate::route::{Reason, Route, Target};

    fn verdict(sql: &str) -> Verdict {
        classify(sql, &GRAMMAR, &|name| name.eq_ignore_ascii_case("scratch"))
    }

    fn route(sql: &str) -> Route {
        verdict(sql).route
    }

    #[test]
    fn reads_go_to_readers() {
        assert_eq!(route("SELECT 1"), Route::reader(Reason::Query));
        assert_eq!(
            route("select * from t where id = ?1"),
            Route::reader(Reason::Query)
        );
        assert_eq!(route("VALUES (1), (2)"), Route::reader(Reason::Query));
        assert_eq!(
            route("SELECT 1; SELECT 2"),
            Route::reader(Reason::ReadBatch)
        );
        assert_eq!(
            route("EXPLAIN QUERY PLAN SELECT 1"),
            Route::reader(Reason::Explain)
        );
    }

    #[test]
    fn writes_are_found_wherever_they_hide() {
        assert_eq!(
            route("WITH x AS (SELECT 1) DELETE FROM t"),
            Route::writer(Reason::WithWrite)
        );
        assert_eq!(
            route("SELECT 1; DELETE FROM t"),
            Route::writer(Reason::MixedBatch)
        );
        assert_eq!(
            route("INSERT INTO t VALUES (1) RETURNING id"),
            Route::writer(Reason::Write)
        );
        assert_eq!(
            route("SELECT last_insert_rowid()"),
            Route::writer(Reason::ConnectionState)
        );
        assert_eq!(route("EXPLAIN DELETE FROM t"), Route::writer(Reason::Write));
    }

    #[test]
    fn unparseable_fails_closed_except_proven_pragma_reads() {
        assert_eq!(route("SELEC oops"), Route::writer(Reason::Unparseable));
        // Queries sqlparser rejects but a keyword scan proves.
        let materialized = "WITH x AS MATERIALIZED (SELECT 1) SELECT * FROM x";
        assert_eq!(route(materialized), Route::reader(Reason::ScannedQuery));
        assert_eq!(
            route("SELECT 1 WINDOW w AS (ORDER BY 1)"),
            Route::reader(Reason::ScannedQuery)
        );
        let hidden = "WITH x AS MATERIALIZED (SELECT 1) DELETE FROM t";
        assert_eq!(route(hidden), Route::writer(Reason::Unparseable));
        let batch = "SELECT 1 WINDOW w AS (ORDER BY 1); SELECT 2";
        assert_eq!(route(batch), Route::reader(Reason::ReadBatch));
        let batch = "SELECT 1 WINDOW w AS (ORDER BY 1); DELETE FROM t";
        assert_eq!(route(batch), Route::writer(Reason::MixedBatch));
        let into = "SELECT 1 WINDOW w AS (ORDER BY 1) INTO t";
        assert_eq!(route(into), Route::writer(Reason::Unparseable));
        assert_eq!(
            route("PRAGMA cache_size"),
            Route::writer(Reason::WriterSetting)
        );
        assert_eq!(
            route("PRAGMA cache_size = 10"),
            Route::writer(Reason::SessionSetting)
        );
        assert_eq!(
            route("PRAGMA cache_size(10)"),
            Route::writer(Reason::SessionSetting)
        );
        assert_eq!(
            route("PRAGMA table_info(t)"),
            Route::reader(Reason::ReadSetting)
        );
        assert_eq!(
            route("PRAGMA main.user_version"),
            Route::reader(Reason::ReadSetting)
        );
        assert_eq!(
            route("PRAGMA user_version = 3"),
            Route::writer(Reason::WriterSetting)
        );
        assert_eq!(
            route("PRAGMA user_version(3)"),
            Route::writer(Reason::WriterSetting)
        );
        assert_eq!(
            route("PRAGMA optimize"),
            Route::writer(Reason::WriterSetting)
        );
        assert_eq!(
            route("PRAGMA table_info(t); DELETE FROM t").target(),
            Target::Writer
        );
    }

    #[test]
    fn a_batch_that_does_not_parse_is_judged_statement_by_statement() {
        let reads = "PRAGMA table_info(t); SELECT 1; PRAGMA table_info('u')";
        assert_eq!(route(reads), Route::reader(Reason::ReadBatch));
        let mixed = "PRAGMA table_info(t); DELETE FROM t";
        assert_eq!(route(mixed), Route::writer(Reason::MixedBatch));
        let trigger = "CREATE TRIGGER IF NOT EXISTS x AFTER INSERT ON t BEGIN SELECT 1; END";
        assert_eq!(route(trigger).target(), Target::Writer);
        assert_eq!(
            verdict("PRAGMA table_info(t); COMMIT").txn,
            TxnEffect::Unknown
        );
        let batch = verdict("PRAGMA table_info(t); PRAGMA cache_size = 1");
        assert_eq!(batch.route, Route::writer(Reason::MixedBatch));
        assert_eq!(batch.setting, Setting::Session);
    }

    #[test]
    fn parameters_are_counted_when_the_style_is_unambiguous() {
        let count = |sql| verdict(sql).parameters;
        assert_eq!(count("SELECT 1"), Some(0));
        assert_eq!(count("SELECT ?, ? FROM t WHERE x = ?"), Some(3));
        assert_eq!(count("SELECT ?2, ?1, ?2"), Some(2));
        assert_eq!(count("SELECT $3 + $1"), Some(3));
        assert_eq!(count("SELECT '?', \"?\" /* ? */ -- ?\n"), Some(0));
        assert_eq!(
            count("INSERT INTO t VALUES (?); INSERT INTO t VALUES (?)"),
            Some(2)
        );
        assert_eq!(count("SELECT :name"), None);
        assert_eq!(count("SELECT @name"), None);
        assert_eq!(count("SELECT $name"), None);
        assert_eq!(count("SELECT ?, ?2"), None);
    }

    #[test]
    fn temp_objects_stay_on_the_writer() {
        assert_eq!(
            route("SELECT * FROM scratch"),
            Route::writer(Reason::TempObject)
        );
        assert_eq!(
            route("SELECT * FROM temp.other"),
            Route::writer(Reason::TempObject)
        );
        assert_eq!(
            route("SELECT 'scratch' FROM t"),
            Route::reader(Reason::Query)
        );
        assert!(verdict("CREATE TEMP TABLE x (a)").creates_temp);
        assert!(!verdict("CREATE TABLE x (a)").creates_temp);
        assert_eq!(
            temp_names_created("CREATE TEMP TABLE Scratch (a)"),
            ["scratch"]
        );
        assert_eq!(
            temp_names_created("create temporary view if not exists v as select 1"),
            ["v"]
        );
        assert_eq!(
            temp_names_created("CREATE TABLE temp.t2 (a); CREATE TABLE main.t3 (a)"),
            ["t2"]
        );
        assert_eq!(
            temp_names_created("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn comments_are_stripped_for_the_cache_key_but_strings_kept() {
        assert_eq!(without_comments("SELECT 1"), None);
        assert_eq!(
            without_comments("/* trace=abc */ SELECT '--x', \"/*y*/\" -- tail\nFROM t").as_deref(),
            Some("  SELECT '--x', \"/*y*/\"  \nFROM t")
        );
        assert_eq!(without_comments("SELECT 4 - -1 / 2"), None);
        assert_eq!(
            without_comments("SELECT 4 - -1 / 2 -- c").as_deref(),
            Some("SELECT 4 - -1 / 2  ")
        );
    }

    #[test]
    fn transaction_effects() {
        let txn = |sql| verdict(sql).txn;
        assert_eq!(txn("BEGIN"), TxnEffect::PlainBegin);
        assert_eq!(txn("begin transaction"), TxnEffect::PlainBegin);
        assert_eq!(txn("BEGIN IMMEDIATE"), TxnEffect::Begin);
        assert_eq!(txn("COMMIT"), TxnEffect::End);
        assert_eq!(txn("END"), TxnEffect::End);
        assert_eq!(txn("ROLLBACK"), TxnEffect::End);
        assert_eq!(txn("ROLLBACK TO sp"), TxnEffect::None);
        assert_eq!(txn("SAVEPOINT sp"), TxnEffect::Unknown);
        assert_eq!(txn("RELEASE sp"), TxnEffect::Unknown);
        assert_eq!(txn("INSERT INTO t VALUES (1); COMMIT"), TxnEffect::Unknown);
        assert_eq!(txn("INSERT INTO t VALUES (1)"), TxnEffect::None);
    }

    #[test]
    fn hostile_input_never_panics() {
        // Past the recursion limit: not parsed, and the scan proves it is only a query.
        let deep = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(route(&deep), Route::reader(Reason::ScannedQuery));
        let deep_write = format!(
            "DELETE FROM t WHERE id = {}1{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert_eq!(route(&deep_write).target(), Target::Writer);
        let huge = format!("SELECT '{}'", "x".repeat(MAX_PARSE_LEN));
        assert_eq!(route(&huge), Route::reader(Reason::ScannedQuery));
        let huge_write = format!("DELETE FROM t WHERE v = '{}'", "x".repeat(MAX_PARSE_LEN));
        assert_eq!(route(&huge_write), Route::writer(Reason::TooLarge));
        assert_eq!(route(""), Route::writer(Reason::Empty));
        assert_eq!(route("-- only a comment"), Route::writer(Reason::Empty));
        assert_eq!(route("\0\u{fffd}'unterminated").target(), Target::Writer);
        // Found by tests/routing/fuzz.rs: an unterminated quote before a multi-byte char.
        assert_eq!(route("PRAGMA \"Mé").target(), Target::Writer);
    }
}

//! MySQL's and MariaDB's grammar for the router: the dialect, the statements bound to one
//! connection, the functions and variables that read or change connection state even inside a
//! `SELECT`, and the words only a writing statement contains.
//!
//! A replica started with `read_only` refuses every write from a user without `SUPER` or
//! `READ ONLY ADMIN` with error 1290 and nothing written, so the pool heals a write that still
//! reaches one. What a replica *accepts* but must not run there is listed here and kept on the
//! primary: named locks (`GET_LOCK` would lock only the replica), the functions that report on
//! the connection's last statement (`LAST_INSERT_ID()`, `FOUND_ROWS()`, `ROW_COUNT()`), and
//! every `@` variable (user variables live on one connection; `@@` system variables may differ
//! on a replica, `@@read_only` first of all).
//!
//! MySQL reads text differently from standard SQL in ways the word scan does not follow
//! (backslash escapes in strings, `#` comments, `-- ` only as a comment when a space follows,
//! and `/*! … */` comments the server *runs*): text with any of them is never proved a read
//! ([`opaque`]).

use sqlparser::ast::{ContextModifier, Expr, Set, Statement, Value};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::route::{words, Grammar, SettingAccess, SettingUse};

/// The grammar the classifier parses MySQL's SQL with.
pub(crate) static GRAMMAR: Grammar = Grammar {
    dialect: &MySqlDialect {},
    setting,
    unparsed_setting,
    assignments,
    // `@x`, `@@x`; SQL_CALC_FOUND_ROWS makes a later FOUND_ROWS() read this connection.
    connection_word: |word| word == "@" || word.eq_ignore_ascii_case("sql_calc_found_rows"),
    opaque,
    connection_function: is_primary_function,
    read_function: is_read_function,
    write_keywords: &WRITE_KEYWORDS,
    temp_schemas: &[],
    // sqlx's MySQL driver prepares every statement: the server checks the argument count.
    count_parameters: false,
    refusal,
};

/// Every MySQL statement that writes, locks or changes connection state starts with, or
/// contains, one of these words (`update` and `share` cover `FOR UPDATE`, `FOR SHARE` and
/// `LOCK IN SHARE MODE`; `next` and `previous` MariaDB's sequence expressions). Used only for
/// text sqlparser cannot parse.
const WRITE_KEYWORDS: [&str; 50] = [
    "insert",
    "update",
    "delete",
    "replace",
    "merge",
    "create",
    "drop",
    "alter",
    "truncate",
    "rename",
    "grant",
    "revoke",
    "call",
    "do",
    "lock",
    "unlock",
    "handler",
    "load",
    "analyze",
    "optimize",
    "repair",
    "check",
    "checksum",
    "flush",
    "reset",
    "purge",
    "kill",
    "install",
    "uninstall",
    "begin",
    "start",
    "stop",
    "change",
    "commit",
    "rollback",
    "savepoint",
    "release",
    "xa",
    "prepare",
    "execute",
    "deallocate",
    "use",
    "set",
    "into",
    "returning",
    "share",
    "next",
    "previous",
    "signal",
    "binlog",
];

/// `true` if the word scan cannot read `sql` as MySQL does: a backslash inside a string (an
/// escape the scan would take for the string's end), a `#` comment, `--` not followed by a
/// space (MySQL reads `1--1` as arithmetic), or an executable comment (`/*! … */`,
/// `/*M! … */`). Such text is never proved a read.
pub(crate) fn opaque(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q != b'`' {
                    return true;
                }
                if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'#' => return true,
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    if !bytes.get(i + 2).is_some_and(u8::is_ascii_whitespace) {
                        return true;
                    }
                    // A comment to the end of the line, as the scan reads it too.
                    match sql[i..].find('\n') {
                        Some(end) => i += end,
                        None => return false,
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    let rest = &sql[i + 2..];
                    if rest.starts_with('!') || rest.starts_with("M!") {
                        return true;
                    }
                    match rest.find("*/") {
                        Some(end) => i += end + 3,
                        None => return false,
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    false
}

/// Where an assignment's variable lives: `@x` (a user variable, on one connection), `@@x`,
/// `@@session.x`, `SESSION x` or `x` (a session setting), `@@global.x` or `GLOBAL x` (the
/// server's).
enum Variable {
    User,
    Session(String),
    Global,
}

fn variable(scope: Option<ContextModifier>, name: &str) -> Variable {
    let lower = name.to_ascii_lowercase();
    if let Some(system) = lower.strip_prefix("@@") {
        if system.starts_with("global.") {
            return Variable::Global;
        }
        let name = system
            .strip_prefix("session.")
            .or_else(|| system.strip_prefix("local."))
            .unwrap_or(system);
        return Variable::Session(name.to_owned());
    }
    if lower.starts_with('@') {
        return Variable::User;
    }
    match scope {
        Some(ContextModifier::Global) => Variable::Global,
        _ => Variable::Session(lower),
    }
}

/// A statement that sets, shows or binds connection state, by what the pool may do with it.
fn setting(statement: &Statement) -> Option<SettingUse> {
    let access = match statement {
        Statement::Set(set) => match assigned(set) {
            Some(assigned) if assigned.iter().all(|a| matches!(a, Variable::Global)) => {
                SettingAccess::Writer
            }
            Some(assigned)
                if assigned.iter().all(|a| matches!(a, Variable::Session(_)))
                    && session_assignments(set).is_some() =>
            {
                SettingAccess::PerConnection
            }
            _ => SettingAccess::Refused,
        },
        Statement::Use(_)
        | Statement::Prepare { .. }
        | Statement::Execute { .. }
        | Statement::Deallocate { .. } => SettingAccess::Refused,
        _ => return None,
    };
    Some(SettingUse {
        access,
        has_argument: true,
        is_eq: true,
    })
}

/// The variables a `SET` assigns, or `None` for another kind of `SET` (`NAMES`, `ROLE`,
/// `TRANSACTION`, …).
fn assigned(set: &Set) -> Option<Vec<Variable>> {
    match set {
        Set::SingleAssignment {
            scope, variable: v, ..
        } => Some(vec![variable(*scope, &v.to_string())]),
        Set::MultipleAssignments { assignments } => Some(
            assignments
                .iter()
                .map(|a| variable(a.scope, &a.name.to_string()))
                .collect(),
        ),
        _ => None,
    }
}

/// The session settings a `SET` assigns with plain values, as `(name, value)`; `None` if any
/// value is not one (an expression, `DEFAULT`), which could not be given to every connection
/// as the same text.
fn session_assignments(set: &Set) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(Option<ContextModifier>, String, &Expr)> = match set {
        Set::SingleAssignment {
            scope,
            variable: v,
            values,
            ..
        } => match values.as_slice() {
            [value] => vec![(*scope, v.to_string(), value)],
            _ => return None,
        },
        Set::MultipleAssignments { assignments } => assignments
            .iter()
            .map(|a| (a.scope, a.name.to_string(), &a.value))
            .collect(),
        _ => return None,
    };
    pairs
        .into_iter()
        .map(|(scope, name, value)| {
            let Variable::Session(name) = variable(scope, &name) else {
                return None;
            };
            Some((name, literal(value)?))
        })
        .collect()
}

/// A value as the connect options and a bound `SET` take it: a string's text, a number, a
/// word.
fn literal(value: &Expr) -> Option<String> {
    match value {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(text) | Value::DoubleQuotedString(text) => Some(text.clone()),
            Value::Number(number, _) => Some(number.to_string()),
            Value::Boolean(b) => Some(b.to_string()),
            _ => None,
        },
        Expr::Identifier(ident) if ident.value.eq_ignore_ascii_case("default") => None,
        Expr::Identifier(ident) if ident.quote_style.is_none() => Some(ident.value.clone()),
        Expr::UnaryOp { .. } => Some(value.to_string()),
        _ => None,
    }
}

fn assignments(sql: &str) -> Vec<(String, String)> {
    let Ok(statements) = Parser::parse_sql(&MySqlDialect {}, sql) else {
        return Vec::new();
    };
    statements
        .iter()
        .filter_map(|statement| match statement {
            Statement::Set(set) => session_assignments(set),
            _ => None,
        })
        .flatten()
        .collect()
}

fn unparsed_setting(sql: &str) -> Option<SettingUse> {
    let mut words = words(sql);
    let first = words.next()?.to_ascii_lowercase();
    let second = words.next().map(str::to_ascii_lowercase);
    let access = match (first.as_str(), second.as_deref()) {
        ("set", Some("global")) | ("show", _) => SettingAccess::Writer,
        ("set" | "use" | "prepare" | "execute" | "deallocate", _) => SettingAccess::Refused,
        _ => return None,
    };
    Some(SettingUse {
        access,
        has_argument: true,
        is_eq: true,
    })
}

/// Functions whose result depends on the connection they run on, or that act on the server
/// beyond the statement: the primary, where the caller's writes and locks are.
fn is_primary_function(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "last_insert_id"
            | "found_rows"
            | "row_count"
            | "get_lock"
            | "release_lock"
            | "release_all_locks"
            | "is_free_lock"
            | "is_used_lock"
            | "connection_id"
            | "master_pos_wait"
            | "master_gtid_wait"
            | "source_pos_wait"
            | "wait_for_executed_gtid_set"
            | "wait_until_sql_thread_after_gtids"
            | "nextval"
            | "lastval"
            | "setval"
            | "uuid_short"
            | "load_file"
            | "sleep"
            | "benchmark"
    )
}

fn is_read_function(word: &str) -> bool {
    const KNOWN: &[&str] = &[
        "in",
        "exists",
        "any",
        "some",
        "all",
        "values",
        "as",
        "over",
        "cast",
        "convert",
        "row",
        "from",
        "join",
        "on",
        "using",
        "and",
        "or",
        "not",
        "where",
        "select",
        "by",
        "when",
        "then",
        "else",
        "case",
        "is",
        "like",
        "between",
        "interval",
        "partition",
        "group",
        "having",
        "union",
        "intersect",
        "except",
        "limit",
        "offset",
        "with",
        "recursive",
        "distinct",
        "decimal",
        "varchar",
        "char",
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "group_concat",
        "json_arrayagg",
        "json_objectagg",
        "row_number",
        "rank",
        "dense_rank",
        "lag",
        "lead",
        "first_value",
        "last_value",
        "coalesce",
        "ifnull",
        "if",
        "nullif",
        "greatest",
        "least",
        "lower",
        "upper",
        "length",
        "char_length",
        "substring",
        "substr",
        "trim",
        "replace",
        "concat",
        "concat_ws",
        "format",
        "left",
        "right",
        "locate",
        "date_format",
        "date_add",
        "date_sub",
        "datediff",
        "str_to_date",
        "unix_timestamp",
        "from_unixtime",
        "now",
        "curdate",
        "current_date",
        "current_timestamp",
        "utc_timestamp",
        "abs",
        "round",
        "ceil",
        "floor",
        "truncate",
        "mod",
        "power",
        "sqrt",
        "md5",
        "sha1",
        "sha2",
        "hex",
        "unhex",
        "json_extract",
        "json_unquote",
        "json_object",
        "json_array",
        "version",
    ];
    KNOWN.iter().any(|known| word.eq_ignore_ascii_case(known))
}

fn refusal(shown: &str) -> String {
    let first = words(shown)
        .next()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let instead = match first.as_str() {
        "use" => {
            "the default database would change on one connection of many: name the database \
             in the URL, or qualify tables (`db.table`)"
        }
        "prepare" | "execute" | "deallocate" => {
            "a prepared statement lives on one connection, and the pool's statements run on \
             many: sqlx prepares and caches statements itself (`sqlx::query` with binds)"
        }
        _ => {
            "it would apply to one connection of many (a user variable, `SET NAMES`, \
             `SET TRANSACTION`, `SET ROLE`, or a value that is an expression or `DEFAULT`): \
             set session variables with plain values (`SET SESSION x = 1`, applied to every \
             connection), set it in the server's or the user's defaults, or run it on a \
             connection from `acquire()` or `begin()`"
        }
    };
    format!("sqlx-rw cannot run `{shown}` through the pool: {instead}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::classify::{classify, Setting, TxnEffect};
    use crate::route::{Reason, Target};

    fn route(sql: &str) -> (Target, Reason) {
        let verdict = classify(sql, &GRAMMAR, &|_| false);
        (verdict.route.target(), verdict.route.reason())
    }

    #[test]
    fn reads_go_to_replicas_and_what_writes_locks_or_binds_to_the_primary() {
        for read in [
            "SELECT 1",
            "SELECT * FROM t WHERE id = ?",
            "SELECT `select`, 'a#b', \"x\" FROM t",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "SELECT COUNT(*) FROM t JOIN u USING (id)",
            "EXPLAIN SELECT 1",
            "START TRANSACTION READ ONLY",
            "SELECT UNIX_TIMESTAMP('2020-01-01 00:00:00')",
        ] {
            assert_eq!(route(read).0, Target::Reader, "{read}");
        }
        for write in [
            "INSERT INTO t VALUES (?)",
            "REPLACE INTO t VALUES (1)",
            "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE v = 2",
            "UPDATE t SET x = 1",
            "DELETE FROM t",
            "SELECT * FROM t FOR UPDATE",
            "SELECT * FROM t LOCK IN SHARE MODE",
            "SELECT * FROM t FOR SHARE",
            "SELECT * FROM (SELECT * FROM t FOR UPDATE) x",
            "SELECT 1 INTO @x",
            "SELECT * FROM t INTO OUTFILE '/tmp/x'",
            "SELECT GET_LOCK('a', 0)",
            "SELECT LAST_INSERT_ID()",
            "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1",
            "SELECT @x",
            "SELECT @x := 1",
            "SELECT @@version",
            "LOAD DATA INFILE '/tmp/x' INTO TABLE t",
            "CALL p()",
            "LOCK TABLES t WRITE",
            "UNLOCK TABLES",
            "HANDLER t OPEN",
            "CREATE TEMPORARY TABLE x (a INT)",
            "DO GET_LOCK('a', 0)",
            "SHOW TABLES",
            "START TRANSACTION",
            "BEGIN",
        ] {
            assert_eq!(route(write).0, Target::Writer, "{write}");
        }
    }

    #[test]
    fn settings_spread_only_what_every_connection_can_be_opened_with() {
        let verdict = classify("SET time_zone = '+05:00'", &GRAMMAR, &|_| false);
        assert_eq!(verdict.setting, Setting::Session);
        assert_eq!(
            assignments("SET SESSION time_zone = '+05:00'"),
            vec![("time_zone".to_owned(), "+05:00".to_owned())]
        );
        assert_eq!(
            assignments("SET @@session.time_zone = 'UTC'"),
            vec![("time_zone".to_owned(), "UTC".to_owned())]
        );
        assert_eq!(
            assignments("SET SESSION div_precision_increment = 2, sql_mode = 'ANSI'"),
            vec![
                ("div_precision_increment".to_owned(), "2".to_owned()),
                ("sql_mode".to_owned(), "ANSI".to_owned())
            ]
        );
        for refused in [
            "SET @x = 1",
            "SET time_zone = DEFAULT",
            "SET sql_mode = CONCAT(@@sql_mode, ',ANSI')",
            "SET NAMES utf8mb4",
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "USE other",
            "PREPARE s FROM 'SELECT 1'",
            "SET time_zone = '+00:00', @x = 1",
        ] {
            assert_eq!(route(refused).1, Reason::Refused, "{refused}");
        }
        assert_eq!(route("SET GLOBAL max_connections = 10").0, Target::Writer);
        assert_ne!(route("SET GLOBAL max_connections = 10").1, Reason::Refused);
        let begin = classify("START TRANSACTION READ ONLY", &GRAMMAR, &|_| false);
        assert_eq!(begin.txn, TxnEffect::Begin);
    }

    #[test]
    fn text_the_scan_misreads_is_opaque() {
        for sql in [
            r"SELECT 'a\'', LAST_INSERT_ID()",
            "SELECT 1 # it's\n, LAST_INSERT_ID()",
            "SELECT 1--1",
            "SELECT 1 /*! , GET_LOCK('x', 1) */",
            "SELECT 1 /*M!100000 , 2 */",
            "SELECT \"a\\\"\"",
        ] {
            assert!(opaque(sql), "{sql}");
        }
        for sql in [
            "SELECT 'it''s', `a#b`, 'x#y' FROM t",
            "SELECT 1 -- a comment with # and 'quote\nFROM t",
            "SELECT /* a # comment */ 1",
            "SELECT `back\\tick` FROM t",
        ] {
            assert!(!opaque(sql), "{sql}");
        }
    }
}

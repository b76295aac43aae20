//! PostgreSQL's grammar for the router: the dialect, the statements bound to one connection,
//! the functions that write or read connection state even inside a `SELECT`, and the words
//! only a writing statement contains.
//!
//! A hot standby refuses every write with SQLSTATE 25006 and nothing written, so the pool
//! heals any write that still reaches a replica. What the standby *accepts* but must not run
//! there is listed here and kept on the primary: advisory locks (they would lock only the
//! standby), sequence functions, transaction ids, `set_config`, `pg_notify`.

use sqlparser::ast::{ContextModifier, Expr, Set, Statement, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::route::{words, Grammar, SettingAccess, SettingUse};

/// The grammar the classifier parses PostgreSQL's SQL with.
pub(crate) static GRAMMAR: Grammar = Grammar {
    dialect: &PostgreSqlDialect {},
    setting,
    unparsed_setting,
    assignments,
    connection_word: |_| false,
    opaque: |_| false,
    connection_function: is_primary_function,
    read_function: is_read_function,
    write_keywords: &WRITE_KEYWORDS,
    temp_schemas: &["pg_temp"],
    // `?` is a jsonb operator here, and sqlx checks `$N` against the arguments itself.
    count_parameters: false,
    refusal,
};

/// Every PostgreSQL statement that writes, locks or changes connection state starts with, or
/// contains, one of these words (`update` and `share` cover `FOR [NO KEY] UPDATE` and
/// `FOR [KEY] SHARE`). Used only for text sqlparser cannot parse.
const WRITE_KEYWORDS: [&str; 43] = [
    "insert",
    "update",
    "delete",
    "merge",
    "upsert",
    "create",
    "drop",
    "alter",
    "truncate",
    "grant",
    "revoke",
    "copy",
    "call",
    "do",
    "lock",
    "vacuum",
    "analyze",
    "analyse",
    "cluster",
    "reindex",
    "refresh",
    "comment",
    "security",
    "begin",
    "start",
    "commit",
    "end",
    "rollback",
    "abort",
    "savepoint",
    "release",
    "prepare",
    "execute",
    "deallocate",
    "discard",
    "listen",
    "unlisten",
    "notify",
    "set",
    "reset",
    "into",
    "returning",
    "share",
];

/// A statement that sets, shows or binds connection state, by what the pool may do with it.
fn setting(statement: &Statement) -> Option<SettingUse> {
    let access = match statement {
        // SET LOCAL lasts until the end of the transaction: it runs where the transaction
        // runs (outside one, PostgreSQL ignores it with a warning).
        Statement::Set(Set::SingleAssignment {
            scope: Some(ContextModifier::Local),
            ..
        })
        | Statement::Set(Set::SetTimeZone { local: true, .. }) => SettingAccess::Writer,
        Statement::Set(Set::SetRole {
            context_modifier: Some(ContextModifier::Local),
            ..
        }) => SettingAccess::Writer,
        // A session setting: applied to every connection, primary and replicas, present and
        // future. `DEFAULT` is refused: connections opened with the setting in their options
        // would take that as their default.
        Statement::Set(set @ (Set::SingleAssignment { .. } | Set::SetTimeZone { .. }))
            if session_assignment(set).is_some() =>
        {
            SettingAccess::PerConnection
        }
        Statement::Set(_)
        | Statement::Reset(_)
        | Statement::Discard { .. }
        | Statement::Prepare { .. }
        | Statement::Execute { .. }
        | Statement::Deallocate { .. }
        | Statement::LISTEN { .. }
        | Statement::UNLISTEN { .. } => SettingAccess::Refused,
        // The primary's value: a standby reports some settings differently
        // (`transaction_read_only`, `in_hot_standby`).
        Statement::ShowVariable { .. } => SettingAccess::Writer,
        _ => return None,
    };
    Some(SettingUse {
        access,
        has_argument: true,
        is_eq: true,
    })
}

/// `SET [SESSION] name = value` or `SET TIME ZONE value` as `(name, value)`: the name lower
/// case, the value as PostgreSQL takes it in a connection's options (strings unquoted, lists
/// joined with `, `). `None` for anything else, and for `DEFAULT`.
fn session_assignment(set: &Set) -> Option<(String, String)> {
    let (name, values) = match set {
        Set::SingleAssignment {
            scope: None | Some(ContextModifier::Session),
            hivevar: false,
            variable,
            values,
        } => (variable.to_string().to_ascii_lowercase(), values.as_slice()),
        Set::SetTimeZone {
            local: false,
            value,
        } => ("timezone".to_owned(), std::slice::from_ref(value)),
        _ => return None,
    };
    if matches!(name.as_str(), "role" | "session_authorization") || values.is_empty() {
        return None;
    }
    let mut parts = Vec::with_capacity(values.len());
    for value in values {
        parts.push(match value {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(text) | Value::DoubleQuotedString(text) => text.clone(),
                Value::Number(number, _) => number.to_string(),
                Value::Boolean(b) => b.to_string(),
                _ => return None,
            },
            Expr::Identifier(ident)
                if ident.value.eq_ignore_ascii_case("default") && ident.quote_style.is_none() =>
            {
                return None
            }
            Expr::Identifier(ident) => ident.value.clone(),
            Expr::UnaryOp { .. } => value.to_string(),
            _ => return None,
        });
    }
    Some((name, parts.join(", ")))
}

/// The session settings a statement the classifier marked as assigning them assigns.
fn assignments(sql: &str) -> Vec<(String, String)> {
    let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, sql) else {
        return Vec::new();
    };
    statements
        .iter()
        .filter_map(|statement| match statement {
            Statement::Set(set) => session_assignment(set),
            _ => None,
        })
        .collect()
}

/// The same for text sqlparser rejects, by its first word.
fn unparsed_setting(sql: &str) -> Option<SettingUse> {
    let mut words = words(sql);
    let first = words.next()?.to_ascii_lowercase();
    let second = words.next().map(str::to_ascii_lowercase);
    let access = match (first.as_str(), second.as_deref()) {
        ("set", Some("local")) | ("show", _) => SettingAccess::Writer,
        (
            "set" | "reset" | "discard" | "prepare" | "execute" | "deallocate" | "listen"
            | "unlisten",
            _,
        ) => SettingAccess::Refused,
        _ => return None,
    };
    Some(SettingUse {
        access,
        has_argument: true,
        is_eq: true,
    })
}

/// Functions that write even inside a `SELECT` a standby accepts, or that read state of the
/// connection they run on: they run on the primary.
fn is_primary_function(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("pg_advisory_")
        || name.starts_with("pg_try_advisory_")
        || name.starts_with("lo_")
        || matches!(
            name.as_str(),
            "nextval"
                | "setval"
                | "currval"
                | "lastval"
                | "txid_current"
                | "txid_current_if_assigned"
                | "pg_current_xact_id"
                | "pg_current_xact_id_if_assigned"
                | "set_config"
                | "setseed"
                | "pg_logical_emit_message"
                | "pg_notify"
                | "pg_backend_pid"
                | "pg_current_wal_lsn"
                | "pg_current_wal_insert_lsn"
                | "pg_current_wal_flush_lsn"
                | "pg_switch_wal"
                | "pg_create_restore_point"
                | "pg_cancel_backend"
                | "pg_terminate_backend"
                | "pg_reload_conf"
                | "pg_export_snapshot"
                | "pg_listening_channels"
                | "pg_notification_queue_usage"
        )
}

/// Words before `(` known to only read: keywords, and PostgreSQL's common built-in functions
/// that change nothing. Anything else may be a function that writes (a user's): in a later
/// statement of a batch, that sends the batch to the primary.
fn is_read_function(word: &str) -> bool {
    const KNOWN: &[&str] = &[
        // Keywords that precede a parenthesis.
        "in",
        "exists",
        "any",
        "some",
        "all",
        "values",
        "as",
        "over",
        "filter",
        "within",
        "cast",
        "array",
        "row",
        "lateral",
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
        "ilike",
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
        "returns",
        "table",
        "grouping",
        "sets",
        "rollup",
        "cube",
        "into",
        "with",
        "recursive",
        "materialized",
        "distinct",
        "set",
        "numeric",
        "decimal",
        "varchar",
        "char",
        "character",
        "timestamp",
        "time",
        "float",
        "bit",
        // Aggregates and window functions.
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "bool_and",
        "bool_or",
        "every",
        "string_agg",
        "array_agg",
        "json_agg",
        "jsonb_agg",
        "json_object_agg",
        "jsonb_object_agg",
        "row_number",
        "rank",
        "dense_rank",
        "percent_rank",
        "cume_dist",
        "ntile",
        "lag",
        "lead",
        "first_value",
        "last_value",
        "nth_value",
        "stddev",
        "variance",
        "percentile_cont",
        "percentile_disc",
        "mode",
        // Scalars.
        "coalesce",
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
        "btrim",
        "ltrim",
        "rtrim",
        "replace",
        "concat",
        "concat_ws",
        "format",
        "left",
        "right",
        "position",
        "strpos",
        "split_part",
        "regexp_replace",
        "regexp_match",
        "regexp_matches",
        "to_char",
        "to_date",
        "to_timestamp",
        "to_number",
        "date_trunc",
        "date_part",
        "extract",
        "age",
        "now",
        "current_date",
        "current_timestamp",
        "clock_timestamp",
        "statement_timestamp",
        "abs",
        "round",
        "ceil",
        "floor",
        "trunc",
        "mod",
        "power",
        "sqrt",
        "random",
        "md5",
        "encode",
        "decode",
        "generate_series",
        "unnest",
        "array_length",
        "array_position",
        "cardinality",
        "jsonb_build_object",
        "json_build_object",
        "jsonb_build_array",
        "jsonb_extract_path",
        "jsonb_extract_path_text",
        "jsonb_set",
        "jsonb_array_elements",
        "jsonb_each",
        "jsonb_typeof",
        "to_json",
        "to_jsonb",
        "row_to_json",
        "exp",
        "ln",
        "log",
        "sign",
        "pg_sleep",
        "version",
        "current_setting",
        "pg_is_in_recovery",
        "pg_typeof",
        "gen_random_uuid",
    ];
    KNOWN.iter().any(|known| word.eq_ignore_ascii_case(known))
}

/// Why a statement is refused, and what to use instead.
fn refusal(shown: &str) -> String {
    let first = words(shown)
        .next()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let instead = match first.as_str() {
        "listen" | "unlisten" => {
            "notifications arrive on one connection: use sqlx's PgListener on the primary URL"
        }
        "prepare" | "execute" | "deallocate" => {
            "a prepared statement lives on one connection, and the pool's statements run on \
             many: sqlx prepares and caches statements itself (`sqlx::query` with binds)"
        }
        "discard" => "it would reset one connection of many: open a plain connection for it",
        _ => {
            "a session setting (or role) would apply to one connection of many: set it for \
             every connection in the connect options (`PgConnectOptions::options`) or an \
             `after_connect` hook, or with SET LOCAL inside a transaction"
        }
    };
    format!("`{shown}` is bound to one connection and the pool cannot apply it to all: {instead}")
}

#[cfg(test)]
mod tests {
    use crate::route::classify::classify;
    use crate::route::{Reason, Target};

    fn route(sql: &str) -> (Target, Reason) {
        let verdict = classify(sql, &super::GRAMMAR, &|_| false);
        (verdict.route.target(), verdict.route.reason())
    }

    #[test]
    fn reads_go_to_replicas_and_everything_that_writes_or_locks_to_the_primary() {
        for read in [
            "SELECT 1",
            "SELECT * FROM t WHERE id = $1",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "SELECT count(*) FROM t JOIN u USING (id)",
            "EXPLAIN SELECT 1",
            "SELECT data ? 'key' FROM docs",
            "BEGIN READ ONLY",
        ] {
            assert_eq!(route(read).0, Target::Reader, "{read}");
        }
        for write in [
            "INSERT INTO t VALUES ($1)",
            "UPDATE t SET x = 1",
            "DELETE FROM t",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
            "SELECT * FROM t FOR UPDATE",
            "SELECT * FROM t FOR NO KEY UPDATE",
            "SELECT * FROM t FOR SHARE",
            "SELECT * FROM t FOR KEY SHARE",
            "SELECT nextval('s')",
            "SELECT currval('s')",
            "SELECT pg_advisory_lock(1)",
            "SELECT pg_try_advisory_xact_lock(1)",
            "SELECT txid_current()",
            "SELECT set_config('a.b', 'c', false)",
            "SELECT pg_notify('c', 'x')",
            "NOTIFY c",
            "COPY t FROM STDIN",
            "CALL p()",
            "DO $$ BEGIN END $$",
            "LOCK TABLE t",
            "VACUUM t",
            "ANALYZE t",
            "TRUNCATE t",
            "CREATE TEMP TABLE x (a int)",
            "BEGIN",
            "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY",
            "COMMIT",
            "SHOW transaction_read_only",
            "SET LOCAL statement_timeout = 5",
            "SELECT * INTO t2 FROM t",
            "REFRESH MATERIALIZED VIEW v",
        ] {
            assert_eq!(route(write).0, Target::Writer, "{write}");
        }
    }

    #[test]
    fn statements_bound_to_one_connection_are_refused_with_the_alternative() {
        for refused in [
            "SET search_path TO DEFAULT",
            "SET ROLE admin",
            "SET SESSION AUTHORIZATION admin",
            "RESET search_path",
            "DISCARD ALL",
            "PREPARE p AS SELECT 1",
            "EXECUTE p",
            "DEALLOCATE p",
            "LISTEN c",
            "UNLISTEN c",
        ] {
            assert_eq!(
                route(refused),
                (Target::Writer, Reason::Refused),
                "{refused}"
            );
        }
        assert!((super::GRAMMAR.refusal)("LISTEN c").contains("PgListener"));
        assert!((super::GRAMMAR.refusal)("SET ROLE admin").contains("PgConnectOptions::options"));
    }

    #[test]
    fn session_settings_are_spread_with_their_values_as_written() {
        for (sql, expected) in [
            (
                "SET search_path = app, public",
                vec![("search_path", "app, public")],
            ),
            (
                "SET SESSION statement_timeout TO '5s'",
                vec![("statement_timeout", "5s")],
            ),
            (
                "set extra_float_digits = -1",
                vec![("extra_float_digits", "-1")],
            ),
            ("SET TIME ZONE 'UTC'", vec![("timezone", "UTC")]),
            ("SET app.tenant = 'a b'", vec![("app.tenant", "a b")]),
        ] {
            let verdict = classify(sql, &super::GRAMMAR, &|_| false);
            assert_eq!(verdict.route.reason(), Reason::SessionSetting, "{sql}");
            let got = (super::GRAMMAR.assignments)(sql);
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(got, expected, "{sql}");
        }
    }
}

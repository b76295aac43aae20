//! `classify`: from SQL text to a [`Verdict`], using sqlparser and the backend's [`Grammar`].
//!
//! The classifier fails closed. Anything it cannot prove to be a read (unparseable SQL,
//! statement kinds it does not know, text over the size cap) goes to the writer, which can run
//! anything. It never executes or rewrites the caller's SQL; it only reads it.

use sqlparser::ast::{ObjectName, Query, SetExpr, Statement};
use sqlparser::dialect::Dialect;
use sqlparser::parser::Parser;

use crate::route::{Reason, Route};

/// Statements longer than this are not parsed (parse time grows with length and a huge
/// `IN (…)` list would stall the caller); they go to the writer.
pub(crate) const MAX_PARSE_LEN: usize = 64 * 1024;

/// Below sqlparser's default of 50: deep nesting is rare in real queries and each level costs
/// stack; past it, the statement fails closed to the writer.
const RECURSION_LIMIT: usize = 48;

/// What a backend tells the classifier about its SQL.
///
/// This is the only database-specific input to routing, so a new backend brings its own
/// dialect and tables and reuses the router unchanged.
#[derive(Clone, Copy)]
pub struct Grammar {
    /// The sqlparser dialect to parse with.
    pub dialect: &'static (dyn Dialect + Sync),
    /// How a `PRAGMA` (or the backend's equivalent) with this lower-case name may run.
    pub pragma: fn(&str) -> PragmaAccess,
    /// `true` if a function with this lower-case name reads state of the connection it runs
    /// on (so the statement must run on the writer, where the caller's writes happened).
    pub connection_function: fn(&str) -> bool,
}

impl std::fmt::Debug for Grammar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grammar").finish_non_exhaustive()
    }
}

/// How a pragma may be routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PragmaAccess {
    /// Reports on the database in every form, including `name(argument)`
    /// (for example `table_info(t)`).
    Report,
    /// `PRAGMA name` reads a database-wide value; `PRAGMA name = v` and `PRAGMA name(v)` set it.
    Value,
    /// May write, or is connection-local: always the writer.
    Writer,
}

/// What running a statement may do to the writer's transaction state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TxnEffect {
    /// Nothing: autocommit in, autocommit out.
    None,
    /// A lone `BEGIN` with no mode, which the pool upgrades to its configured begin statement.
    PlainBegin,
    /// A lone `BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`, run as written.
    Begin,
    /// A lone `COMMIT`, `END` or `ROLLBACK` (not `ROLLBACK TO`).
    End,
    /// May start or end a transaction (`SAVEPOINT`, `RELEASE`, batches, unparseable text that
    /// mentions transaction keywords): ask the connection afterwards.
    Unknown,
}

/// A classified statement: where it goes and what it may do to the transaction state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) route: Route,
    pub(crate) txn: TxnEffect,
}

impl Verdict {
    fn reader(reason: Reason) -> Self {
        Verdict {
            route: Route::reader(reason),
            txn: TxnEffect::None,
        }
    }

    fn writer(reason: Reason) -> Self {
        Verdict {
            route: Route::writer(reason),
            txn: TxnEffect::None,
        }
    }

    fn with_txn(mut self, txn: TxnEffect) -> Self {
        self.txn = txn;
        self
    }
}

/// Classify `sql`. Never panics; cost is bounded by [`MAX_PARSE_LEN`] and the recursion limit.
pub(crate) fn classify(sql: &str, grammar: &Grammar) -> Verdict {
    if sql.len() > MAX_PARSE_LEN {
        return Verdict::writer(Reason::TooLarge).with_txn(txn_from_text(sql));
    }
    let parsed = Parser::new(grammar.dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)
        .and_then(|mut parser| parser.parse_statements());
    let verdict = match parsed {
        Ok(statements) => classify_statements(&statements, grammar),
        Err(_) => classify_unparsed(sql, grammar),
    };
    if verdict.route.is_reader() && calls_connection_function(sql, grammar) {
        return Verdict::writer(Reason::ConnectionState);
    }
    verdict
}

fn classify_statements(statements: &[Statement], grammar: &Grammar) -> Verdict {
    match statements {
        [] => Verdict::writer(Reason::Empty),
        [one] => classify_statement(one, grammar),
        many => {
            let verdicts: Vec<Verdict> = many
                .iter()
                .map(|s| classify_statement(s, grammar))
                .collect();
            if verdicts.iter().all(|v| v.route.is_reader()) {
                return Verdict::reader(Reason::ReadBatch);
            }
            let touches_txn = verdicts.iter().any(|v| v.txn != TxnEffect::None);
            Verdict::writer(Reason::MixedBatch).with_txn(if touches_txn {
                TxnEffect::Unknown
            } else {
                TxnEffect::None
            })
        }
    }
}

fn classify_statement(statement: &Statement, grammar: &Grammar) -> Verdict {
    match statement {
        Statement::Query(query) => {
            if query_writes(query) {
                Verdict::writer(Reason::WithWrite)
            } else {
                Verdict::reader(Reason::Query)
            }
        }
        Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge(_) => Verdict::writer(Reason::Write),
        Statement::Explain {
            statement: inner, ..
        } => {
            let inner = classify_statement(inner, grammar);
            if inner.route.is_reader() {
                Verdict::reader(Reason::Explain)
            } else {
                // EXPLAIN does not run its statement, but the table says "EXPLAIN of a read";
                // keeping the rest on the writer costs little and stays obviously safe.
                Verdict::writer(inner.route.reason())
            }
        }
        Statement::Pragma { name, value, is_eq } => {
            let access = (grammar.pragma)(&last_ident_lower(name));
            match (access, value.is_some(), is_eq) {
                (PragmaAccess::Report, _, false) => Verdict::reader(Reason::ReadPragma),
                (PragmaAccess::Value, false, _) => Verdict::reader(Reason::ReadPragma),
                _ => Verdict::writer(Reason::WritePragma),
            }
        }
        Statement::StartTransaction {
            modifier,
            statements,
            ..
        } => {
            let txn = if !statements.is_empty() {
                TxnEffect::Unknown
            } else if modifier.is_none() {
                TxnEffect::PlainBegin
            } else {
                TxnEffect::Begin
            };
            Verdict::writer(Reason::Transaction).with_txn(txn)
        }
        Statement::Commit { .. } => Verdict::writer(Reason::Transaction).with_txn(TxnEffect::End),
        Statement::Rollback {
            savepoint: None, ..
        } => Verdict::writer(Reason::Transaction).with_txn(TxnEffect::End),
        // ROLLBACK TO keeps the transaction open: no change of state.
        Statement::Rollback {
            savepoint: Some(_), ..
        } => Verdict::writer(Reason::Transaction),
        Statement::Savepoint { .. } | Statement::ReleaseSavepoint { .. } => {
            Verdict::writer(Reason::Transaction).with_txn(TxnEffect::Unknown)
        }
        Statement::Vacuum(_)
        | Statement::Analyze(_)
        | Statement::AttachDatabase { .. }
        | Statement::DetachDuckDBDatabase { .. } => Verdict::writer(Reason::Maintenance),
        Statement::CreateTable(_)
        | Statement::CreateVirtualTable { .. }
        | Statement::CreateView(_)
        | Statement::CreateIndex(_)
        | Statement::CreateTrigger(_)
        | Statement::AlterTable(_)
        | Statement::AlterView(_)
        | Statement::Drop { .. }
        | Statement::DropTrigger(_) => Verdict::writer(Reason::Schema),
        _ => Verdict::writer(Reason::Other),
    }
}

/// `true` if `query` changes data or takes row locks: a DML body (`WITH … INSERT`, whose AST
/// is a `Query`), a data-changing CTE (`WITH x AS (UPDATE … RETURNING) SELECT`, PostgreSQL),
/// `SELECT … INTO` or `FOR UPDATE`. Data-changing statements can only stand in these places,
/// never inside an expression, so the walk need not enter expressions.
fn query_writes(query: &Query) -> bool {
    let cte_writes = query
        .with
        .as_ref()
        .is_some_and(|with| with.cte_tables.iter().any(|cte| query_writes(&cte.query)));
    cte_writes || !query.locks.is_empty() || set_expr_writes(&query.body)
}

fn set_expr_writes(body: &SetExpr) -> bool {
    match body {
        SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => true,
        SetExpr::Query(query) => query_writes(query),
        SetExpr::SetOperation { left, right, .. } => {
            set_expr_writes(left) || set_expr_writes(right)
        }
        SetExpr::Select(select) => select.into.is_some(),
        SetExpr::Values(_) | SetExpr::Table(_) => false,
    }
}

/// A call `name(` of a connection-bound function anywhere in the text. A scan of the tokens
/// rather than the AST: it also covers the unparsed path, and a false positive (a column of
/// that name followed by a parenthesis) only costs a trip to the writer.
fn calls_connection_function(sql: &str, grammar: &Grammar) -> bool {
    let mut words = Words::new(sql).peekable();
    while let Some(word) = words.next() {
        if words.peek() == Some(&"(") && (grammar.connection_function)(&word.to_ascii_lowercase()) {
            return true;
        }
    }
    false
}

fn last_ident_lower(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Best safe route for SQL that sqlparser rejects. Only a lone read-only `PRAGMA` query is
/// proven a read by a token scan; everything else fails closed to the writer.
fn classify_unparsed(sql: &str, grammar: &Grammar) -> Verdict {
    let words = Words::new(sql);
    if let Some(verdict) = unparsed_pragma(words.clone(), grammar) {
        return verdict;
    }
    let is_empty = words.clone().next().is_none() && !sql.contains(';');
    if is_empty {
        return Verdict::writer(Reason::Empty);
    }
    Verdict::writer(Reason::Unparseable).with_txn(txn_from_text(sql))
}

/// `PRAGMA [schema.]name [(arg)] [;]`, with nothing else in the string.
fn unparsed_pragma(mut words: Words<'_>, grammar: &Grammar) -> Option<Verdict> {
    if !words.next()?.eq_ignore_ascii_case("pragma") {
        return None;
    }
    let mut name = words.next()?;
    let mut next = words.next();
    if next == Some(".") {
        name = words.next()?;
        next = words.next();
    }
    let access = (grammar.pragma)(&name.to_ascii_lowercase());
    let has_argument = match next {
        None | Some(";") => false,
        Some("(") => {
            let _argument = words.next()?;
            if words.next()? != ")" {
                return None;
            }
            true
        }
        // `=` (a set) or anything unexpected.
        Some(_) => return Some(Verdict::writer(Reason::WritePragma)),
    };
    match words.next() {
        None | Some(";") => {}
        Some(_) => return None,
    }
    if words.next().is_some() {
        return None;
    }
    Some(match (access, has_argument) {
        (PragmaAccess::Report, _) | (PragmaAccess::Value, false) => {
            Verdict::reader(Reason::ReadPragma)
        }
        _ => Verdict::writer(Reason::WritePragma),
    })
}

/// Whether text that was not parsed may change the transaction state.
fn txn_from_text(sql: &str) -> TxnEffect {
    const KEYWORDS: [&str; 6] = ["begin", "commit", "rollback", "end", "savepoint", "release"];
    let mentions = Words::new(sql).any(|w| KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)));
    if mentions {
        TxnEffect::Unknown
    } else {
        TxnEffect::None
    }
}

/// A small SQL tokenizer for the unparsed path: identifiers, numbers, quoted strings and
/// single punctuation, with comments and white space skipped. It never fails.
#[derive(Clone)]
struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    fn new(sql: &'a str) -> Self {
        Words { rest: sql }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let s = self.rest.trim_start();
            if let Some(after) = s.strip_prefix("--") {
                self.rest = after.find('\n').map_or("", |i| &after[i + 1..]);
                continue;
            }
            if let Some(after) = s.strip_prefix("/*") {
                self.rest = after.find("*/").map_or("", |i| &after[i + 2..]);
                continue;
            }
            let first = s.chars().next()?;
            let len = if first.is_alphanumeric() || first == '_' || first == '$' {
                s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(s.len())
            } else if matches!(first, '\'' | '"' | '`' | '[') {
                let close = if first == '[' { ']' } else { first };
                s[1..].find(close).map_or(s.len(), |i| i + 2)
            } else {
                first.len_utf8()
            };
            let (word, rest) = s.split_at(len);
            self.rest = rest;
            let word = match word.as_bytes()[0] {
                b'"' | b'`' | b'[' if word.len() >= 2 => &word[1..word.len() - 1],
                _ => word,
            };
            return Some(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::Target;
    use sqlparser::dialect::SQLiteDialect;

    fn grammar() -> Grammar {
        Grammar {
            dialect: &SQLiteDialect {},
            pragma: |name| match name {
                "table_info" => PragmaAccess::Report,
                "user_version" => PragmaAccess::Value,
                _ => PragmaAccess::Writer,
            },
            connection_function: |name| name == "last_insert_rowid",
        }
    }

    fn route(sql: &str) -> Route {
        classify(sql, &grammar()).route
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
        assert_eq!(
            route("PRAGMA table_info(t)"),
            Route::reader(Reason::ReadPragma)
        );
        assert_eq!(
            route("PRAGMA main.user_version"),
            Route::reader(Reason::ReadPragma)
        );
        assert_eq!(
            route("PRAGMA user_version = 3"),
            Route::writer(Reason::WritePragma)
        );
        assert_eq!(
            route("PRAGMA user_version(3)"),
            Route::writer(Reason::WritePragma)
        );
        assert_eq!(route("PRAGMA optimize"), Route::writer(Reason::WritePragma));
        assert_eq!(
            route("PRAGMA table_info(t); DELETE FROM t").target(),
            Target::Writer
        );
    }

    #[test]
    fn transaction_effects() {
        let txn = |sql| classify(sql, &grammar()).txn;
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
        let deep = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(route(&deep).target(), Target::Writer);
        let huge = format!("SELECT '{}'", "x".repeat(MAX_PARSE_LEN));
        assert_eq!(route(&huge), Route::writer(Reason::TooLarge));
        assert_eq!(route(""), Route::writer(Reason::Empty));
        assert_eq!(route("-- only a comment"), Route::writer(Reason::Empty));
        assert_eq!(route("\0\u{fffd}'unterminated").target(), Target::Writer);
    }
}

//! `classify`: from SQL text to a [`Verdict`], using sqlparser and the backend's [`Grammar`].
//!
//! The classifier fails closed. Anything it cannot prove to be a read (unparseable SQL,
//! statement kinds it does not know, text over the size cap) goes to the writer, which can run
//! anything. It never executes or rewrites the caller's SQL; it only reads it.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Query, SetExpr, Statement, TransactionAccessMode, TransactionIsolationLevel, TransactionMode,
    Visit, Visitor,
};
use sqlparser::parser::Parser;

use crate::route::grammar::{Grammar, SettingAccess, SettingUse};
use crate::route::scan::{split_statements, TextFacts, Words};
use crate::route::{Reason, Route};

/// Statements longer than this are not parsed but routed by a linear keyword scan. Parse time
/// grows at about 130 ns a byte (a 60 KB `IN (…)` list takes 7.7 ms on the reference
/// machine), so the cap bounds a cache miss at about 2 ms.
pub(crate) const MAX_PARSE_LEN: usize = 16 * 1024;

/// Below sqlparser's default of 50: deep nesting is rare in real queries and each level costs
/// stack; past it, the statement fails closed to the writer.
const RECURSION_LIMIT: usize = 48;

/// What else running a statement changes, besides the data, that the pool must follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Setting {
    /// Nothing.
    None,
    /// It sets per-connection settings: spread them to every connection.
    Session,
    /// It decides whether readers may run beside the writer (for SQLite, the journal mode).
    Journal,
    /// It changes a setting the pool's upkeep follows: tell the upkeep once it has run.
    Upkeep,
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
    /// The statement may create a `TEMP` object; once it has run, later statements that name
    /// the object must go to the writer too.
    pub(crate) creates_temp: bool,
    /// A setting the pool must carry to its other connections.
    pub(crate) setting: Setting,
    /// How many arguments the statement takes, when that is certain (positional parameters
    /// of one style only).
    pub(crate) parameters: Option<u16>,
}

impl Verdict {
    pub(crate) const fn reader(reason: Reason) -> Self {
        Verdict {
            route: Route::reader(reason),
            txn: TxnEffect::None,
            creates_temp: false,
            setting: Setting::None,
            parameters: None,
        }
    }

    pub(crate) const fn writer(reason: Reason) -> Self {
        Verdict {
            route: Route::writer(reason),
            txn: TxnEffect::None,
            creates_temp: false,
            setting: Setting::None,
            parameters: None,
        }
    }

    /// `true` if the pool must refuse to run the statement.
    pub(crate) fn is_rejected(&self) -> bool {
        matches!(self.route.reason(), Reason::Refused | Reason::Empty)
    }

    fn with_setting(mut self, setting: Setting) -> Self {
        self.setting = setting;
        self
    }

    pub(crate) fn with_txn(mut self, txn: TxnEffect) -> Self {
        self.txn = txn;
        self
    }
}

/// Classify `sql`. Never panics; cost is bounded by [`MAX_PARSE_LEN`] and the recursion limit.
///
/// `is_temp` tells whether a name (in any letter case) is a `TEMP` object created through the
/// pool.
pub(crate) fn classify(sql: &str, grammar: &Grammar, is_temp: &dyn Fn(&str) -> bool) -> Verdict {
    let facts = TextFacts::of(sql, grammar, is_temp);
    let mut verdict = if sql.len() > MAX_PARSE_LEN {
        facts.scanned(Reason::TooLarge)
    } else {
        let parsed = parse(sql, grammar);
        match parsed {
            Some(statements) => classify_statements(&statements, grammar),
            None => classify_unparsed(sql, grammar, &facts),
        }
    };
    if verdict.route.is_reader() {
        if (grammar.opaque)(sql) {
            // The scan below may have missed what the database will run: prove nothing.
            verdict = Verdict::writer(Reason::Unparseable).with_txn(verdict.txn);
        } else if facts.later_call {
            // A function that writes in a batch's later statement fails after the earlier
            // ones returned results: too late to run the batch again on the writer.
            verdict = Verdict::writer(Reason::MixedBatch);
        } else if facts.connection_call {
            verdict = Verdict::writer(Reason::ConnectionState);
        } else if facts.temp_name {
            verdict = Verdict::writer(Reason::TempObject);
        }
    }
    verdict.creates_temp = facts.create && facts.temp_keyword;
    if grammar.count_parameters {
        verdict.parameters = facts.parameters.count();
    }
    verdict
}

fn classify_statements(statements: &[Statement], grammar: &Grammar) -> Verdict {
    match statements {
        [] => Verdict::writer(Reason::Empty),
        [one] => classify_statement(one, grammar),
        many => combine(many.iter().map(|s| classify_statement(s, grammar))),
    }
}

/// The verdict for a batch: a reader only if every statement reads. A rejected statement
/// rejects the batch; any statement touching the transaction makes its effect unknown.
fn combine(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    let verdicts: Vec<Verdict> = verdicts.collect();
    if verdicts.iter().all(|v| v.route.is_reader()) {
        return Verdict::reader(Reason::ReadBatch);
    }
    if verdicts.iter().any(Verdict::is_rejected) {
        return Verdict::writer(Reason::Refused);
    }
    let setting = if verdicts.iter().any(|v| v.setting == Setting::Journal) {
        Setting::Journal
    } else if verdicts.iter().any(|v| v.setting == Setting::Session) {
        Setting::Session
    } else if verdicts.iter().any(|v| v.setting == Setting::Upkeep) {
        Setting::Upkeep
    } else {
        Setting::None
    };
    let touches_txn = verdicts.iter().any(|v| v.txn != TxnEffect::None);
    Verdict::writer(Reason::MixedBatch)
        .with_setting(setting)
        .with_txn(if touches_txn {
            TxnEffect::Unknown
        } else {
            TxnEffect::None
        })
}

fn classify_statement(statement: &Statement, grammar: &Grammar) -> Verdict {
    if let Some(setting) = (grammar.setting)(statement) {
        return setting_verdict(setting);
    }
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
        Statement::StartTransaction {
            modes, statements, ..
        } if statements.is_empty() && is_read_only(modes) => {
            // A read-only transaction (not SERIALIZABLE, which a standby refuses): it runs on a
            // reader, pinned to the task until it ends.
            Verdict::reader(Reason::Transaction).with_txn(TxnEffect::Begin)
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

/// `READ ONLY` among the modes, and no `ISOLATION LEVEL SERIALIZABLE`.
fn is_read_only(modes: &[TransactionMode]) -> bool {
    modes.contains(&TransactionMode::AccessMode(
        TransactionAccessMode::ReadOnly,
    )) && !modes.contains(&TransactionMode::IsolationLevel(
        TransactionIsolationLevel::Serializable,
    ))
}

/// `true` if `query` changes data or takes row locks anywhere in it: a DML body (`WITH …
/// INSERT`, whose AST is a `Query`), a data-changing CTE (`WITH x AS (UPDATE … RETURNING)
/// SELECT`, PostgreSQL), `SELECT … INTO`, or `FOR UPDATE`/`FOR SHARE` at any depth (a
/// subquery in `FROM`, `WHERE … IN (…)`, a CTE), which a standby refuses as a write.
fn query_writes(query: &Query) -> bool {
    struct Finder;
    impl Visitor for Finder {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            if !query.locks.is_empty() || set_expr_writes(&query.body) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    query.visit(&mut Finder).is_break()
}

/// The body itself writes (its nested queries are visited on their own).
fn set_expr_writes(body: &SetExpr) -> bool {
    match body {
        SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => true,
        SetExpr::Select(select) => select.into.is_some(),
        SetExpr::Query(_)
        | SetExpr::SetOperation { .. }
        | SetExpr::Values(_)
        | SetExpr::Table(_) => false,
    }
}

/// Best safe route for SQL that sqlparser rejects: a settings statement the grammar recognises,
/// or a lone query the words prove; everything else fails closed to the writer.
fn classify_unparsed(sql: &str, grammar: &Grammar, facts: &TextFacts) -> Verdict {
    let words = Words::new(sql);
    if let Some(setting) = (grammar.unparsed_setting)(sql) {
        return setting_verdict(setting);
    }
    let is_empty = words.clone().next().is_none() && !sql.contains(';');
    if is_empty {
        return Verdict::writer(Reason::Empty);
    }
    // One unparseable statement must not send a whole batch of reads to the writer: judge
    // each statement on its own, each failing closed.
    if facts.more_statements {
        let pieces = split_statements(sql);
        if pieces.len() > 1 {
            return combine(
                pieces
                    .into_iter()
                    .map(|piece| classify_piece(piece, grammar)),
            );
        }
    }
    facts.scanned(Reason::Unparseable)
}

/// One statement of a batch that did not parse as a whole.
fn classify_piece(sql: &str, grammar: &Grammar) -> Verdict {
    match parse(sql, grammar) {
        Some(statements) => classify_statements(&statements, grammar),
        None => (grammar.unparsed_setting)(sql)
            .map(setting_verdict)
            .unwrap_or_else(|| {
                TextFacts::of(sql, grammar, &|_| false).scanned(Reason::Unparseable)
            }),
    }
}

/// sqlparser's statements for `sql`, or `None` if it cannot parse them. sqlparser is
/// third-party code fed arbitrary input: should it ever panic, the statement fails closed
/// instead of taking the caller's task down.
fn parse(sql: &str, grammar: &Grammar) -> Option<Vec<Statement>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Parser::new(grammar.dialect)
            .with_recursion_limit(RECURSION_LIMIT)
            .try_with_sql(sql)
            .and_then(|mut parser| parser.parse_statements())
    }))
    .ok()
    .and_then(Result::ok)
}

/// Where a settings statement runs: `name` alone, `name(arg)` or `name = arg` (`is_eq`).
fn setting_verdict(setting: SettingUse) -> Verdict {
    let SettingUse {
        access,
        has_argument,
        is_eq,
    } = setting;
    match (access, has_argument, is_eq) {
        (SettingAccess::Report, _, false) | (SettingAccess::Value, false, _) => {
            Verdict::reader(Reason::ReadSetting)
        }
        // For a reporting setting, `(arg)` names what to report on; for the others it sets.
        (SettingAccess::PerConnection, true, _) => {
            Verdict::writer(Reason::SessionSetting).with_setting(Setting::Session)
        }
        (SettingAccess::ReaderMode, true, _) => {
            Verdict::writer(Reason::JournalMode).with_setting(Setting::Journal)
        }
        (SettingAccess::Refused, true, _) => Verdict::writer(Reason::Refused),
        (SettingAccess::Upkeep, true, _) => {
            Verdict::writer(Reason::WriterSetting).with_setting(Setting::Upkeep)
        }
        _ => Verdict::writer(Reason::WriterSetting),
    }
}

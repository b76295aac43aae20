//! `classify`: from SQL text to a [`Verdict`], using sqlparser and the backend's [`Grammar`].
//!
//! The classifier fails closed. Anything it cannot prove to be a read (unparseable SQL,
//! statement kinds it does not know, text over the size cap) goes to the writer, which can run
//! anything. It never executes or rewrites the caller's SQL; it only reads it.

use sqlparser::ast::{ObjectName, Query, SetExpr, Statement};
use sqlparser::dialect::Dialect;
use sqlparser::parser::Parser;

use crate::route::{Reason, Route};

/// Statements longer than this are not parsed but routed by a linear keyword scan. Parse time
/// grows at about 130 ns a byte (a 60 KB `IN (…)` list takes 7.7 ms on the reference
/// machine), so the cap bounds a cache miss at about 2 ms.
pub(crate) const MAX_PARSE_LEN: usize = 16 * 1024;

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
    /// `true` if a function with this name (in any letter case) reads state of the connection
    /// it runs on (so the statement must run on the writer, where the caller's writes happened).
    pub connection_function: fn(&str) -> bool,
    /// `true` if `?`, `?NNN` and `$NNN` are bind parameters (so the pool can check that as
    /// many arguments were bound as the statement has parameters).
    pub count_parameters: bool,
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
    /// Acts on the database or changes how writes behave (`optimize`, `foreign_keys`,
    /// `synchronous`): the writer, in every form.
    Writer,
    /// A per-connection setting that also changes reads (`cache_size`, `query_only`,
    /// `case_sensitive_like`): querying it reads the writer's value; setting it through the
    /// pool sets it on the writer and on every reader.
    PerConnection,
    /// The journal mode: querying it runs on the writer; changing it pauses the readers.
    JournalMode,
    /// Setting it through the pool cannot be made consistent across connections: rejected.
    /// Querying it runs on the writer.
    Refused,
}

/// What else running a statement changes, besides the data, that the pool must follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Setting {
    /// Nothing.
    None,
    /// It sets per-connection settings: spread them to every connection.
    Session,
    /// It changes the journal mode: readers pause outside WAL.
    Journal,
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

    fn with_txn(mut self, txn: TxnEffect) -> Self {
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
        if facts.connection_call {
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

/// What one pass over the tokens of the text tells, outside strings and comments. The parsed
/// path uses it for what the AST does not show (connection-bound calls, TEMP names); SQL that
/// was not parsed is routed by it alone.
#[derive(Default)]
struct TextFacts {
    /// The first word is SELECT, WITH or VALUES.
    starts_as_query: bool,
    /// A keyword that only a statement that writes or changes connection state contains.
    write_keyword: bool,
    /// Another statement follows a `;`.
    more_statements: bool,
    /// `name(` where name is a connection-bound function.
    connection_call: bool,
    /// The TEMP schema, or a TEMP object created through the pool, is named.
    temp_name: bool,
    /// The words CREATE and TEMP/TEMPORARY both occur.
    create: bool,
    temp_keyword: bool,
    /// A transaction-control keyword occurs.
    txn_keyword: bool,
    parameters: Parameters,
}

/// The bind parameters seen, as sqlx's SQLite driver numbers them: a bare `?` takes the next
/// argument; `?NNN` and `$NNN` take argument NNN.
#[derive(Default)]
struct Parameters {
    bare: u32,
    highest_numbered: u32,
    named: bool,
}

impl Parameters {
    fn see(&mut self, word: &str, next: Option<&&str>, adjacent: bool) {
        let numbered = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<u32>().unwrap_or(u32::MAX))
        };
        match word {
            "?" => match next.filter(|_| adjacent).and_then(|n| numbered(n)) {
                Some(n) => self.highest_numbered = self.highest_numbered.max(n),
                None => self.bare += 1,
            },
            ":" | "@" if adjacent => self.named = true,
            _ => {
                if let Some(rest) = word.strip_prefix('$') {
                    match numbered(rest) {
                        Some(n) => self.highest_numbered = self.highest_numbered.max(n),
                        None => self.named = true,
                    }
                }
            }
        }
    }

    /// The number of arguments the statement takes, if one style was used throughout.
    fn count(&self) -> Option<u16> {
        match (self.bare, self.highest_numbered, self.named) {
            (_, _, true) | (1.., 1.., _) => None,
            (n, 0, false) | (0, n, false) => u16::try_from(n).ok(),
        }
    }
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

const TXN_KEYWORDS: [&str; 6] = ["begin", "commit", "rollback", "end", "savepoint", "release"];

const TEMP_SCHEMA: [&str; 4] = [
    "temp",
    "temporary",
    "sqlite_temp_master",
    "sqlite_temp_schema",
];

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|k| word.eq_ignore_ascii_case(k))
}

impl TextFacts {
    fn of(sql: &str, grammar: &Grammar, is_temp: &dyn Fn(&str) -> bool) -> TextFacts {
        let mut facts = TextFacts::default();
        let mut words = Words::new(sql).peekable();
        let mut first = true;
        let mut after_semicolon = false;
        while let Some(word) = words.next() {
            // `?1` is `?` then `1` to the tokenizer; adjacency tells it from `? 1`. The
            // tokenizer unquotes identifiers, so a quoted "?" is told apart by the raw text.
            let at = word.as_ptr() as usize - sql.as_ptr() as usize;
            let end = at + word.len();
            let quoted = at > 0 && matches!(sql.as_bytes()[at - 1], b'"' | b'`' | b'[');
            if !quoted {
                let adjacent = words
                    .peek()
                    .is_some_and(|next| next.as_ptr() as usize == sql.as_ptr() as usize + end);
                facts.parameters.see(word, words.peek(), adjacent);
            }
            if first {
                facts.starts_as_query = is_one_of(word, &["select", "with", "values"]);
                first = false;
            }
            if word == ";" {
                after_semicolon = true;
                continue;
            }
            facts.more_statements |= after_semicolon;
            facts.write_keyword |= is_one_of(word, &WRITE_KEYWORDS);
            facts.txn_keyword |= is_one_of(word, &TXN_KEYWORDS);
            facts.create |= word.eq_ignore_ascii_case("create");
            facts.temp_keyword |=
                word.eq_ignore_ascii_case("temp") || word.eq_ignore_ascii_case("temporary");
            facts.temp_name |= is_one_of(word, &TEMP_SCHEMA) || is_temp(word);
            facts.connection_call |=
                words.peek() == Some(&"(") && (grammar.connection_function)(word);
        }
        facts
    }

    /// A single query with no data-changing keyword only reads.
    fn proves_query(&self) -> bool {
        self.starts_as_query && !self.write_keyword && !self.more_statements
    }

    fn txn(&self) -> TxnEffect {
        if self.txn_keyword {
            TxnEffect::Unknown
        } else {
            TxnEffect::None
        }
    }

    /// Route SQL that was not parsed: a reader only if the scan proves a single query,
    /// otherwise the writer for `reason`.
    fn scanned(&self, reason: Reason) -> Verdict {
        if self.proves_query() {
            Verdict::reader(Reason::ScannedQuery)
        } else {
            Verdict::writer(reason).with_txn(self.txn())
        }
    }
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
            pragma_verdict(access, value.is_some() || *is_eq, *is_eq)
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

fn last_ident_lower(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Best safe route for SQL that sqlparser rejects. Only a lone read-only `PRAGMA` query is
/// proven a read by a token scan; everything else fails closed to the writer.
fn classify_unparsed(sql: &str, grammar: &Grammar, facts: &TextFacts) -> Verdict {
    let words = Words::new(sql);
    if let Some(verdict) = unparsed_pragma(words.clone(), grammar) {
        return verdict;
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
        None => unparsed_pragma(Words::new(sql), grammar).unwrap_or_else(|| {
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

/// `sql` cut at every `;` outside strings and comments, without the empty pieces. A `;` inside
/// a trigger body cuts it too; the pieces then fail to parse and go to the writer.
fn split_statements(sql: &str) -> Vec<&str> {
    let base = sql.as_ptr() as usize;
    let mut pieces = Vec::new();
    let mut start = 0;
    for word in Words::new(sql) {
        if word == ";" {
            let at = word.as_ptr() as usize - base;
            pieces.push(&sql[start..at]);
            start = at + 1;
        }
    }
    pieces.push(&sql[start..]);
    pieces.retain(|piece| Words::new(piece).next().is_some());
    pieces
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
        Some("=") => return Some(pragma_verdict(access, true, true)),
        Some(_) => return None,
    };
    match words.next() {
        None | Some(";") => {}
        Some(_) => return None,
    }
    if words.next().is_some() {
        return None;
    }
    Some(pragma_verdict(access, has_argument, false))
}

/// `PRAGMA name` (no argument), `PRAGMA name(arg)` or `PRAGMA name = arg` (`is_eq`).
fn pragma_verdict(access: PragmaAccess, has_argument: bool, is_eq: bool) -> Verdict {
    match (access, has_argument, is_eq) {
        (PragmaAccess::Report, _, false) | (PragmaAccess::Value, false, _) => {
            Verdict::reader(Reason::ReadPragma)
        }
        // For a reporting pragma, `(arg)` names what to report on; for the others it sets.
        (PragmaAccess::PerConnection, true, _) => {
            Verdict::writer(Reason::SessionSetting).with_setting(Setting::Session)
        }
        (PragmaAccess::JournalMode, true, _) => {
            Verdict::writer(Reason::JournalMode).with_setting(Setting::Journal)
        }
        (PragmaAccess::Refused, true, _) => Verdict::writer(Reason::Refused),
        _ => Verdict::writer(Reason::WritePragma),
    }
}

/// The pragma assignments in `sql` whose access is `wanted`, as `(name, value)`: the name
/// lower-case and with its schema if one was given (`main.cache_size`), the value as written
/// (`64000`, `-2000`, `'WAL'`, `MEMORY`). `PRAGMA name = value` and `PRAGMA name(value)` alike.
pub(crate) fn pragma_assignments(
    sql: &str,
    grammar: &Grammar,
    wanted: PragmaAccess,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for piece in split_statements(sql) {
        let mut words = Words::new(piece);
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
        if (grammar.pragma)(bare) != wanted {
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

/// The lower-case names of the TEMP tables and views `sql` creates:
/// `CREATE {TEMP|TEMPORARY} [VIRTUAL] {TABLE|VIEW} [IF NOT EXISTS] name`, and the same with
/// `temp.name` instead of the keyword.
pub(crate) fn temp_names_created(sql: &str) -> Vec<String> {
    let words: Vec<&str> = Words::new(sql).collect();
    let is = |i: usize, k: &str| words.get(i).is_some_and(|w| w.eq_ignore_ascii_case(k));
    let mut names = Vec::new();
    for start in (0..words.len()).filter(|&i| is(i, "create")) {
        let mut i = start + 1;
        let temp_keyword = is(i, "temp") || is(i, "temporary");
        if temp_keyword {
            i += 1;
        }
        if is(i, "virtual") {
            i += 1;
        }
        if !(is(i, "table") || is(i, "view")) {
            continue;
        }
        i += 1;
        if is(i, "if") && is(i + 1, "not") && is(i + 2, "exists") {
            i += 3;
        }
        let temp_schema = (is(i, "temp") || is(i, "temporary")) && is(i + 1, ".");
        if temp_schema {
            i += 2;
        } else if !temp_keyword {
            continue;
        }
        if let Some(name) = words.get(i) {
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}

/// `sql` with its comments removed (each replaced by a space), or `None` if it has none: the
/// verdict cache's key, so that statements differing only in comments (trace ids added by
/// sqlcommenter-style middleware) share one entry.
pub(crate) fn without_comments(sql: &str) -> Option<String> {
    if !sql.contains("--") && !sql.contains("/*") {
        return None;
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(i) = rest.find(['\'', '"', '`', '[', '-', '/']) {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        if let Some(after) = at.strip_prefix("--") {
            out.push(' ');
            rest = after.find('\n').map_or("", |j| &after[j..]);
        } else if let Some(after) = at.strip_prefix("/*") {
            out.push(' ');
            rest = after.find("*/").map_or("", |j| &after[j + 2..]);
        } else if matches!(at.as_bytes()[0], b'-' | b'/') {
            out.push_str(&at[..1]);
            rest = &at[1..];
        } else {
            let close = if at.starts_with('[') {
                ']'
            } else {
                at.chars().next().unwrap_or('\'')
            };
            let end = at[1..].find(close).map_or(at.len(), |j| j + 2);
            out.push_str(&at[..end]);
            rest = &at[end..];
        }
    }
    out.push_str(rest);
    Some(out)
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
            // A quoted identifier compares by its name; an unterminated one stays as it is.
            let unquoted = match first {
                '"' | '`' => word[1..].strip_suffix(first),
                '[' => word[1..].strip_suffix(']'),
                _ => None,
            };
            return Some(unquoted.unwrap_or(word));
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
                "cache_size" => PragmaAccess::PerConnection,
                _ => PragmaAccess::Writer,
            },
            connection_function: |name| name.eq_ignore_ascii_case("last_insert_rowid"),
            count_parameters: true,
        }
    }

    fn verdict(sql: &str) -> Verdict {
        classify(sql, &grammar(), &|name| {
            name.eq_ignore_ascii_case("scratch")
        })
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
            Route::writer(Reason::WritePragma)
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
        // Found by tests/classifier_fuzz.rs: an unterminated quote before a multi-byte char.
        assert_eq!(route("PRAGMA \"Mé").target(), Target::Writer);
    }
}

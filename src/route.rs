//! The routing verdict: where a statement runs ([`Target`]) and why ([`Reason`]).
//!
//! A [`Route`] is what [`RwPool::route_of`](crate::RwPool::route_of) returns and what the
//! executor acts on. It is `Copy` so a cached verdict costs nothing to hand out.

use std::fmt;

/// Which connection a statement runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// One of the read-only reader connections.
    Reader,
    /// The single writer connection, reached through the writer queue.
    Writer,
}

/// Why a statement was routed where it was.
///
/// Every reason that sends a statement to the writer errs on the side of safety: the writer can
/// run anything, a reader can only read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A query (`SELECT`, `VALUES`, `WITH … SELECT`) with no data-changing part.
    Query,
    /// `EXPLAIN` or `EXPLAIN QUERY PLAN` of a read.
    Explain,
    /// A `PRAGMA` that only reports on the database.
    ReadPragma,
    /// A multi-statement string whose every statement is a read.
    ReadBatch,
    /// `INSERT`, `UPDATE`, `DELETE`, `REPLACE` or `UPSERT`.
    Write,
    /// A `WITH` clause wraps an `INSERT`, `UPDATE` or `DELETE`.
    WithWrite,
    /// A schema change (`CREATE`, `ALTER`, `DROP`).
    Schema,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `END`, `SAVEPOINT` or `RELEASE`.
    Transaction,
    /// `VACUUM`, `ANALYZE`, `REINDEX`, `ATTACH` or `DETACH`.
    Maintenance,
    /// A `PRAGMA` that sets a value, acts on the database, or reports per-connection state.
    WritePragma,
    /// A per-connection setting sent through the pool (for SQLite a `PRAGMA` assignment such
    /// as `cache_size = 64000` or `temp_store = 2`): it runs on the writer at once, and every
    /// reader gets it before its next statement, as if it had been given to
    /// [`RwPoolOptions::pragma`](crate::RwPoolOptions::pragma).
    SessionSetting,
    /// A change of the journal mode (`PRAGMA journal_mode = DELETE`): the readers are closed
    /// first (the switch needs the file to itself), and reads run on the writer until the
    /// mode is WAL again.
    JournalMode,
    /// A setting the pool cannot apply consistently to all its connections (for SQLite
    /// `PRAGMA locking_mode = …`, which would lock the pool's own readers out): rejected with
    /// an error that says why.
    Refused,
    /// The statement names a `TEMP` object, which exists only on the writer connection.
    TempObject,
    /// sqlparser could not parse it (or it is over the size cap), but a keyword scan proves it
    /// is a single query with no data-changing keyword.
    ScannedQuery,
    /// The result depends on the connection (`last_insert_rowid()`, `changes()`,
    /// `total_changes()`), so it must run where the writes ran.
    ConnectionState,
    /// A multi-statement string with at least one statement that is not a read.
    MixedBatch,
    /// A statement kind that is not known to be a read.
    Other,
    /// The SQL could not be parsed; unparseable SQL always runs on the writer.
    Unparseable,
    /// The SQL is empty or only comments.
    Empty,
    /// The SQL is larger than the classifier's size cap and was not parsed.
    TooLarge,
    /// A reader refused the statement as a write (`SQLITE_READONLY`); it now runs on the writer.
    Healed,
    /// The calling task has a transaction open through the pool (`BEGIN` sent through `&pool`),
    /// so all of its statements run on the writer inside that transaction.
    Pinned,
}

impl Reason {
    /// Every reason, in declaration order (its `as usize` index).
    pub(crate) const ALL: [Reason; Reason::COUNT] = [
        Reason::Query,
        Reason::Explain,
        Reason::ReadPragma,
        Reason::ReadBatch,
        Reason::Write,
        Reason::WithWrite,
        Reason::Schema,
        Reason::Transaction,
        Reason::Maintenance,
        Reason::WritePragma,
        Reason::SessionSetting,
        Reason::JournalMode,
        Reason::Refused,
        Reason::TempObject,
        Reason::ScannedQuery,
        Reason::ConnectionState,
        Reason::MixedBatch,
        Reason::Other,
        Reason::Unparseable,
        Reason::Empty,
        Reason::TooLarge,
        Reason::Healed,
        Reason::Pinned,
    ];
    pub(crate) const COUNT: usize = 23;

    /// A short explanation in words a user understands.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Query => "a query that only reads",
            Reason::Explain => "EXPLAIN of a read",
            Reason::ReadPragma => "a PRAGMA that only reports",
            Reason::ReadBatch => "every statement in the batch only reads",
            Reason::Write => "INSERT, UPDATE or DELETE changes data",
            Reason::WithWrite => "WITH clause wraps an INSERT, UPDATE or DELETE",
            Reason::Schema => "a schema change",
            Reason::Transaction => "transaction control",
            Reason::Maintenance => "VACUUM, ANALYZE, REINDEX, ATTACH or DETACH",
            Reason::WritePragma => {
                "a PRAGMA that sets a value, acts, or reads per-connection state"
            }
            Reason::SessionSetting => {
                "a per-connection setting: applied to the writer now and to every reader"
            }
            Reason::JournalMode => "a journal-mode change: readers pause while not in WAL",
            Reason::Refused => "a setting the pool cannot apply to all its connections (rejected)",
            Reason::TempObject => "names a TEMP object, which lives on the writer connection",
            Reason::ScannedQuery => "not parsed, but a keyword scan proves a single query",
            Reason::ConnectionState => {
                "the result depends on the writer connection (last_insert_rowid, changes)"
            }
            Reason::MixedBatch => "a batch with a statement that is not a read",
            Reason::Other => "a statement kind not known to be read-only",
            Reason::Unparseable => "the SQL could not be parsed (fail closed)",
            Reason::Empty => "empty statement",
            Reason::TooLarge => "statement too large to classify (fail closed)",
            Reason::Healed => "a reader refused it as a write (SQLITE_READONLY)",
            Reason::Pinned => "this task has a transaction open through the pool",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Where a statement goes and why.
///
/// ```
/// use sqlx_rw::{Route, Reason, Target};
///
/// let route = Route::new(Target::Writer, Reason::WithWrite);
/// assert!(!route.is_reader());
/// assert_eq!(route.to_string(), "writer: WITH clause wraps an INSERT, UPDATE or DELETE");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    target: Target,
    reason: Reason,
}

impl Route {
    /// A route to `target` for `reason`.
    pub const fn new(target: Target, reason: Reason) -> Self {
        Route { target, reason }
    }

    pub(crate) const fn reader(reason: Reason) -> Self {
        Route::new(Target::Reader, reason)
    }

    pub(crate) const fn writer(reason: Reason) -> Self {
        Route::new(Target::Writer, reason)
    }

    /// The connection the statement runs on.
    pub fn target(self) -> Target {
        self.target
    }

    /// Why it runs there.
    pub fn reason(self) -> Reason {
        self.reason
    }

    /// `true` if the statement runs on a reader.
    pub fn is_reader(self) -> bool {
        self.target == Target::Reader
    }

    /// `true` if the statement runs on the writer.
    pub fn is_writer(self) -> bool {
        self.target == Target::Writer
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match self.target {
            Target::Reader => "reader",
            Target::Writer => "writer",
        };
        write!(f, "{target}: {}", self.reason)
    }
}

//! The routing verdict: where a statement runs ([`Target`]) and why ([`Reason`]).
//!
//! A [`Route`] is what [`RwPool::route_of`](crate::RwPool::route_of) returns and what the
//! executor acts on. It is `Copy` so a cached verdict costs nothing to hand out.

use std::fmt;

pub(crate) mod cache;
pub(crate) mod classify;
mod grammar;
pub(crate) mod scan;

pub use grammar::{Grammar, SettingAccess, SettingUse};
#[cfg_attr(not(feature = "sqlite"), allow(unused_imports))]
pub(crate) use scan::split_statements;
pub use scan::Words;

/// The words of `sql`, as the router's scanner reads them: identifiers (quoted ones unquoted),
/// numbers, strings and single punctuation, with comments and white space skipped. For a
/// backend's [`Grammar::unparsed_setting`].
pub fn words(sql: &str) -> Words<'_> {
    Words::new(sql)
}

/// Which connection a statement runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// One of the read-only reader connections.
    Reader,
    /// The single writer connection, reached through the writer queue.
    Writer,
}

/// Declares [`Reason`] with its description, and the list of every variant from the same
/// text, so the list used for counting can never miss one.
macro_rules! reasons {
    ($( $(#[$doc:meta])* $name:ident => $text:literal, )*) => {
        /// Why a statement was routed where it was.
        ///
        /// Every reason that sends a statement to the writer errs on the side of safety: the
        /// writer can run anything, a reader can only read.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Reason {
            $( $(#[$doc])* $name, )*
        }

        impl Reason {
            /// Every reason, in declaration order (its `as usize` index).
            pub(crate) const ALL: &'static [Reason] = &[$(Reason::$name),*];

            /// How many reasons there are.
            pub(crate) const COUNT: usize = Reason::ALL.len();

            /// A short explanation in words a user understands.
            pub fn describe(self) -> &'static str {
                match self {
                    $( Reason::$name => $text, )*
                }
            }
        }
    };
}

reasons! {
    /// A query (`SELECT`, `VALUES`, `WITH … SELECT`) with no data-changing part.
    Query => "a query that only reads",
    /// `EXPLAIN` or `EXPLAIN QUERY PLAN` of a read.
    Explain => "EXPLAIN of a read",
    /// A settings statement that only reports (for SQLite, `PRAGMA table_info(t)`).
    ReadSetting => "a setting that only reports",
    /// A multi-statement string whose every statement is a read.
    ReadBatch => "every statement in the batch only reads",
    /// `INSERT`, `UPDATE`, `DELETE`, `REPLACE` or `UPSERT`.
    Write => "INSERT, UPDATE or DELETE changes data",
    /// A `WITH` clause wraps an `INSERT`, `UPDATE` or `DELETE`.
    WithWrite => "WITH clause wraps an INSERT, UPDATE or DELETE",
    /// A schema change (`CREATE`, `ALTER`, `DROP`).
    Schema => "a schema change",
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `END`, `SAVEPOINT` or `RELEASE`.
    Transaction => "transaction control",
    /// `VACUUM`, `ANALYZE`, `REINDEX`, `ATTACH` or `DETACH`.
    Maintenance => "VACUUM, ANALYZE, REINDEX, ATTACH or DETACH",
    /// A settings statement that sets a value, acts on the database, or reports per-connection
    /// state.
    WriterSetting => "a setting that changes a value, acts, or reads per-connection state",
    /// A per-connection setting sent through the pool (for SQLite a `PRAGMA` assignment such
    /// as `cache_size = 64000`): it runs on the writer at once, and every reader gets it before
    /// its next statement, as if it had been given to the pool's options.
    SessionSetting => "a per-connection setting: applied to the writer now and to every reader",
    /// A change of the mode that lets readers run beside the writer (for SQLite, the journal
    /// mode): the readers are closed first, and reads run on the writer until the mode allows
    /// readers again.
    JournalMode => "a journal-mode change: readers pause while not in WAL",
    /// A setting the pool cannot apply consistently to all its connections (for SQLite,
    /// `locking_mode`, which would lock the pool's own readers out): rejected with an error
    /// that says why.
    Refused => "a setting the pool cannot apply to all its connections (rejected)",
    /// The statement names a `TEMP` object, which exists only on the writer connection.
    TempObject => "names a TEMP object, which lives on the writer connection",
    /// The statement could not be parsed (or is over the size cap), but a keyword scan proves
    /// it is a single query with no data-changing keyword.
    ScannedQuery => "not parsed, but a keyword scan proves a single query",
    /// The result depends on the connection (for SQLite, `last_insert_rowid()`, `changes()`),
    /// so it must run where the writes ran.
    ConnectionState => "the result depends on the writer connection (last_insert_rowid, changes)",
    /// A multi-statement string with at least one statement that is not a read.
    MixedBatch => "a batch with a statement that is not a read",
    /// A statement kind that is not known to be a read.
    Other => "a statement kind not known to be read-only",
    /// The SQL could not be parsed; unparseable SQL always runs on the writer.
    Unparseable => "the SQL could not be parsed (fail closed)",
    /// The SQL is empty or only comments.
    Empty => "empty statement",
    /// The SQL is larger than the classifier's size cap and was not parsed.
    TooLarge => "statement too large to classify (fail closed)",
    /// A reader refused the statement as a write (the database said it is read-only); it now
    /// runs on the writer.
    Healed => "a reader refused it as a write",
    /// The calling task has a transaction open through the pool (`BEGIN` sent through `&pool`),
    /// so all of its statements run on the writer inside that transaction.
    Pinned => "this task has a transaction open through the pool",
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

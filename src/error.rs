//! `RwPoolError`: the errors the pool itself raises, carried in `sqlx::Error::Database`.
//!
//! Callers already match on `sqlx::Error`; these arrive as a database error whose `code()` names
//! the condition and whose message says what to do. Downcast with
//! `err.as_database_error().and_then(|e| e.try_downcast_ref::<RwPoolError>())`.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use sqlx::error::{DatabaseError, ErrorKind};

/// What went wrong, for callers that branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RwErrorKind {
    /// The task's transaction (begun with `BEGIN` through the pool) sat idle past the configured
    /// timeout and was rolled back.
    TransactionAbandoned,
    /// The task waited for the writer while something of its own held it idle (an open
    /// `Transaction` or acquired connection with no statement running, a `fetch` stream on the
    /// writer it stopped polling), so the wait could never end.
    WriterHeldByThisTask,
    /// Waiting for the writer took longer than the acquire timeout.
    WriterTimedOut,
    /// Another process held the database's write lock longer than `busy_timeout`. (This
    /// pool's own writers never contend for it: they queue.) The message carries the database's
    /// error and code.
    LockedByOtherProcess,
    /// The database file was deleted or replaced while the pool was running. A write that
    /// ran then went to the old, unlinked file and is lost.
    DatabaseFileMoved,
    /// No writer connection could be had within the acquire timeout because none could be
    /// opened (for a server: the primary is down or unreachable) or every one is held by a
    /// transaction. Reads go on on the readers meanwhile.
    WriterUnreachable,
    /// The writer itself refused a write as read-only: for a server, the primary URL now
    /// reaches a server in recovery (a failover demoted it) or one set read-only.
    WriterReadOnly,
    /// The pool refused to run the statement (empty SQL, or a setting it cannot apply to all
    /// its connections, for SQLite `PRAGMA locking_mode`); the message says why.
    Rejected,
}

impl RwErrorKind {
    fn code(self) -> &'static str {
        match self {
            RwErrorKind::TransactionAbandoned => "SQLX_RW_TRANSACTION_ABANDONED",
            RwErrorKind::WriterHeldByThisTask => "SQLX_RW_WRITER_HELD_BY_THIS_TASK",
            RwErrorKind::WriterTimedOut => "SQLX_RW_WRITER_TIMED_OUT",
            RwErrorKind::WriterUnreachable => "SQLX_RW_WRITER_UNREACHABLE",
            RwErrorKind::WriterReadOnly => "SQLX_RW_WRITER_READ_ONLY",
            RwErrorKind::Rejected => "SQLX_RW_REJECTED",
            RwErrorKind::DatabaseFileMoved => "SQLX_RW_DATABASE_FILE_MOVED",
            RwErrorKind::LockedByOtherProcess => "SQLX_RW_LOCKED_BY_OTHER_PROCESS",
        }
    }
}

/// An error raised by the pool rather than by the database.
#[derive(Debug)]
pub struct RwPoolError {
    kind: RwErrorKind,
    message: String,
}

/// A pool error of `kind`, as the `sqlx::Error` callers receive.
pub(crate) fn pool_error(kind: RwErrorKind, message: impl Into<String>) -> sqlx::Error {
    sqlx::Error::Database(Box::new(RwPoolError {
        kind,
        message: message.into(),
    }))
}

impl RwPoolError {
    /// Which condition this is.
    pub fn kind(&self) -> RwErrorKind {
        self.kind
    }

    /// The [`RwPoolError`] inside `err`, if it is one.
    pub fn of(err: &sqlx::Error) -> Option<&RwPoolError> {
        err.as_database_error()?.try_downcast_ref::<RwPoolError>()
    }
}

impl fmt::Display for RwPoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for RwPoolError {}

impl DatabaseError for RwPoolError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.kind.code()))
    }

    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        ErrorKind::Other
    }
}

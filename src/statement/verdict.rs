//! The verdict for one statement's SQL, and the errors and corrections that come from it.
//!
//! Verdicts come from the cache after the first time; a statement the classifier could not
//! parse is logged once. TEMP objects created through the pool are remembered (they exist on
//! the writer only), and a write a reader refused is remembered as a writer verdict (healing).

use std::sync::atomic::Ordering;

use sqlx::{Error, SqlStr};

use crate::backend::{Backend, ErrorClass};
use crate::pool::RwPool;
use crate::route::classify::{classify, TxnEffect, Verdict};
use crate::route::scan::temp_names_created;
use crate::route::Reason;
use crate::stats::bump;

impl<DB: Backend> RwPool<DB> {
    /// The SQL to run for `sql`: a plain `BEGIN` becomes the configured begin statement.
    pub(crate) fn rewrite(&self, sql: SqlStr, verdict: &Verdict) -> SqlStr {
        match (&self.0.begin, verdict.txn) {
            (Some(begin), TxnEffect::PlainBegin) => begin.clone(),
            _ => sql,
        }
    }

    pub(crate) fn verdict(&self, sql: &str) -> Verdict {
        let classify = || {
            let verdict = classify(sql, DB::grammar(), &|name| self.is_temp(name));
            if is_fallback(verdict.route.reason()) {
                tracing::debug!(
                    target: "sqlx_rw",
                    sql = %sql.get(..sql.floor_char_boundary(80)).unwrap_or_default(),
                    reason = %verdict.route.reason(),
                    "statement not parsed; routed by a keyword scan or to the writer"
                );
            }
            verdict
        };
        // Past this size a statement is routed by a linear scan each time: cheaper than the
        // memory it would take in the cache (a key is the whole text).
        if sql.len() > MAX_CACHED_LEN {
            return classify();
        }
        self.0
            .cache
            .get_or_insert(sql, DB::grammar().opaque, classify)
    }

    fn is_temp(&self, name: &str) -> bool {
        self.0.has_temps.load(Ordering::Acquire)
            && self
                .0
                .temps
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .contains(name)
    }

    /// After `sql` ran on the writer: remember the TEMP tables and views it created, so that
    /// statements naming them are routed to the writer, where they exist.
    pub(crate) fn register_temps(&self, sql: &str) {
        let names = temp_names_created(sql);
        if names.is_empty() {
            return;
        }
        self.0
            .temps
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .extend(names);
        self.0.has_temps.store(true, Ordering::Release);
        // Verdicts cached before now may send reads of these names to readers.
        self.0.cache.clear();
    }

    /// An error from the writer, made clearer where the pool knows more than the database: a
    /// lock timeout on the writer can only be another process's doing; a write refused as
    /// read-only outside a transaction (`autocommit`) means the writer is not a primary.
    pub(crate) fn explain(&self, error: Error, autocommit: bool) -> Error {
        // Inside a transaction, a read-only refusal may be the transaction's own (`READ ONLY`).
        if autocommit && DB::classify_error(&error) == ErrorClass::ReadOnlyRefusal {
            if let Some(message) = DB::writer_read_only_message(&error) {
                tracing::warn!(target: "sqlx_rw", %error, "the writer refused a write as read-only");
                return crate::error::pool_error(
                    crate::error::RwErrorKind::WriterReadOnly,
                    message,
                );
            }
        }
        if DB::classify_error(&error) != ErrorClass::Busy {
            return error;
        }
        tracing::warn!(target: "sqlx_rw", %error, "another process held the write lock past its wait");
        crate::error::pool_error(
            crate::error::RwErrorKind::LockedByOtherProcess,
            DB::busy_message(&error),
        )
    }

    /// The error for a statement the pool refuses to run.
    pub(crate) fn rejection(&self, sql: &str, verdict: &Verdict) -> Error {
        let shown = sql
            .get(..sql.floor_char_boundary(80))
            .unwrap_or_default()
            .trim();
        let message = if verdict.route.reason() == Reason::Empty {
            "the SQL is empty or only comments: there is no statement to run".to_owned()
        } else {
            (DB::grammar().refusal)(shown)
        };
        crate::error::pool_error(crate::error::RwErrorKind::Rejected, message)
    }

    /// A read failed on a reader for a reason of that reader's, and runs again on the writer.
    pub(crate) fn count_read_retry(&self, error: &Error) {
        bump(&self.0.counters.read_retries);
        tracing::info!(
            target: "sqlx_rw",
            %error,
            "a reader failed the read before any row reached the caller; ran it on the writer"
        );
    }

    /// Remember that a reader refused `sql`, so it goes straight to the writer next time.
    pub(crate) fn heal(&self, sql: &str) {
        bump(&self.0.counters.healed);
        self.0.cache.overwrite(sql, Verdict::writer(Reason::Healed));
        tracing::info!(
            target: "sqlx_rw",
            sql = %sql.get(..sql.floor_char_boundary(80)).unwrap_or_default(),
            "a reader refused the statement as a write; ran it on the writer"
        );
    }
}

/// Statements longer than this are not cached.
const MAX_CACHED_LEN: usize = 256 * 1024;

pub(super) fn is_fallback(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::Unparseable | Reason::TooLarge | Reason::ScannedQuery
    )
}

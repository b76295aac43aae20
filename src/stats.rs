//! `Stats`: counters of what the pool routed and where, kept in atomics so counting costs no
//! lock on the hot path.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) reader_statements: AtomicU64,
    pub(crate) writer_statements: AtomicU64,
    pub(crate) pinned_statements: AtomicU64,
    pub(crate) parse_fallbacks: AtomicU64,
    pub(crate) healed: AtomicU64,
    pub(crate) abandoned_transactions: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A snapshot of the pool's counters, from [`RwPool::stats`](crate::RwPool::stats).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Statements run on a reader.
    pub reader_statements: u64,
    /// Statements run on the writer outside a pinned transaction.
    pub writer_statements: u64,
    /// Statements run inside a transaction begun with `BEGIN` through the pool.
    pub pinned_statements: u64,
    /// Statements sqlparser could not parse (or over the size cap): routed by a keyword scan,
    /// or to the writer when the scan could not prove a read.
    pub parse_fallbacks: u64,
    /// Statements a reader refused as writes and that then ran on the writer.
    pub healed: u64,
    /// Pinned transactions rolled back after sitting idle past the timeout.
    pub abandoned_transactions: u64,
    /// Tasks waiting for the writer now.
    pub writer_queue: u64,
    /// Routing verdicts served from the cache.
    pub cache_hits: u64,
    /// Routing verdicts that needed a parse.
    pub cache_misses: u64,
    /// Verdicts held in the cache now.
    pub cache_entries: u64,
    /// Approximate bytes the cache holds now.
    pub cache_bytes: u64,
}

impl Counters {
    pub(crate) fn load(&self, counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: [(&str, u64); 11] = [
            ("reader statements", self.reader_statements),
            ("writer statements", self.writer_statements),
            ("pinned statements", self.pinned_statements),
            ("parse fallbacks", self.parse_fallbacks),
            ("healed misroutes", self.healed),
            ("abandoned transactions", self.abandoned_transactions),
            ("writer queue now", self.writer_queue),
            ("verdict cache hits", self.cache_hits),
            ("verdict cache misses", self.cache_misses),
            ("verdict cache entries", self.cache_entries),
            ("verdict cache bytes", self.cache_bytes),
        ];
        for (name, value) in rows {
            writeln!(f, "{name:<24}{value:>12}")?;
        }
        Ok(())
    }
}

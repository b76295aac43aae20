//! `VerdictCache`: classified verdicts by SQL text, bounded by bytes.
//!
//! Parsing costs 6–33 µs a statement; a cache hit costs a hash and an uncontended lock. The
//! cache is sharded so tasks on different cores rarely meet on one lock, and each shard keeps
//! two generations: when the hot map passes its byte budget it becomes the cold one and the old
//! cold map is dropped. A hit in the cold map moves the entry back to the hot one, so the
//! statements an application repeats stay cached while one-off statements age out in O(1),
//! without per-entry bookkeeping.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::route::classify::Verdict;
use crate::route::scan::without_comments;

const SHARDS: usize = 16;
/// Map entry overhead beyond the key's bytes (key pointer and length, verdict, hash slot).
const ENTRY_OVERHEAD: usize = 48;

pub(crate) struct VerdictCache {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    shard_budget: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Bumped by `clear`: a verdict classified before a clear is not inserted after it.
    epoch: AtomicU64,
}

#[derive(Default)]
struct Shard {
    hot: HashMap<Box<str>, Verdict>,
    cold: HashMap<Box<str>, Verdict>,
    hot_bytes: usize,
    cold_bytes: usize,
}

impl VerdictCache {
    /// A cache using at most about `max_bytes` (two generations of half that each).
    pub(crate) fn new(max_bytes: usize) -> Self {
        VerdictCache {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            shard_budget: (max_bytes / SHARDS / 2).max(1),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    fn shard(&self, sql: &str) -> &Mutex<Shard> {
        let index = self.hasher.hash_one(sql) as usize % SHARDS;
        &self.shards[index]
    }

    /// The cached verdict for `sql`, or `classify` it and remember the answer.
    ///
    /// Entries are keyed by the text without comments. The exact text is tried first, so the
    /// common case (no comments, or the same comments every time) costs one lookup; text whose
    /// comments vary (a trace id per request) costs a comment strip and a second lookup, never
    /// a parse, and adds no entry. Text the database reads differently from the scan
    /// (`opaque`: for MySQL, comments the server runs) is keyed by its exact text only.
    pub(crate) fn get_or_insert(
        &self,
        sql: &str,
        opaque: fn(&str) -> bool,
        classify: impl FnOnce() -> Verdict,
    ) -> Verdict {
        if let Some(verdict) = lock(self.shard(sql)).get(sql, self.shard_budget) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return verdict;
        }
        let stripped = if opaque(sql) {
            None
        } else {
            without_comments(sql)
        };
        let key = stripped.as_deref().unwrap_or(sql);
        if stripped.is_some() {
            if let Some(verdict) = lock(self.shard(key)).get(key, self.shard_budget) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return verdict;
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        // Classify outside the lock: a slow parse must not stall hits on the same shard.
        let epoch = self.epoch.load(Ordering::Acquire);
        let verdict = classify();
        let mut shard = lock(self.shard(key));
        if self.epoch.load(Ordering::Acquire) == epoch {
            shard.insert(key.into(), verdict, self.shard_budget);
        }
        verdict
    }

    /// Forget every verdict (a TEMP object appeared, so some reads now belong on the writer).
    pub(crate) fn clear(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        for shard in self.shards.iter() {
            *lock(shard) = Shard::default();
        }
    }

    /// Replace the verdict for `sql` (a reader refused it, so it now belongs on the writer).
    pub(crate) fn overwrite(&self, sql: &str, verdict: Verdict) {
        lock(self.shard(sql)).insert(sql.into(), verdict, self.shard_budget);
    }

    pub(crate) fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub(crate) fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Entries and approximate bytes held now.
    pub(crate) fn size(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(n, b), shard| {
            let s = lock(shard);
            (
                n + s.hot.len() + s.cold.len(),
                b + s.hot_bytes + s.cold_bytes,
            )
        })
    }
}

/// A poisoned shard only means a panic elsewhere while it was held; its maps are still valid.
fn lock(shard: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shard {
    fn get(&mut self, sql: &str, budget: usize) -> Option<Verdict> {
        if let Some(verdict) = self.hot.get(sql) {
            return Some(*verdict);
        }
        let (key, verdict) = self.cold.remove_entry(sql)?;
        self.cold_bytes -= cost(&key);
        self.insert(key, verdict, budget);
        Some(verdict)
    }

    fn insert(&mut self, key: Box<str>, verdict: Verdict, budget: usize) {
        let bytes = cost(&key);
        if let Some(old) = self.cold.remove(&key) {
            let _ = old;
            self.cold_bytes -= bytes;
        }
        if self.hot.insert(key, verdict).is_none() {
            self.hot_bytes += bytes;
        }
        if self.hot_bytes > budget {
            self.cold = std::mem::take(&mut self.hot);
            self.cold_bytes = std::mem::take(&mut self.hot_bytes);
        }
    }
}

fn cost(key: &str) -> usize {
    key.len() + ENTRY_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::Reason;

    fn verdict() -> Verdict {
        Verdict::reader(Reason::Query)
    }

    #[test]
    fn repeated_statements_are_classified_once() {
        let cache = VerdictCache::new(1 << 20);
        let mut parses = 0;
        for _ in 0..10 {
            cache.get_or_insert(
                "SELECT 1",
                |_| false,
                || {
                    parses += 1;
                    verdict()
                },
            );
        }
        assert_eq!(parses, 1);
        assert_eq!((cache.hits(), cache.misses()), (9, 1));
    }

    #[test]
    fn statements_differing_only_in_comments_share_one_entry() {
        let cache = VerdictCache::new(1 << 20);
        let mut parses = 0;
        for trace in 0..100 {
            let sql = format!("/* traceparent='00-{trace:032x}' */ SELECT * FROM t WHERE id = ?");
            cache.get_or_insert(
                &sql,
                |_| false,
                || {
                    parses += 1;
                    verdict()
                },
            );
        }
        assert_eq!(parses, 1);
        assert_eq!(cache.size().0, 1);
    }

    #[test]
    fn text_whose_comments_the_database_runs_is_never_keyed_without_them() {
        let cache = VerdictCache::new(1 << 20);
        let opaque = |sql: &str| sql.contains("/*!");
        cache.get_or_insert("SELECT 1", opaque, verdict);
        let hidden = cache.get_or_insert("SELECT 1 /*!, f() */", opaque, || {
            Verdict::writer(Reason::Unparseable)
        });
        assert!(hidden.route.is_writer(), "classified on its own");
        let again = cache.get_or_insert("SELECT 1 /*!, f() */", opaque, verdict);
        assert!(again.route.is_writer(), "and cached by its exact text");
    }

    #[test]
    fn memory_stays_within_budget_for_distinct_statements() {
        let budget = 64 * 1024;
        let cache = VerdictCache::new(budget);
        for i in 0..100_000 {
            cache.get_or_insert(
                &format!("SELECT * FROM t WHERE id = {i}"),
                |_| false,
                verdict,
            );
        }
        let (_, bytes) = cache.size();
        // Each shard may exceed its half-budget by one entry before it rotates.
        assert!(
            bytes <= budget + SHARDS * 2 * 100,
            "cache holds {bytes} bytes"
        );
    }

    #[test]
    fn a_repeated_statement_survives_rotation() {
        let cache = VerdictCache::new(16 * 1024);
        let mut parses = 0;
        for i in 0..20_000 {
            cache.get_or_insert(&format!("SELECT {i}"), |_| false, verdict);
            cache.get_or_insert(
                "SELECT hot",
                |_| false,
                || {
                    parses += 1;
                    verdict()
                },
            );
        }
        assert_eq!(parses, 1);
    }
}

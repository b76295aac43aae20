//! `Readers`: the read-only connections, as one sqlx pool that can be replaced or paused.
//!
//! Reader connections are opened from options fixed when the pool opens them. Two things
//! change those options while the pool runs, and both are handled by replacing the whole sqlx
//! pool rather than patching connections one by one (sqlx gives no way to tell which options an
//! idle connection was opened with):
//!
//! - A per-connection setting sent through the pool (for SQLite, `PRAGMA cache_size = …`): the new options
//!   carry it, a fresh pool opens from them, and every read from then on gets a connection that
//!   has it. The old pool closes in the background once the reads it lent out come back.
//! - A journal-mode change away from WAL: the readers close (the switch needs the file to
//!   itself) and reads run on the writer until the mode is WAL again; then a fresh pool opens.
//!
//! Pools open lazily: no reader connection exists until a read asks for one, so a pool that
//! only writes (or migrates) holds the file through one connection.
//!
//! Every read passes a [`Gate`] before it takes a connection, so upkeep can hold new reads
//! for a moment while the ones in flight end (see `gate`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};

use crate::backend::{Backend, ConnectOptionsOf};

mod gate;

use gate::Gate;
pub use gate::ReadHold;

pub(crate) struct Readers<DB: Backend> {
    /// The pool reads use now; `None` while paused (reads use the writer).
    current: RwLock<Option<Pool<DB>>>,
    /// Bumped whenever `current` is replaced: a read whose pool closed under it (replaced by
    /// a setting, paused for a journal-mode change) tries again with the new one.
    generation: AtomicU64,
    /// Journal-mode changes under way: readers open again only once none is.
    changes: AtomicUsize,
    /// Replaced pools still closing, so that closing the readers waits for them too.
    retiring: Mutex<Vec<Pool<DB>>>,
    /// Closed for good: nothing opens readers again.
    closed: AtomicBool,
    /// What the next pool opens with: the caller's options, made read-only by the backend,
    /// plus every setting sent through the pool since.
    options: Mutex<Options<DB>>,
    pool_options: PoolOptions<DB>,
    /// Reads pass it to take a connection; a hold closes it.
    gate: Gate,
}

struct Options<DB: Backend> {
    connect: ConnectOptionsOf<DB>,
    /// Settings sent through the pool, by name, as last applied: sending the same value again
    /// changes nothing.
    settings: HashMap<String, String>,
}

impl<DB: Backend> Readers<DB> {
    pub(crate) fn new(pool_options: PoolOptions<DB>, connect: ConnectOptionsOf<DB>) -> Self {
        let pool = pool_options.clone().connect_lazy_with(connect.clone());
        Readers {
            current: RwLock::new(Some(pool)),
            generation: AtomicU64::new(0),
            changes: AtomicUsize::new(0),
            retiring: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            options: Mutex::new(Options {
                connect,
                settings: HashMap::new(),
            }),
            pool_options,
            gate: Gate::default(),
        }
    }

    /// The pool reads use now, or `None` while readers are paused.
    pub(crate) fn pool(&self) -> Option<Pool<DB>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A reader connection, or `None` while readers are paused.
    pub(crate) async fn acquire(&self) -> Option<Result<PoolConnection<DB>, Error>> {
        let _pass = self.gate.pass().await;
        loop {
            let (pool, generation) = {
                let current = self.current.read().unwrap_or_else(|p| p.into_inner());
                (current.clone()?, self.generation.load(Ordering::Acquire))
            };
            match pool.acquire().await {
                Err(Error::PoolClosed) if self.generation.load(Ordering::Acquire) != generation => {
                    continue
                }
                result => return Some(result),
            }
        }
    }

    /// Carry `settings` (name, value) to every reader: readers lent out finish what they run,
    /// every later read gets a connection that has them. `false` if every setting had that
    /// value already.
    pub(crate) fn spread(&self, settings: &[(String, String)]) -> bool {
        let mut options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        let mut changed = false;
        for (name, value) in settings {
            if options.settings.get(name) == Some(value) {
                continue;
            }
            options.settings.insert(name.clone(), value.clone());
            options.connect = DB::with_session_setting(options.connect.clone(), name, value);
            changed = true;
        }
        if changed {
            self.replace(&options.connect);
        }
        changed
    }

    /// Open readers from `connect` from now on (`None`: the database can no longer be read
    /// beside the writer), with the settings sent through the pool applied again.
    pub(crate) fn replace_options(&self, connect: Option<ConnectOptionsOf<DB>>) {
        let Some(mut connect) = connect else { return };
        let mut options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        for (name, value) in &options.settings {
            connect = DB::with_session_setting(connect, name, value);
        }
        options.connect = connect;
        self.replace(&options.connect);
    }

    /// Reads use a fresh pool opened from `connect` from now on, unless readers are paused;
    /// the old pool closes once its connections are back.
    fn replace(&self, connect: &ConnectOptionsOf<DB>) {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        if let Some(old) = current.take() {
            *current = Some(self.pool_options.clone().connect_lazy_with(connect.clone()));
            self.generation.fetch_add(1, Ordering::AcqRel);
            self.retire(old);
        }
    }

    /// `old` closes in the background once the reads it lent out are back; [`close`] waits for
    /// it too.
    fn retire(&self, old: Pool<DB>) {
        let mut retiring = self.retiring.lock().unwrap_or_else(|p| p.into_inner());
        retiring.retain(|pool| pool.size() > 0);
        retiring.push(old.clone());
        close_later(old);
    }

    /// The sqlx options every readers' pool is built with.
    pub(crate) fn pool_options(&self) -> &PoolOptions<DB> {
        &self.pool_options
    }

    /// A journal-mode change begins: close the readers and send reads to the writer until
    /// every change under way has ended ([`end_change`](Self::end_change)). Waits up to `bound`
    /// for reads in flight to finish (their connections must be closed before the file can
    /// change journal mode); `false` if some were still out then.
    pub(crate) async fn pause(&self, bound: std::time::Duration) -> bool {
        self.changes.fetch_add(1, Ordering::AcqRel);
        let old = {
            let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
            self.generation.fetch_add(1, Ordering::AcqRel);
            current.take()
        };
        match old {
            Some(old) => tokio::time::timeout(bound, old.close()).await.is_ok(),
            None => true,
        }
    }

    /// A journal-mode change has ended; `readers_can_run`: what the database's mode now
    /// allows, `None` if unknown. `true` if the mode must be read again (unknown, and no other
    /// change under way) before readers may open.
    pub(crate) fn end_change(&self, readers_can_run: Option<bool>) -> bool {
        let left = self.changes.fetch_sub(1, Ordering::AcqRel) - 1;
        match (left, readers_can_run) {
            (0, Some(true)) => {
                self.resume();
                false
            }
            (0, None) => true,
            _ => false,
        }
    }

    /// Open readers again, unless a journal-mode change is under way or they are closed for
    /// good; nothing if they are open.
    pub(crate) fn resume(&self) {
        let options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if self.changes.load(Ordering::Acquire) > 0 || self.closed.load(Ordering::Acquire) {
            return;
        }
        if current.is_none() {
            *current = Some(
                self.pool_options
                    .clone()
                    .connect_lazy_with(options.connect.clone()),
            );
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Hold new reads and wait, up to `within`, for every reader connection lent out (by any
    /// pool, including replaced ones still closing) to come back.
    pub(crate) async fn hold(&self, within: std::time::Duration) -> ReadHold<'_> {
        self.gate.hold(within, || self.in_flight()).await
    }

    /// Reader connections lent out now, by the current pool and the ones still closing.
    fn in_flight(&self) -> usize {
        let out = |pool: &Pool<DB>| (pool.size() as usize).saturating_sub(pool.num_idle());
        let current = self.pool().as_ref().map_or(0, out);
        let retiring = self.retiring.lock().unwrap_or_else(|p| p.into_inner());
        current + retiring.iter().map(out).sum::<usize>()
    }

    /// `true` while reads run on the writer because readers are paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }
}

impl<DB: Backend> Readers<DB> {
    /// Close every reader for good, including pools replaced earlier and still closing.
    pub(crate) async fn close(&self) {
        let current = {
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            self.closed.store(true, Ordering::Release);
            current.clone()
        };
        let retiring =
            std::mem::take(&mut *self.retiring.lock().unwrap_or_else(|p| p.into_inner()));
        for pool in current.into_iter().chain(retiring) {
            pool.close().await;
        }
    }
}

/// A replaced pool closes once the connections it lent out come back, without holding up the
/// statement that replaced it.
fn close_later<DB: Backend>(pool: Pool<DB>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(async move { pool.close().await });
        }
        // No runtime: the pool's connections close as their last handles drop.
        Err(_) => drop(pool),
    }
}

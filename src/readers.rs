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

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};

use crate::backend::{Backend, ConnectOptionsOf};

pub(crate) struct Readers<DB: Backend> {
    /// The pool reads use now; `None` while paused (reads use the writer).
    current: RwLock<Option<Pool<DB>>>,
    /// Bumped whenever `current` is replaced: a read whose pool closed under it (replaced by
    /// a setting, paused for a journal-mode change) tries again with the new one.
    generation: AtomicU64,
    /// What the next pool opens with: the caller's options, made read-only by the backend,
    /// plus every setting sent through the pool since.
    options: Mutex<Options<DB>>,
    pool_options: PoolOptions<DB>,
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
            options: Mutex::new(Options {
                connect,
                settings: HashMap::new(),
            }),
            pool_options,
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
        if let Some(old) = current.take() {
            *current = Some(self.pool_options.clone().connect_lazy_with(connect.clone()));
            self.generation.fetch_add(1, Ordering::AcqRel);
            close_later(old);
        }
    }

    /// The sqlx options every readers' pool is built with.
    pub(crate) fn pool_options(&self) -> &PoolOptions<DB> {
        &self.pool_options
    }

    /// Close the readers and send reads to the writer until [`resume`](Self::resume). Waits up
    /// to `bound` for reads in flight to finish (their connections must be closed before the
    /// file can change journal mode); `false` if some were still out then.
    pub(crate) async fn pause(&self, bound: std::time::Duration) -> bool {
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

    /// Open readers again after [`pause`](Self::pause); nothing if they are open.
    pub(crate) fn resume(&self) {
        let options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current.is_none() {
            *current = Some(
                self.pool_options
                    .clone()
                    .connect_lazy_with(options.connect.clone()),
            );
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// `true` while reads run on the writer because readers are paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
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

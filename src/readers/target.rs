//! `Target`: one place reads can go (for SQLite, the database file opened read-only; for a
//! server, one replica), as a sqlx pool that can be replaced or paused, with what the pool
//! knows of its health and of how far it has replayed the writer's changes.
//!
//! Reader connections are opened from options fixed when the pool opens them. Two things
//! change those options while the pool runs, and both are handled by replacing the whole sqlx
//! pool rather than patching connections one by one (sqlx gives no way to tell which options an
//! idle connection was opened with): a per-connection setting sent through the pool, and (for
//! SQLite) a journal-mode change away from WAL and back. The old pool closes in the background
//! once the reads it lent out come back.

use crate::position::Position;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};

use crate::backend::{Backend, ConnectOptionsOf};
use crate::occupancy;
use crate::options::ConnectHook;

/// Whether a target takes reads, as the pool last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Health {
    /// Answers, and is a replica (or, for SQLite, the file).
    Up = 0,
    /// Did not answer (refused, timed out, broke mid-read): out of rotation until it answers.
    Down = 1,
    /// Answers but is no longer a replica (it was promoted): it must not take reads that
    /// could be sent as writes, nor become a write target behind the pool's back.
    Promoted = 2,
    /// Answers but lags past the configured bound.
    Lagging = 3,
    /// Answers and is a replica, but does not replay (its replication threads stopped): what
    /// it serves only gets older.
    Stopped = 4,
}

impl Health {
    fn from_u8(value: u8) -> Health {
        match value {
            0 => Health::Up,
            1 => Health::Down,
            2 => Health::Promoted,
            3 => Health::Lagging,
            _ => Health::Stopped,
        }
    }
}

pub(crate) struct Target<DB: Backend> {
    /// How the target is named in logs and stats: `host:port` for a server, never its
    /// credentials.
    pub(crate) name: String,
    /// The pool reads use now; `None` while paused.
    current: RwLock<Option<Pool<DB>>>,
    /// Bumped whenever `current` is replaced: a read whose pool closed under it tries again
    /// with the new one.
    generation: AtomicU64,
    /// Replaced pools still closing, so that closing the readers waits for them too.
    retiring: Mutex<Vec<Pool<DB>>>,
    /// What the next pool opens with: the target's options plus every setting sent through
    /// the pool since.
    options: Mutex<Options<DB>>,
    health: AtomicU8,
    /// How far the target has replayed the writer's changes, as the backend measures it (the
    /// origin: unknown). Only ever raised between probes.
    replayed: Mutex<Position>,
    /// How far in time it trailed when last asked, in microseconds.
    behind: AtomicU64,
    /// Reads served here, for stats.
    pub(crate) reads: AtomicU64,
}

struct Options<DB: Backend> {
    connect: ConnectOptionsOf<DB>,
    /// Settings sent through the pool, by name, as last applied: sending the same value again
    /// changes nothing.
    settings: HashMap<String, String>,
    /// The caller's `after_connect` hook, run after the settings the connect options cannot
    /// carry (see [`Options::open`]).
    after_connect: Option<ConnectHook<DB>>,
}

impl<DB: Backend> Options<DB> {
    /// A pool of this target's connections from `fresh`. Settings the backend's connect
    /// options cannot carry (`Backend::carries_setting`) are set on each new connection first,
    /// then the caller's own hook runs.
    fn open(&self, fresh: &PoolOptions<DB>) -> Pool<DB> {
        let uncarried: Vec<(String, String)> = self
            .settings
            .iter()
            .filter(|(name, _)| !DB::carries_setting(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if uncarried.is_empty() {
            return fresh.clone().connect_lazy_with(self.connect.clone());
        }
        let uncarried = std::sync::Arc::new(uncarried);
        let hook = self.after_connect.clone();
        fresh
            .clone()
            .after_connect(move |conn, meta| {
                settings_then_hook::<DB>(conn, meta, uncarried.clone(), hook.clone())
            })
            .connect_lazy_with(self.connect.clone())
    }
}

/// A new connection's `after_connect`: the settings the connect options cannot carry, then
/// the caller's hook.
fn settings_then_hook<'c, DB: Backend>(
    conn: &'c mut DB::Connection,
    meta: sqlx::pool::PoolConnectionMetadata,
    settings: std::sync::Arc<Vec<(String, String)>>,
    hook: Option<ConnectHook<DB>>,
) -> futures_core::future::BoxFuture<'c, Result<(), Error>> {
    Box::pin(async move {
        for (name, value) in settings.iter() {
            DB::apply_session_setting(conn, name, value).await?;
        }
        match hook {
            Some(hook) => hook(conn, meta).await,
            None => Ok(()),
        }
    })
}

impl<DB: Backend> Target<DB> {
    pub(crate) fn new(
        name: String,
        pool_options: &PoolOptions<DB>,
        connect: ConnectOptionsOf<DB>,
        after_connect: Option<ConnectHook<DB>>,
    ) -> Self {
        let options = Options {
            connect,
            settings: HashMap::new(),
            after_connect,
        };
        let pool = options.open(pool_options);
        Target {
            name,
            current: RwLock::new(Some(pool)),
            generation: AtomicU64::new(0),
            retiring: Mutex::new(Vec::new()),
            options: Mutex::new(options),
            health: AtomicU8::new(Health::Up as u8),
            replayed: Mutex::default(),
            behind: AtomicU64::new(0),
            reads: AtomicU64::new(0),
        }
    }

    /// The pool reads use now, or `None` while paused.
    pub(crate) fn pool(&self) -> Option<Pool<DB>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn health(&self) -> Health {
        Health::from_u8(self.health.load(Ordering::Acquire))
    }

    /// Record what the pool saw; `true` if that changed the target's health.
    pub(crate) fn set_health(&self, health: Health) -> bool {
        self.health.swap(health as u8, Ordering::AcqRel) != health as u8
    }

    pub(crate) fn replayed(&self) -> Position {
        self.replayed_lock().clone()
    }

    /// `true` if the target is known to have replayed `need`.
    pub(crate) fn has_replayed(&self, need: &Position) -> bool {
        self.replayed_lock().covers(need)
    }

    /// A read saw the target at `position` (it only moves forward between probes).
    pub(crate) fn saw_replayed(&self, position: &Position) {
        let mut replayed = self.replayed_lock();
        *replayed = replayed.join(position);
    }

    /// The monitor asked: `position` as the target says now. Stored as it is, lower or not:
    /// a standby restarted after a crash may have replayed less than it had before.
    pub(crate) fn set_replayed(&self, position: Position) {
        *self.replayed_lock() = position;
    }

    fn replayed_lock(&self) -> std::sync::MutexGuard<'_, Position> {
        self.replayed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The monitor found it `behind` in time (for stats).
    pub(crate) fn set_behind(&self, behind: Duration) {
        self.behind
            .store(behind.as_micros() as u64, Ordering::Relaxed);
    }

    /// Every connection of the current pool is lent out: a wait for one is a wait for a
    /// read to end, not a sign the server stalled.
    pub(crate) fn is_saturated(&self) -> bool {
        self.pool().is_some_and(|pool| {
            pool.size() >= pool.options().get_max_connections() && occupancy::idle(&pool) == 0
        })
    }

    /// Reader connections this target has lent out now.
    pub(crate) fn in_flight(&self) -> usize {
        let out = |pool: &Pool<DB>| occupancy::lent(pool);
        let current = self.pool().as_ref().map_or(0, out);
        let retiring = self.retiring.lock().unwrap_or_else(|p| p.into_inner());
        current + retiring.iter().map(out).sum::<usize>()
    }

    /// A connection, or `None` while paused. A pool replaced under the call is retried.
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

    /// Carry `settings` to every later read; `false` if every setting had that value already.
    pub(crate) fn spread(
        &self,
        settings: &[(String, String)],
        closed: bool,
        fresh: &PoolOptions<DB>,
    ) -> bool {
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
            self.replace(&options, closed, fresh);
        }
        changed
    }

    /// Open from `connect` from now on, with the settings sent through the pool applied again.
    pub(crate) fn replace_options(
        &self,
        mut connect: ConnectOptionsOf<DB>,
        closed: bool,
        fresh: &PoolOptions<DB>,
    ) {
        let mut options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        for (name, value) in &options.settings {
            connect = DB::with_session_setting(connect, name, value);
        }
        options.connect = connect;
        self.replace(&options, closed, fresh);
    }

    /// Reads use a fresh pool opened from `connect` from now on, unless paused; the old pool
    /// closes once its connections are back.
    fn replace(&self, options: &Options<DB>, closed: bool, fresh: &PoolOptions<DB>) {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if closed {
            return;
        }
        if let Some(old) = current.take() {
            *current = Some(options.open(fresh));
            self.generation.fetch_add(1, Ordering::AcqRel);
            self.retire(old);
        }
    }

    fn retire(&self, old: Pool<DB>) {
        let mut retiring = self.retiring.lock().unwrap_or_else(|p| p.into_inner());
        retiring.retain(|pool| pool.size() > 0);
        retiring.push(old.clone());
        close_later(old);
    }

    /// Close the current pool and serve no reads until [`resume`](Self::resume); the closed
    /// pool is returned so the caller can wait for it.
    pub(crate) fn pause(&self) -> Option<Pool<DB>> {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        current.take()
    }

    /// Open again if paused.
    pub(crate) fn resume(&self, fresh: &PoolOptions<DB>) {
        let options = self.options.lock().unwrap_or_else(|p| p.into_inner());
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current.is_none() {
            *current = Some(options.open(fresh));
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// What [`Stats::replicas`](crate::Stats::replicas) shows of it.
    pub(crate) fn stats(&self) -> crate::stats::ReplicaStats {
        let health = self.health();
        crate::stats::ReplicaStats {
            name: self.name.clone(),
            healthy: health == Health::Up,
            state: match health {
                Health::Up => "up",
                Health::Down => "down",
                Health::Promoted => "promoted",
                Health::Lagging => "lagging",
                Health::Stopped => "stopped",
            },
            reads: self.reads.load(Ordering::Relaxed),
            replayed: self.replayed(),
            behind: Duration::from_micros(self.behind.load(Ordering::Relaxed)),
            open: self.pool().map_or(0, |pool| pool.size()),
            in_flight: self.in_flight() as u64,
        }
    }

    /// Every pool of this target, current and retiring, for a close that waits for all.
    pub(crate) fn all_pools(&self) -> Vec<Pool<DB>> {
        let current = self.pool();
        let retiring =
            std::mem::take(&mut *self.retiring.lock().unwrap_or_else(|p| p.into_inner()));
        current.into_iter().chain(retiring).collect()
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

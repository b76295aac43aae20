//! The checkpoint manager: a write-ahead log that stays bounded under readers that never stop.
//!
//! In WAL mode a commit appends pages ("frames") to the `-wal` file, and a *checkpoint* copies
//! them back into the database file. Only then can the log start again from its beginning,
//! and only when no reader still reads from it. SQLite's automatic checkpoint is `PASSIVE`: it
//! runs inside the commit that takes the log past 1000 pages, copies frames only up to the
//! oldest snapshot a reader holds, and never waits. With readers that always overlap (a busy
//! service), some reader always holds an older snapshot and another one always reads the log:
//! the checkpoint never completes, the log never restarts, and the file grows without bound.
//!
//! The pool owns every connection, so it can make the short gap SQLite needs. On the writer it
//! installs a WAL hook (which also turns SQLite's own automatic checkpoint off there): after
//! each commit SQLite reports how many frames the log holds, and the manager acts on two sizes:
//!
//! - **Soft** (default: the writer's `wal_autocheckpoint`, 1000 pages): a `PASSIVE` checkpoint
//!   in a writer turn of its own, between callers' writes, so callers' commits stop paying for
//!   one. It copies what readers allow and never waits.
//! - **Hard** (default: `journal_size_limit`, 64 MiB): a gap. New reads wait at the readers'
//!   gate while the reads in flight end (at most `max_read_hold`, default 100 ms); then, in a
//!   writer turn, `wal_checkpoint(TRUNCATE)` copies the rest and empties the file, with a short
//!   busy wait of its own rather than the pool's `busy_timeout`. Reads go on. If the reads in
//!   flight do not end in time (an open `begin_read()`, a stream its caller keeps), or a reader
//!   in another process holds the log, the round gives up, reads go on, the holder is logged,
//!   and the manager tries again later, backing off: it never fails a read and never waits
//!   for one without a bound.
//!
//! A user's own `wal_autocheckpoint` or `journal_size_limit` (in the options or sent through
//! the pool) takes the place of the defaults; `wal_autocheckpoint = 0` turns the manager off,
//! as it turns SQLite's off. Only the main database's log is managed (not attached ones').

use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_core::future::BoxFuture;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Error, Row, Sqlite};
use tokio::sync::Notify;

use crate::stats::{Histogram, WalStats};
use crate::upkeep::{Upkeep, UpkeepAccess};

/// The manager's settings, from [`RwPoolOptions`](crate::RwPoolOptions).
#[derive(Clone, Debug)]
pub(crate) struct CheckpointSettings {
    pub(crate) enabled: bool,
    /// Bytes of WAL past which a `PASSIVE` checkpoint runs; `None`: `wal_autocheckpoint` pages.
    pub(crate) soft: Option<u64>,
    /// Bytes of WAL past which reads are held for a `TRUNCATE`; `None`: `journal_size_limit`.
    pub(crate) hard: Option<u64>,
    /// How long new reads may be held while the reads in flight end.
    pub(crate) max_read_hold: Duration,
}

impl Default for CheckpointSettings {
    fn default() -> Self {
        CheckpointSettings {
            enabled: true,
            soft: None,
            hard: None,
            max_read_hold: Duration::from_millis(100),
        }
    }
}

/// The hard size when neither the options nor `journal_size_limit` give one.
const DEFAULT_HARD: u64 = 64 * 1024 * 1024;

/// The `TRUNCATE`'s own busy wait: our readers are drained by then, so only another process
/// can make it wait, and writers queued behind it must not wait long for that.
const TRUNCATE_BUSY_MS: u64 = 20;

/// Give-ups back off from this to [`MAX_BACKOFF`], doubling: a reader that holds its snapshot
/// for minutes would otherwise have every read held for `max_read_hold` again and again.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// A WAL file's header, before its frames.
const WAL_HEADER: u64 = 32;
/// Each frame's header, before its page.
const FRAME_HEADER: u64 = 24;

/// What SQLite's WAL hook reports, shared between the writer's thread and the manager.
#[derive(Debug, Default)]
struct Wal {
    /// Frames in the log after the last commit.
    frames: AtomicU64,
    /// The most frames the log has held.
    max_frames: AtomicU64,
    /// Wake the manager once the log holds this many frames (`u64::MAX`: never).
    wake_at: AtomicU64,
    /// Where `wake_at` goes back to when the log restarts from its beginning.
    soft_frames: AtomicU64,
    /// `wal_autocheckpoint`: attached databases' logs are checkpointed every this many pages,
    /// as SQLite's own hook would (the manager's hook replaces it for every schema).
    attached_pages: AtomicU64,
    due: Notify,
}

impl Wal {
    /// A commit left the log with `frames` frames.
    fn committed(&self, frames: u64) {
        let before = self.frames.swap(frames, Ordering::AcqRel);
        self.max_frames.fetch_max(frames, Ordering::Relaxed);
        if frames < before {
            // The log restarted: the next checkpoint is due at the soft size again.
            self.wake_at
                .store(self.soft_frames.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        if frames >= self.wake_at.load(Ordering::Relaxed) {
            self.due.notify_one();
        }
    }
}

/// SQLite's WAL hook on the writer: called after each commit with the log's frame count.
unsafe extern "C" fn on_wal_commit(
    context: *mut c_void,
    db: *mut libsqlite3_sys::sqlite3,
    database: *const c_char,
    frames: c_int,
) -> c_int {
    // SAFETY: `context` is the manager's leaked `Wal`, never freed.
    let wal = unsafe { &*(context as *const Wal) };
    // SAFETY: SQLite passes the schema name as a NUL-terminated string valid for the call.
    if unsafe { CStr::from_ptr(database) }.to_bytes() != b"main" {
        // An attached database: what SQLite's own hook does, a PASSIVE checkpoint of it.
        let pages = wal.attached_pages.load(Ordering::Relaxed);
        if pages > 0 && u64::try_from(frames).unwrap_or(0) >= pages {
            // SAFETY: called from SQLite's WAL hook on `db`, as SQLite's default hook does.
            unsafe { libsqlite3_sys::sqlite3_wal_checkpoint(db, database) };
        }
        return libsqlite3_sys::SQLITE_OK;
    }
    wal.committed(u64::try_from(frames).unwrap_or(0));
    libsqlite3_sys::SQLITE_OK
}

/// The sizes the manager acts on, in frames, as read from the writer when it opened.
#[derive(Clone, Copy, Debug)]
struct Limits {
    soft: u64,
    hard: u64,
    frame_bytes: u64,
}

/// What the manager is doing.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// The writer has not opened yet.
    Waiting,
    /// Managing the log with these limits.
    On(Limits, Retry),
    /// Turned off, by the options or by `wal_autocheckpoint = 0`.
    Off,
}

/// When the next `TRUNCATE` may be tried.
#[derive(Clone, Copy, Debug)]
enum Retry {
    /// As soon as the log passes the hard size.
    Now,
    /// Not before `at`; the wait after the next give-up is `backoff` doubled.
    After { at: Instant, backoff: Duration },
}

/// Settings sent through the pool, kept so a reopened writer gets them again.
#[derive(Clone, Copy, Debug, Default)]
struct Sent {
    autocheckpoint: Option<i64>,
    size_limit: Option<i64>,
}

struct State {
    mode: Mode,
    sent: Sent,
    /// `wal_autocheckpoint` as the user has it (SQLite's default 1000 unless set).
    pages: i64,
    /// The last checkpoint's `(log, checkpointed)` frames, to count the frames each copies.
    last: (u64, u64),
}

#[derive(Default)]
struct Counters {
    passive_complete: AtomicU64,
    passive_partial: AtomicU64,
    truncates: AtomicU64,
    give_ups: AtomicU64,
    frames_copied: AtomicU64,
    read_holds: Histogram,
}

/// The checkpoint manager of one pool.
pub(crate) struct Checkpoints {
    settings: CheckpointSettings,
    wal: &'static Wal,
    wal_path: PathBuf,
    state: Mutex<State>,
    counters: Counters,
}

/// The WAL hook a connection had before the manager installed its own.
enum Previous {
    None,
    Ours,
    /// SQLite's automatic checkpoint, every this many pages.
    Sqlite(i64),
}

/// How a `TRUNCATE` round ended.
enum Truncate {
    Done,
    GaveUp(&'static str),
    /// The manager was turned off while the round waited for the writer.
    Skipped,
}

impl Checkpoints {
    pub(crate) fn new(settings: CheckpointSettings, database: PathBuf) -> Self {
        let mut wal_path = database.into_os_string();
        wal_path.push("-wal");
        let wal = Wal {
            wake_at: AtomicU64::new(u64::MAX),
            ..Wal::default()
        };
        let wal: &'static Wal = Box::leak(Box::new(wal));
        Checkpoints {
            settings,
            wal,
            wal_path: wal_path.into(),
            state: Mutex::new(State {
                mode: Mode::Waiting,
                sent: Sent::default(),
                pages: 0,
                last: (0, 0),
            }),
            counters: Counters::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The writer opened: set again there what was sent through the pool before it reopened,
    /// read the sizes the manager follows, then install the WAL hook, or leave SQLite's own
    /// checkpoint as the user set it if the manager is off.
    async fn opened(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        if !self.settings.enabled {
            self.state().mode = Mode::Off;
            return Ok(());
        }
        let sent = self.state().sent;
        if let Some(pages) = sent.autocheckpoint {
            set_pragma(conn, "wal_autocheckpoint", pages).await?;
        }
        if let Some(bytes) = sent.size_limit {
            set_pragma(conn, "journal_size_limit", bytes).await?;
        }
        // On a connection that has not had the manager's hook yet, this is the user's value
        // (or SQLite's default, 1000).
        let pages: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&mut *conn)
            .await?;
        let (page_size, size_limit) = sizes(conn).await?;
        if pages > 0 {
            self.install(conn).await?;
        }
        self.follow(pages, page_size, size_limit);
        Ok(())
    }

    /// `wal_autocheckpoint` or `journal_size_limit` was sent through the pool and ran on the
    /// writer: follow the new value. Setting `wal_autocheckpoint` replaced the manager's hook
    /// with SQLite's own checkpoint (or, for 0, with none), and querying it reports 0 while the
    /// manager's hook is in place, so what it was set to is told by the hook that was there.
    async fn changed(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        if !self.settings.enabled {
            return Ok(());
        }
        let (page_size, size_limit) = sizes(conn).await?;
        let pages = match self.install(conn).await? {
            Previous::Ours => self.state().pages,
            Previous::Sqlite(pages) => pages,
            Previous::None => 0,
        };
        if pages <= 0 {
            self.uninstall(conn).await?;
        }
        self.state().sent = Sent {
            autocheckpoint: Some(pages),
            size_limit: Some(size_limit),
        };
        self.follow(pages, page_size, size_limit);
        Ok(())
    }

    /// Take `pages` (`wal_autocheckpoint`), the page size and `journal_size_limit` as the
    /// writer now has them: the limits the manager acts on, or off for `pages <= 0`.
    fn follow(&self, pages: i64, page_size: i64, size_limit: i64) {
        let mut state = self.state();
        state.pages = pages;
        if pages <= 0 {
            // The user turned checkpoints off; SQLite's are off too.
            state.mode = Mode::Off;
            self.wal.wake_at.store(u64::MAX, Ordering::Relaxed);
            return;
        }
        let frame_bytes = u64::try_from(page_size).unwrap_or(4096) + FRAME_HEADER;
        let from_limit = u64::try_from(size_limit).ok().filter(|&bytes| bytes > 0);
        let hard_bytes = self.settings.hard.or(from_limit).unwrap_or(DEFAULT_HARD);
        let hard = (hard_bytes.saturating_sub(WAL_HEADER) / frame_bytes).max(1);
        let soft = match self.settings.soft {
            Some(bytes) => bytes.saturating_sub(WAL_HEADER) / frame_bytes,
            None => pages as u64,
        }
        .clamp(1, hard);
        let limits = Limits {
            soft,
            hard,
            frame_bytes,
        };
        tracing::debug!(target: "sqlx_rw", ?limits, "WAL checkpoint manager on");
        state.mode = Mode::On(limits, Retry::Now);
        self.wal
            .attached_pages
            .store(pages as u64, Ordering::Relaxed);
        self.wal.soft_frames.store(soft, Ordering::Relaxed);
        self.wal.wake_at.store(soft, Ordering::Relaxed);
    }

    /// Install the manager's WAL hook on `conn`, which turns SQLite's automatic checkpoint off
    /// there; returns the hook it replaced.
    async fn install(&self, conn: &mut SqliteConnection) -> Result<Previous, Error> {
        let mut handle = conn.lock_handle().await?;
        // SAFETY: the locked handle gives exclusive access to a live `sqlite3*`. The hook only
        // reads `context`, a reference to the manager's `Wal` leaked when the manager was made
        // (one small allocation per pool), so it outlives every connection that may call it.
        let previous = unsafe {
            libsqlite3_sys::sqlite3_wal_hook(
                handle.as_raw_handle().as_ptr(),
                Some(on_wal_commit),
                self.context(),
            )
        } as usize;
        // SQLite's own checkpoint is a hook whose context is its page count.
        Ok(match previous {
            0 => Previous::None,
            ours if ours == self.context() as usize => Previous::Ours,
            pages => Previous::Sqlite(pages as i64),
        })
    }

    /// Remove every WAL hook from `conn`: no checkpoint runs at commit.
    async fn uninstall(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        let mut handle = conn.lock_handle().await?;
        // SAFETY: as in `install`; no hook, no context.
        unsafe {
            libsqlite3_sys::sqlite3_wal_hook(
                handle.as_raw_handle().as_ptr(),
                None,
                std::ptr::null_mut(),
            );
        }
        Ok(())
    }

    /// A `PASSIVE` checkpoint in a writer turn of its own: copies what readers allow, waits for
    /// nobody.
    async fn passive(&self, access: &UpkeepAccess<'_, Sqlite>) {
        // Waits its turn behind the writes queued now, like any caller; a writer held longer
        // than this by a transaction just means the round comes again with the next commit.
        let Some(mut turn) = access.writer(Duration::from_secs(1)).await else {
            return;
        };
        // The user may have turned the manager off while this round waited behind them.
        if !self.is_on() {
            return;
        }
        match checkpoint(turn.conn(), PASSIVE).await {
            Ok(result) if result.busy => {
                // Another connection was checkpointing: nothing is known of what was copied.
                drop(turn);
                self.counters
                    .passive_partial
                    .fetch_add(1, Ordering::Relaxed);
            }
            Ok(result) => {
                drop(turn);
                let complete = result.log == result.checkpointed;
                let counter = if complete {
                    &self.counters.passive_complete
                } else {
                    &self.counters.passive_partial
                };
                counter.fetch_add(1, Ordering::Relaxed);
                self.copied(result.log, result.checkpointed);
            }
            Err(error) => {
                tracing::warn!(target: "sqlx_rw", %error, "background WAL checkpoint failed");
            }
        }
    }

    /// The gap: the writer's turn (so the WAL stops growing), then a hold on new reads until
    /// the reads in flight end, then `TRUNCATE`.
    async fn truncate(&self, access: &UpkeepAccess<'_, Sqlite>, limits: Limits) -> Truncate {
        let bound = self.settings.max_read_hold;
        let Some(mut turn) = access.writer(bound).await else {
            tracing::warn!(
                target: "sqlx_rw",
                "WAL checkpoint given up for now: the writer was not free within the hold's \
                 bound (a long transaction); it tries again later"
            );
            return Truncate::GaveUp("writer busy");
        };
        if !self.is_on() {
            return Truncate::Skipped;
        }
        // With the writer held the log no longer grows: copy what the readers allow before
        // holding them, so the TRUNCATE under the hold has only the newest frames left.
        if let Ok(result) = checkpoint(turn.conn(), PASSIVE).await {
            if !result.busy {
                self.copied(result.log, result.checkpointed);
            }
        }
        let frames = self.wal.frames.load(Ordering::Acquire);
        let hold = access.hold_reads(bound).await;
        if !hold.drained() {
            self.counters.read_holds.record(hold.held());
            tracing::warn!(
                target: "sqlx_rw",
                in_flight = hold.in_flight(),
                waited = ?hold.waited(),
                wal_bytes = frames * limits.frame_bytes,
                "WAL checkpoint given up for now: reads still in flight after the hold's bound \
                 (an open begin_read() transaction, an acquired reader, or a fetch stream its \
                 caller stopped polling keeps a snapshot); reads go on, it tries again later"
            );
            return Truncate::GaveUp("reads in flight");
        }
        let started = Instant::now();
        let result = truncate_briefly(turn.conn()).await;
        if matches!(&result, Ok(r) if !r.busy) {
            // Still holding the writer: no commit can have changed the count since.
            self.wal.frames.store(0, Ordering::Release);
        }
        drop(turn);
        let held = hold.held();
        drop(hold);
        self.counters.read_holds.record(held);
        match result {
            Ok(result) if !result.busy => {
                self.copied(frames, frames);
                self.state().last = (0, 0);
                tracing::info!(
                    target: "sqlx_rw",
                    wal_bytes = frames * limits.frame_bytes,
                    took = ?started.elapsed(),
                    reads_held = ?held,
                    "WAL checkpointed and truncated"
                );
                Truncate::Done
            }
            Ok(_) => {
                tracing::warn!(
                    target: "sqlx_rw",
                    "WAL checkpoint given up for now: the log is still in use, by a reader in \
                     another process or one that bypassed the pool's readers; it tries again \
                     later"
                );
                Truncate::GaveUp("log in use elsewhere")
            }
            Err(error) => {
                tracing::warn!(target: "sqlx_rw", %error, "WAL checkpoint (TRUNCATE) failed");
                Truncate::GaveUp("error")
            }
        }
    }

    /// Count the frames a checkpoint copied, from its `(log, checkpointed)` and the last one's.
    fn copied(&self, log: u64, checkpointed: u64) {
        let mut state = self.state();
        let (last_log, last_checkpointed) = state.last;
        let copied = if log < last_log {
            // The log restarted in between: everything checkpointed is new.
            checkpointed
        } else {
            checkpointed.saturating_sub(last_checkpointed)
        };
        self.counters
            .frames_copied
            .fetch_add(copied, Ordering::Relaxed);
        state.last = (log, checkpointed);
    }

    /// After a round: when the manager should wake next.
    fn rearm(&self, truncated: Option<Truncate>) {
        let mut state = self.state();
        let frames = self.wal.frames.load(Ordering::Acquire);
        // The limits as they are now: a setting sent through the pool during the round wins.
        let (limits, mut retry) = match state.mode {
            Mode::On(limits, retry) => (limits, retry),
            _ => return,
        };
        // A passive checkpoint that could not copy everything is tried again only once the log
        // has grown by another quarter of the soft size, not after every commit.
        let step = (limits.soft / 4).max(1);
        match truncated {
            Some(Truncate::Done) => retry = Retry::Now,
            Some(Truncate::Skipped) | None => {
                // The log fell below the hard size while backing off: the next time it passes
                // it is a new episode, tried at once.
                if let Retry::After { at, .. } = retry {
                    if frames < limits.hard && Instant::now() >= at {
                        retry = Retry::Now;
                    }
                }
            }
            Some(Truncate::GaveUp(why)) => {
                let backoff = match retry {
                    Retry::Now => FIRST_BACKOFF,
                    Retry::After { backoff, .. } => (backoff * 2).min(MAX_BACKOFF),
                };
                tracing::debug!(target: "sqlx_rw", why, ?backoff, "WAL truncate backs off");
                retry = Retry::After {
                    at: Instant::now() + backoff,
                    backoff,
                };
            }
        }
        let mut wake_at = frames.saturating_add(step).max(limits.soft);
        if matches!(retry, Retry::Now) {
            wake_at = wake_at.min(limits.hard);
        }
        self.wal.wake_at.store(wake_at, Ordering::Relaxed);
        state.mode = Mode::On(limits, retry);
    }

    /// The WAL hook's context: the manager's `Wal`.
    fn context(&self) -> *mut c_void {
        self.wal as *const Wal as *mut c_void
    }

    fn is_on(&self) -> bool {
        matches!(self.state().mode, Mode::On(..))
    }

    /// The WAL file's size now (0 if there is none).
    fn wal_file_bytes(&self) -> u64 {
        std::fs::metadata(&self.wal_path).map_or(0, |m| m.len())
    }
}

impl Upkeep<Sqlite> for Checkpoints {
    fn writer_opened<'c>(
        &'c self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), Error>> {
        Box::pin(async move {
            // The writer opens as on a plain pool whatever happens here: without the manager,
            // SQLite's own checkpoint goes on as before.
            if let Err(error) = self.opened(conn).await {
                self.state().mode = Mode::Off;
                self.wal.wake_at.store(u64::MAX, Ordering::Relaxed);
                tracing::warn!(
                    target: "sqlx_rw",
                    %error,
                    "the WAL checkpoint manager could not start on the writer; SQLite's own \
                     checkpoint stays in place"
                );
            }
            Ok(())
        })
    }

    fn setting_changed<'c>(
        &'c self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), Error>> {
        Box::pin(self.changed(conn))
    }

    fn due(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let frames = self.wal.frames.load(Ordering::Acquire);
            let retry_at = match self.state().mode {
                Mode::On(limits, Retry::After { at, .. }) if frames >= limits.hard => Some(at),
                _ => None,
            };
            let notified = self.wal.due.notified();
            match retry_at {
                Some(at) => {
                    tokio::select! {
                        () = notified => {}
                        () = tokio::time::sleep_until(at.into()) => {}
                    }
                }
                None => notified.await,
            }
        })
    }

    fn round<'a>(&'a self, access: &'a UpkeepAccess<'a, Sqlite>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Mode::On(limits, retry) = self.state().mode else {
                return;
            };
            let frames = self.wal.frames.load(Ordering::Acquire);
            let may_truncate = match retry {
                Retry::Now => true,
                Retry::After { at, .. } => Instant::now() >= at,
            };
            let truncated = if frames >= limits.hard && may_truncate {
                let outcome = self.truncate(access, limits).await;
                match outcome {
                    Truncate::Done => self.counters.truncates.fetch_add(1, Ordering::Relaxed),
                    Truncate::GaveUp(_) => self.counters.give_ups.fetch_add(1, Ordering::Relaxed),
                    Truncate::Skipped => 0,
                };
                Some(outcome)
            } else if frames >= limits.soft
                && frames >= self.wal.wake_at.load(Ordering::Relaxed).min(limits.hard)
            {
                self.passive(access).await;
                None
            } else {
                None
            };
            self.rearm(truncated);
        })
    }

    fn stats(&self) -> WalStats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mode = self.state().mode;
        let frame_bytes = match mode {
            Mode::On(limits, _) => limits.frame_bytes,
            _ => 4096 + FRAME_HEADER,
        };
        let wal_bytes = self.wal_file_bytes();
        let logged = load(&self.wal.max_frames) * frame_bytes;
        WalStats {
            managed: matches!(mode, Mode::On(..)),
            wal_bytes,
            wal_bytes_max: wal_bytes.max(if logged > 0 { logged + WAL_HEADER } else { 0 }),
            passive_complete: load(&self.counters.passive_complete),
            passive_partial: load(&self.counters.passive_partial),
            truncates: load(&self.counters.truncates),
            truncate_give_ups: load(&self.counters.give_ups),
            frames_copied: load(&self.counters.frames_copied),
            read_holds: self.counters.read_holds.snapshot(),
        }
    }
}

/// What `PRAGMA wal_checkpoint` reports.
struct Checkpointed {
    /// It could not finish: a lock was busy.
    busy: bool,
    /// Frames in the log.
    log: u64,
    /// Frames of the log copied into the database.
    checkpointed: u64,
}

/// The writer's page size and `journal_size_limit`.
async fn sizes(conn: &mut SqliteConnection) -> Result<(i64, i64), Error> {
    let page_size = sqlx::query_scalar("PRAGMA main.page_size")
        .fetch_one(&mut *conn)
        .await?;
    let size_limit = sqlx::query_scalar("PRAGMA main.journal_size_limit")
        .fetch_one(&mut *conn)
        .await?;
    Ok((page_size, size_limit))
}

const PASSIVE: &str = "PRAGMA main.wal_checkpoint(PASSIVE)";
const TRUNCATE: &str = "PRAGMA main.wal_checkpoint(TRUNCATE)";

async fn checkpoint(conn: &mut SqliteConnection, sql: &'static str) -> Result<Checkpointed, Error> {
    let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
    Ok(Checkpointed {
        busy: row.try_get::<i64, _>(0)? != 0,
        // -1 when the database is not in WAL mode.
        log: u64::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0),
        checkpointed: u64::try_from(row.try_get::<i64, _>(2)?).unwrap_or(0),
    })
}

/// `TRUNCATE` with a busy wait of [`TRUNCATE_BUSY_MS`], the connection's own restored after.
async fn truncate_briefly(conn: &mut SqliteConnection) -> Result<Checkpointed, Error> {
    let before: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await?;
    set_pragma(conn, "busy_timeout", TRUNCATE_BUSY_MS as i64).await?;
    let result = checkpoint(conn, TRUNCATE).await;
    set_pragma(conn, "busy_timeout", before).await?;
    result
}

async fn set_pragma(conn: &mut SqliteConnection, name: &str, value: i64) -> Result<(), Error> {
    let sql = format!("PRAGMA {name} = {value}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backing_off(frames: u64) -> Checkpoints {
        let manager = Checkpoints::new(CheckpointSettings::default(), PathBuf::from("unused.db"));
        let limits = Limits {
            soft: 100,
            hard: 1000,
            frame_bytes: 4096 + FRAME_HEADER,
        };
        manager.state().mode = Mode::On(
            limits,
            Retry::After {
                at: Instant::now() - Duration::from_millis(1),
                backoff: FIRST_BACKOFF,
            },
        );
        manager.wal.frames.store(frames, Ordering::Relaxed);
        manager
    }

    /// A back-off that has run out while the log is below the hard size must not make `due`
    /// return at once, again and again (a busy loop of empty rounds).
    #[tokio::test]
    async fn an_expired_backoff_below_the_hard_size_waits_for_commits() {
        let manager = backing_off(10);
        let due = tokio::time::timeout(Duration::from_millis(30), manager.due()).await;
        assert!(due.is_err(), "nothing is due until a commit says so");
        manager.rearm(None);
        assert!(matches!(manager.state().mode, Mode::On(_, Retry::Now)));
    }

    /// Past the hard size, an expired back-off is due at once: the truncate is tried again.
    #[tokio::test]
    async fn an_expired_backoff_past_the_hard_size_is_due() {
        let manager = backing_off(2000);
        let due = tokio::time::timeout(Duration::from_millis(30), manager.due()).await;
        assert!(due.is_ok());
    }
}

//! The replica monitor: a background task that asks every replica, at a fixed interval,
//! whether it is still a replica and how far it has replayed, and takes it out of rotation or
//! puts it back.
//!
//! A replica is out of rotation while it does not answer within the probe timeout ([`Down`]),
//! answers but is no longer in recovery (it was promoted: [`Promoted`]), answers but does not
//! replay (its replication stopped: [`Stopped`]), or trails
//! ([`Lagging`]): it has replayed less than the pool's latest recorded write minus
//! `max_replica_lag` (in the backend's units: bytes of WAL, transactions), or the first write it misses was recorded more than
//! `max_replica_delay` ago. Both are measured against writes the pool saw, so an idle primary
//! never makes a replica look behind (the time since a replica's last replayed commit would:
//! it grows while nothing is written). Positions every replica has replayed are dropped from
//! the read-your-writes marks.
//!
//! [`Down`]: Health::Down
//! [`Promoted`]: Health::Promoted
//! [`Lagging`]: Health::Lagging
//! [`Stopped`]: Health::Stopped

use std::sync::Weak;
use std::time::Duration;

use super::{Health, Target};
use crate::backend::Backend;
use crate::freshness::{Freshness, SETTLE_UNSEEN};
use crate::options::Replicas;
use crate::pool::Shared;

/// How long one probe may take before its replica counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Run until the pool is closed or dropped.
pub(crate) async fn run<DB: Backend>(shared: Weak<Shared<DB>>, bounds: Replicas) {
    let mut tick = tokio::time::interval(bounds.check_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.writer.is_closed() {
            return;
        }
        let Some(readers) = shared.readers.clone() else {
            return;
        };
        // The writer's position since the last writes, first: the replicas are judged against it.
        sample_writer(&shared).await;
        let probes = readers
            .targets
            .iter()
            .map(|target| probe::<DB>(target, &shared.freshness, &bounds));
        futures_util::future::join_all(probes).await;
        // Lagging replicas answer, so their positions are current: they hold marks back too.
        // Down and stopped ones do not, and must catch up to the floor to rejoin.
        let everyone = readers
            .targets
            .iter()
            .filter(|t| matches!(t.health(), Health::Up | Health::Lagging))
            .map(Target::replayed)
            .reduce(|a, b| a.meet(&b));
        if let Some(position) = everyone {
            shared.freshness.forget_through(&position);
        }
        if shared.freshness.has_stale_unseen(SETTLE_UNSEEN) {
            settle_unseen(&shared).await;
        }
    }
}

/// Writes committed since the writer's position was last read: read it (for replica lag),
/// and resolve the pending marks made before the read began, so that tasks reading later find
/// them resolved.
async fn sample_writer<DB: Backend>(shared: &Shared<DB>) {
    let _one = shared.learning.lock().await;
    // Taken under the lock: a write token waiting for it must find the position read.
    let Some(first_write) = shared.freshness.take_dirty() else {
        return;
    };
    let started = std::time::Instant::now();
    let Ok(Ok(mut turn)) = tokio::time::timeout(
        PROBE_TIMEOUT,
        shared.writer.turn(crate::owner::Owner::current()),
    )
    .await
    else {
        shared.freshness.redirty(Some(first_write));
        return;
    };
    crate::stats::bump(&shared.counters.position_reads);
    match tokio::time::timeout(PROBE_TIMEOUT, DB::write_position(turn.conn())).await {
        Ok(Ok(position)) => shared.resolved(position.as_ref(), started, Some(first_write)),
        Ok(Err(error)) => {
            shared.position_failed(&mut turn, &error);
            shared.freshness.redirty(Some(first_write));
        }
        // Mid-query: not a connection to park for the next caller.
        Err(_) => {
            turn.discard();
            shared.freshness.redirty(Some(first_write));
        }
    }
}

/// Marks of writes the pool could not see, whose task has not read since: settled from the
/// writer's position so they end (and are dropped once every replica passes it).
async fn settle_unseen<DB: Backend>(shared: &Shared<DB>) {
    let Ok(Ok(mut turn)) = tokio::time::timeout(
        PROBE_TIMEOUT,
        shared.writer.turn(crate::owner::Owner::current()),
    )
    .await
    else {
        return;
    };
    match tokio::time::timeout(PROBE_TIMEOUT, DB::write_position(turn.conn())).await {
        Ok(Ok(position)) => shared
            .freshness
            .settle_stale_unseen(&position.unwrap_or_default(), SETTLE_UNSEEN),
        Ok(Err(error)) => shared.position_failed(&mut turn, &error),
        // Mid-query: not a connection to park for the next caller.
        Err(_) => turn.discard(),
    }
}

/// Ask `target` how it is. It takes reads only if it is a replica, within the `bounds` of the
/// writes the pool recorded, and has replayed every position whose read-your-writes marks
/// were dropped while it was out of rotation.
async fn probe<DB: Backend>(target: &Target<DB>, freshness: &Freshness, bounds: &Replicas) {
    let state = tokio::time::timeout(PROBE_TIMEOUT, async {
        let mut conn = match target.acquire().await {
            None => return None,
            Some(Ok(conn)) => conn,
            Some(Err(error)) => return Some(Err(error)),
        };
        Some(DB::replica_state(&mut conn).await)
    })
    .await;
    let health = match state {
        // Paused (a journal-mode change): nothing to judge.
        Ok(None) => return,
        Ok(Some(Ok(state))) => {
            if let Some(position) = state.replayed {
                target.set_replayed(position);
            }
            let replayed = target.replayed();
            let behind = freshness.behind(&replayed);
            target.set_behind(behind);
            if !state.in_recovery {
                Health::Promoted
            } else if !state.replaying {
                Health::Stopped
            } else if freshness.latest().distance(&replayed) > bounds.max_lag
                || behind > bounds.max_delay
                || !replayed.covers(&freshness.forgotten())
            {
                Health::Lagging
            } else {
                Health::Up
            }
        }
        Ok(Some(Err(_))) | Err(_) => Health::Down,
    };
    if target.set_health(health) {
        match health {
            Health::Up => tracing::info!(
                target: "sqlx_rw",
                replica = %target.name,
                "replica back in rotation"
            ),
            other => tracing::warn!(
                target: "sqlx_rw",
                replica = %target.name,
                state = ?other,
                "replica out of rotation"
            ),
        }
    }
}

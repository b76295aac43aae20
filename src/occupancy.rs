//! How many connections a sqlx [`Pool`] has open, idle and lent out, read so the figures agree.
//!
//! sqlx keeps its idle count in an atomic beside the idle queue, and moves the two at different
//! moments: `release` pushes a connection onto the queue and only then adds one to the count,
//! while `acquire` pops a connection and subtracts one at once. A pop that lands between a
//! push and its add subtracts first, so for that instant the `usize` count wraps to
//! `usize::MAX`; it also runs ahead of `size()` for a moment the other way round. Every reading
//! of it here goes through [`idle`], which clamps it to the connections open: an idle
//! connection is an open one, so the clamped figure is never further from the truth than the
//! raw one, and sums of it cannot overflow.

use sqlx::{Database, Pool};

/// Connections open in `pool`, lent out or idle.
pub(crate) fn open<DB: Database>(pool: &Pool<DB>) -> u32 {
    pool.size()
}

/// Connections idle in `pool`: sqlx's count, never more than [`open`].
pub(crate) fn idle<DB: Database>(pool: &Pool<DB>) -> usize {
    pool.num_idle().min(pool.size() as usize)
}

/// Connections of `pool` lent out now.
pub(crate) fn lent<DB: Database>(pool: &Pool<DB>) -> usize {
    open(pool) as usize - idle(pool)
}

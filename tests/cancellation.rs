//! Futures dropped at every await point (acquiring, mid-statement, mid-transaction, during
//! COMMIT) never leave the writer inside a transaction or blocked, and never break atomicity.
//!
//! Half the operations are dropped after a random number of polls, so cancellations land at
//! every await point the pool has, not only where a timer happens to fire; the other half are
//! wrapped in a random short `tokio::time::timeout`, as application code would do. The CI run makes at least
//! 1,000 cancellations; `SQLX_RW_TORTURE=10` multiplies the rounds for the full run.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use sqlx_rw::{RwErrorKind, SqliteRwPool};

/// Polls the inner future at most `polls` times, then drops it: `None` means cancelled.
struct CancelAfter<F> {
    inner: Option<Pin<Box<F>>>,
    polls: u64,
}

impl<F: Future> Future for CancelAfter<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(out) = inner.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        if self.polls == 0 {
            self.inner = None; // the cancellation: drop the future where it stands
            return Poll::Ready(None);
        }
        self.polls -= 1;
        Poll::Pending
    }
}

fn cancel_after<F: Future>(polls: u64, fut: F) -> CancelAfter<F> {
    CancelAfter {
        inner: Some(Box::pin(fut)),
        polls,
    }
}

#[derive(Default, Debug)]
struct Tally {
    attempted: i64,
    acknowledged: i64,
    cancelled: u64,
    abandoned_notices: u64,
}

/// One transaction that increments the counter and logs the increment, in the same
/// transaction. Typed or raw depending on `raw`.
async fn increment(pool: &SqliteRwPool, raw: bool) -> sqlx::Result<()> {
    if raw {
        sqlx::query("BEGIN").execute(pool).await?;
        sqlx::query("UPDATE counter SET n = n + 1")
            .execute(pool)
            .await?;
        sqlx::query("INSERT INTO log (kind) VALUES ('raw')")
            .execute(pool)
            .await?;
        sqlx::query("COMMIT").execute(pool).await?;
    } else {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE counter SET n = n + 1")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO log (kind) VALUES ('typed')")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_of_cancellations_leaves_the_pool_healthy_and_the_data_consistent() {
    let scale: u64 = std::env::var("SQLX_RW_TORTURE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let rounds = 500 * scale;
    let (_dir, pool) = common::file_pool().await;
    sqlx::raw_sql(
        "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);
         CREATE TABLE log (id INTEGER PRIMARY KEY, kind TEXT);
         CREATE TABLE plain (id INTEGER PRIMARY KEY);",
    )
    .execute(&pool)
    .await
    .unwrap();

    let mut handles = Vec::new();
    for task in 0..8u64 {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            let mut rng = common::Rng::new(task + 1);
            let mut tally = Tally::default();
            let mut history: Vec<String> = Vec::new();
            for _ in 0..rounds {
                let op = rng.below(4);
                // Half the operations are dropped after a random number of polls (0 cancels at
                // the first await; larger budgets reach deeper await points), half by a random
                // short timeout, as an application's `tokio::time::timeout` would drop them.
                let polls = rng.below(5);
                let by_timer = rng.below(2) == 0;
                let timer = Duration::from_micros(rng.below(1_500));
                macro_rules! cancellable {
                    ($fut:expr) => {
                        if by_timer {
                            tokio::time::timeout(timer, $fut).await.ok()
                        } else {
                            cancel_after(polls, $fut).await
                        }
                    };
                }
                let result = match op {
                    0 | 1 => {
                        tally.attempted += 1;
                        cancellable!(increment(&pool, op == 1))
                    }
                    2 => {
                        cancellable!(sqlx::query("INSERT INTO plain DEFAULT VALUES").execute(&pool))
                            .map(|r| r.map(drop))
                    }
                    _ => cancellable!(
                        sqlx::query_scalar::<_, i64>("SELECT n FROM counter").fetch_one(&pool)
                    )
                    .map(|r| r.map(drop)),
                };
                history.push(format!(
                    "op{op}/p{polls}/{}",
                    match &result {
                        None => "cancelled".to_string(),
                        Some(Ok(())) => "ok".into(),
                        Some(Err(e)) => format!(
                            "err:{}",
                            common::rw_kind(e)
                                .map(|k| format!("{k:?}"))
                                .unwrap_or_default()
                        ),
                    }
                ));
                if history.len() > 6 {
                    history.remove(0);
                }
                match result {
                    None => tally.cancelled += 1,
                    Some(Ok(())) if op <= 1 => tally.acknowledged += 1,
                    Some(Ok(())) => {}
                    // The only error a cancellation may cause: the next statement of a task
                    // whose raw transaction was cancelled is told it was rolled back.
                    Some(Err(e))
                        if common::rw_kind(&e) == Some(RwErrorKind::TransactionAbandoned) =>
                    {
                        tally.abandoned_notices += 1
                    }
                    Some(Err(e)) => panic!(
                        "unexpected error in op {op} (polls {polls}): {e}\nhistory: {history:?}"
                    ),
                }
                // Let the writer's release work (spawned by sqlx and by us) interleave.
                if rng.below(4) == 0 {
                    tokio::task::yield_now().await;
                }
            }
            tally
        }));
    }
    let mut total = Tally::default();
    for handle in handles {
        let t = handle.await.unwrap();
        total.attempted += t.attempted;
        total.acknowledged += t.acknowledged;
        total.cancelled += t.cancelled;
        total.abandoned_notices += t.abandoned_notices;
    }
    println!("{total:?}");
    assert!(
        total.cancelled >= 1_000 * scale,
        "only {} cancellations",
        total.cancelled
    );

    // The writer is free and outside any transaction: a write completes promptly, and a
    // transaction can begin on it.
    tokio::time::timeout(Duration::from_secs(2), async {
        sqlx::query("INSERT INTO plain DEFAULT VALUES")
            .execute(&pool)
            .await
            .unwrap();
        let mut writer = pool.acquire().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *writer)
            .await
            .unwrap();
        sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
    })
    .await
    .expect("the writer is not stuck");

    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        n, logged,
        "each increment and its log row landed together or not at all"
    );
    assert!(
        total.acknowledged <= n && n <= total.attempted,
        "acknowledged {} <= counter {n} <= attempted {}",
        total.acknowledged,
        total.attempted
    );
}

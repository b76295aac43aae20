//! The rest of sqlx's `Pool` and `PoolOptions` surface on `RwPool` and `RwPoolOptions`, so a
//! type swap keeps compiling and behaving: lazy connect, non-blocking acquire and begin, the
//! close event, sizes, connect options, and the connection hooks.

use crate::common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Executor, Sqlite};
use sqlx_rw::{RwPoolOptions, SqliteRwPool, SqliteRwPoolOptions};

#[test]
fn options_are_clone_and_debug() {
    let options: RwPoolOptions<Sqlite> = SqliteRwPoolOptions::new()
        .max_connections(3)
        .min_connections(1)
        .idle_timeout(Duration::from_secs(5))
        .max_lifetime(None)
        .test_before_acquire(true)
        .after_connect(|_, _| Box::pin(async { Ok(()) }));
    let copy = options.clone();
    let shown = format!("{copy:?}");
    assert!(shown.contains("readers: 3"), "{shown}");
    assert!(shown.contains("after_connect: true"), "{shown}");
}

/// The readers' sqlx options carry sqlx's defaults, and what the caller sets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_pool_options_default_as_sqlx_and_follow_the_caller() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(5)).await;
    let options = pool.options();
    assert_eq!(options.get_max_connections(), 5);
    assert_eq!(options.get_min_connections(), 0);
    assert_eq!(options.get_idle_timeout(), Some(Duration::from_secs(600)));
    assert_eq!(options.get_max_lifetime(), Some(Duration::from_secs(1800)));
    assert!(!options.get_test_before_acquire());

    let (_dir, pool) = common::file_pool_with(
        SqliteRwPoolOptions::new()
            .max_connections(2)
            .min_connections(1)
            .idle_timeout(Duration::from_secs(7))
            .max_lifetime(None)
            .test_before_acquire(true),
    )
    .await;
    let options = pool.options();
    assert_eq!(options.get_max_connections(), 2);
    assert_eq!(options.get_min_connections(), 1);
    assert_eq!(options.get_idle_timeout(), Some(Duration::from_secs(7)));
    assert_eq!(options.get_max_lifetime(), None);
    assert!(options.get_test_before_acquire());
    // An unparseable URL is reported by connect_lazy itself, before any connection.
    assert!(SqliteRwPool::connect_lazy("sqlite://x.db?mode=nonsense").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_connect_runs_on_every_connection_writer_and_readers() {
    let opened = Arc::new(AtomicU64::new(0));
    let counter = opened.clone();
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(3).after_connect(
        move |conn: &mut sqlx::SqliteConnection, _meta| {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                conn.execute("PRAGMA cache_size = -999").await?;
                Ok(())
            })
        },
    ))
    .await;
    assert_eq!(opened.load(Ordering::SeqCst), 1, "the writer, at connect");
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(pool.acquire_read().await.unwrap());
    }
    held.push(pool.acquire().await.unwrap());
    assert_eq!(opened.load(Ordering::SeqCst), 4);
    for conn in &mut held {
        let size: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(size, -999);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_acquire_and_after_release_run_on_readers_for_every_read() {
    let (acquired, released) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let (a, r) = (acquired.clone(), released.clone());
    let (_dir, pool) = common::file_pool_with(
        SqliteRwPoolOptions::new()
            .readers(1)
            .before_acquire(move |_, _| {
                a.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Ok(true) })
            })
            .after_release(move |_, _| {
                r.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Ok(true) })
            }),
    )
    .await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let (a0, r0) = (
        acquired.load(Ordering::SeqCst),
        released.load(Ordering::SeqCst),
    );
    for _ in 0..5 {
        sqlx::query("SELECT * FROM t")
            .fetch_all(&pool)
            .await
            .unwrap();
    }
    // sqlx runs after_release in a task of its own: give it a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The first read opens the reader (no before_acquire for a new connection, as in sqlx).
    assert!(acquired.load(Ordering::SeqCst) - a0 >= 4);
    assert_eq!(released.load(Ordering::SeqCst) - r0, 5);
    // The writer goes through the hooks when it leaves and returns to sqlx's pool.
    let r1 = released.load(Ordering::SeqCst);
    pool.begin().await.unwrap().commit().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(released.load(Ordering::SeqCst) - r1, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_lazy_opens_nothing_until_first_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lazy.db");
    let pool = RwPoolOptions::<Sqlite>::new()
        .connect_lazy_with(SqliteConnectOptions::new().filename(&path));
    assert_eq!(pool.size(), 0);
    assert!(!path.exists(), "no connection, no file");
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    assert!(path.exists());
    assert_eq!(pool.size(), 1, "the writer only: nothing has read");

    // A URL, and a path that cannot be opened: reported at first use.
    let bad = SqliteRwPool::connect_lazy("sqlite:///no/such/dir/x.db").unwrap();
    assert!(sqlx::query("SELECT 1").execute(&bad).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn try_acquire_and_try_begin_do_not_wait() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let conn = pool.try_acquire().expect("the writer is free");
    assert!(pool.try_acquire().is_none(), "held");
    assert!(pool.try_begin().await.unwrap().is_none(), "held");
    drop(conn);
    // The dropped connection goes back through sqlx's pool (a spawned task).
    let mut tx = None;
    for _ in 0..100 {
        tx = pool.try_begin().await.unwrap();
        if tx.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut tx = tx.expect("free again");
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_event_fires_when_the_pool_closes() {
    let (_dir, pool) = common::file_pool().await;
    let waiter = tokio::spawn({
        let mut event = pool.close_event();
        async move {
            event
                .do_until(tokio::time::sleep(Duration::from_secs(30)))
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    pool.close().await;
    let result = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the close event fired")
        .unwrap();
    assert!(matches!(result, Err(sqlx::Error::PoolClosed)), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_options_and_connect_options_answer_as_documented() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(3)).await;
    assert_eq!(pool.options().get_max_connections(), 3);
    assert_eq!(pool.size(), 1, "the writer, opened at connect");
    let held = (
        pool.acquire_read().await.unwrap(),
        pool.acquire_read().await.unwrap(),
    );
    assert_eq!(pool.size(), 3);
    assert_eq!(pool.num_idle(), 0);
    drop(held);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(pool.num_idle(), 2);

    // New options for connections opened from now on: readers are replaced, and keep the
    // settings sent through the pool before.
    sqlx::query("PRAGMA temp_store = 2")
        .execute(&pool)
        .await
        .unwrap();
    let options = (*pool.connect_options())
        .clone()
        .pragma("cache_size", "-4242");
    pool.set_connect_options(options);
    let mut reader = pool.acquire_read().await.unwrap();
    let size: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    let temp: i64 = sqlx::query_scalar("PRAGMA temp_store")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!((size, temp), (-4242, 2));
}

/// Code written against `SqlitePool`'s surface compiles against `RwPool` with the type
/// swapped.
#[allow(dead_code)]
async fn type_swap_compiles(pool: &SqliteRwPool) -> sqlx::Result<()> {
    let _ = (pool.size(), pool.num_idle(), pool.is_closed());
    let _ = pool.options().get_max_connections();
    let _ = pool.connect_options().get_filename();
    let _ = pool.try_acquire();
    if let Some(tx) = pool.try_begin().await? {
        tx.commit().await?;
    }
    drop(pool.close_event());
    let _reader: sqlx::Pool<Sqlite> = pool.reader();
    Ok(())
}

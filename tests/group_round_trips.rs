//! A group commit of `n` writes costs `n` commands to SQLite's worker thread, not `n + 2`: its
//! `BEGIN` goes with the first write and its `COMMIT` with the last. (Its own test binary: it
//! listens to sqlx's query log on every thread.)

mod common;

use common::capture::Queries;
use tracing::level_filters::LevelFilter;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_of_n_writes_costs_n_round_trips() {
    let queries = Queries::default();
    common::capture::listen_everywhere(queries.clone(), LevelFilter::DEBUG);

    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE chained (id INTEGER PRIMARY KEY, v INTEGER)")
        .execute(&pool)
        .await
        .unwrap();

    // Hold the writer while the writes queue behind it, so that they form one group.
    const N: i64 = 6;
    let (held, writes) = common::queue_behind_writer(&pool, N as u64, || {
        (0..N)
            .map(|i| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    sqlx::query("INSERT INTO chained (id, v) VALUES (?, ?) RETURNING id")
                        .bind(i)
                        .bind(i * 10)
                        .fetch_one(&pool)
                        .await
                        .map(|row| sqlx::Row::get::<i64, _>(&row, 0))
                })
            })
            .collect::<Vec<_>>()
    })
    .await;
    queries.recorded.lock().unwrap().clear();
    drop(held);

    for (i, write) in writes.into_iter().enumerate() {
        assert_eq!(
            write.await.unwrap().unwrap(),
            i as i64,
            "its own RETURNING row"
        );
    }
    let stats = pool.stats();
    assert_eq!((stats.groups, stats.group_statements), (1, N as u64));

    let commands: Vec<String> = queries
        .recorded
        .lock()
        .unwrap()
        .iter()
        .filter(|sql| !sql.is_empty())
        .cloned()
        .collect();
    let group: Vec<&String> = commands
        .iter()
        .filter(|sql| {
            let upper = sql.to_ascii_uppercase();
            upper.contains("CHAINED") || upper == "BEGIN IMMEDIATE" || upper == "COMMIT"
        })
        .collect();
    assert_eq!(
        group.len() as i64,
        N,
        "one command per write, none added: {group:#?}"
    );
    assert!(
        group[0].to_ascii_uppercase().starts_with("BEGIN IMMEDIATE"),
        "the BEGIN goes with the first write: {group:#?}"
    );
    assert!(
        group[N as usize - 1]
            .to_ascii_uppercase()
            .ends_with("COMMIT"),
        "the COMMIT goes with the last write: {group:#?}"
    );
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, v FROM chained ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(rows, (0..N).map(|i| (i, i * 10)).collect::<Vec<_>>());
}

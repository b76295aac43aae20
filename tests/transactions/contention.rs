//! The scenario that fails on a plain `SqlitePool`: many tasks doing read-modify-write
//! transactions and inserts at once. On `RwPool` every operation succeeds and nothing is lost.
//!
//! The schema and operations come from `examples/shared/workloads.rs`, the same module the
//! contention demo and the `compare` benchmark run, so what this test asserts holds for the
//! workload they show and measure.

use crate::common;
#[path = "../../examples/shared/workloads.rs"]
mod workloads;

const TASKS: u64 = 8;
const ROUNDS: u64 = 250;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_read_modify_write_loses_nothing_and_never_fails() {
    let (_dir, pool) = common::file_pool().await;
    workloads::create_counter(&pool).await.unwrap();
    workloads::create_events(&pool).await.unwrap();

    let mut handles = Vec::new();
    for task in 0..TASKS {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for _ in 0..ROUNDS {
                // Read-modify-write: the read happens inside the transaction, so a lost update
                // would show as a final counter below the number of commits.
                let rmw = async { workloads::read_modify_write(pool.begin().await?).await };
                if let Err(e) = rmw.await {
                    errors.push(e.to_string());
                }
                if let Err(e) = workloads::insert_event(&pool, task as i64).await {
                    errors.push(e.to_string());
                }
                if let Err(e) = workloads::count_events(&pool, task as i64).await {
                    errors.push(e.to_string());
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for handle in handles {
        errors.extend(handle.await.unwrap());
    }
    assert_eq!(errors, Vec::<String>::new(), "no operation may fail");

    let n = workloads::read_counter(&pool).await.unwrap();
    assert_eq!(
        n as u64,
        TASKS * ROUNDS,
        "final counter == committed increments"
    );
    let rows = workloads::count_all_events(&pool).await.unwrap();
    assert_eq!(rows as u64, TASKS * ROUNDS, "row count == inserts");

    let stats = pool.stats();
    assert_eq!(
        stats.reader_statements,
        TASKS * ROUNDS + 2,
        "reads ran on readers"
    );
}

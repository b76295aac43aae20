//! A real MariaDB replica is the judge: every statement of `tests/corpus/mysql.sql` runs on a
//! replica as the application user (each on a fresh connection, so session state does not
//! leak), and is labelled by what the replica did: refused it as a write (error 1290, or 1792
//! in a read-only transaction), failed it otherwise, or ran it. Statements a replica *accepts*
//! but that must still run on the primary (named locks, connection state, temporary tables,
//! transaction control, …) are labelled `accepted-write` by hand in
//! `tests/corpus/mysql_labels.txt`.
//!
//! The rule: a statement routed to a replica must be one the replica ran and that is not on
//! the hand list, or one that fails on the primary with the same error (a missing table, a
//! syntax error: the caller gets what a plain pool gives): zero tolerance, with one kind of
//! exception, each checked: a single statement
//! the router cannot see write (a user's function that writes, called from a `SELECT`) may
//! reach a replica if the replica refuses it, which writes nothing: the pool runs it again on
//! the primary. The test runs every such statement through the pool and requires it to
//! succeed, healed. Reads kept on the primary are counted by reason in `docs/mysql.md`;
//! `SQLX_RW_BLESS=1 cargo test --test mysql differential` rewrites them.

use std::collections::BTreeMap;

use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError};
use sqlx::{ConnectOptions, Connection, Executor};
use sqlx_rw::{MySqlRwPool, MySqlRwPoolOptions, Reason, Target};

use super::my;

const CORPUS: &str = include_str!("../corpus/mysql.sql");
const SCHEMA: &str = include_str!("../corpus/mysql_schema.sql");
const LABELS: &str = include_str!("../corpus/mysql_labels.txt");

/// What the replica did with one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ran,
    Refused,
    Failed(String),
}

fn outcome_of(result: Result<sqlx::mysql::MySqlQueryResult, sqlx::Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ran,
        Err(sqlx::Error::Database(e)) => match e.try_downcast_ref::<MySqlDatabaseError>() {
            Some(e) if matches!(e.number(), 1290 | 1792) => Outcome::Refused,
            Some(e) => Outcome::Failed(e.number().to_string()),
            None => Outcome::Failed(e.to_string()),
        },
        Err(other) => Outcome::Failed(other.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_statement_a_replica_refuses_or_that_must_run_on_the_primary_is_routed_to_one() {
    let Some(cluster) = my::shared() else {
        return;
    };
    let entries: Vec<&str> = CORPUS.split("\n-- @@\n").skip(1).collect();
    assert!(entries.len() >= 200, "{} entries", entries.len());
    let hand_list: Vec<bool> = LABELS
        .lines()
        .map(|line| line.split('\t').nth(1) == Some("accepted-write"))
        .collect();
    assert_eq!(hand_list.len(), entries.len(), "one label line per entry");

    let (primary, replicas) = my::fresh_database(&cluster, "corpus").await;
    let mut owner = primary.connect().await.unwrap();
    owner
        .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(SCHEMA)))
        .await
        .unwrap();
    owner.close().await.unwrap();
    my::wait_caught_up(&cluster).await;
    let replica: MySqlConnectOptions = replicas[0].clone();

    let pool = MySqlRwPool::connect_with(primary.clone()).await.unwrap();
    let mut to_replica_wrongly = Vec::new();
    let mut healable = Vec::new();
    let mut kept: BTreeMap<String, usize> = BTreeMap::new();
    let (mut reads, mut on_replica, mut failed_alike) = (0, 0, 0);
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, sql) in entries.iter().enumerate() {
        let mut conn = replica.connect().await.unwrap();
        let outcome = outcome_of(conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))).await);
        let _ = conn.close().await;
        *outcomes
            .entry(match (&outcome, hand_list[index]) {
                (Outcome::Ran, true) => {
                    "accepted by the replica, must run on the primary (hand list)"
                }
                (Outcome::Ran, false) => "ran on the replica",
                (Outcome::Refused, _) => "refused by the replica (1290/1792)",
                (Outcome::Failed(_), _) => "failed on the replica otherwise",
            })
            .or_default() += 1;
        let route = pool.route_of(sql);
        let read = outcome == Outcome::Ran && !hand_list[index];
        if route.target() == Target::Reader && !read {
            let same_on_primary = match &outcome {
                Outcome::Failed(_) => {
                    // Routed as a read: run where a plain pool would, and compare.
                    let mut conn = primary.connect().await.unwrap();
                    let there =
                        outcome_of(conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))).await);
                    let _ = conn.close().await;
                    there == outcome
                }
                _ => false,
            };
            if same_on_primary {
                failed_alike += 1;
            } else if outcome == Outcome::Refused && route.reason() != Reason::ReadBatch {
                healable.push(*sql);
            } else {
                let tag = sql.lines().next().unwrap_or_default();
                to_replica_wrongly.push(format!("#{index} {tag}: {outcome:?}"));
            }
        }
        if read {
            reads += 1;
            if route.target() == Target::Reader {
                on_replica += 1;
            } else {
                *kept
                    .entry(route.reason().describe().to_owned())
                    .or_default() += 1;
            }
        }
    }
    pool.close().await;

    // Each statement left to healing really heals: it reaches a replica, is refused there, and
    // runs on the primary, where it succeeds (or fails as it would there).
    let healing = replicas
        .iter()
        .fold(MySqlRwPoolOptions::new(), |o, r| o.replica_with(r.clone()))
        .read_consistency(sqlx_rw::ReadConsistency::Eventual)
        .connect_with(primary.clone())
        .await
        .unwrap();
    for sql in &healable {
        let before = healing.stats().healed;
        let through_pool = outcome_of(
            healing
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(*sql)))
                .await,
        );
        assert_ne!(through_pool, Outcome::Refused, "{sql}: not healed");
        assert_eq!(
            healing.stats().healed,
            before + 1,
            "{sql}: {through_pool:?}"
        );
    }
    assert_eq!(healing.stats().healed, healable.len() as u64);
    healing.close().await;

    let mut report = format!(
        "{} statements: {}.\n\n| Reads the replica ran, kept on the primary, by reason | Statements |\n|---|---|\n",
        entries.len(),
        outcomes
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (reason, n) in &kept {
        report.push_str(&format!("| {reason} | {n} |\n"));
    }
    report.push_str(&format!(
        "| **routed to replicas** | **{on_replica} of {reads}** |\n\n\
         Writes or primary-only statements routed to replicas: {}. Single statements that call \
         a user's function that writes, which only the replica can tell: {} (each refused \
         there, nothing written, and healed: run again on the primary). Reads routed to \
         replicas that fail there as on the primary (a missing table, a syntax error): {}.\n",
        to_replica_wrongly.len(),
        healable.len(),
        failed_alike
    ));
    println!("{report}");
    assert!(
        to_replica_wrongly.is_empty(),
        "routed to a replica, but the replica refused it or it must run on the primary:\n{}",
        to_replica_wrongly.join("\n")
    );

    super::doc_block::check("docs/mysql.md", "differential", &report);
}

//! A real hot standby is the judge: every statement of `tests/corpus/postgres.sql` runs on a
//! standby (each on a fresh connection, so session locks do not leak), and is labelled by
//! what the standby did: refused it as a write (SQLSTATE 25006), failed it otherwise, or ran
//! it. Statements that a standby *accepts* but that must still run on the primary (advisory
//! locks, `set_config`, …) are labelled `accepted-write` by hand in
//! `tests/corpus/postgres_labels.txt`.
//!
//! The rule: a statement routed to a replica must be one the standby ran and that changes no
//! primary-side state: zero tolerance, with one kind of exception, each checked: a single
//! statement the router cannot see write (a user's function that writes, called from a
//! `SELECT`) may reach a replica if the standby refuses it with 25006, which writes nothing:
//! the pool runs it again on the primary. The test runs every such statement through the pool
//! and requires it to succeed, healed. Reads kept on the primary are counted by reason in
//! `docs/postgres.md`; `SQLX_RW_BLESS=1 cargo test --test postgres differential` rewrites
//! them.

use std::collections::BTreeMap;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use sqlx_rw::{PgRwPool, Reason, Target};

use super::{pg, wait_caught_up};

const CORPUS: &str = include_str!("../corpus/postgres.sql");
const SCHEMA: &str = include_str!("../corpus/postgres_schema.sql");
const LABELS: &str = include_str!("../corpus/postgres_labels.txt");

/// What the standby did with one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ran,
    Refused,
    Failed(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_statement_a_standby_refuses_or_that_writes_is_routed_to_a_replica() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let entries: Vec<&str> = CORPUS.split("\n-- @@\n").skip(1).collect();
    assert!(entries.len() >= 300, "{} entries", entries.len());
    let hand_list: Vec<bool> = LABELS
        .lines()
        .map(|line| line.ends_with("\taccepted-write"))
        .collect();
    assert_eq!(hand_list.len(), entries.len(), "one label line per entry");

    // A database of its own, made by the superuser over the cluster's socket (trust).
    let primary: PgConnectOptions = cluster.primary.parse().unwrap();
    let database = pg::unique("corpus");
    let superuser = PgConnectOptions::new()
        .socket(&cluster.dir)
        .port(primary.get_port())
        .username("postgres")
        .database("postgres");
    let mut admin = superuser.connect().await.unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {database} OWNER sqlx_rw"
        )))
        .await
        .unwrap();
    let on = |url: &str| -> PgConnectOptions {
        let options: PgConnectOptions = url.parse().unwrap();
        options.database(&database)
    };
    let mut owner = on(&cluster.primary).connect().await.unwrap();
    owner
        .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(SCHEMA)))
        .await
        .unwrap();
    owner.close().await.unwrap();
    wait_caught_up(&cluster).await;
    let standby = on(&cluster.replicas[0]);
    let mut present = false;
    for _ in 0..500 {
        if let Ok(mut conn) = standby.connect().await {
            present = sqlx::query_scalar::<_, bool>("SELECT to_regclass('t') IS NOT NULL")
                .fetch_one(&mut conn)
                .await
                .unwrap_or(false);
            if present {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(present, "the schema reached the standby");

    let pool = PgRwPool::connect(&cluster.primary).await.unwrap();
    let mut to_replica_wrongly = Vec::new();
    let mut healable = Vec::new();
    let mut kept: BTreeMap<String, usize> = BTreeMap::new();
    let (mut reads, mut on_replica) = (0, 0);
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, sql) in entries.iter().enumerate() {
        let mut conn = standby.connect().await.unwrap();
        let outcome = match conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))).await {
            Ok(_) => Outcome::Ran,
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("25006") => {
                Outcome::Refused
            }
            Err(sqlx::Error::Database(e)) => {
                Outcome::Failed(e.code().map(|c| c.into_owned()).unwrap_or_default())
            }
            Err(other) => Outcome::Failed(other.to_string()),
        };
        let _ = conn.close().await;
        *outcomes
            .entry(match (&outcome, hand_list[index]) {
                (Outcome::Ran, true) => "accepted by the standby, writes (hand list)",
                (Outcome::Ran, false) => "ran on the standby",
                (Outcome::Refused, _) => "refused by the standby (25006)",
                (Outcome::Failed(_), _) => "failed on the standby otherwise",
            })
            .or_default() += 1;
        let route = pool.route_of(sql);
        let read = outcome == Outcome::Ran && !hand_list[index];
        if route.target() == Target::Reader && !read {
            if outcome == Outcome::Refused && route.reason() != Reason::ReadBatch {
                healable.push(*sql);
            } else {
                let first = sql.lines().next().unwrap_or_default();
                to_replica_wrongly.push(format!("#{index} {first}: {outcome:?}"));
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
    // runs on the primary, where it succeeds.
    let on_corpus = cluster
        .replicas
        .iter()
        .fold(sqlx_rw::PgRwPoolOptions::new(), |o, url| {
            o.replica_with(on(url))
        })
        .read_consistency(sqlx_rw::ReadConsistency::Eventual);
    let healing = on_corpus.connect_with(on(&cluster.primary)).await.unwrap();
    for sql in &healable {
        let result = healing
            .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(*sql)))
            .await;
        assert!(result.is_ok(), "{sql}: {result:?}");
    }
    assert_eq!(healing.stats().healed, healable.len() as u64);
    healing.close().await;

    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {database} WITH (FORCE)"
        )))
        .await
        .unwrap();

    let mut report = format!(
        "{} statements: {}.\n\n| Reads the standby ran, kept on the primary, by reason | Statements |\n|---|---|\n",
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
         Writes routed to replicas: {}. Single statements that call a user's function that \
         writes, which only the standby can tell: {} (each refused there with 25006, nothing \
         written, and healed: run again on the primary).\n",
        to_replica_wrongly.len(),
        healable.len()
    ));
    println!("{report}");
    assert!(
        to_replica_wrongly.is_empty(),
        "routed to a replica, but the standby refused it or it writes:\n{}",
        to_replica_wrongly.join("\n")
    );

    super::doc_block::check("docs/postgres.md", "differential", &report);
}

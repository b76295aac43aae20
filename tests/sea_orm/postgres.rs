//! The same entities on PostgreSQL with two streaming replicas (`scripts/pg-cluster`): reads
//! on replicas, writes and transactions on the primary, read-only transactions on a replica.

use sea_orm::{
    AccessMode, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait,
    IsolationLevel, PaginatorTrait, QuerySelect, TransactionSession, TransactionTrait,
};
use sqlx_rw::sea_orm::PgRwConnection;

use crate::common::pg;
use crate::{session, user};

const SCHEMA: &str = "
    CREATE TABLE users (
        id SERIAL PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        logins INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        id SERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
        token TEXT NOT NULL
    );";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_reads_run_on_replicas_and_writes_on_the_primary() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let (primary, replicas) = pg::fresh_database(&cluster, "seaorm").await;
    let pool = replicas
        .into_iter()
        .fold(sqlx_rw::PgRwPoolOptions::new(), |o, r| o.replica_with(r))
        // The test asserts that the token reads ran on replicas: they wait for a standby to
        // replay the writes, not the default 20 ms after which they run on the primary.
        .replica_wait(std::time::Duration::from_secs(2))
        .connect_with(primary)
        .await
        .unwrap();
    sqlx::raw_sql(SCHEMA).execute(&pool).await.unwrap();
    let db = PgRwConnection::from(pool.clone());
    for n in 0..10 {
        let u = user::ActiveModel {
            email: Set(format!("pg{n}@example.com")),
            logins: Set(0),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        session::ActiveModel {
            user_id: Set(u.id),
            token: Set(format!("t{n}")),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    // The writing task reads its own writes (read-your-writes), wherever they run.
    let found = user::Entity::find()
        .find_with_related(session::Entity)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.len(), 10);
    assert!(found.iter().all(|(_, s)| s.len() == 1));

    // Another task's reads go to the replicas. (Told of the writes with a token: a task that
    // wrote nothing may read a replica that has not replayed even the table yet.)
    let token = pool.write_token().await.unwrap();
    let before: u64 = pool.stats().replicas.iter().map(|r| r.reads).sum();
    let reader = db.clone();
    let reader_pool = pool.clone();
    let counted = tokio::spawn(async move {
        reader_pool.after(&token);
        let mut counts = Vec::new();
        for _ in 0..20 {
            counts.push(user::Entity::find().count(&reader).await.unwrap());
        }
        counts
    })
    .await
    .unwrap();
    let after: u64 = pool.stats().replicas.iter().map(|r| r.reads).sum();
    assert!(counted.iter().all(|&n| n <= 10));
    assert_eq!(
        after - before,
        20,
        "every read of the other task ran on a replica"
    );

    // Read-modify-write transactions on the primary from 4 tasks, the row locked: no update
    // lost.
    let target = found[0].0.id;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                for _ in 0..50 {
                    db.transaction::<_, (), DbErr>(|txn| {
                        Box::pin(async move {
                            let seen = user::Entity::find_by_id(target)
                                .lock_exclusive()
                                .one(txn)
                                .await?
                                .unwrap();
                            let mut next: user::ActiveModel = seen.clone().into();
                            next.logins = Set(seen.logins + 1);
                            next.update(txn).await?;
                            Ok(())
                        })
                    })
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // Read on the primary: in `Task` mode this task's reads need not see the spawned tasks'
    // writes, and a replica may still be replaying the last of them.
    let counter: i32 = sqlx::query_scalar("SELECT logins FROM users WHERE id = $1")
        .bind(target)
        .fetch_one(pool.writer())
        .await
        .unwrap();
    // SELECT … FOR UPDATE (SeaORM's `lock_exclusive`) on the primary keeps every update.
    assert_eq!(counter, 200);

    // A read-only transaction runs on a replica, which refuses a write in it.
    let read_only = db
        .begin_with_config(None, Some(AccessMode::ReadOnly))
        .await
        .unwrap();
    let on_replica: bool = read_only
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_is_in_recovery() AS r",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "r")
        .unwrap();
    assert!(on_replica);
    let refused = read_only
        .execute_unprepared("UPDATE users SET logins = 0")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("read-only"), "{refused}");
    drop(read_only);
    // An isolation level is set first on the replica; SERIALIZABLE, which a standby refuses,
    // runs on the primary.
    let where_and_how =
        "SELECT pg_is_in_recovery() AS r, current_setting('transaction_isolation') AS i";
    for (level, on_replica, shown) in [
        (IsolationLevel::RepeatableRead, true, "repeatable read"),
        (IsolationLevel::Serializable, false, "serializable"),
    ] {
        let txn = db
            .begin_with_config(Some(level), Some(AccessMode::ReadOnly))
            .await
            .unwrap();
        let row = txn
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                where_and_how,
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<bool>("", "r").unwrap(), on_replica, "{level}");
        assert_eq!(row.try_get::<String>("", "i").unwrap(), shown);
        txn.commit().await.unwrap();
    }

    // With no replica to run on (a pool of the primary alone), a read-only transaction still
    // refuses writes.
    let primary_only = PgRwConnection::from(
        sqlx_rw::PgRwPool::connect_with(pool.writer().connect_options().as_ref().clone())
            .await
            .unwrap(),
    );
    let read_only = primary_only
        .begin_with_config(None, Some(AccessMode::ReadOnly))
        .await
        .unwrap();
    let refused = read_only
        .execute_unprepared("UPDATE users SET logins = 0")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("read-only"), "{refused}");
    drop(read_only);
    primary_only.close().await.unwrap();

    // A deferred foreign key refused at COMMIT is the caller's error.
    let txn = db.begin().await.unwrap();
    session::ActiveModel {
        user_id: Set(99_999),
        token: Set("orphan".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let error = txn.commit().await.unwrap_err();
    assert!(error.to_string().contains("foreign key"), "{error}");
    pool.close().await;
}

//! SeaORM transactions on the pool: read-modify-write from many tasks, nested savepoints,
//! read-only transactions on readers, and a COMMIT the database refuses.

use sea_orm::{
    AccessMode, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, SqliteTransactionMode, TransactionError, TransactionOptions,
    TransactionSession, TransactionTrait,
};

use crate::{db, session, user};

const TASKS: usize = 8;
const ROUNDS: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_modify_write_transactions_from_8_tasks_lose_no_update() {
    let (_dir, pool, db) = db().await;
    let counter = user::ActiveModel {
        email: Set("counter@example.com".into()),
        logins: Set(0),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut errors = 0;
                for _ in 0..ROUNDS {
                    let done = db
                        .transaction::<_, (), DbErr>(|txn| {
                            Box::pin(async move {
                                let seen = user::Entity::find_by_id(counter.id)
                                    .one(txn)
                                    .await?
                                    .expect("the counter row");
                                let mut next: user::ActiveModel = seen.clone().into();
                                next.logins = Set(seen.logins + 1);
                                next.update(txn).await?;
                                Ok(())
                            })
                        })
                        .await;
                    if let Err(error) = done {
                        eprintln!("{error}");
                        errors += 1;
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = 0;
    for task in tasks {
        errors += task.await.unwrap();
    }
    assert_eq!(errors, 0);
    let counter = user::Entity::find_by_id(counter.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        counter.logins as usize,
        TASKS * ROUNDS,
        "no update was lost"
    );
    let stats = pool.stats();
    assert!(
        stats.transactions_begun >= (TASKS * ROUNDS) as u64,
        "every transaction began on the writer: {}",
        stats.transactions_begun
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_the_database_refuses_is_the_callers_error() {
    let (_dir, _pool, db) = db().await;
    // A session whose user does not exist: the deferred foreign key fails at COMMIT.
    let orphan = || session::ActiveModel {
        user_id: Set(999),
        token: Set("orphan".into()),
        ..Default::default()
    };
    let txn = db.begin().await.unwrap();
    orphan().insert(&txn).await.unwrap();
    let error = txn.commit().await.unwrap_err();
    assert!(error.to_string().contains("FOREIGN KEY"), "{error}");
    // As SeaORM's own drivers class a failed COMMIT, so `sql_err()` sees the constraint.
    assert!(matches!(error, DbErr::Query(_)), "{error:?}");
    assert!(
        matches!(
            error.sql_err(),
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{error:?}"
    );
    let through_closure = db
        .transaction::<_, (), DbErr>(|txn| {
            Box::pin(async move {
                orphan().insert(txn).await?;
                Ok(())
            })
        })
        .await
        .unwrap_err();
    assert!(
        matches!(through_closure, TransactionError::Connection(ref e) if e.to_string().contains("FOREIGN KEY")),
        "{through_closure}"
    );
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
    // The writer is free and usable after the refused commits.
    user::ActiveModel {
        email: Set("after@example.com".into()),
        logins: Set(0),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_transactions_are_savepoints() {
    let (_dir, _pool, db) = db().await;
    let add = |email: &str| user::ActiveModel {
        email: Set(email.into()),
        logins: Set(0),
        ..Default::default()
    };
    let outer = db.begin().await.unwrap();
    add("outer@example.com").insert(&outer).await.unwrap();
    let rolled_back = outer.begin().await.unwrap();
    add("rolled-back@example.com")
        .insert(&rolled_back)
        .await
        .unwrap();
    rolled_back.rollback().await.unwrap();
    let dropped = outer.begin().await.unwrap();
    add("dropped@example.com").insert(&dropped).await.unwrap();
    drop(dropped);
    let kept = outer.begin().await.unwrap();
    add("kept@example.com").insert(&kept).await.unwrap();
    kept.commit().await.unwrap();
    let failed = outer
        .transaction::<_, (), DbErr>(|txn| {
            Box::pin(async move {
                add("closure-failed@example.com").insert(txn).await?;
                Err(DbErr::Custom("the closure gives up".into()))
            })
        })
        .await;
    assert!(matches!(failed, Err(TransactionError::Transaction(_))));
    outer.commit().await.unwrap();
    let mut emails: Vec<String> = user::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    emails.sort();
    assert_eq!(emails, ["kept@example.com", "outer@example.com"]);
    // An outer transaction dropped without commit or rollback is rolled back.
    let dropped = db.begin().await.unwrap();
    add("dropped-outer@example.com")
        .insert(&dropped)
        .await
        .unwrap();
    drop(dropped);
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), 2);
    // ... and the writer is free again: a write after it runs at once.
    tokio::time::timeout(
        std::time::Duration::from_secs(2),
        add("after-drop@example.com").insert(&db),
    )
    .await
    .expect("the dropped transaction let the writer go")
    .unwrap();
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_savepoint_dropped_while_a_stream_reads_never_undoes_a_later_statement() {
    use futures_util::StreamExt;
    let (_dir, _pool, db) = db().await;
    let add = |email: &str| user::ActiveModel {
        email: Set(email.into()),
        logins: Set(0),
        ..Default::default()
    };
    for round in 0..20 {
        let outer = db.begin().await.unwrap();
        add(&format!("a{round}@example.com"))
            .insert(&outer)
            .await
            .unwrap();
        let savepoint = outer.begin().await.unwrap();
        add(&format!("b{round}@example.com"))
            .insert(&savepoint)
            .await
            .unwrap();
        // A stream of the outer level holds the connection while the savepoint is dropped.
        let mut rows = user::Entity::find().stream(&outer).await.unwrap();
        assert!(rows.next().await.unwrap().is_ok());
        drop(savepoint);
        drop(rows);
        add(&format!("c{round}@example.com"))
            .insert(&outer)
            .await
            .unwrap();
        outer.commit().await.unwrap();
    }
    let mut emails: Vec<String> = user::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    emails.sort();
    let mut expected: Vec<String> = (0..20)
        .flat_map(|r| [format!("a{r}@example.com"), format!("c{r}@example.com")])
        .collect();
    expected.sort();
    assert_eq!(
        emails, expected,
        "the savepoint's rows are gone, the later ones kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_with_a_savepoint_still_open_commits_nothing_and_says_so() {
    let (_dir, _pool, db) = db().await;
    let outer = db.begin().await.unwrap();
    user::ActiveModel {
        email: Set("outer@example.com".into()),
        logins: Set(0),
        ..Default::default()
    }
    .insert(&outer)
    .await
    .unwrap();
    // A nested level neither ended nor dropped.
    std::mem::forget(outer.begin().await.unwrap());
    let error = outer.commit().await.unwrap_err();
    assert!(error.to_string().contains("still open"), "{error}");
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_inside_a_transaction_reads_its_rows_then_lets_the_next_statement_run() {
    use futures_util::TryStreamExt;
    let (_dir, _pool, db) = db().await;
    let txn = db.begin().await.unwrap();
    for n in 0..50 {
        user::ActiveModel {
            email: Set(format!("s{n}@example.com")),
            logins: Set(n),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
    }
    // Uncommitted rows, read on the transaction's connection one by one.
    let mut stream = user::Entity::find().stream(&txn).await.unwrap();
    let first = stream.try_next().await.unwrap().expect("a row");
    assert_eq!(first.email, "s0@example.com");
    let rest: Vec<user::Model> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 49);
    // A stream dropped half-read lets the transaction go on.
    let mut half = user::Entity::find().stream(&txn).await.unwrap();
    half.try_next().await.unwrap();
    drop(half);
    txn.execute_unprepared("UPDATE users SET logins = logins + 1")
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let total: i32 = user::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .map(|u| u.logins)
        .sum();
    assert_eq!(total, (0..50).sum::<i32>() + 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_transactions_run_on_readers_and_modes_are_honoured() {
    let (_dir, pool, db) = db().await;
    user::ActiveModel {
        email: Set("reader@example.com".into()),
        logins: Set(0),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let begun = pool.stats().transactions_begun;
    let read_only = db
        .begin_with_config(None, Some(AccessMode::ReadOnly))
        .await
        .unwrap();
    assert_eq!(user::Entity::find().count(&read_only).await.unwrap(), 1);
    let refused = read_only
        .execute_unprepared("INSERT INTO users (email) VALUES ('no@example.com')")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("readonly"), "{refused}");
    read_only.rollback().await.unwrap();
    assert_eq!(
        pool.stats().transactions_begun,
        begun,
        "the read-only transaction did not take the writer"
    );
    for mode in [
        SqliteTransactionMode::Deferred,
        SqliteTransactionMode::Immediate,
        SqliteTransactionMode::Exclusive,
    ] {
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(mode),
                ..Default::default()
            })
            .await
            .unwrap();
        txn.execute_unprepared("UPDATE users SET logins = logins + 1")
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    let user = user::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(user.logins, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_classed_as_seaorms_own_drivers_class_them() {
    let (_dir, pool, db) = db().await;
    let add = |email: &str| user::ActiveModel {
        email: Set(email.into()),
        logins: Set(0),
        ..Default::default()
    };
    add("one@example.com").insert(&db).await.unwrap();
    // A unique key refused: the constraint, as `sql_err()` reads it.
    let duplicate = add("one@example.com").insert(&db).await.unwrap_err();
    assert!(
        matches!(
            duplicate.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{duplicate:?}"
    );
    // A closed pool: a connection that cannot be had.
    pool.close().await;
    let closed = user::Entity::find().all(&db).await.unwrap_err();
    assert!(
        matches!(
            closed,
            DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)
        ),
        "{closed:?}"
    );
    let closed = db.begin().await.unwrap_err();
    assert!(
        matches!(
            closed,
            DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)
        ),
        "{closed:?}"
    );
}

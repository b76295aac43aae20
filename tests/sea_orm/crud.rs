//! Entities through the pool: insert, find with relations, update, delete, paginate,
//! stream, and where each ran.

use futures_util::TryStreamExt;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::{db, session, user};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entities_and_relations_work_and_reads_run_on_readers() {
    let (_dir, pool, db) = db().await;
    let before = pool.stats();
    for n in 0..25 {
        let u = user::ActiveModel {
            email: Set(format!("user{n}@example.com")),
            logins: Set(0),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        for s in 0..(n % 3) {
            session::ActiveModel {
                user_id: Set(u.id),
                token: Set(format!("token-{n}-{s}")),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
    }
    let wrote = pool.stats();
    assert!(
        wrote.writer_statements > before.writer_statements,
        "the inserts ran on the writer"
    );
    let users_with_sessions = user::Entity::find()
        .find_with_related(session::Entity)
        .order_by_asc(user::Column::Id)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(users_with_sessions.len(), 25);
    let sessions: usize = users_with_sessions.iter().map(|(_, s)| s.len()).sum();
    assert_eq!(sessions, (0..25).map(|n| n % 3).sum::<usize>());
    let user5 = user::Entity::find()
        .filter(user::Column::Email.eq("user5@example.com"))
        .one(&db)
        .await
        .unwrap()
        .expect("user 5");
    let own = user5.find_related(session::Entity).all(&db).await.unwrap();
    assert_eq!(own.len(), 2);
    let owner = own[0]
        .find_related(user::Entity)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner, user5);
    let read = pool.stats();
    assert_eq!(
        read.writer_statements, wrote.writer_statements,
        "SeaORM's reads did not touch the writer"
    );
    assert!(read.reader_statements >= wrote.reader_statements + 4);

    // Update, delete.
    let mut active: user::ActiveModel = user5.clone().into();
    active.logins = Set(7);
    let updated = active.update(&db).await.unwrap();
    assert_eq!(updated.logins, 7);
    for s in own {
        s.delete(&db).await.unwrap();
    }
    let gone = user5.delete(&db).await.unwrap();
    assert_eq!(gone.rows_affected, 1);
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), 24);

    // Paginate.
    let pages = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .paginate(&db, 10);
    assert_eq!(pages.num_pages().await.unwrap(), 3);
    let last = pages.fetch_page(2).await.unwrap();
    assert_eq!(last.len(), 4);

    // Stream.
    let emails: Vec<String> = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .stream(&db)
        .await
        .unwrap()
        .map_ok(|u| u.email)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(emails.len(), 24);
    assert_eq!(emails[0], "user0@example.com");
    let after = pool.stats();
    assert!(
        after.reader_statements >= read.reader_statements + 4,
        "count, pages and the stream ran on readers"
    );
}

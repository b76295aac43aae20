//! Existing SeaORM migrations, run as `docs/sea-orm.md` says: on a short-lived SeaORM
//! `DatabaseConnection` to the same file, before the pool serves. (`sea-orm-migration` takes
//! only SeaORM's own connection types.)

use sea_orm::{ConnectionTrait, EntityTrait};
use sea_orm_migration::prelude::*;
use sqlx_rw::sea_orm::SqliteRwConnection;

use crate::user;

struct CreateUsers;

impl MigrationName for CreateUsers {
    fn name(&self) -> &str {
        "m20260101_000001_create_users"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateUsers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, \
                 email TEXT NOT NULL UNIQUE, logins INTEGER NOT NULL DEFAULT 0)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE users")
            .await
            .map(|_| ())
    }
}

struct SeedAdmin;

impl MigrationName for SeedAdmin {
    fn name(&self) -> &str {
        "m20260101_000002_seed_admin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SeedAdmin {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("INSERT INTO users (email) VALUES ('admin@example.com')")
            .await
            .map(|_| ())
    }
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateUsers), Box::new(SeedAdmin)]
    }
}

/// Start-up as documented: migrate on a SeaORM connection of its own, close it, then open
/// the pool.
async fn start(file: &std::path::Path) -> SqliteRwConnection {
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let migrating = sea_orm::Database::connect(&url).await.unwrap();
    Migrator::up(&migrating, None).await.unwrap();
    migrating.close().await.unwrap();
    SqliteRwConnection::from(
        sqlx_rw::SqliteRwPool::connect(&url)
            .await
            .expect("open the pool"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seaorm_migrations_run_on_their_own_connection_before_the_pool_serves() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.db");
    let db = start(&file).await;
    let users = user::Entity::find().all(&db).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].email, "admin@example.com");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(applied, 2);
    db.close().await.unwrap();
    // The next start finds nothing to apply: the admin is not seeded twice.
    let db = start(&file).await;
    assert_eq!(user::Entity::find().all(&db).await.unwrap().len(), 1);
    db.close().await.unwrap();
}

/// Why migrations need a connection of their own: a `DatabaseConnection` on the pool's writer
/// pool waits for the one connection the pool keeps parked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_connection_on_the_writer_pool_waits_for_the_parked_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = start(&dir.path().join("app.db")).await;
    // A write through the pool: the writer connection is now parked with the pool.
    sqlx::query("UPDATE users SET logins = logins + 1")
        .execute(db.pool())
        .await
        .unwrap();
    let on_writer = sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(db.pool().writer().clone());
    let waited = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        on_writer.execute_unprepared("UPDATE users SET logins = logins + 1"),
    )
    .await;
    assert!(waited.is_err(), "it waited for the parked writer");
    db.close().await.unwrap();
}

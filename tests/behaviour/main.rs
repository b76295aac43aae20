//! The backend-generic behaviour suite (routing, pinning, cancellation), run against every
//! backend this build has. Each backend adds a module that expands the suite with a fixture
//! giving a fresh database; backends that need a server start it through the project's
//! scripts. Single-writer queue behaviour is SQLite's and stays in its own tests.

#[path = "../common/mod.rs"]
mod common;
mod suite;

mod sqlite {
    crate::behaviour_suite!(async { Some(crate::common::file_pool().await) });
}

mod postgres {
    use crate::common::pg;

    /// A fresh database on the shared cluster (made by the superuser over the cluster's
    /// socket), and a pool on its primary and both replicas. `Pool` consistency: the suite's
    /// final reads must see what other tasks wrote (as on SQLite, where readers never lag),
    /// and reads wait for replication as long as it takes here, so the statement counts the
    /// suite checks are exact.
    async fn fresh() -> Option<((), sqlx_rw::PgRwPool)> {
        let cluster = pg::shared()?;
        let (primary, replicas) = pg::fresh_database(&cluster, "behaviour").await;
        let pool = replicas
            .into_iter()
            .fold(sqlx_rw::PgRwPoolOptions::new(), |o, replica| {
                o.replica_with(replica)
            })
            .read_consistency(sqlx_rw::ReadConsistency::Pool)
            .replica_wait(std::time::Duration::from_secs(5))
            .connect_with(primary)
            .await
            .unwrap();
        Some(((), pool))
    }

    crate::behaviour_suite!(fresh());
}

mod mysql {
    use crate::common::my;

    /// A fresh database on the shared MariaDB cluster, and a pool on its primary and both
    /// replicas, in `Pool` consistency (as for PostgreSQL).
    async fn fresh() -> Option<((), sqlx_rw::MySqlRwPool)> {
        let cluster = my::shared()?;
        let (primary, replicas) = my::fresh_database(&cluster, "behaviour").await;
        let pool = replicas
            .into_iter()
            .fold(sqlx_rw::MySqlRwPoolOptions::new(), |o, replica| {
                o.replica_with(replica)
            })
            .read_consistency(sqlx_rw::ReadConsistency::Pool)
            .replica_wait(std::time::Duration::from_secs(5))
            .connect_with(primary)
            .await
            .unwrap();
        Some(((), pool))
    }

    crate::behaviour_suite!(fresh());
}

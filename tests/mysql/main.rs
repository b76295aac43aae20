//! `MySqlRwPool` against a real MariaDB primary and two GTID replicas
//! (`scripts/mariadb-cluster`): routing, healing, read-your-writes, transactions, settings,
//! credentials, and the routing corpus judged by a replica.

#[path = "../common/doc_block.rs"]
mod doc_block;
#[path = "../common/my.rs"]
mod my;

mod consistency;
mod differential;
mod routing;
mod tls;

use sqlx::mysql::MySqlConnectOptions;
use sqlx_rw::{MySqlRwPool, MySqlRwPoolOptions, ReadConsistency};

/// A database of its own on the shared cluster, and a pool on its primary and both
/// replicas, or `None` if MariaDB is absent.
async fn pool(
    prefix: &str,
    options: MySqlRwPoolOptions,
) -> Option<(my::Cluster, MySqlRwPool, MySqlConnectOptions)> {
    let cluster = my::shared()?;
    let (primary, replicas) = my::fresh_database(&cluster, prefix).await;
    let pool = replicas
        .into_iter()
        .fold(options, |o, replica| o.replica_with(replica))
        .connect_with(primary.clone())
        .await
        .expect("open MySqlRwPool");
    Some((cluster, pool, primary))
}

/// The same, with the default options and `consistency`.
async fn pool_with(
    prefix: &str,
    consistency: ReadConsistency,
) -> Option<(my::Cluster, MySqlRwPool, MySqlConnectOptions)> {
    pool(
        prefix,
        MySqlRwPoolOptions::new().read_consistency(consistency),
    )
    .await
}

/// `1` where the read ran on a replica (`read_only`), `0` on the primary: a plain query, routed
/// like any other read (`@@read_only` itself would go to the primary).
const WHERE_AM_I: &str = "SELECT CAST(VARIABLE_VALUE = 'ON' AS SIGNED) \
     FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'READ_ONLY'";

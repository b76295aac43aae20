//! What MySQL adds to the generic pool: the type aliases users name, the replicas, and the
//! size of the primary's pool, on [`RwPoolOptions`].

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{Error, MySql};

use crate::{RwPool, RwPoolOptions};

/// `RwPool` for MySQL and MariaDB: a primary and any number of replicas.
pub type MySqlRwPool = RwPool<MySql>;

/// `RwPoolOptions` for MySQL, as `MySqlPoolOptions` is sqlx's `PoolOptions<MySql>`.
pub type MySqlRwPoolOptions = RwPoolOptions<MySql>;

impl RwPoolOptions<MySql> {
    /// Add a replica by URL (`mysql://user:password@host:port/db?ssl-mode=…`). Reads the
    /// router proves are reads go to replicas; a URL that does not parse is reported by
    /// `connect`.
    pub fn replica(mut self, url: &str) -> Self {
        match url.parse::<MySqlConnectOptions>() {
            Ok(options) => self.settings.replicas.push(options),
            Err(error) => {
                // The URL may hold a password: the error names the replica by position only.
                let n = self.settings.replicas.len() + 1;
                self.settings.invalid.get_or_insert_with(|| {
                    format!("replica {n}: the URL does not parse ({})", kind_of(&error))
                });
            }
        }
        self
    }

    /// Add a replica by connect options (TLS settings and all, as for the primary).
    pub fn replica_with(mut self, options: MySqlConnectOptions) -> Self {
        self.settings.replicas.push(options);
        self
    }

    /// Connections to the primary (default 10): writes, transactions and reads that must run
    /// there share them, as a `MySqlPool` of that size.
    pub fn primary_connections(mut self, connections: u32) -> Self {
        self.settings.primary_connections = connections.max(1) as usize;
        self
    }
}

impl RwPool<MySql> {
    /// A pool on a primary and replicas, by URL, with the default options.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), sqlx::Error> {
    /// let pool = sqlx_rw::MySqlRwPool::connect_with_replicas(
    ///     "mysql://app:secret@primary:3306/app",
    ///     &["mysql://app:secret@replica1:3306/app", "mysql://app:secret@replica2:3306/app"],
    /// )
    /// .await?;
    /// // Routed by its SQL: a read goes to a replica, unless this task just wrote.
    /// let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with_replicas(primary: &str, replicas: &[&str]) -> Result<Self, Error> {
        let options = replicas
            .iter()
            .fold(RwPoolOptions::<MySql>::new(), |options, url| {
                options.replica(url)
            });
        options.connect(primary).await
    }
}

/// What kind of error a URL parse gave, without its text (which may quote the URL).
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::Configuration(_) => "invalid configuration",
        _ => "invalid URL",
    }
}

//! What the server backends (PostgreSQL, MySQL) share: a primary behind a pool of
//! connections, and replicas given by URL or by connect options.
//!
//! A server backend names [`ServerSettings`] as its `Backend::Settings`; the setters users
//! call on `RwPoolOptions` (`replica`, `replica_with`, `primary_connections`) and
//! `RwPool::connect_with_replicas` are written here once, for every such backend.

use sqlx::Error;

use crate::backend::{Backend, ConnectOptionsOf};
use crate::{RwPool, RwPoolOptions};

/// The settings of a pool on a primary and replicas: the replicas' connect options and the
/// size of the primary's pool.
pub struct ServerSettings<DB: sqlx::Database> {
    pub(crate) replicas: Vec<ConnectOptionsOf<DB>>,
    /// A replica URL that did not parse: reported by `connect`.
    pub(crate) invalid: Option<String>,
    pub(crate) primary_connections: usize,
}

impl<DB: sqlx::Database> ServerSettings<DB> {
    /// No replica, and 10 primary connections.
    pub(crate) fn new() -> Self {
        ServerSettings {
            replicas: Vec::new(),
            invalid: None,
            primary_connections: 10,
        }
    }

    /// `Err` naming the first replica URL that did not parse, by its position only.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        match &self.invalid {
            Some(message) => Err(Error::Configuration(message.clone().into())),
            None => Ok(()),
        }
    }
}

impl<DB: sqlx::Database> Clone for ServerSettings<DB> {
    fn clone(&self) -> Self {
        ServerSettings {
            replicas: self.replicas.clone(),
            invalid: self.invalid.clone(),
            primary_connections: self.primary_connections,
        }
    }
}

impl<DB: sqlx::Database> std::fmt::Debug for ServerSettings<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Connect options print without their password; the invalid URL's text is never kept.
        f.debug_struct("ServerSettings")
            .field("replicas", &self.replicas)
            .field("invalid", &self.invalid)
            .field("primary_connections", &self.primary_connections)
            .finish()
    }
}

impl<DB: Backend<Settings = ServerSettings<DB>>> RwPoolOptions<DB> {
    /// Add a replica by URL (for PostgreSQL `postgres://user:password@host:port/db?sslmode=…`,
    /// for MySQL `mysql://user:password@host:port/db?ssl-mode=…`). Reads the router proves
    /// are reads go to replicas; a URL that does not parse is reported by `connect`.
    pub fn replica(mut self, url: &str) -> Self {
        match url.parse::<ConnectOptionsOf<DB>>() {
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
    pub fn replica_with(mut self, options: ConnectOptionsOf<DB>) -> Self {
        self.settings.replicas.push(options);
        self
    }

    /// Connections to the primary (default 10): writes, transactions and reads that must run
    /// there share them, as a plain pool of that size.
    pub fn primary_connections(mut self, connections: u32) -> Self {
        self.settings.primary_connections = connections.max(1) as usize;
        self
    }
}

impl<DB: Backend<Settings = ServerSettings<DB>>> RwPool<DB> {
    /// A pool on a primary and replicas, by URL, with the default options.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), sqlx::Error> {
    /// let pool = sqlx_rw::PgRwPool::connect_with_replicas(
    ///     "postgres://app:secret@primary:5432/app",
    ///     &["postgres://app:secret@replica1:5432/app", "postgres://app:secret@replica2:5432/app"],
    /// )
    /// .await?;
    /// // Routed by its SQL: a read goes to a replica, unless this task just wrote.
    /// let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with_replicas(primary: &str, replicas: &[&str]) -> Result<Self, Error> {
        let options = replicas
            .iter()
            .fold(RwPoolOptions::<DB>::new(), |options, url| {
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

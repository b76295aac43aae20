//! `Grammar`: everything the classifier needs to know about one database's SQL.
//!
//! The classifier itself knows SQL in general (queries, DML, DDL, transaction control) as
//! sqlparser parses it. What differs between databases comes from here, as data and plain
//! functions the backend supplies: the dialect, how its *settings* statements are written and
//! what each setting does (for SQLite, `PRAGMA`; for a server, `SET`), the functions that read
//! the state of the connection they run on, the keywords only a writing statement contains, and
//! the names of the connection-private schema. A new backend brings its own `Grammar` and
//! reuses the router unchanged.

use sqlparser::ast::Statement;
use sqlparser::dialect::Dialect;

/// What a backend tells the classifier about its SQL.
#[derive(Clone, Copy)]
pub struct Grammar {
    /// The sqlparser dialect to parse with.
    pub dialect: &'static (dyn Dialect + Sync),
    /// The settings statement `statement` is, if it is one.
    pub setting: fn(&Statement) -> Option<SettingUse>,
    /// The same for text sqlparser could not parse: a single settings statement, recognised by
    /// its words (see [`words`](crate::route::words)), or `None`.
    pub unparsed_setting: fn(&str) -> Option<SettingUse>,
    /// The per-connection settings a statement assigns, as `(name, value)`, for a statement
    /// the classifier marked as assigning them.
    pub assignments: fn(&str) -> Vec<(String, String)>,
    /// `true` if a function with this name (in any letter case) reads state of the connection
    /// it runs on (so the statement must run on the writer, where the caller's writes happened).
    pub connection_function: fn(&str) -> bool,
    /// `true` if a word, wherever it stands, reads or sets state of the connection it runs on
    /// (for MySQL, `@` of `@user_var` and `@@system_var`).
    pub connection_word: fn(&str) -> bool,
    /// `true` if the word scan cannot read `sql` as the database does (for MySQL: backslash
    /// escapes in strings, `#` comments, `/*! … */` comments the server runs): such text is
    /// sent to the writer, whatever it parses as.
    pub opaque: fn(&str) -> bool,
    /// `true` if a word followed by `(` (a function, or a keyword such as `IN`) is known to
    /// only read. Consulted for the statements after the first of a batch, where a function
    /// that writes would fail after earlier results reached the caller, too late to heal.
    pub read_function: fn(&str) -> bool,
    /// Every statement that writes or changes connection state starts with, or contains, one
    /// of these lower-case words: text that has none of them and starts as a query only reads.
    pub write_keywords: &'static [&'static str],
    /// Names of the connection-private schema (temporary objects): a statement naming one runs
    /// on the writer, where such objects exist.
    pub temp_schemas: &'static [&'static str],
    /// `true` if `?`, `?NNN` and `$NNN` are bind parameters (so the pool can check that as
    /// many arguments were bound as the statement has parameters).
    pub count_parameters: bool,
    /// Why the pool refuses `sql` (a statement classified as refused), naming what to do
    /// instead: the text of the error the caller gets.
    pub refusal: fn(&str) -> String,
}

impl std::fmt::Debug for Grammar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grammar").finish_non_exhaustive()
    }
}

/// One use of a settings statement: which kind of setting, and how it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingUse {
    /// What the named setting does.
    pub access: SettingAccess,
    /// An argument follows the name: `name(arg)` or `name = arg`.
    pub has_argument: bool,
    /// The argument is assigned (`name = arg`) rather than given in parentheses.
    pub is_eq: bool,
}

/// What a setting does, which decides where a statement that uses it may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingAccess {
    /// Reports on the database in every form, including `name(argument)`
    /// (for SQLite, `table_info(t)`).
    Report,
    /// `name` alone reads a database-wide value; with an argument it sets it.
    Value,
    /// Acts on the database or changes how writes behave: the writer, in every form.
    Writer,
    /// A per-connection setting that also changes reads: querying it reads the writer's value;
    /// setting it through the pool sets it on the writer and on every reader.
    PerConnection,
    /// Decides whether readers can run beside the writer (for SQLite, the journal mode):
    /// querying it runs on the writer; changing it pauses the readers.
    ReaderMode,
    /// Setting it through the pool cannot be made consistent across connections: rejected.
    /// Querying it runs on the writer.
    Refused,
    /// Steers the pool's background upkeep (for SQLite, `wal_autocheckpoint` and
    /// `journal_size_limit`, which the checkpoint manager follows): runs on the writer in every
    /// form; setting it through the pool also tells the upkeep.
    Upkeep,
}

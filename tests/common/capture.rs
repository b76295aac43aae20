//! `tracing` layers that record what the pool emits, for the tests that check its spans and
//! events. (Each such test is its own binary: tracing caches per-callsite interest
//! process-wide, so a test running beside it with another subscriber can hide what it waits
//! for.)
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// Make `layer` this thread's subscriber, at `level` and above, until the guard drops.
/// Callsites hit before it existed cached "not interested": they are asked again.
pub fn listen<L>(layer: L, level: LevelFilter) -> DefaultGuard
where
    L: Layer<tracing_subscriber::Registry> + Send + Sync + 'static,
{
    let guard = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(layer.with_filter(level)),
    );
    tracing::callsite::rebuild_interest_cache();
    guard
}

/// Records every `sqlx_rw.statement` span's fields, and every `sqlx_rw.group` span's.
#[derive(Clone, Default)]
pub struct Spans {
    pub recorded: Arc<Mutex<HashMap<u64, HashMap<String, String>>>>,
    pub groups: Arc<Mutex<HashMap<u64, HashMap<String, String>>>>,
}

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let map = match attrs.metadata().name() {
            "sqlx_rw.statement" => &self.recorded,
            "sqlx_rw.group" => &self.groups,
            _ => return,
        };
        let mut fields = HashMap::new();
        attrs.record(&mut Fields(&mut fields));
        map.lock().unwrap().insert(id.into_u64(), fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        for map in [&self.recorded, &self.groups] {
            if let Some(fields) = map.lock().unwrap().get_mut(&id.into_u64()) {
                values.record(&mut Fields(fields));
            }
        }
    }
}

/// Records the level and message of every `sqlx_rw` event.
#[derive(Clone, Default)]
pub struct Events {
    pub recorded: Arc<Mutex<Vec<(tracing::Level, String)>>>,
}

impl<S: tracing::Subscriber> Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx_rw" {
            let mut fields = HashMap::new();
            event.record(&mut Fields(&mut fields));
            let message = fields.remove("message").unwrap_or_default();
            self.recorded
                .lock()
                .unwrap()
                .push((*event.metadata().level(), message));
        }
    }
}

/// Records the SQL of every command sqlx logs (`sqlx::query` events, one per command sent to a
/// connection: for SQLite, one per round trip to its worker thread, which logs it).
#[derive(Clone, Default)]
pub struct Queries {
    pub recorded: Arc<Mutex<Vec<String>>>,
}

impl<S: tracing::Subscriber> Layer<S> for Queries {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut fields = HashMap::new();
            event.record(&mut Fields(&mut fields));
            // The summary is the SQL itself when short; otherwise the statement field has it.
            let statement = fields.remove("db.statement").unwrap_or_default();
            let sql = if statement.trim().is_empty() {
                fields.remove("summary").unwrap_or_default()
            } else {
                statement
            };
            self.recorded.lock().unwrap().push(sql.trim().to_owned());
        }
    }
}

/// Make `layer` the subscriber of every thread (sqlx's SQLite driver logs from the worker
/// thread of each connection), at `level` and above. Once per test binary.
pub fn listen_everywhere<L>(layer: L, level: LevelFilter)
where
    L: Layer<tracing_subscriber::Registry> + Send + Sync + 'static,
{
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(layer.with_filter(level)),
    )
    .expect("one global subscriber per test binary");
    tracing::callsite::rebuild_interest_cache();
}

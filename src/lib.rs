//! sasaeai (支え合い): the evacuation-support register of a Japanese city.
//!
//! How the parts fit (dependencies point down only):
//!
//! ```text
//! main.rs ─ cli/ ──┐                      clap commands
//!          http/ ──┤                      actix-web JSON API, problem+json errors, OpenAPI
//!          web/ ───┤                      the staff pages in Japanese (askama, htmx, Leaflet)
//!                  └─ services/           use cases; the only layer with transactions;
//!                       │                 commits, then updates the spatial index
//!          storage/ ────┤                 diesel over SQLite | PostgreSQL (one MultiConnection)
//!          spatial/ ────┤                 in-memory R-trees mirroring the database
//!                       └─ domain/        plain types, codes and validation rules
//! ```

pub mod cli;
pub mod config;
pub mod domain;
pub mod exchange;
/// Entry points shared by the fuzz targets and the corpus replay test.
pub mod fuzzing;
pub mod http;
pub mod matching;
#[doc(hidden)]
pub mod real_data;
pub mod reports;
pub mod rng;
pub mod services;
pub mod spatial;
pub mod storage;
pub mod web;

//! API tests: every test starts the real server on port 0 with its own
//! fresh database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod bar_helpers;
mod helpers;
#[path = "../support/nginx.rs"]
mod nginx;
mod processes;
// The binary's web apps, so that the pages are served as it serves them.
#[path = "../../src/web.rs"]
mod web;

mod admin;
mod allergens;
mod apps;
mod auth;
mod backup;
mod calls;
mod cleanup;
mod cli;
mod cluster;
mod concurrency;
mod events;
mod figures;
mod hostile;
mod limits;
mod logout;
mod menu;
mod metrics;
mod move_to_postgres;
mod multi_instance;
mod openapi;
mod options;
mod orders;
mod recall;
mod refresh;
mod security;
mod session_manager;
mod stations;
mod tabs;
mod timers;
mod trust;

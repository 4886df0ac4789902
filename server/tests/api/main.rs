//! API tests: every test starts the real server on port 0 with its own
//! fresh database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod helpers;

mod apps;
mod auth;
mod cleanup;
mod cli;
mod concurrency;
mod hostile;
mod limits;
mod logout;
mod multi_instance;
mod openapi;
mod refresh;
mod session_manager;

//! The command line of the `taproom-server` binary: parses it and runs a
//! command. The binary (`server/src/main.rs`) only adds the web apps, so
//! that an edit to an app, in the watch loop, has next to nothing of the
//! binary's own to compile again.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use crate::clock::{millis, Clock, SystemClock};
use crate::config::{
    BackupArgs, CleanupArgs, Cli, Command, CreateUserArgs, DbArgs, MoveArgs, ServeArgs, Settings,
};
use crate::crypto::password::PasswordHasher;
use crate::db::{transfer, Db};
use crate::http::apps::WebApps;
use crate::services::users::{self, Created, DEMO_ACCOUNTS, DEMO_PASSWORD};
use crate::Application;
use clap::Parser;
use shared::api::Role;

/// Runs the command the command line names, serving `web_apps` beside the
/// API; prints the error and fails when it fails.
pub fn main(web_apps: WebApps) -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = init_tracing() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            None => serve(cli.serve, web_apps).await,
            Some(Command::Serve(args)) => serve(*args, web_apps).await,
            Some(Command::Migrate(args)) => migrate(args).await,
            Some(Command::Cleanup(args)) => cleanup(args).await,
            Some(Command::CreateUser(args)) => create_user(args).await,
            Some(Command::Backup(args)) => backup(args).await,
            Some(Command::MoveToPostgres(args)) => move_to_postgres(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs on stderr, filtered by `RUST_LOG`, as text or (with
/// `TAPROOM_LOG_FORMAT=json`) one JSON object per line, each line of a
/// request carrying its span with the request id.
fn init_tracing() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match std::env::var("TAPROOM_LOG_FORMAT").as_deref() {
        Err(_) | Ok("" | "text") => logs.init(),
        Ok("json") => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        Ok(other) => {
            return Err(format!(
                "TAPROOM_LOG_FORMAT must be text or json, not {other:?}"
            ))
        }
    }
    Ok(())
}

async fn serve(args: ServeArgs, web_apps: WebApps) -> anyhow::Result<()> {
    let mut settings = Settings::from_args(args).map_err(anyhow::Error::msg)?;
    settings.web_apps = web_apps;
    let demo = settings.demo;
    let app = Application::build(settings).await?;
    let mut tables = false;
    if demo {
        app.ensure_demo_users().await?;
        app.ensure_demo_menu().await?;
        tables = true;
    }
    // Listen for SIGINT and SIGTERM before announcing the address: a signal
    // sent as soon as the banner shows must stop the server gracefully.
    let stop = crate::shutdown_signal();
    let scheme = if app.is_https() { "https" } else { "http" };
    let addr = app.local_addr();
    // Tools (and the tests) read this line to find the port.
    println!("Taproom is listening on {scheme}://{addr}");
    println!("  Customer:  {scheme}://{addr}/");
    println!("  Bartender: {scheme}://{addr}/bartender");
    println!("  Admin:     {scheme}://{addr}/admin");
    println!("  API:      {scheme}://{addr}/api  (OpenAPI: {scheme}://{addr}/api/openapi.json)");
    if let Some(metrics) = app.metrics_addr() {
        println!("  Metrics:  http://{metrics}/metrics  (Prometheus; not on the public address)");
    }
    if demo {
        println!("  Demo accounts (password {DEMO_PASSWORD:?}):");
        for (email, _, role) in DEMO_ACCOUNTS {
            println!("    {role:<9}  {email}");
        }
    }
    if tables {
        println!("  Table links (as printed on each table's QR code):");
        for table in crate::services::demo::DEMO_TABLES {
            println!("    table {table:<3} {scheme}://{addr}/?table={table}");
        }
    }
    println!("Press Ctrl-C to stop.");
    app.run_with_shutdown(stop).await
}

async fn migrate(args: DbArgs) -> anyhow::Result<()> {
    let kind = args.kind().map_err(anyhow::Error::msg)?;
    let db = Db::connect(&kind).await?;
    db.close().await;
    println!("Migrations applied.");
    Ok(())
}

async fn cleanup(args: CleanupArgs) -> anyhow::Result<()> {
    let kind = args.db.kind().map_err(anyhow::Error::msg)?;
    let db = Db::connect(&kind).await?;
    let report = crate::services::sessions::sweep(
        &db,
        SystemClock.now_ms(),
        millis(args.session_retention.0),
    )
    .await
    .map_err(|e| anyhow::anyhow!("cleanup failed: {e}"))?;
    db.close().await;
    println!(
        "Marked {} expired session(s) inactive; deleted {} past retention.",
        report.expired, report.purged
    );
    Ok(())
}

/// `backup FILE`: a consistent copy of a running SQLite database, checked
/// before it is reported done.
async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let kind = args.db.kind().map_err(anyhow::Error::msg)?;
    if args.file.exists() {
        anyhow::bail!(
            "{} already exists; give the backup a new file name",
            args.file.display()
        );
    }
    if let Some(dir) = args.file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            anyhow::bail!("the folder {} does not exist", dir.display());
        }
    }
    let db = Db::connect(&kind).await?;
    let outcome = db.backup_sqlite(&args.file).await;
    db.close().await;
    match outcome {
        None => anyhow::bail!("backup copies a SQLite database; back up PostgreSQL with pg_dump"),
        Some(Err(e)) => {
            let _ = std::fs::remove_file(&args.file);
            anyhow::bail!("the backup failed: {e}");
        }
        Some(Ok(())) => {}
    }
    // Check the copy as a database of its own before calling it done.
    let report = Db::check_sqlite_backup(&args.file)
        .await
        .map_err(|e| anyhow::anyhow!("the backup is unreadable: {e}"))?;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up to {} ({} KB): {} users, {} sessions, {} orders, {} events; integrity ok.",
        args.file.display(),
        size.div_ceil(1024),
        report.users,
        report.sessions,
        report.orders,
        report.events
    );
    Ok(())
}

/// `move-to-postgres --from sqlite://… --to postgres://…`: every row of a
/// SQLite database copied into an empty PostgreSQL database, in one
/// transaction, the row counts of both sides compared at the end.
///
/// Stop the server first, or move a copy made with `backup`: rows written
/// to SQLite after the copy's snapshot are not moved.
async fn move_to_postgres(args: MoveArgs) -> anyhow::Result<()> {
    let source = args.source().map_err(anyhow::Error::msg)?;
    let target = args.target().map_err(anyhow::Error::msg)?;
    println!(
        "Moving {} to PostgreSQL, in one transaction.",
        source.display()
    );
    let report = transfer::move_to_postgres(&source, &target, |table, rows| {
        println!("{table}: {rows} rows");
    })
    .await
    .map_err(|e| anyhow::Error::new(e).context("nothing was moved"))?;
    println!(
        "Moved {} rows in {} tables; the row counts of both databases match.",
        report.rows(),
        report.tables.len()
    );
    for (table, column, next) in &report.sequences {
        println!("  {table}.{column} continues at {next}");
    }
    // Tokens are signed with the secret: the same one keeps everyone signed in.
    let generated = source.with_file_name("jwt-secret");
    if generated.is_file() {
        println!(
            "Serve with TAPROOM_JWT_SECRET set to the contents of {} so signed-in users stay signed in.",
            generated.display()
        );
    } else {
        println!("Serve with the TAPROOM_JWT_SECRET the SQLite server used so signed-in users stay signed in.");
    }
    Ok(())
}

async fn create_user(args: CreateUserArgs) -> anyhow::Result<()> {
    let role = Role::parse(args.role.trim())
        .ok_or_else(|| anyhow::anyhow!("--role must be customer, bartender or admin"))?;
    let password = read_password()?;
    let kind = args.db.kind().map_err(anyhow::Error::msg)?;
    let db = Db::connect(&kind).await?;
    let hasher = PasswordHasher::new(1)?;
    let created = users::create_user(
        &db,
        &hasher,
        &SystemClock,
        &args.email,
        &args.name,
        role,
        password,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.close().await;
    match created {
        Created::New => {
            println!("Created {role} {}.", args.email.trim().to_lowercase());
            Ok(())
        }
        Created::Existing => anyhow::bail!(
            "an account with e-mail {} already exists",
            args.email.trim()
        ),
    }
}

/// Reads the password from a prompt on a terminal (asked twice), otherwise
/// the first line of stdin. Never from the command line, where `ps` shows it.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        anyhow::ensure!(first == second, "the passwords do not match");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(!password.is_empty(), "no password on stdin");
        Ok(password)
    }
}

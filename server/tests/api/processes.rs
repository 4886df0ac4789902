//! `taproom-server` child processes sharing one PostgreSQL database, for the
//! tests of several instances: started on any free port, then stopped
//! gracefully (SIGTERM) or killed (SIGKILL) and started again on the same
//! port, as an operator or a crash would.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::wait_for_banner;

/// A `taproom-server` child process, killed on drop.
pub(crate) struct Process {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    database_url: String,
    secret: String,
    env: Vec<(String, String)>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts an instance on `database_url` signing with `secret`.
pub(crate) fn start_process(database_url: &str, secret: &str) -> Process {
    start_process_with(database_url, secret, &[])
}

/// Starts an instance with extra environment (settings).
pub(crate) fn start_process_with(
    database_url: &str,
    secret: &str,
    env: &[(&str, &str)],
) -> Process {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let (child, base) = spawn("127.0.0.1:0", database_url, secret, &env);
    Process {
        child,
        base,
        database_url: database_url.to_owned(),
        secret: secret.to_owned(),
        env,
    }
}

fn spawn(
    bind: &str,
    database_url: &str,
    secret: &str,
    env: &[(String, String)],
) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .args(["serve", "--bind", bind])
        .env("DATABASE_URL", database_url)
        .env("TAPROOM_JWT_SECRET", secret)
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start taproom-server");
    let base = wait_for_banner(&mut child);
    (child, base)
}

impl Process {
    /// `127.0.0.1:PORT`, as a proxy names the instance.
    pub(crate) fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap_or(&self.base)
    }

    /// Sends SIGTERM and waits (at most `limit`) for the process to exit;
    /// answers how it exited. Blocks: call it off the async runtime.
    pub(crate) fn terminate(&mut self, limit: Duration) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for taproom-server") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not stop within {limit:?} of SIGTERM",
                self.base
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process (SIGKILL: no goodbye) and reaps it.
    pub(crate) fn kill(&mut self) {
        self.child.kill().expect("SIGKILL taproom-server");
        self.child.wait().expect("reap taproom-server");
    }

    /// Starts the stopped instance again on the same address, with the same
    /// settings. Blocks until it listens.
    pub(crate) fn start_again(&mut self) {
        let addr = self.addr().to_owned();
        let (child, base) = spawn(&addr, &self.database_url, &self.secret, &self.env);
        assert_eq!(base, self.base, "started again elsewhere");
        self.child = child;
    }
}

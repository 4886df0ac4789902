//! nginx in front of Taproom instances, for the cluster test
//! (`tests/api/cluster.rs`) and the cluster benchmark (`benches/load.rs`):
//! renders the repository's `deploy/nginx/taproom.conf` the way
//! `render_nginx_conf` in `scripts/lib.sh` does, into a temp directory that
//! holds everything nginx writes, and runs it in the foreground on a free
//! port. Both targets include this file with `#[path]`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The template, as deployed.
const TEMPLATE: &str = include_str!("../../../deploy/nginx/taproom.conf");

/// nginx, if installed: on `PATH`, or in `/usr/sbin` where Debian puts it
/// (a user's `PATH` may lack it).
pub(crate) fn binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

/// The template with its placeholders filled: everything nginx writes under
/// `prefix`, listening on `listen`, one `server` line per instance
/// (`host:port`). Comment lines are left as they are.
pub(crate) fn render(prefix: &Path, listen: &str, instances: &[String]) -> String {
    let prefix = prefix.display().to_string();
    let mut out = String::with_capacity(TEMPLATE.len() + 64 * instances.len());
    for line in TEMPLATE.lines() {
        if line.trim_start().starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let line = line
            .replace("@PREFIX@", &prefix)
            .replace("@LISTEN@", listen);
        if line.contains("@INSTANCE@") {
            for instance in instances {
                out.push_str(&line.replace("@INSTANCE@", instance));
                out.push('\n');
            }
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A running nginx, stopped (and its directory removed) on drop.
pub(crate) struct Nginx {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts `binary` on a free port of 127.0.0.1 in front of `instances`
    /// and waits until it accepts connections.
    pub(crate) fn start(binary: &Path, instances: &[String]) -> Nginx {
        // The free port is only free when we look; another process may
        // take it before nginx binds it. Then try another.
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("a temp dir for nginx");
            let port = free_port();
            let conf = dir.path().join("nginx.conf");
            std::fs::write(
                &conf,
                render(dir.path(), &format!("127.0.0.1:{port}"), instances),
            )
            .expect("write nginx.conf");
            let mut child = Command::new(binary)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .args(["-g", "daemon off;"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start nginx");
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Nginx {
                        child,
                        base: format!("http://127.0.0.1:{port}"),
                        dir,
                    };
                }
                if child.try_wait().expect("wait for nginx").is_some() {
                    let log =
                        std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
                    if log.contains("Address already in use") {
                        break;
                    }
                    panic!("nginx did not start:\n{log}");
                }
                assert!(
                    Instant::now() < deadline,
                    "nginx did not listen within 10 s"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("nginx found no free port in five tries");
    }

    /// What nginx logged, for a failure's message.
    pub(crate) fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// SIGTERM, not SIGKILL: nginx's workers outlive a killed master (and
    /// keep its port), while on SIGTERM the master stops them first.
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if stopped {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port of 127.0.0.1 that nothing listened on a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

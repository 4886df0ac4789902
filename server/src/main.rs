//! The `taproom-server` binary: the library's command line
//! (`taproom_server::cli`) with the three web apps.

use std::process::ExitCode;

mod web;

fn main() -> ExitCode {
    taproom_server::cli::main(web::web_apps)
}

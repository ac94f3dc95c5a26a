//! The `chorus` binary: everything happens in `cli`.

fn main() -> std::process::ExitCode {
    chorus::cli::run()
}

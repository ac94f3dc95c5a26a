//! The `chorus` binary: everything happens in `cli`.

/// mimalloc: the redirect path and the click writer allocate many small, short-lived
/// buffers from several threads, where it is measurably cheaper than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    chorus::cli::run()
}

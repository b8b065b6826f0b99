//! The `ecsctl` binary: all behaviour lives in the library's `cli::run`.

fn main() -> std::process::ExitCode {
    ecsctl::cli::run::main()
}

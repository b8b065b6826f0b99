//! Build script: the commit ecsctl is built from, for `ecsctl --version`.
//!
//! Owns finding it: `ECSCTL_COMMIT` when the release workflow sets it, else `git rev-parse` in
//! a checkout, else the `.cargo_vcs_info.json` that `cargo package` writes into a crates.io
//! package, else `unknown`. Must not fail the build: a version string is never worth that.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ECSCTL_COMMIT");
    let commit = std::env::var("ECSCTL_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_head)
        .or_else(packaged)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=ECSCTL_BUILD_COMMIT={}", commit.trim());
    // Rebuild the version string when the checkout moves to another commit.
    let git = Path::new(".git");
    if git.is_dir() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        if let Ok(head) = std::fs::read_to_string(git.join("HEAD"))
            && let Some(reference) = head.trim().strip_prefix("ref: ")
        {
            println!("cargo:rerun-if-changed=.git/{reference}");
        }
        println!("cargo:rerun-if-changed=.git/packed-refs");
    }
}

/// The checked-out commit, abbreviated to 12 hex digits.
fn git_head() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// The commit `cargo package` recorded (`{"git": {"sha1": "…"}}`).
fn packaged() -> Option<String> {
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + 6..];
    let start = rest.find('"')? + 1;
    let sha: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (sha.len() >= 12).then(|| sha[..12].to_string())
}

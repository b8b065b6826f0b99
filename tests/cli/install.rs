//! scripts/install-ecsctl.sh (what the GitHub Action runs) against a locally served release:
//! the archive installs when SHA256SUMS lists its checksum, and nothing is installed when the
//! checksum differs or is missing. Needs curl, tar and sha256sum: without them the test fails.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use crate::support::http_server;

const TARGET: &str = "x86_64-unknown-linux-musl";

/// A release archive as docs/install.md describes it: `ecsctl-TARGET/ecsctl` inside
/// `ecsctl-TARGET.tar.gz`, with a stand-in binary that prints a version.
pub(crate) fn archive(dir: &Path) -> Vec<u8> {
    let root = dir.join(format!("ecsctl-{TARGET}"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("ecsctl"),
        "#!/bin/sh\necho 'ecsctl 9.9.9 (commit 0123456789ab)'\n",
    )
    .unwrap();
    let tgz = dir.join(format!("ecsctl-{TARGET}.tar.gz"));
    let ok = Command::new("tar")
        .args(["-czf"])
        .arg(&tgz)
        .arg("-C")
        .arg(dir)
        .arg(format!("ecsctl-{TARGET}"))
        .status()
        .expect("tar is installed");
    assert!(ok.success());
    std::fs::read(tgz).unwrap()
}

pub(crate) fn sha256(bytes: &[u8], dir: &Path) -> String {
    let f = dir.join("blob");
    std::fs::write(&f, bytes).unwrap();
    let out = Command::new("sha256sum")
        .arg(&f)
        .output()
        .expect("sha256sum is installed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

/// Serves `files` under /v9.9.9/.
pub(crate) fn release(files: HashMap<String, Vec<u8>>) -> u16 {
    let files = Arc::new(files);
    http_server(
        move |_, path, _| match path.strip_prefix("/v9.9.9/").and_then(|f| files.get(f)) {
            Some(body) => (200, "application/octet-stream", body.clone()),
            None => (404, "text/plain", b"not found".to_vec()),
        },
    )
}

fn install(port: u16, dest: &Path) -> std::process::Output {
    install_keeping(port, dest, None)
}

/// The install script, with ECSCTL_ARCHIVE_DIR = `kept` when given (what the action caches).
fn install_keeping(port: u16, dest: &Path, kept: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-ecsctl.sh"))
        .arg("9.9.9")
        .arg(dest)
        .env("ECSCTL_DOWNLOAD_BASE", format!("http://127.0.0.1:{port}"))
        .env("ECSCTL_TARGET", TARGET)
        .env_remove("ECSCTL_ARCHIVE_DIR");
    if let Some(kept) = kept {
        cmd.env("ECSCTL_ARCHIVE_DIR", kept);
    }
    cmd.output().expect("sh runs")
}

#[test]
fn the_install_script_installs_a_release_whose_checksum_matches() {
    let work = tempfile::tempdir().unwrap();
    let tgz = archive(work.path());
    let sums = format!("{}  ecsctl-{TARGET}.tar.gz\n", sha256(&tgz, work.path()));
    let port = release(HashMap::from([
        (format!("ecsctl-{TARGET}.tar.gz"), tgz),
        ("SHA256SUMS".to_string(), sums.into_bytes()),
    ]));
    let dest = work.path().join("bin");
    let out = install(port, &dest);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", dest.join("ecsctl").display())
    );
    let ran = Command::new(dest.join("ecsctl")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "ecsctl 9.9.9 (commit 0123456789ab)\n"
    );
}

#[test]
fn the_install_script_installs_nothing_when_the_checksum_differs_or_is_missing() {
    let work = tempfile::tempdir().unwrap();
    let tgz = archive(work.path());
    let wrong = format!("{}  ecsctl-{TARGET}.tar.gz\n", "0".repeat(64));
    let port = release(HashMap::from([
        (format!("ecsctl-{TARGET}.tar.gz"), tgz.clone()),
        ("SHA256SUMS".to_string(), wrong.into_bytes()),
    ]));
    let dest = work.path().join("bin");
    let out = install(port, &dest);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "install-ecsctl: checksum mismatch for ecsctl-{TARGET}.tar.gz: SHA256SUMS says {}",
            "0".repeat(64)
        )) && err.ends_with("; nothing was installed\n"),
        "{err}"
    );
    assert!(!dest.join("ecsctl").exists());

    let other = format!("{}  ecsctl-aarch64-apple-darwin.tar.gz\n", "1".repeat(64));
    let port = release(HashMap::from([
        (format!("ecsctl-{TARGET}.tar.gz"), tgz),
        ("SHA256SUMS".to_string(), other.into_bytes()),
    ]));
    let out = install(port, &dest);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "install-ecsctl: SHA256SUMS of v9.9.9 lists no ecsctl-{TARGET}.tar.gz; nothing was installed\n"
        )
    );
    assert!(!dest.join("ecsctl").exists());
}

/// The action caches ECSCTL_ARCHIVE_DIR: an archive kept there is used without downloading it,
/// still checked against the release's SHA256SUMS; one that does not match is deleted and
/// nothing is installed.
#[test]
fn a_kept_archive_is_reused_only_while_its_checksum_matches() {
    let work = tempfile::tempdir().unwrap();
    let tgz = archive(work.path());
    let sums = format!("{}  ecsctl-{TARGET}.tar.gz\n", sha256(&tgz, work.path()));
    let kept = work.path().join("archives");
    let kept_file = kept.join(format!("v9.9.9/ecsctl-{TARGET}.tar.gz"));

    // First use: downloaded, kept.
    let port = release(HashMap::from([
        (format!("ecsctl-{TARGET}.tar.gz"), tgz.clone()),
        ("SHA256SUMS".to_string(), sums.clone().into_bytes()),
    ]));
    let out = install_keeping(port, &work.path().join("bin1"), Some(&kept));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&kept_file).unwrap(), tgz);

    // Second use: a release that serves only SHA256SUMS; the kept archive installs.
    let sums_only = release(HashMap::from([(
        "SHA256SUMS".to_string(),
        sums.clone().into_bytes(),
    )]));
    let dest = work.path().join("bin2");
    let out = install_keeping(sums_only, &dest, Some(&kept));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = Command::new(dest.join("ecsctl")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "ecsctl 9.9.9 (commit 0123456789ab)\n"
    );

    // A kept archive changed since (a poisoned cache): refused, deleted, nothing installed.
    let mut tampered = tgz.clone();
    tampered.extend_from_slice(b"tampered");
    std::fs::write(&kept_file, &tampered).unwrap();
    let dest = work.path().join("bin3");
    let out = install_keeping(sums_only, &dest, Some(&kept));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "install-ecsctl: checksum mismatch for the kept {}: SHA256SUMS says {}",
            kept_file.display(),
            sums.split(' ').next().unwrap()
        )) && err.ends_with("; deleted it, nothing was installed (run again to download it)\n"),
        "{err}"
    );
    assert!(!kept_file.exists());
    assert!(!dest.join("ecsctl").exists());
}

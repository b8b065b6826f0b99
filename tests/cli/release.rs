//! The release, as far as this machine can run it (issue 18): scripts/release's steps, which
//! .github/workflows/release.yml runs, on the ecsctl binary the tests built; the archive they
//! make installed by scripts/install-ecsctl.sh from a local server; the names that the workflow,
//! the install script, cargo-binstall's metadata and the Dockerfile must agree on; and the
//! linters of scripts/lint catching what they are there for.
//!
//! Needs tar, sha256sum, bash and groff (the man page check): without one, a test fails.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::install::{release, sha256};

const TARGETS: [&str; 4] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn script(args: &[&str]) -> Output {
    Command::new("sh")
        .arg(root().join("scripts/release"))
        .args(args)
        .output()
        .expect("sh runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `scripts/release archive TARGET <the test build> DIR`: the archive's path.
fn make_archive(dir: &Path, target: &str) -> PathBuf {
    let out = script(&[
        "archive",
        target,
        env!("CARGO_BIN_EXE_ecsctl"),
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tgz = dir.join(format!("ecsctl-{target}.tar.gz"));
    assert_eq!(text(&out.stdout), format!("{}\n", tgz.display()));
    tgz
}

/// `make_archive`, unpacked into DIR/unpacked.
fn archive(dir: &Path, target: &str) -> PathBuf {
    let tgz = make_archive(dir, target);
    let unpacked = dir.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let ok = Command::new("tar")
        .arg("-xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .expect("tar is installed");
    assert!(ok.success());
    unpacked.join(format!("ecsctl-{target}"))
}

/// The commands `ecsctl --help` lists (clap's `help` aside), and `prices update`.
fn commands() -> Vec<String> {
    let help = Command::new(env!("CARGO_BIN_EXE_ecsctl"))
        .arg("--help")
        .output()
        .unwrap();
    let help = text(&help.stdout);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands");
    let mut names: Vec<String> = list
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|n| n != "help")
        .collect();
    names.push("prices-update".to_string());
    names
}

#[test]
fn the_tag_must_name_the_crates_version() {
    let version = env!("CARGO_PKG_VERSION");
    let ok = script(&["version", &format!("v{version}")]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), format!("{version}\n"));
    for wrong in ["v9.9.9".to_string(), version.to_string()] {
        let out = script(&["version", &wrong]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stderr),
            format!(
                "release: tag {wrong} does not name Cargo.toml's version {version} (expected v{version})\n"
            )
        );
    }
}

#[test]
fn an_archive_holds_the_binary_its_licence_completions_and_a_man_page_per_command() {
    let work = tempfile::tempdir().unwrap();
    let dir = archive(work.path(), "x86_64-unknown-linux-musl");
    let built = std::fs::read(env!("CARGO_BIN_EXE_ecsctl")).unwrap();
    assert_eq!(std::fs::read(dir.join("ecsctl")).unwrap(), built);
    assert_eq!(
        std::fs::read(dir.join("LICENSE")).unwrap(),
        std::fs::read(root().join("LICENSE")).unwrap()
    );
    assert_eq!(
        std::fs::read(dir.join("README.md")).unwrap(),
        std::fs::read(root().join("README.md")).unwrap()
    );

    // A page per command, each one groff reads without a warning.
    let mut pages: Vec<String> = std::fs::read_dir(dir.join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut want: Vec<String> = commands()
        .iter()
        .map(|c| format!("ecsctl-{c}.1"))
        .chain(["ecsctl.1".to_string()])
        .collect();
    want.sort();
    assert_eq!(pages, want);
    for page in &pages {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-z", "-Tutf8"])
            .arg(dir.join("man").join(page))
            .output()
            .expect("groff is installed (Debian: groff-base)");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{page}: {}",
            text(&out.stderr)
        );
        let roff = std::fs::read_to_string(dir.join("man").join(page)).unwrap();
        let name = page.trim_end_matches(".1");
        assert!(roff.contains(&format!(".TH {name} 1")), "{page}");
        assert!(roff.contains(".SH NAME") && roff.contains(".SH SYNOPSIS"));
    }

    // Completions for five shells; bash's is run: it completes a command and a flag.
    let mut files: Vec<String> = std::fs::read_dir(dir.join("completions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "_ecsctl",
            "_ecsctl.ps1",
            "ecsctl.bash",
            "ecsctl.elv",
            "ecsctl.fish"
        ]
    );
    let complete = |words: &str, cword: usize| {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source \"$1\"; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _ecsctl ecsctl \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; \
                 printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ))
            .arg("bash")
            .arg(dir.join("completions/ecsctl.bash"))
            .output()
            .expect("bash is installed");
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert_eq!(complete("ecsctl pla", 1), "plan\n");
    assert_eq!(
        complete("ecsctl plan --detailed", 2),
        "--detailed-exitcode\n"
    );
    let zsh = std::fs::read_to_string(dir.join("completions/_ecsctl")).unwrap();
    assert!(zsh.starts_with("#compdef ecsctl\n"), "{zsh}");
    let fish = std::fs::read_to_string(dir.join("completions/ecsctl.fish")).unwrap();
    assert!(fish.contains("complete -c ecsctl -n \"__fish_ecsctl_needs_command\""));
}

/// The workflow's publish step, then what a user runs: SHA256SUMS over the archives, served as a
/// release; install-ecsctl.sh installs the archive, and the installed binary is the one built.
#[test]
fn the_archives_and_checksums_install_and_run() {
    let work = tempfile::tempdir().unwrap();
    let dist = work.path().join("dist");
    for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
        make_archive(&dist, target);
    }
    let out = script(&["checksums", dist.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    assert_eq!(text(&out.stdout), sums);
    let mut files = HashMap::new();
    let mut want = String::new();
    for target in ["aarch64-unknown-linux-musl", "x86_64-unknown-linux-musl"] {
        let name = format!("ecsctl-{target}.tar.gz");
        let bytes = std::fs::read(dist.join(&name)).unwrap();
        want.push_str(&format!("{}  {name}\n", sha256(&bytes, work.path())));
        files.insert(name, bytes);
    }
    assert_eq!(sums, want);
    files.insert("SHA256SUMS".to_string(), sums.into_bytes());
    let port = release(files);

    let dest = work.path().join("bin");
    let out = Command::new("sh")
        .arg(root().join("scripts/install-ecsctl.sh"))
        .arg("9.9.9")
        .arg(&dest)
        .env("ECSCTL_DOWNLOAD_BASE", format!("http://127.0.0.1:{port}"))
        .env("ECSCTL_TARGET", "x86_64-unknown-linux-musl")
        .env_remove("ECSCTL_ARCHIVE_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let installed = Command::new(dest.join("ecsctl"))
        .arg("--version")
        .output()
        .unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_ecsctl"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(text(&installed.stdout), text(&built.stdout));
    assert!(
        text(&installed.stdout)
            .starts_with(&format!("ecsctl {} (commit ", env!("CARGO_PKG_VERSION")))
    );

    // The image job's context: both Linux binaries, checked against SHA256SUMS first.
    let out = script(&["image-context", dist.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let built = std::fs::read(env!("CARGO_BIN_EXE_ecsctl")).unwrap();
    for arch in ["amd64", "arm64"] {
        assert_eq!(
            std::fs::read(dist.join(format!("image/{arch}/ecsctl"))).unwrap(),
            built
        );
    }
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let first = sums.split(' ').next().unwrap().to_string();
    std::fs::write(
        dist.join("SHA256SUMS"),
        sums.replace(&first, &"0".repeat(64)),
    )
    .unwrap();
    std::fs::remove_dir_all(dist.join("image")).unwrap();
    let out = script(&["image-context", dist.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with(
            "release: checksum mismatch for ecsctl-aarch64-unknown-linux-musl.tar.gz: SHA256SUMS says 0000"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!dist.join("image").exists());
}

/// What points at the release must point at what the workflow makes: its build matrix is the
/// install script's targets; cargo-binstall's URL and path are the archive's; the Dockerfile
/// copies what `image-context` writes; the action runs scripts that exist.
#[test]
fn the_workflow_the_install_script_binstall_and_the_dockerfile_agree() {
    let workflow: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap(),
    )
    .unwrap();
    let mut built: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    built.sort();
    let mut want = TARGETS.to_vec();
    want.sort();
    assert_eq!(built, want);
    let on = &workflow["on"]["push"]["tags"][0];
    assert_eq!(on, "v[0-9]+.[0-9]+.[0-9]+");

    let install = std::fs::read_to_string(root().join("scripts/install-ecsctl.sh")).unwrap();
    for target in TARGETS {
        assert!(
            install.contains(&format!(") target={target} ;;")),
            "install-ecsctl.sh picks {target}"
        );
    }
    assert!(install.contains("https://github.com/ecsctl/ecsctl/releases/download"));

    let metadata = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", text(&metadata.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let package = &metadata["packages"][0];
    let repo = package["repository"].as_str().unwrap();
    assert_eq!(repo, "https://github.com/ecsctl/ecsctl");
    let binstall = &package["metadata"]["binstall"];
    assert_eq!(binstall["pkg-fmt"], "tgz");
    for target in TARGETS {
        let fill = |template: &str| {
            template
                .replace("{ repo }", repo)
                .replace("{ version }", "0.2.0")
                .replace("{ target }", target)
                .replace("{ bin }", "ecsctl")
                .replace("{ binary-ext }", "")
        };
        assert_eq!(
            fill(binstall["pkg-url"].as_str().unwrap()),
            format!("{repo}/releases/download/v0.2.0/ecsctl-{target}.tar.gz")
        );
        assert_eq!(
            fill(binstall["bin-dir"].as_str().unwrap()),
            format!("ecsctl-{target}/ecsctl")
        );
    }

    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("COPY --chmod=0755 ${TARGETARCH}/ecsctl /usr/local/bin/ecsctl"));
    assert!(dockerfile.contains("USER 10001:10001"));
    assert!(dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/ecsctl\"]"));
    let image_step = workflow["jobs"]["image"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["run"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(image_step.contains("scripts/release image-context dist"));
    assert!(image_step.contains("--platform linux/amd64,linux/arm64 --file Dockerfile"));
    assert!(image_step.contains("--push dist/image"));

    // The provenance attestation covers what SHA256SUMS lists, as the checksums step writes it.
    let publish: Vec<&serde_json::Value> = workflow["jobs"]["publish"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let checksums = publish
        .iter()
        .position(|s| s["run"] == "scripts/release checksums dist")
        .expect("publish writes SHA256SUMS");
    let attest = publish
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/attest@"))
        })
        .expect("publish attests the archives");
    assert!(checksums < attest);
    assert_eq!(
        publish[attest]["with"]["subject-checksums"],
        "dist/SHA256SUMS"
    );

    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap())
            .unwrap();
    for step in action["runs"]["steps"].as_array().unwrap() {
        if let Some(run) = step["run"].as_str() {
            let path = run
                .strip_prefix("sh \"$GITHUB_ACTION_PATH/")
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or_else(|| panic!("a step runs one of scripts/action: {run}"));
            assert!(root().join(path).is_file(), "{path}");
        }
    }
}

/// scripts/lint's linters find what they are there for (scripts/test runs them on the real
/// files; this shows they are not passing everything). Needs .venv-lint/, which scripts/lint
/// installs before the tests run.
#[test]
fn the_linters_fail_on_what_they_are_for() {
    let bin = root().join(".venv-lint/bin");
    assert!(
        bin.join("zizmor").is_file(),
        "{} has no linters: run scripts/lint (scripts/test does)",
        bin.display()
    );
    let work = tempfile::tempdir().unwrap();
    let lint = |tool: &str, args: &[&str], name: &str, content: &str| -> Output {
        let file = work.path().join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, content).unwrap();
        Command::new(bin.join(tool))
            .args(args)
            .arg(&file)
            .output()
            .unwrap()
    };
    // A pull request's title in a shell: template injection.
    let out = lint(
        "zizmor",
        &["--offline", "--no-progress"],
        ".github/workflows/bad.yml",
        "on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n",
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("template-injection"),
        "{}",
        text(&out.stdout)
    );
    // An action without `runs`.
    let out = lint(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions"],
        "action.yml",
        "name: x\ndescription: y\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // A misspelt GitLab key.
    let out = lint(
        "check-jsonschema",
        &["--builtin-schema", "vendor.gitlab-ci"],
        "gitlab-ci.yml",
        "job:\n  scrpit: [echo]\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // An image on `latest`.
    let out = lint("hadolint", &[], "Dockerfile", "FROM alpine:latest\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("DL3007"),
        "{}",
        text(&out.stdout)
    );
    // An unquoted expansion.
    let out = lint("shellcheck", &[], "s.sh", "#!/bin/sh\nrm $1\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("SC2086"),
        "{}",
        text(&out.stdout)
    );
}

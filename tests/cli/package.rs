//! The crates.io package: `cargo package --list` holds what a build needs and nothing of the
//! repository's tests, fixtures, examples, docs or scripts (Cargo.toml `include`). The
//! verifying build (`cargo package`) runs in the release workflow.

use std::process::Command;

#[test]
fn the_package_holds_the_sources_and_nothing_else() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE",
        "build.rs",
        "src/main.rs",
        "src/lib.rs",
        "src/cli/commands/init/ecsctl.yaml.tmpl",
        "src/cli/commands/init/dev.yaml.tmpl",
        "src/cli/commands/init/prod.yaml.tmpl",
    ] {
        assert!(files.contains(&needed), "{needed} is packaged:\n{list}");
    }
    for f in &files {
        for outside in [
            "tests/",
            "bench/",
            "scripts/",
            "examples/",
            "docs/",
            "environments/",
            ".ci/",
        ] {
            assert!(
                !f.starts_with(outside),
                "{f} is not needed to build:\n{list}"
            );
        }
    }
}

//! `ecsctl init`: a starter project that validates with no warnings, and never an overwrite.

use crate::support::ecsctl;

#[test]
fn init_writes_a_project_that_validates_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["init", "--app", "shop", "--region", "eu-west-1"])
        .run()
        .assert(
            0,
            "",
            "ok: created ecsctl.yaml\nok: created environments/dev.yaml\nok: created environments/prod.yaml\n\
next: replace the subnets and security groups in environments/*.yaml, then\n  ecsctl validate\n  ecsctl plan -e dev\n",
        );
    ecsctl()
        .current_dir(dir.path())
        .args(["validate"])
        .run()
        .assert(
            0,
            "",
            "ok: dev (1 service, 0 warnings)\nok: prod (1 service, 0 warnings)\n",
        );
    let app = std::fs::read_to_string(dir.path().join("ecsctl.yaml")).unwrap();
    assert!(app.contains("\napp: shop\nregion: eu-west-1\n"), "{app}");
    assert!(app.starts_with("# "), "the starter is commented:\n{app}");
    for env in ["dev", "prod"] {
        let render = ecsctl()
            .current_dir(dir.path())
            .args(["render", "-e", env])
            .run();
        assert_eq!(render.code, Some(0), "{}", render.stderr);
        assert!(render.stdout.contains("shop-"), "{}", render.stdout);
    }
}

#[test]
fn init_refuses_to_overwrite_and_names_the_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("environments")).unwrap();
    std::fs::write(dir.path().join("environments/prod.yaml"), "# mine\n").unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["init"])
        .run()
        .assert(
            1,
            "",
            "error: `environments/prod.yaml` already exists; nothing was written\n  \
hint: `ecsctl validate` checks the project as it is, or run `ecsctl init` in an empty directory (`-C DIR`)\n",
        );
    assert!(!dir.path().join("ecsctl.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("environments/prod.yaml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn init_again_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        ecsctl()
            .current_dir(dir.path())
            .args(["init", "--app", "shop"])
            .run()
    };
    assert_eq!(run().code, Some(0));
    run().assert(
        1,
        "",
        "error: `ecsctl.yaml`, `environments/dev.yaml`, `environments/prod.yaml` already exist; nothing was written\n  \
hint: `ecsctl validate` checks the project as it is, or run `ecsctl init` in an empty directory (`-C DIR`)\n",
    );
}

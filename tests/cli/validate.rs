//! `ecsctl validate`: exact diagnostics, result lines and exit status for good and bad specs.

use crate::support::{ecsctl, fixture};

#[test]
fn valid_project_reports_every_environment_ok() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["validate"])
        .run()
        .assert(
            0,
            "",
            "ok: dev (2 services, 0 warnings)\nok: prod (2 services, 0 warnings)\n",
        );
}

#[test]
fn all_flag_and_single_environment() {
    let small = fixture("small");
    ecsctl()
        .current_dir(&small)
        .args(["validate", "--all"])
        .run()
        .assert(
            0,
            "",
            "ok: dev (2 services, 0 warnings)\nok: prod (2 services, 0 warnings)\n",
        );
    ecsctl()
        .current_dir(&small)
        .args(["validate", "-e", "prod"])
        .run()
        .assert(0, "", "ok: prod (2 services, 0 warnings)\n");
}

#[test]
fn broken_yaml_names_file_line_and_column() {
    ecsctl()
        .current_dir(fixture("broken-yaml"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            r#"error: this quoted string is never closed
 --> ecsctl.yaml:5:12
  |
5 |     image: "nginx:1.27
  |            ^^^^^^^^^^^
  = hint: end it with the quote it starts with

failed: prod (1 error, 0 warnings)
error: 1 problem in ecsctl.yaml; nothing was changed
"#,
        );
}

#[test]
fn tab_indentation_is_explained() {
    ecsctl()
        .current_dir(fixture("tab"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            "error: found a tab character where indentation was expected
 --> ecsctl.yaml:5:1
  |
5 | \timage: nginx:1.27
  | ^
  = hint: YAML indents with spaces only

failed: prod (1 error, 0 warnings)
error: 1 problem in ecsctl.yaml; nothing was changed
",
        );
}

#[test]
fn wrong_types_are_all_reported() {
    ecsctl()
        .current_dir(fixture("wrong-types"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            r#"error: expected an integer, found a string
 --> ecsctl.yaml:8:12 (services.web.count)
  |
8 |     count: two
  |            ^^^

error: expected `true` or `false`, found a string
  --> ecsctl.yaml:10:27 (services.web.enableExecuteCommand)
   |
10 |     enableExecuteCommand: "yes please"
   |                           ^^^^^^^^^^^^

failed: prod (2 errors, 0 warnings)
error: 2 problems in ecsctl.yaml; nothing was changed
"#,
        );
}

#[test]
fn two_unknown_keys_in_one_file_are_both_reported() {
    ecsctl()
        .current_dir(fixture("unknown-keys"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            "error: unknown key `memroy` in `services.web`
 --> ecsctl.yaml:7:5 (services.web.memroy)
  |
7 |     memroy: 512
  |     ^^^^^^
  = hint: did you mean `memory`?

error: unknown key `healthcheck` in `services.web`
 --> ecsctl.yaml:9:5 (services.web.healthcheck)
  |
9 |     healthcheck:
  |     ^^^^^^^^^^^
  = hint: did you mean `healthCheck`?

failed: prod (2 errors, 0 warnings)
error: 2 problems in ecsctl.yaml; nothing was changed
",
        );
}

#[test]
fn invalid_fargate_size_points_at_the_environment_file() {
    ecsctl()
        .current_dir(fixture("bad-fargate"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            "error: memory `4096` does not fit cpu `256`
 --> environments/prod.yaml:7:13 (services.web.memory)
  |
7 |     memory: 4096
  |             ^^^^
  = hint: 256 CPU allows 512, 1024 or 2048 MiB

failed: prod (1 error, 0 warnings)
error: 1 problem in environments/prod.yaml; nothing was changed
",
        );
}

#[test]
fn directory_flag_shows_paths_as_given() {
    ecsctl()
        .current_dir(fixture(""))
        .args(["-C", "bad-fargate", "validate", "-e", "prod"])
        .run()
        .assert(
            1,
            "",
            "error: memory `4096` does not fit cpu `256`
 --> bad-fargate/environments/prod.yaml:7:13 (services.web.memory)
  |
7 |     memory: 4096
  |             ^^^^
  = hint: 256 CPU allows 512, 1024 or 2048 MiB

failed: prod (1 error, 0 warnings)
error: 1 problem in bad-fargate/environments/prod.yaml; nothing was changed
",
        );
}

#[test]
fn unknown_environment_suggests_the_closest() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["validate", "-e", "prdo"])
        .run()
        .assert(
            1,
            "",
            "error: unknown environment `prdo`
  --> environments/prdo.yaml
   = hint: did you mean `prod`? environments here: `dev` or `prod`

failed: prdo (1 error, 0 warnings)
error: 1 problem in environments/prdo.yaml; nothing was changed
",
        );
}

/// Named as the missing file, not as a diagnostic of the environments found beside it.
#[test]
fn missing_ecsctl_yaml() {
    ecsctl()
        .current_dir(fixture("no-manifest"))
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            &format!(
                "error: no `ecsctl.yaml` in `{}`\n  hint: `ecsctl init` writes a starter project there, or pass `-C DIR` to use another directory\n",
                fixture("no-manifest").canonicalize().unwrap().display()
            ),
        );
}

#[test]
fn a_project_without_environments_says_so() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        empty.path().join("ecsctl.yaml"),
        "app: shop\nregion: eu-west-1\n",
    )
    .unwrap();
    ecsctl().current_dir(empty.path()).args(["validate"]).run().assert(
        1,
        "",
        "error: no environments in `environments`\n  hint: create `environments/<env>.yaml`, e.g. `prod.yaml`\n",
    );
}

/// A problem in ecsctl.yaml belongs to every environment; printing it once per environment
/// would bury the problems that differ.
#[test]
fn problem_shared_by_environments_is_reported_once() {
    ecsctl().current_dir(fixture("shared-error")).args(["validate"]).run().assert(
        1,
        "",
        r#"error: cpu `300` is not a Fargate size
  --> ecsctl.yaml:10:10 (services.web.cpu)
   |
10 |     cpu: 300
   |          ^^^
   = hint: write CPU units (`256`, `512`, `1024`, `2048`, `4096`, `8192`, `16384`) or vCPUs (`"0.5 vCPU"`)

failed: dev (1 error, 0 warnings)
error: memory `512` does not fit cpu `512`
 --> environments/prod.yaml:3:13 (services.worker.memory)
  |
3 |     memory: 512
  |             ^^^
  = hint: 512 CPU allows 1024 to 4096 MiB in steps of 1024

failed: prod (2 errors, 0 warnings)
error: 2 problems in ecsctl.yaml, environments/prod.yaml; nothing was changed
"#,
    );
}

#[test]
fn color_is_off_in_pipes_on_with_always_and_off_with_no_color() {
    let bad = fixture("bad-fargate");
    let piped = ecsctl().current_dir(&bad).args(["validate"]).run();
    assert!(
        !piped.stderr.contains('\u{1b}'),
        "colour in a pipe: {:?}",
        piped.stderr
    );
    let always = ecsctl()
        .current_dir(&bad)
        .args(["validate", "--color", "always"])
        .run();
    assert!(
        always
            .stderr
            .contains("\u{1b}[1m\u{1b}[31mfailed\u{1b}[0m: prod"),
        "{:?}",
        always.stderr
    );
    // NO_COLOR only affects `auto`: an explicit `--color always` wins.
    let no_color = ecsctl()
        .current_dir(&bad)
        .args(["validate", "--color", "always"])
        .env("NO_COLOR", "1")
        .run();
    assert_eq!(no_color.stderr, always.stderr);
    assert_eq!((always.code, no_color.code), (Some(1), Some(1)));
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let run = ecsctl()
        .current_dir(fixture("small"))
        .args(["-v", "validate", "-e", "dev"])
        .run();
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
    assert!(
        run.stderr.contains("DEBUG"),
        "no debug log with -v: {}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("ok: dev (2 services, 0 warnings)\n"),
        "{}",
        run.stderr
    );
}

/// Warnings are shown and counted, but do not fail the command.
#[test]
fn warnings_do_not_fail_validation() {
    ecsctl().current_dir(fixture("warning")).args(["validate"]).run().assert(
        0,
        "",
        "warning: autoscaling has no target (`cpu`, `memory`, `requestsPerTarget`, `sqsQueue`, `customMetric`), `steps` or `schedule`, so it never scales
  --> ecsctl.yaml:15:12 (services.web.autoscaling)
   |
15 |       max: 4
   |            ^

ok: prod (1 service, 1 warning)
",
    );
}

/// A project in a temporary directory: `ecsctl.yaml` and an empty `environments/prod.yaml`.
fn scratch_project(ecsctl_yaml: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ecsctl.yaml"), ecsctl_yaml).unwrap();
    std::fs::create_dir(dir.path().join("environments")).unwrap();
    std::fs::write(dir.path().join("environments/prod.yaml"), "").unwrap();
    dir
}

const NETWORK: &str = "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]\n";

#[test]
fn quoted_count_is_an_error_although_the_spec_is_otherwise_valid() {
    // Regression: `count: "2"` validated (the fast path let serde read the string as a number).
    let dir = scratch_project(
        format!("{NETWORK}services:\n  api:\n    image: nginx:1.27\n    count: \"2\"\n").as_bytes(),
    );
    ecsctl()
        .current_dir(dir.path())
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            r#"error: expected an integer, found a string
 --> ecsctl.yaml:9:12 (services.api.count)
  |
9 |     count: "2"
  |            ^^^
  = hint: remove the quotes: `"2"` is a string

failed: prod (1 error, 0 warnings)
error: 1 problem in ecsctl.yaml; nothing was changed
"#,
        );
}

#[test]
fn x_keys_at_the_top_level_hold_anchors_and_are_ignored() {
    // Regression: `unknown key x-secrets`.
    let dir = scratch_project(
        format!(
            "x-secrets: &secrets\n  DB: {{secretsManager: shop/db}}\n{NETWORK}\
             services:\n  api:\n    image: nginx:1.27\n    secrets: *secrets\n"
        )
        .as_bytes(),
    );
    std::fs::write(
        dir.path().join("environments/prod.yaml"),
        "x-note: for people\n",
    )
    .unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["validate"])
        .run()
        .assert(0, "", "ok: prod (1 service, 0 warnings)\n");
}

#[test]
fn a_non_utf8_file_points_at_its_first_bad_byte() {
    let dir = scratch_project(
        b"app: shop\nregion: eu-west-1\nservices:\n  api:\n    env:\n      caf\xe9: 1\n",
    );
    ecsctl()
        .current_dir(dir.path())
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            "error: `ecsctl.yaml` is not UTF-8 text: byte 0xe9 here
 --> ecsctl.yaml:6:10
  |
6 |       caf\u{fffd}: 1
  |          ^
  = hint: save the file as UTF-8

failed: prod (1 error, 0 warnings)
error: 1 problem in ecsctl.yaml; nothing was changed
",
        );
}

#[test]
fn control_characters_from_the_spec_are_escaped_in_messages() {
    // Regression: an image with a newline or an escape sequence passed, and values were echoed
    // raw to the terminal.
    let dir = scratch_project(
        format!("{NETWORK}services:\n  api:\n    image: \"nginx:1.27\\e[31m\\n\"\n").as_bytes(),
    );
    ecsctl()
        .current_dir(dir.path())
        .args(["validate"])
        .run()
        .assert(
            1,
            "",
            r#"error: image `nginx:1.27\u{1b}[31m\n` is not valid: it contains a space, tab or line break
 --> ecsctl.yaml:8:12 (services.api.image)
  |
8 |     image: "nginx:1.27\e[31m\n"
  |            ^^^^^^^^^^^^^^^^^^^^
  = hint: write `[registry/]repository[:tag][@digest]`, e.g. `nginx:1.27` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2`

failed: prod (1 error, 0 warnings)
error: 1 problem in ecsctl.yaml; nothing was changed
"#,
        );
}

//! Errors a person can act on: no panic on any flag or AWS setting, connection and credential
//! failures in two lines (the cause, then a hint), the SDK's structure only with `-v`, and a
//! directory without `ecsctl.yaml` named as such. None of these reach AWS: endpoints point at a
//! closed local port.

use std::net::TcpListener;
use std::path::Path;

use crate::support::{Ecsctl, Run, ecsctl, fixture};

/// A port nothing listens on: bound, then released.
fn closed_port() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// `plan -e dev` in the `small` fixture with keys set, one attempt, and `endpoint` for AWS.
fn plan(endpoint: &str) -> Ecsctl {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["plan", "-e", "dev"])
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
}

#[track_caller]
fn assert_no_panic(what: &str, run: &Run) {
    assert_ne!(run.code, Some(101), "{what}: exit 101\n{}", run.stderr);
    assert!(
        !run.stderr.contains("panicked"),
        "{what}: a panic\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("DispatchFailure"),
        "{what}: the SDK's structure without -v\n{}",
        run.stderr
    );
}

const UNREACHABLE_HINT: &str = "  hint: check the network and the endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS, the profile's `endpoint_url`) and the region (AWS_REGION, the profile, the spec)\n";

/// `--timeout 18446744073709551615` panicked on an overflow; every duration flag of every
/// command now refuses what it cannot use, as a usage error.
#[test]
fn numeric_flags_never_panic() {
    let endpoint = closed_port();
    let flags: &[(&[&str], &str)] = &[
        (&["apply", "-e", "dev", "--yes"], "--timeout"),
        (&["apply", "-e", "dev", "--yes"], "--lock-timeout"),
        (&["destroy", "-e", "dev", "--yes"], "--lock-timeout"),
        (&["run", "-e", "dev", "job", "--wait"], "--timeout"),
        (&["run", "-e", "dev", "job"], "--lock-timeout"),
    ];
    let values = [
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999h",
        "5124095576030431h",
        "0",
        "0s",
        "-1",
        "-5m",
        "",
        "1e9",
        "169h",
    ];
    for (command, flag) in flags {
        for value in values {
            let run = plan(&endpoint)
                .args(["--color", "never"])
                .args(command.iter().copied())
                .args([&format!("{flag}={value}")])
                .run();
            assert_no_panic(&format!("{command:?} {flag}={value}"), &run);
            assert_eq!(run.code, Some(1), "{command:?} {flag}={value}");
        }
    }
    let huge = ecsctl()
        .args(["apply", "-e", "dev", "--timeout", "18446744073709551615"])
        .run();
    huge.assert(
        1,
        "",
        "error: invalid value '18446744073709551615' for '--timeout <DURATION>': `18446744073709551615` is longer than the limit of 168h (a week)\n\nFor more information, try '--help'.\n",
    );
}

/// Empty and garbage values of every AWS variable ecsctl reads: an error or the AWS CLI's
/// behaviour, never a panic (`AWS_ENDPOINT_URL=` and `AWS_MAX_ATTEMPTS=abc` used to panic).
#[test]
fn aws_environment_values_never_panic() {
    let endpoint = closed_port();
    let scratch = tempfile::tempdir().unwrap();
    let broken = scratch.path().join("broken-config");
    std::fs::write(&broken, "[default\nregion = eu-west-1\n").unwrap();
    let broken = broken.display().to_string();
    let dir = scratch.path().display().to_string();
    let vars: &[(&str, &[&str])] = &[
        (
            "AWS_ENDPOINT_URL",
            &["garbage", "http://[::1", "ftp://x", " "],
        ),
        ("AWS_ENDPOINT_URL_ECS", &["", "garbage"]),
        ("AWS_ENDPOINT_URL_STS", &["", "garbage"]),
        ("AWS_ENDPOINT_URL_IAM", &["", "::"]),
        ("AWS_REGION", &["", " ", "bad region!", "eu-west-1\n"]),
        ("AWS_DEFAULT_REGION", &["", "x y"]),
        ("AWS_MAX_ATTEMPTS", &["", "abc", "0", "-1", "99999999999"]),
        ("AWS_RETRY_MODE", &["", "legacy", "bogus"]),
        ("AWS_PROFILE", &["", "does-not-exist"]),
        (
            "AWS_CONFIG_FILE",
            &[broken.as_str(), dir.as_str(), "/nonexistent"],
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            &[broken.as_str(), dir.as_str()],
        ),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", &["", "maybe"]),
        ("ECSCTL_RATE_LIMIT", &["fast", "0"]),
    ];
    for (var, values) in vars {
        for value in *values {
            let run = plan(&endpoint).env(var, value).run();
            assert_no_panic(&format!("{var}={value:?}"), &run);
            assert_eq!(run.code, Some(1), "{var}={value:?}: {}", run.stderr);
        }
    }
    // Each bad value is named, with a hint.
    plan(&endpoint).env("AWS_MAX_ATTEMPTS", "abc").run().assert(
        1,
        "",
        "error: `AWS_MAX_ATTEMPTS` is `abc`, which is not a number of attempts (1 or more)\n  hint: e.g. `10`; unset it for ecsctl's default of 10\n",
    );
    plan(&endpoint).env("ECSCTL_RATE_LIMIT", "fast").run().assert(
        1,
        "",
        "error: `ECSCTL_RATE_LIMIT` is `fast`; ecsctl knows `aws` (the default: stay under AWS's throttles) and `off`\n  hint: unset it; set `off` only when AWS has raised your account's API quotas\n",
    );
    plan(&endpoint).env("AWS_ENDPOINT_URL_ECS", "garbage").run().assert(
        1,
        "",
        "error: `AWS_ENDPOINT_URL_ECS` is `garbage`, which is not an http:// or https:// URL\n  hint: e.g. `http://localhost:5000`; unset it to use AWS's own endpoints\n",
    );
    plan(&endpoint).env("AWS_PROFILE", "does-not-exist").run().assert(
        1,
        "",
        "error: the AWS profile `does-not-exist` (AWS_PROFILE) is in neither the config nor the credentials file\n  hint: `aws configure list-profiles` lists the profiles; set AWS_PROFILE to one of them, or unset it\n",
    );
}

/// `AWS_ENDPOINT_URL=` (set, empty) panicked ("URL was unset", exit 101). botocore takes the
/// first non-empty endpoint setting, so the profile's `endpoint_url` applies, as in the CLI.
#[test]
fn empty_aws_endpoint_url_is_skipped_as_the_aws_cli_does() {
    let endpoint = closed_port();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(&config, format!("[default]\nendpoint_url = {endpoint}\n")).unwrap();
    plan("").env("AWS_CONFIG_FILE", &config).run().assert(
        1,
        "",
        &format!(
            "error: cannot reach STS at `{endpoint}` (connection refused)\n{UNREACHABLE_HINT}"
        ),
    );
}

/// Used to print `DispatchFailure(DispatchFailure { source: ConnectorError { ...`.
#[test]
fn unreachable_endpoint_is_two_lines_and_the_structure_only_with_v() {
    let endpoint = closed_port();
    plan(&endpoint).run().assert(
        1,
        "",
        &format!(
            "error: cannot reach STS at `{endpoint}` (connection refused)\n{UNREACHABLE_HINT}"
        ),
    );
    let verbose = plan(&endpoint).args(["-v"]).run();
    assert_eq!(verbose.code, Some(1));
    assert!(
        verbose.stderr.contains("DispatchFailure"),
        "{}",
        verbose.stderr
    );
}

/// No credentials anywhere (env cleared, an empty HOME, no instance metadata): the cause and
/// the ways to get some, instead of the credential chain's debug dump.
#[test]
fn missing_credentials_are_two_lines_with_a_hint() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["plan", "-e", "dev"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", closed_port())
        .run()
        .assert(
            1,
            "",
            "error: no AWS credentials found (tried environment variables, the default profile, web identity, container and instance roles)\n  \
hint: set AWS_PROFILE to a profile with credentials, run `aws configure` or `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n",
        );
}

/// An SSO profile whose login was never made (no cached token): `aws sso login --profile X`.
#[test]
fn sso_profile_without_a_login_hints_at_aws_sso_login() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        "[profile work]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n\n\
[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    let run = ecsctl()
        .current_dir(fixture("small"))
        .args(["plan", "-e", "dev"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "work")
        .env("AWS_ENDPOINT_URL", closed_port())
        .run();
    run.assert(
        1,
        "",
        "error: the AWS SSO login of profile `work` is missing or has expired\n  hint: run `aws sso login --profile work`, then try again\n",
    );
}

fn no_project_message(dir: &Path) -> String {
    format!(
        "error: no `ecsctl.yaml` in `{}`\n  hint: `ecsctl init` writes a starter project there, or pass `-C DIR` to use another directory\n",
        dir.canonicalize().unwrap().display()
    )
}

/// A directory without `ecsctl.yaml` said "no environments in `environments`".
#[test]
fn a_directory_without_ecsctl_yaml_is_named() {
    let empty = tempfile::tempdir().unwrap();
    for args in [
        &["validate"][..],
        &["render", "-e", "dev"],
        &["plan", "-e", "dev"],
    ] {
        ecsctl()
            .current_dir(empty.path())
            .args(args.iter().copied())
            .run()
            .assert(1, "", &no_project_message(empty.path()));
    }
    ecsctl()
        .args(["-C"])
        .args([fixture("no-manifest")])
        .args(["validate"])
        .run()
        .assert(1, "", &no_project_message(&fixture("no-manifest")));
}

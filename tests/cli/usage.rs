//! Flags, help, version and usage errors: the parts of the interface clap words for us.

use crate::support::ecsctl;

/// The version and the commit the binary was built from (build.rs): in this checkout, HEAD.
#[test]
fn version_prints_name_crate_version_and_commit() {
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git runs in the checkout the tests build");
    let head = String::from_utf8(head.stdout).unwrap();
    assert_eq!(head.trim().len(), 12, "a git checkout: {head:?}");
    ecsctl().args(["--version"]).run().assert(
        0,
        &format!(
            "ecsctl {} (commit {})\n",
            env!("CARGO_PKG_VERSION"),
            head.trim()
        ),
        "",
    );
}

/// The subcommands `ecsctl --help` lists (without clap's own `help`), so a new command is
/// covered by the tests below without editing them.
fn listed_commands() -> Vec<String> {
    let top = ecsctl().args(["--help"]).run();
    let list = top
        .stdout
        .split_once("\nCommands:\n")
        .and_then(|(_, rest)| rest.split_once("\n\n"))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no Commands: section in --help:\n{}", top.stdout));
    // Entries are `  name  summary`; wrapped summaries continue on deeper-indented lines.
    list.lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_help_with_examples() {
    let commands = listed_commands();
    // A guard on the parsing above, not the list: these were the ones once left out.
    for known in [
        "validate",
        "plan",
        "apply",
        "destroy",
        "run",
        "unlock",
        "permissions",
        "completions",
    ] {
        assert!(
            commands.iter().any(|c| c == known),
            "`{known}` not found in --help's commands: {commands:?}"
        );
    }
    for command in &commands {
        let run = ecsctl().args([command, "--help"]).run();
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (Some(0), ""),
            "{command} --help"
        );
        assert!(
            run.stdout.contains("Examples:\n  ecsctl "),
            "{command} --help has no examples:\n{}",
            run.stdout
        );
    }
    let top = ecsctl().args(["--help"]).run();
    assert!(
        top.stdout
            .contains("Exit codes: 0 success (no changes), 1 error, 2 changes present")
    );
}

#[test]
fn validate_help_says_all_environments_is_the_default() {
    let run = ecsctl().args(["validate", "--help"]).run();
    assert!(
        run.stdout
            .contains("Without -e or --all, every environment in environments/ is validated.")
    );
}

/// Exit status 2 means "changes present" to CI scripts, so a usage error must not use it
/// (clap's default would).
#[test]
fn usage_errors_exit_1_not_2() {
    ecsctl().args(["render"]).run().assert(
        1,
        "",
        "error: the following required arguments were not provided:\n  --env <ENV>\n\nUsage: ecsctl render --env <ENV>\n\nFor more information, try '--help'.\n",
    );
    ecsctl().args(["validate", "-e", "prod", "--all"]).run().assert(
        1,
        "",
        "error: the argument '--env <ENV>' cannot be used with '--all'\n\nUsage: ecsctl validate --env <ENV>\n\nFor more information, try '--help'.\n",
    );
    let no_command = ecsctl().run();
    assert_eq!(no_command.code, Some(1));
    assert!(
        no_command
            .stderr
            .starts_with("Declarative provisioning for AWS ECS Fargate"),
        "{}",
        no_command.stderr
    );
}

#[test]
fn color_always_colours_clap_errors_and_never_does_not() {
    let coloured = ecsctl().args(["--color", "always", "render"]).run();
    assert!(
        coloured.stderr.contains('\u{1b}'),
        "no ANSI escape in: {:?}",
        coloured.stderr
    );
    let plain = ecsctl().args(["--color=never", "render"]).run();
    assert!(!plain.stderr.contains('\u{1b}'));
}

/// The environment lock's flags: `--lock-timeout` on every command that writes (and on no
/// read-only one: plan takes no lock), `unlock` needs its LOCK_ID, and a bad duration is refused
/// before anything is read.
#[test]
fn lock_flags_are_on_the_writing_commands_only() {
    for command in ["apply", "destroy", "run"] {
        let help = ecsctl().args([command, "--help"]).run();
        assert!(
            help.stdout.contains("--lock-timeout <DURATION>"),
            "{command} --help:\n{}",
            help.stdout
        );
    }
    let plan = ecsctl().args(["plan", "--help"]).run();
    assert!(!plan.stdout.contains("--lock-timeout"), "{}", plan.stdout);
    let missing = ecsctl().args(["unlock", "-e", "dev"]).run();
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    assert!(missing.stderr.contains("<LOCK_ID>"), "{}", missing.stderr);
    let dir = tempfile::tempdir().unwrap();
    let bad = ecsctl()
        .current_dir(dir.path())
        .args(["destroy", "-e", "dev", "--lock-timeout", "5x"])
        .run();
    assert_eq!(bad.code, Some(1), "{}", bad.stderr);
    assert_eq!(
        bad.stderr,
        "error: invalid value '5x' for '--lock-timeout <DURATION>': `5x` is not a duration (e.g. `90s`, `15m`, `1h30m`)\n\nFor more information, try '--help'.\n"
    );
}

//! `ecsctl completions SHELL`.

use crate::support::ecsctl;

#[test]
fn bash_completions_know_every_command_and_global_flag() {
    let run = ecsctl().args(["completions", "bash"]).run();
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    assert!(
        run.stdout.contains("_ecsctl()"),
        "a bash completion function:\n{}",
        run.stdout
    );
    for word in [
        "validate",
        "render",
        "schema",
        "completions",
        "unlock",
        "permissions",
        "--lock-timeout",
        "--directory",
        "--color",
    ] {
        assert!(run.stdout.contains(word), "bash completions lack `{word}`");
    }
}

#[test]
fn every_supported_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = ecsctl().args(["completions", shell]).run();
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("ecsctl"),
            "{shell} script does not name ecsctl"
        );
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    ecsctl().args(["completions", "tcsh"]).run().assert(
        1,
        "",
        "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]\n\n  tip: a similar value exists: 'zsh'\n\nFor more information, try '--help'.\n",
    );
}

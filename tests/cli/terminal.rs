//! ecsctl on a real pseudo-terminal (tests/pty): `--color auto` colours a terminal, and not one
//! with `TERM=dumb` or `NO_COLOR`, and the text is the same either way.

use std::process::Command;
use std::time::Duration;

use crate::pty::{Pty, Stdout, rows};
use crate::support::fixture;

/// `ecsctl validate` of a project with an error, on a terminal, with `extra` environment.
fn validate_on_a_terminal(extra: &[(&str, &str)]) -> (Option<i32>, String) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsctl"));
    cmd.args(["validate", "-e", "prod", "--color", "auto"])
        .current_dir(fixture("bad-fargate"))
        .env_clear()
        .env("HOME", home.path());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.envs(extra.iter().copied());
    let done = Pty::spawn(cmd, 100, 30, Stdout::Terminal).finish(Duration::from_secs(60));
    (done.status.code(), done.terminal)
}

#[test]
fn color_auto_colours_a_terminal_but_not_term_dumb_or_no_color() {
    let (code, coloured) = validate_on_a_terminal(&[("TERM", "xterm-256color")]);
    assert_eq!(code, Some(1), "{coloured}");
    assert!(
        coloured.contains("\x1b[") && coloured.contains("error"),
        "no colour on a terminal: {coloured:?}"
    );
    for extra in [
        vec![("TERM", "dumb")],
        vec![("TERM", "xterm-256color"), ("NO_COLOR", "1")],
    ] {
        let (code, plain) = validate_on_a_terminal(&extra);
        assert_eq!(code, Some(1), "{plain}");
        assert!(
            !plain.contains('\x1b'),
            "{extra:?} got escape codes: {plain:?}"
        );
        assert_eq!(rows(&plain), rows(&coloured), "{extra:?}: same text");
        assert!(
            plain.contains("error: memory `4096` does not fit cpu `256`\r\n"),
            "{plain:?}"
        );
    }
}

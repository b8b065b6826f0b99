//! `ecsctl apply` on a real pseudo-terminal (tests/pty) against the emulator: the `yes` prompt
//! and the live progress display.

use std::time::Duration;

use crate::apply::Project;
use crate::pty::{Finished, Pty, Stdout, columns, rows};
use crate::support::Run;

const FIXTURE: &str = "tests/fixtures/apply-basic";
const PROMPT: &str = "Apply these changes to `test` (ap) in eu-west-1? Only `yes` is accepted: ";

/// `apply -e test --stats` on a `cols`-wide terminal with colour left to `auto`, answering the
/// prompt with `answer`.
fn apply_answering(p: &Project, answer: &str, cols: u16) -> Finished {
    let mut cmd = p.cmd(&["apply", "-e", "test", "--stats"], &[]);
    cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    let mut pty = Pty::spawn(cmd, cols, 40, Stdout::Pipe);
    pty.wait_for(PROMPT, Duration::from_secs(120));
    pty.type_text(&format!("{answer}\n"));
    pty.finish(Duration::from_secs(300))
}

/// The run as the other emulator tests read it, the terminal's rows (escape codes taken out)
/// standing for stderr.
fn run(done: &Finished) -> Run {
    Run {
        code: done.status.code(),
        stdout: done.stdout.clone(),
        stderr: rows(&done.terminal).join("\n"),
    }
}

#[test]
fn the_prompt_takes_only_yes_and_the_progress_display_fits_a_narrow_terminal() {
    let p = Project::new(FIXTURE);
    for answer in ["no", "y", ""] {
        let done = apply_answering(&p, answer, 80);
        let r = run(&done);
        assert_eq!(r.code, Some(1), "{}", r.all());
        assert!(r.stdout.contains("Plan: 13 to add"), "{}", r.all());
        assert!(
            r.stderr
                .contains("error: apply cancelled; nothing was changed"),
            "{}",
            r.all()
        );
        r.assert_no_writes(&format!("apply answered {answer:?}"));
    }

    let done = apply_answering(&p, "yes", 40);
    let r = run(&done);
    assert_eq!(r.code, Some(0), "{}", r.all());
    // What the terminal showed after the answer: the live display (redrawn in place), then
    // the result lines, which are printed once below it and may wrap like any output.
    let after = done.terminal.split_once("yes\r\n").map(|(_, a)| a).unwrap();
    assert!(
        after.contains("A\r\x1b[J"),
        "the live display was not used:\n{after:?}"
    );
    let display: Vec<String> = rows(after)
        .into_iter()
        .take_while(|row| !row.starts_with("ok: applied"))
        .collect();
    assert!(
        display.iter().any(|r| r.starts_with("+ service.web (")),
        "{display:#?}"
    );
    let wide: Vec<&String> = display.iter().filter(|row| columns(row) > 40).collect();
    assert!(
        wide.is_empty(),
        "rows wider than 40 columns: {wide:#?}\n{after}"
    );
    p.assert_converged(&[]);
}

/// Regression: the live display wrote cursor movement and colour to any terminal, `TERM=dumb`
/// included. There it now writes the plain lines a CI log gets, with no escape code at all.
#[test]
fn term_dumb_gets_plain_progress_lines() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let mut cmd = p.cmd(&["apply", "-e", "test", "--yes"], &[("WEB_TAG", "1.28")]);
    cmd.env_remove("NO_COLOR").env("TERM", "dumb");
    let done = Pty::spawn(cmd, 80, 40, Stdout::Terminal).finish(Duration::from_secs(300));
    assert_eq!(done.status.code(), Some(0), "{}", done.terminal);
    assert!(
        !done.terminal.contains('\x1b'),
        "escape codes on TERM=dumb: {:?}",
        done.terminal
    );
    assert!(
        done.terminal.contains("~ service.web: applying…\r\n")
            && done.terminal.contains("service ap-test-web: "),
        "{}",
        done.terminal
    );
}

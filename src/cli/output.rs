//! Where command output goes and whether it is coloured.
//!
//! Owns the colour decision (`--color`, NO_COLOR, `TERM=dumb`, terminal detection), made once per stream,
//! and the two streams: stdout carries the product (rendered spec, schema, completions), stderr
//! carries diagnostics, progress and results. Must not decide exit codes or word errors: that
//! is `run`'s job.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use anstyle::{AnsiColor, Style};

use super::args::ColorWhen;

/// Whether to colour one stream. `NO_COLOR` (any non-empty value, see https://no-color.org)
/// turns colour off under `auto` only: an explicit `--color always` is the user's last word.
pub fn use_color(when: ColorWhen, is_terminal: bool, no_color: Option<&str>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_terminal && no_color.is_none_or(str::is_empty),
    }
}

/// The kinds of labelled lines ecsctl writes to stderr.
#[derive(Clone, Copy, Debug)]
pub enum Label {
    Ok,
    Failed,
    Error,
    Warning,
    Note,
}

impl Label {
    fn text(self) -> &'static str {
        match self {
            Label::Ok => "ok",
            Label::Failed => "failed",
            Label::Error => "error",
            Label::Warning => "warning",
            Label::Note => "note",
        }
    }

    fn style(self) -> Style {
        match self {
            Label::Ok => Style::new().fg_color(Some(AnsiColor::Green.into())).bold(),
            Label::Failed | Label::Error => {
                Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
            }
            Label::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
            Label::Note => Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold(),
        }
    }
}

/// The two output streams of a command, with their colour decisions.
pub struct Output {
    stdout: Box<dyn Write>,
    stderr: Box<dyn Write>,
    /// Whether stdout may carry ANSI colour (never for machine formats).
    pub stdout_color: bool,
    /// Whether stderr may carry ANSI colour; diagnostics are rendered with this.
    pub stderr_color: bool,
    /// What every labelled line is about when several runs share the streams (`plan --all`):
    /// `note: `prod`: ...`. None for a single run.
    scope: Option<String>,
}

impl Output {
    /// The process's real stdout and stderr, coloured as `when` and the environment say.
    pub fn from_process(when: ColorWhen) -> Self {
        let no_color = std::env::var("NO_COLOR").ok();
        // `TERM=dumb` takes no escape codes: under `auto` it counts as no terminal.
        let dumb = crate::terminal::is_dumb(std::env::var("TERM").ok().as_deref());
        let tty = |t: bool| t && !dumb;
        Output {
            stdout_color: use_color(when, tty(io::stdout().is_terminal()), no_color.as_deref()),
            stderr_color: use_color(when, tty(io::stderr().is_terminal()), no_color.as_deref()),
            // Not locked for the whole run: a log event from another thread (a tokio blocking
            // task in plan) would wait on the lock forever while this thread waits on it.
            stdout: Box::new(io::stdout()),
            stderr: Box::new(io::stderr()),
            scope: None,
        }
    }

    /// An output into memory with this one's colour decisions, its labelled lines about
    /// `scope`, for one of several runs at once (`plan --all`): the caller writes what the
    /// [`Buffer`] holds to the real streams once that run is done, so runs never interleave.
    pub fn buffered(&self, scope: &str) -> (Output, Buffer) {
        let buffer = Buffer::default();
        let output = Output {
            stdout: Box::new(buffer.clone()),
            stderr: Box::new(buffer.clone()),
            stdout_color: self.stdout_color,
            stderr_color: self.stderr_color,
            scope: Some(scope.to_string()),
        };
        (output, buffer)
    }

    /// Writes the product to stdout as is.
    pub fn product(&mut self, text: &str) -> io::Result<()> {
        self.stdout.write_all(text.as_bytes())?;
        self.stdout.flush()
    }

    /// Writes already rendered text (diagnostics) to stderr as is.
    pub fn report(&mut self, text: &str) -> io::Result<()> {
        self.stderr.write_all(text.as_bytes())
    }

    /// Writes `label: message` and a newline to stderr.
    pub fn line(&mut self, label: Label, message: &str) -> io::Result<()> {
        let scoped;
        let message = match &self.scope {
            Some(scope) => {
                scoped = format!("{scope}: {message}");
                scoped.as_str()
            }
            None => message,
        };
        if self.stderr_color {
            let style = label.style();
            writeln!(self.stderr, "{style}{}{style:#}: {message}", label.text())
        } else {
            writeln!(self.stderr, "{}: {message}", label.text())
        }
    }

    /// `error: ...`, then each cause on a `caused by:` line: how `run` words the error a
    /// command ends with, and `plan --all` each environment's.
    pub fn error(&mut self, err: &dyn std::error::Error) -> io::Result<()> {
        self.line(Label::Error, &err.to_string())?;
        let mut source = err.source();
        while let Some(cause) = source {
            self.report(&format!("  caused by: {cause}\n"))?;
            source = cause.source();
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.stdout.flush()?;
        self.stderr.flush()
    }
}

/// What a buffered [`Output`] was given, both streams in the order written.
#[derive(Clone, Debug, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    /// The text written so far, emptying the buffer.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_flag_terminal_and_no_color() {
        let cases = [
            (ColorWhen::Auto, true, None, true),
            (ColorWhen::Auto, false, None, false),
            (ColorWhen::Auto, true, Some("1"), false),
            // NO_COLOR set but empty does not count, per no-color.org.
            (ColorWhen::Auto, true, Some(""), true),
            (ColorWhen::Always, false, Some("1"), true),
            (ColorWhen::Never, true, None, false),
        ];
        for (when, tty, no_color, want) in cases {
            assert_eq!(
                use_color(when, tty, no_color),
                want,
                "{when:?} tty={tty} NO_COLOR={no_color:?}"
            );
        }
    }

    #[test]
    fn a_buffered_output_scopes_its_lines_and_keeps_them_for_later() {
        let parent = Output::from_process(ColorWhen::Never);
        let (mut out, buffer) = parent.buffered("`prod`");
        out.line(Label::Note, "read the live state").unwrap();
        out.report("environments/prod.yaml:1:1: warning\n").unwrap();
        out.line(Label::Error, "failed").unwrap();
        assert_eq!(
            buffer.take(),
            "note: `prod`: read the live state\nenvironments/prod.yaml:1:1: warning\nerror: `prod`: failed\n"
        );
        assert_eq!(buffer.take(), "");
    }
}

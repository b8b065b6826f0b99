//! Progress of an apply, on stderr: a live line per service on a terminal, one plain line per
//! event otherwise (CI logs, pipes, `TERM=dumb`).
//!
//! Owns the `Reporter` trait and its two implementations. Must not decide anything: the
//! executor and the waiter call it; stdout is never touched. The live display moves the cursor
//! up by the number of rows it drew, so every line it writes is cut to the terminal's width: a
//! wrapped line would take two rows and leave a stale one behind. Nothing is lost by the cut:
//! a failed step is reported in full after the display (`apply::outcome`), and the plain
//! reporter never cuts.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use crate::aws::AwsError;
use crate::plan::Step;

pub trait Reporter: Send + Sync {
    fn step_started(&self, step: &Step);
    fn step_finished(&self, step: &Step, result: Result<(), &AwsError>, elapsed: Duration);
    /// A free-form progress line (`waiting for namespace operation …`).
    fn note(&self, message: &str);
    /// The current state of a service being waited for.
    fn service_progress(&self, service: &str, progress: &str, stable: bool);
    /// A new ECS service event.
    fn service_event(&self, service: &str, message: &str);
}

/// Live lines on a terminal that takes escape codes, one plain line per event otherwise (CI
/// logs, pipes, `TERM=dumb`); both on stderr.
pub fn for_stderr(color: bool) -> Box<dyn Reporter> {
    if crate::terminal::stderr_is_capable() {
        Box::new(TerminalReporter::new(color))
    } else {
        Box::new(PlainReporter::default())
    }
}

fn step_line(step: &Step) -> String {
    format!("{} {}", step.action.symbol().trim(), step.address)
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// One line per event, for logs.
#[derive(Default)]
pub struct PlainReporter {
    /// The last progress printed per service, so unchanged polls print nothing.
    last: Mutex<Vec<(String, String)>>,
}

impl PlainReporter {
    fn print(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }
}

impl Reporter for PlainReporter {
    fn step_started(&self, step: &Step) {
        self.print(&format!("{}: applying…", step_line(step)));
    }
    fn step_finished(&self, step: &Step, result: Result<(), &AwsError>, elapsed: Duration) {
        match result {
            Ok(()) => self.print(&format!("{}: done ({})", step_line(step), secs(elapsed))),
            Err(e) => self.print(&format!(
                "{}: failed ({}): {e}",
                step_line(step),
                secs(elapsed)
            )),
        }
    }
    fn note(&self, message: &str) {
        self.print(message);
    }
    fn service_progress(&self, service: &str, progress: &str, stable: bool) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        match last.iter_mut().find(|(s, _)| s == service) {
            Some((_, p)) if p == progress => return,
            Some((_, p)) => *p = progress.to_string(),
            None => last.push((service.to_string(), progress.to_string())),
        }
        drop(last);
        let mark = if stable { " (stable)" } else { "" };
        self.print(&format!("service {service}: {progress}{mark}"));
    }
    fn service_event(&self, service: &str, message: &str) {
        self.print(&format!("service {service}: event: {message}"));
    }
}

/// On a terminal: steps as lines, and while waiting a block of one live line per service,
/// redrawn in place, with events printed above it.
pub struct TerminalReporter {
    state: Mutex<Block>,
    color: bool,
}

#[derive(Default)]
struct Block {
    services: Vec<(String, String, bool)>,
    drawn: usize,
}

impl TerminalReporter {
    pub fn new(color: bool) -> Self {
        TerminalReporter {
            state: Mutex::new(Block::default()),
            color,
        }
    }

    /// Erases the live block, prints `line` (if any), and draws the block again below it.
    fn redraw(&self, block: &mut Block, line: Option<&str>) {
        let text = frame(block, line, crate::terminal::stderr_width(), self.color);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
        block.drawn = block.services.len();
    }

    fn line(&self, text: &str) {
        let mut block = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.redraw(&mut block, Some(text));
    }
}

impl Reporter for TerminalReporter {
    fn step_started(&self, _step: &Step) {}
    fn step_finished(&self, step: &Step, result: Result<(), &AwsError>, elapsed: Duration) {
        let text = match result {
            Ok(()) => format!("{} ({})", step_line(step), secs(elapsed)),
            Err(e) => format!("{} failed ({}): {e}", step_line(step), secs(elapsed)),
        };
        self.line(&text);
    }
    fn note(&self, message: &str) {
        self.line(message);
    }
    fn service_progress(&self, service: &str, progress: &str, stable: bool) {
        let mut block = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match block.services.iter_mut().find(|(s, _, _)| s == service) {
            Some(entry) => {
                entry.1 = progress.to_string();
                entry.2 = stable;
            }
            None => block
                .services
                .push((service.to_string(), progress.to_string(), stable)),
        }
        self.redraw(&mut block, None);
    }
    fn service_event(&self, service: &str, message: &str) {
        self.line(&format!("  {service}: {message}"));
    }
}

/// The bytes of one redraw: up to the block's first row and clear below, `line`, then one row
/// per service. Every line is cut to `width` (when the terminal has one), so each takes exactly
/// one row and the next redraw's cursor-up lands on the block's first row.
fn frame(block: &Block, line: Option<&str>, width: Option<usize>, color: bool) -> String {
    let fit = |l: &str| match width {
        Some(w) => crate::terminal::clip(l, w),
        None => l.to_string(),
    };
    let mut out = String::new();
    if block.drawn > 0 {
        // Up to the block's first line, then clear everything below.
        out.push_str(&format!("\x1b[{}A\r\x1b[J", block.drawn));
    }
    if let Some(l) = line {
        out.push_str(&fit(l));
        out.push('\n');
    }
    for (name, progress, stable) in &block.services {
        let mark = match (stable, color) {
            (true, true) => "\x1b[32m✓\x1b[0m",
            (true, false) => "✓",
            (false, _) => "…",
        };
        out.push_str(&fit(&format!("  {mark} {name}: {progress}")));
        out.push('\n');
    }
    out
}

/// Reports nothing (library use and unit tests).
pub struct SilentReporter;

impl Reporter for SilentReporter {
    fn step_started(&self, _: &Step) {}
    fn step_finished(&self, _: &Step, _: Result<(), &AwsError>, _: Duration) {}
    fn note(&self, _: &str) {}
    fn service_progress(&self, _: &str, _: &str, _: bool) {}
    fn service_event(&self, _: &str, _: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::display_width;

    fn block(drawn: usize) -> Block {
        Block {
            services: vec![
                (
                    "api".into(),
                    "2/2 running, deployment COMPLETED".into(),
                    true,
                ),
                (
                    "worker-with-a-long-name".into(),
                    "1/3 running (2 pending), rollout IN_PROGRESS".into(),
                    false,
                ),
            ],
            drawn,
        }
    }

    /// Regression: a progress line wider than the terminal wrapped onto a second row, so the
    /// cursor-up by the line count left stale rows on screen. Every row now fits.
    #[test]
    fn every_row_of_a_redraw_fits_the_terminal() {
        let line = "+ task_definition.ohi-prod-worker-with-a-long-name (0.4s)";
        for color in [false, true] {
            let text = frame(&block(2), Some(line), Some(40), color);
            let rows: Vec<&str> = text
                .strip_prefix("\x1b[2A\r\x1b[J")
                .unwrap()
                .lines()
                .collect();
            assert_eq!(rows.len(), 3, "{text:?}");
            for row in &rows {
                assert!(display_width(row) <= 40, "{row:?}");
            }
            assert_eq!(rows[0], "+ task_definition.ohi-prod-worker-with-…");
            assert_eq!(rows[2], "  … worker-with-a-long-name: 1/3 runnin…");
        }
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let text = frame(&block(0), None, None, false);
        assert_eq!(
            text,
            "  ✓ api: 2/2 running, deployment COMPLETED\n  … worker-with-a-long-name: 1/3 running (2 pending), rollout IN_PROGRESS\n"
        );
    }
}

//! Progress of an apply, on stderr: a live line per service on a terminal, one plain line per
//! event otherwise (CI logs).
//!
//! Owns the `Reporter` trait and its two implementations. Must not decide anything: the
//! executor and the waiter call it; stdout is never touched.

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

/// Live lines on a terminal, one plain line per event otherwise (CI logs); both on stderr.
pub fn for_stderr(color: bool) -> Box<dyn Reporter> {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
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
        let mut err = std::io::stderr().lock();
        if block.drawn > 0 {
            // Up to the block's first line, then clear everything below.
            let _ = write!(err, "\x1b[{}A\r\x1b[J", block.drawn);
        }
        if let Some(l) = line {
            let _ = writeln!(err, "{l}");
        }
        for (name, progress, stable) in &block.services {
            let mark = match (stable, self.color) {
                (true, true) => "\x1b[32m✓\x1b[0m",
                (true, false) => "✓",
                (false, _) => "…",
            };
            let _ = writeln!(err, "  {mark} {name}: {progress}");
        }
        block.drawn = block.services.len();
        let _ = err.flush();
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

/// Reports nothing (library use and unit tests).
pub struct SilentReporter;

impl Reporter for SilentReporter {
    fn step_started(&self, _: &Step) {}
    fn step_finished(&self, _: &Step, _: Result<(), &AwsError>, _: Duration) {}
    fn note(&self, _: &str) {}
    fn service_progress(&self, _: &str, _: &str, _: bool) {}
    fn service_event(&self, _: &str, _: &str) {}
}

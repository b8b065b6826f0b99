//! The lines of `ecsctl logs`: `TASK CONTAINER | message` (the task colour-coded on a
//! terminal), or one JSON object per event.
//!
//! Owns every byte `logs` prints on stdout. Must not order or filter events
//! (`cli::log_window` does).

use std::time::{Duration, UNIX_EPOCH};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::aws::log_events::LogEvent;
use crate::lock::clock::format_rfc3339;

/// How many characters of the task id the human prefix shows (as `docker ps` shortens ids).
const TASK_SHORT: usize = 8;

/// Colours that read on dark and light backgrounds; a task keeps its colour for the run.
const PALETTE: [AnsiColor; 6] = [
    AnsiColor::Cyan,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Magenta,
    AnsiColor::Blue,
    AnsiColor::Red,
];

/// The container and task id of an awslogs stream, `{prefix}/{container}/{task id}`; the
/// stream name itself when it is not shaped so.
pub fn origin(stream: &str) -> (&str, &str) {
    let mut parts = stream.rsplitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(task), Some(container), Some(_)) => (container, task),
        _ => ("", stream),
    }
}

/// One human line, newline-terminated (a multi-line message keeps its lines).
pub fn human(e: &LogEvent, color: bool) -> String {
    let (container, task) = origin(&e.stream);
    let short: String = task.chars().take(TASK_SHORT).collect();
    let prefix = format!("{short} {container}");
    let message = e.message.trim_end_matches('\n');
    if !color {
        return format!("{prefix} | {message}\n");
    }
    let hue = PALETTE[task.bytes().map(usize::from).sum::<usize>() % PALETTE.len()];
    let style = Style::new().fg_color(Some(hue.into()));
    format!("{style}{prefix}{style:#} | {message}\n")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEvent<'a> {
    /// RFC 3339, whole seconds; `timestamp` has the milliseconds.
    time: String,
    timestamp: i64,
    task: &'a str,
    container: &'a str,
    stream: &'a str,
    message: &'a str,
    /// Null for an event Live Tail streamed (it carries no event id).
    event_id: Option<&'a str>,
}

/// One JSON line.
pub fn json(e: &LogEvent) -> String {
    let (container, task) = origin(&e.stream);
    let ms = u64::try_from(e.timestamp).unwrap_or(0);
    let doc = JsonEvent {
        time: format_rfc3339(UNIX_EPOCH + Duration::from_millis(ms)),
        timestamp: e.timestamp,
        task,
        container,
        stream: &e.stream,
        message: e.message.trim_end_matches('\n'),
        event_id: Some(e.event_id.as_str()).filter(|id| !id.is_empty()),
    };
    let mut line = serde_json::to_string(&doc).unwrap_or_default();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(stream: &str, message: &str) -> LogEvent {
        LogEvent {
            timestamp: 1_764_313_300_123,
            stream: stream.into(),
            message: message.into(),
            event_id: "3724".into(),
        }
    }

    #[test]
    fn human_lines_name_the_short_task_id_and_the_container() {
        let e = ev("web/envoy/4f1c3a9b2d7e4e0f9a8b7c6d5e4f3a2b", "ready\n");
        assert_eq!(human(&e, false), "4f1c3a9b envoy | ready\n");
        let coloured = human(&e, true);
        assert!(coloured.starts_with("\x1b["), "{coloured:?}");
        assert!(
            coloured.ends_with("4f1c3a9b envoy\x1b[0m | ready\n"),
            "{coloured:?}"
        );
        // A stream not written by the awslogs driver is shown whole.
        assert_eq!(human(&ev("other", "x"), false), "other  | x\n");
    }

    #[test]
    fn json_lines_carry_time_task_container_and_message() {
        let e = ev("web/web/0123456789abcdef", "GET / 200");
        let v: serde_json::Value = serde_json::from_str(&json(&e)).unwrap();
        assert_eq!(v["time"], "2025-11-28T07:01:40Z");
        assert_eq!(v["timestamp"], 1_764_313_300_123_i64);
        assert_eq!(v["task"], "0123456789abcdef");
        assert_eq!(v["container"], "web");
        assert_eq!(v["message"], "GET / 200");
        assert_eq!(v["eventId"], "3724");
    }
}

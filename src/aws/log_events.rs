//! CloudWatch Logs events of one log group: FilterLogEvents, paginated, for `ecsctl logs`.
//!
//! Owns the call and the conversion to [`LogEvent`]. Must not order, dedupe or format events
//! (`cli::commands::logs` and `render::logs` do), and must not write.

use super::{AwsClients, AwsError};

/// One log event, as FilterLogEvents returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    /// Milliseconds since the epoch, as the container wrote it.
    pub timestamp: i64,
    /// `{prefix}/{container}/{task id}` for the awslogs driver.
    pub stream: String,
    pub message: String,
    /// Unique within the group: what polling dedupes on.
    pub event_id: String,
}

/// What to ask FilterLogEvents for.
#[derive(Clone, Debug)]
pub struct LogQuery<'a> {
    pub group: &'a str,
    /// `logStreamNamePrefix`: `{prefix}/` or `{prefix}/{container}/`.
    pub stream_prefix: &'a str,
    /// `startTime`, milliseconds since the epoch (inclusive).
    pub start: i64,
    /// `filterPattern`, CloudWatch Logs' filter syntax (a plain word matches as a term).
    pub pattern: Option<&'a str>,
}

/// Every matching event from `start` on, all pages (AWS returns up to 10,000 events or 1 MB a
/// page and may return an empty page with a token while it searches, so paging goes on to the
/// end). A missing group is `Ok(vec![])`: a service that never logged has nothing to show.
pub async fn filter_log_events(
    clients: &AwsClients,
    q: &LogQuery<'_>,
) -> Result<Vec<LogEvent>, AwsError> {
    let found = clients
        .logs
        .filter_log_events()
        .log_group_name(q.group)
        .log_stream_name_prefix(q.stream_prefix)
        .start_time(q.start)
        .set_filter_pattern(q.pattern.map(str::to_string))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    match found {
        Ok(pages) => Ok(pages
            .iter()
            .flat_map(|p| p.events())
            .map(|e| LogEvent {
                timestamp: e.timestamp().unwrap_or_default(),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                message: e.message().unwrap_or_default().to_string(),
                event_id: e.event_id().unwrap_or_default().to_string(),
            })
            .collect()),
        Err(e) => {
            let err = AwsError::from_sdk("logs", "FilterLogEvents", Some(q.group), e);
            if err.is_code("ResourceNotFoundException") {
                Ok(Vec::new())
            } else {
                Err(err)
            }
        }
    }
}

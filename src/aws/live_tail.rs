//! CloudWatch Logs StartLiveTail for `ecsctl logs --follow`: one session over at most 10 log
//! groups, read frame by frame (application/vnd.amazon.eventstream, decoded by the SDK).
//!
//! Owns the call, the conversion of `sessionUpdate` results to [`LogEvent`]s and of the stream's
//! exceptions to [`AwsError`]s, and the rule for when Live Tail is unavailable, so the caller
//! polls FilterLogEvents instead (`unavailable`). Must not order, dedupe or format events
//! (`cli::commands::logs`, `render::logs`), and must not write.
//!
//! API reference: <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html>.
//! The SDK sends it to the `stream-` host of the endpoint (host prefix injection), a different
//! host from every other Logs call.

use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream as Frame;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError as FrameError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::log_events::LogEvent;
use super::{AwsClients, AwsError};

/// "You can include up to 10 log groups" (StartLiveTail, `logGroupIdentifiers`).
pub const MAX_GROUPS: usize = 10;

/// The stream's exception when a session reaches its 3-hour limit: the caller starts another.
pub const SESSION_TIMEOUT: &str = "SessionTimeoutException";

/// What to tail.
#[derive(Clone, Debug)]
pub struct TailQuery<'a> {
    /// Log group ARNs without a trailing `:*` (the API takes ARNs only), 1 to `MAX_GROUPS`.
    pub group_arns: &'a [String],
    /// `logStreamNamePrefixes`: the API accepts them only with exactly one log group, so the
    /// caller passes them then and filters by stream name itself otherwise.
    pub stream_prefixes: &'a [String],
    /// `logEventFilterPattern`, the same syntax as FilterLogEvents' `filterPattern`.
    pub pattern: Option<&'a str>,
}

/// How long opening a session may take (until `sessionStart`) before Live Tail counts as
/// unavailable: a `stream-` host that does not resolve can take a resolver's full timeout and
/// the SDK's retries (30 s on the emulator's network), and the user is waiting for the first
/// line. A reachable endpoint answers in well under a second.
pub const START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// An open session. Dropping it closes the stream (ends the session).
#[derive(Debug)]
pub struct LiveTail {
    output: StartLiveTailOutput,
}

/// Opens a session. It returns once the first frame (`sessionStart`) arrived: from then on,
/// every event ingested reaches the session.
pub async fn start(clients: &AwsClients, q: &TailQuery<'_>) -> Result<LiveTail, AwsError> {
    let prefixes = (q.group_arns.len() == 1 && !q.stream_prefixes.is_empty())
        .then(|| q.stream_prefixes.to_vec());
    let resource = q.group_arns.first().map(String::as_str);
    let send = clients
        .logs
        .start_live_tail()
        .set_log_group_identifiers(Some(q.group_arns.to_vec()))
        .set_log_stream_name_prefixes(prefixes)
        .set_log_event_filter_pattern(q.pattern.map(str::to_string))
        .send();
    let output = match tokio::time::timeout(START_TIMEOUT, send).await {
        Ok(sent) => sent.map_err(|e| AwsError::from_sdk("logs", "StartLiveTail", resource, e))?,
        Err(_) => {
            let secs = START_TIMEOUT.as_secs();
            let message = format!("no session within {secs} s");
            let mut e = AwsError::new("logs", "StartLiveTail", resource, None, message);
            e.failure = Some(Box::new(super::error::Failure::TimedOut { endpoint: None }));
            return Err(e);
        }
    };
    Ok(LiveTail { output })
}

impl LiveTail {
    /// The next frame's events: `Some(vec![])` for `sessionStart`, an empty update, or a frame
    /// type this SDK does not know; None when the stream ended. An exception frame is an error
    /// with its code (`SESSION_TIMEOUT`, `SessionStreamingException`).
    pub async fn next(&mut self) -> Result<Option<Vec<LogEvent>>, AwsError> {
        let frame = self.output.response_stream.recv().await.map_err(|e| {
            // The exception's kind is its `:exception-type` header, which the SDK turns into
            // the variant, not into the error metadata's code.
            let code = match e.as_service_error() {
                Some(FrameError::SessionTimeoutException(_)) => Some(SESSION_TIMEOUT.into()),
                Some(FrameError::SessionStreamingException(_)) => {
                    Some("SessionStreamingException".to_string())
                }
                _ => e.code().map(str::to_string),
            };
            let message = e.message().map(str::to_string).unwrap_or_else(|| {
                let chain = super::error::chain(&e);
                format!("the Live Tail stream failed: {chain}")
            });
            AwsError::new("logs", "StartLiveTail", None, code.as_deref(), message)
        })?;
        Ok(frame.map(|f| match f {
            Frame::SessionUpdate(update) => update
                .session_results()
                .iter()
                .map(|e| LogEvent {
                    timestamp: e.timestamp().unwrap_or_default(),
                    stream: e.log_stream_name().unwrap_or_default().to_string(),
                    message: e.message().unwrap_or_default().to_string(),
                    // Live Tail events carry no event id; the caller dedupes on content.
                    event_id: String::new(),
                })
                .collect(),
            _ => Vec::new(),
        }))
    }
}

/// Whether a failed StartLiveTail means "not available here, poll instead" rather than an error
/// to report: the `stream-` host could not be reached (a VPC without its interface endpoint, a
/// proxy that blocks it, an endpoint override that does not serve it, the emulator), the
/// caller may not call it (`AccessDeniedException` for `logs:StartLiveTail`), or the endpoint
/// does not know the operation (`UnknownOperationException`, AWS's answer to an action a JSON
/// endpoint does not serve). Throttling and other AWS errors are reported.
pub fn unavailable(e: &AwsError) -> bool {
    e.is_connection_failure()
        || e.is_access_denied()
        || e.is_code("UnknownOperationException")
        || e.status == Some(404)
}

#[cfg(test)]
#[path = "live_tail_tests.rs"]
mod tests;

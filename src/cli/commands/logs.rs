//! `ecsctl logs -e ENV SERVICE|JOB`: the CloudWatch Logs of one service's or job's tasks, in
//! time order, once or (`--follow`) until Ctrl-C.
//!
//! Owns which streams are read (from the model: each container's awslogs group and stream
//! prefix, `{prefix}/{container}/` per container, so another family sharing a group never
//! shows) and the follow loop. `--follow` streams with StartLiveTail (after the backlog
//! since `--since`, read with FilterLogEvents), reopening the session at its 3-hour limit, and
//! polls FilterLogEvents where Live Tail is unavailable (`aws::live_tail::unavailable`; more
//! than 10 log groups). Read only: no lock, no writes. Must not format (`render::logs` does)
//! or decide the window (`cli::log_window` does).

use std::time::Duration;

use anyhow::anyhow;
use futures::future::try_join_all;

use crate::aws::live_tail::{self, LiveTail, TailQuery};
use crate::aws::log_events::{LogEvent, LogQuery, filter_log_events};
use crate::aws::{AwsClients, AwsError};
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::log_window::{Seen, Tail, since_ms, sort};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, LogsSettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::interrupt::Interrupt;
use crate::model::Desired;

/// How often `--follow` polls: FilterLogEvents allows 5 calls a second per account and region
/// (CloudWatch Logs quotas page), shared with every other reader.
const POLL_EVERY: Duration = Duration::from_secs(2);

const FAILED: &str = "reading the logs failed";

/// The pause before a new Live Tail session when one ended (3-hour limit, broken connection).
const REOPEN_PAUSE: Duration = Duration::from_secs(1);

/// One `logStreamNamePrefix` in one group.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Source {
    group: String,
    prefix: String,
}

pub fn run(
    globals: &Globals,
    settings: &LogsSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let now = jiff::Timestamp::now().as_millisecond();
    let start = since_ms(&settings.since, now).map_err(|e| anyhow!(e))?;
    let runtime = super::runtime()?;
    runtime.block_on(logs(globals, settings, start, out))
}

async fn logs(
    globals: &Globals,
    settings: &LogsSettings,
    start: i64,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let spec = Spec::load(globals, &settings.env, &[], out)?;
    // An unknown service, job or container is refused before any AWS call.
    sources(
        &spec.offline,
        &settings.target,
        settings.container.as_deref(),
    )?;
    let Connected {
        desired,
        clients,
        caller,
        ..
    } = spec.connect(FAILED, out).await?;
    let sources = sources(&desired, &settings.target, settings.container.as_deref())?;
    let result = if settings.follow {
        let arns = group_arns(&desired, &caller, &sources);
        match stream(&clients, &sources, &arns, settings, start, out).await {
            Streamed::Done(result) => result,
            Streamed::Unavailable => follow(&clients, &sources, settings, start, out).await,
        }
    } else {
        let mut events = read(&clients, &sources, settings, start)
            .await
            .map_err(|e| aws_error(e, FAILED))?;
        sort(&mut events);
        print(&events, settings.json, out).map(|()| Outcome::Success)
    };
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

/// How a Live Tail follow ended: with the command's result, or before anything was printed
/// because Live Tail is not available (then the caller polls).
enum Streamed {
    Done(Result<Outcome, CliError>),
    Unavailable,
}

/// The distinct log group ARNs of `sources` (StartLiveTail takes ARNs only), in the caller's
/// account and the environment's partition and region.
fn group_arns(desired: &Desired, account: &str, sources: &[Source]) -> Vec<String> {
    let mut arns: Vec<String> = sources
        .iter()
        .map(|s| {
            let resource = format!("log-group:{}", s.group);
            desired
                .partition
                .arn("logs", &desired.region, account, &resource)
        })
        .collect();
    arns.dedup();
    arns.sort();
    arns.dedup();
    arns
}

/// Opens a Live Tail session, prints the backlog since `start`, then every event the session
/// sends until Ctrl-C, reopening the session when it ends (3-hour limit, or the stream closed).
async fn stream(
    clients: &AwsClients,
    sources: &[Source],
    arns: &[String],
    settings: &LogsSettings,
    start: i64,
    out: &mut Output,
) -> Streamed {
    if arns.len() > live_tail::MAX_GROUPS {
        return Streamed::Unavailable;
    }
    let prefixes: Vec<String> = sources.iter().map(|s| s.prefix.clone()).collect();
    let q = TailQuery {
        group_arns: arns,
        stream_prefixes: &prefixes,
        pattern: settings.filter.as_deref(),
    };
    let session = match live_tail::start(clients, &q).await {
        Ok(session) => session,
        Err(e) if live_tail::unavailable(&e) => {
            let why = unavailable_note(&e);
            return match out.line(Label::Note, &why) {
                Ok(()) => Streamed::Unavailable,
                Err(e) => Streamed::Done(Err(e.into())),
            };
        }
        Err(e) => return Streamed::Done(Err(aws_error(e, FAILED))),
    };
    let interrupt = Interrupt::listen();
    let streaming = tail_sessions(clients, sources, &q, session, settings, start, out);
    Streamed::Done(tokio::select! {
        r = streaming => r,
        () = interrupt.after(1) => Ok(Outcome::Success),
    })
}

/// The stderr note when Live Tail is unavailable (once, before polling starts).
fn unavailable_note(e: &AwsError) -> String {
    let why = if e.is_access_denied() {
        "the caller may not call logs:StartLiveTail".to_string()
    } else {
        format!("StartLiveTail failed: {}", e.message)
    };
    format!("live tail is not available ({why}); polling FilterLogEvents every 2 s instead")
}

/// The backlog, then the session's events; a new session (and a backlog read from just
/// before the last event printed) whenever one ends. Returns only on an error.
async fn tail_sessions(
    clients: &AwsClients,
    sources: &[Source],
    q: &TailQuery<'_>,
    mut session: LiveTail,
    settings: &LogsSettings,
    start: i64,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let mut seen = Seen::default();
    loop {
        // The session is open first, so nothing ingested between the two reads is missed;
        // what both return prints once (`Seen`).
        let backlog = read(clients, sources, settings, seen.start(start))
            .await
            .map_err(|e| aws_error(e, FAILED))?;
        print(&seen.fresh(backlog), settings.json, out)?;
        loop {
            match session.next().await {
                Ok(Some(events)) => {
                    let ours = events.into_iter().filter(|e| from_sources(e, sources));
                    print(&seen.fresh(ours.collect()), settings.json, out)?;
                }
                Ok(None) => break,
                Err(e) if e.is_code(live_tail::SESSION_TIMEOUT) => break,
                Err(e) => return Err(aws_error(e, FAILED)),
            }
        }
        // A stream that keeps closing at once must not turn into a StartLiveTail loop.
        tokio::time::sleep(REOPEN_PAUSE).await;
        session = live_tail::start(clients, q)
            .await
            .map_err(|e| aws_error(e, FAILED))?;
    }
}

/// Whether a Live Tail event is from one of the streams asked for: with several log groups
/// the session cannot filter by stream prefix (the API allows prefixes with one group only).
fn from_sources(e: &LogEvent, sources: &[Source]) -> bool {
    sources.iter().any(|s| e.stream.starts_with(&s.prefix))
}

/// Polls until Ctrl-C (exit 0: stopping is how a follow ends).
async fn follow(
    clients: &AwsClients,
    sources: &[Source],
    settings: &LogsSettings,
    start: i64,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let interrupt = Interrupt::listen();
    let mut tail = Tail::new(start);
    loop {
        let events = read(clients, sources, settings, tail.start())
            .await
            .map_err(|e| aws_error(e, FAILED))?;
        print(&tail.fresh(events), settings.json, out)?;
        tokio::select! {
            () = tokio::time::sleep(POLL_EVERY) => {}
            () = interrupt.after(1) => return Ok(Outcome::Success),
        }
    }
}

async fn read(
    clients: &AwsClients,
    sources: &[Source],
    settings: &LogsSettings,
    start: i64,
) -> Result<Vec<LogEvent>, AwsError> {
    let all = try_join_all(sources.iter().map(|s| {
        let q = LogQuery {
            group: &s.group,
            stream_prefix: &s.prefix,
            start,
            pattern: settings.filter.as_deref(),
        };
        async move { filter_log_events(clients, &q).await }
    }))
    .await?;
    Ok(all.into_iter().flatten().collect())
}

fn print(events: &[LogEvent], json: bool, out: &mut Output) -> Result<(), CliError> {
    let text: String = events
        .iter()
        .map(|e| {
            if json {
                crate::render::logs::json(e)
            } else {
                crate::render::logs::human(e, out.stdout_color)
            }
        })
        .collect();
    if !text.is_empty() {
        out.product(&text)?;
    }
    Ok(())
}

/// The streams of `target`'s containers (or the one named): a service's or a job's family.
fn sources(
    desired: &Desired,
    target: &str,
    container: Option<&str>,
) -> Result<Vec<Source>, CliError> {
    let family = desired
        .services
        .iter()
        .find(|s| s.key == target || s.name == target)
        .map(|s| &s.family)
        .or_else(|| {
            let jobs = desired.scheduled_tasks.iter();
            jobs.clone()
                .find(|j| j.key == target || j.name == target)
                .map(|j| &j.family)
        })
        .ok_or_else(|| unknown_target(desired, target))?;
    let def = desired
        .task_definitions
        .iter()
        .find(|t| &t.family == family)
        .ok_or_else(|| anyhow!("no task definition `{family}` in the model of `{target}`"))?;
    let chosen: Vec<_> = def
        .containers
        .iter()
        .filter(|c| container.is_none_or(|want| c.name == want))
        .collect();
    if chosen.is_empty() {
        let known: Vec<String> = def
            .containers
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        return Err(anyhow!(
            "`{target}` has no container `{}`\n  hint: containers: {}",
            container.unwrap_or_default(),
            known.join(", ")
        )
        .into());
    }
    Ok(chosen
        .iter()
        .map(|c| Source {
            group: c.log_configuration.group.clone(),
            prefix: format!("{}/{}/", c.log_configuration.stream_prefix, c.name),
        })
        .collect())
}

fn unknown_target(desired: &Desired, target: &str) -> CliError {
    let mut known: Vec<String> = desired
        .services
        .iter()
        .map(|s| format!("`{}`", s.key))
        .collect();
    known.extend(
        desired
            .scheduled_tasks
            .iter()
            .map(|j| format!("`{}`", j.key)),
    );
    anyhow!(
        "no service or scheduled task `{target}` in environment `{}`\n  hint: services and jobs: {}",
        desired.env,
        if known.is_empty() { "none".to_string() } else { known.join(", ") }
    )
    .into()
}

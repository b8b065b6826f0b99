//! The time window of `ecsctl logs`: `--since` resolved against the clock, and the polling
//! state of `--follow` that prints every event once, in time order, even when CloudWatch Logs
//! ingests it late.
//!
//! Owns those two rules, pure (the caller passes the clock and the events). Must not call AWS
//! or format.

use std::collections::HashMap;

use crate::aws::log_events::LogEvent;

/// How far back each `--follow` poll looks before the newest event printed: events arrive in
/// CloudWatch Logs up to several seconds after their timestamp (the awslogs driver batches
/// them, every 5 s by default), so a poll from the last timestamp on would miss them.
pub const LOOKBACK_MS: i64 = 30_000;

/// `--since` as milliseconds since the epoch: `30s`, `10m`, `2h`, `1d` before `now_ms`, or an
/// RFC 3339 time.
pub fn since_ms(text: &str, now_ms: i64) -> Result<i64, String> {
    let t = text.trim();
    if let Some(at) = crate::lock::clock::parse_rfc3339(t) {
        let ms = at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        return Ok(i64::try_from(ms).unwrap_or(i64::MAX));
    }
    let bad = || {
        format!(
            "`--since {text}` is neither a duration (`30s`, `10m`, `2h`, `1d`) nor an RFC 3339 time (`2026-11-28T07:00:00Z`)"
        )
    };
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: i64 = t[..split].parse().map_err(|_| bad())?;
    let unit_ms = match &t[split..] {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    Ok(now_ms.saturating_sub(n.saturating_mul(unit_ms)))
}

/// What `--follow` has printed, by event id, and where the next poll starts.
#[derive(Debug)]
pub struct Tail {
    start: i64,
    seen: HashMap<String, i64>,
}

impl Tail {
    pub fn new(start_ms: i64) -> Tail {
        Tail {
            start: start_ms,
            seen: HashMap::new(),
        }
    }

    /// The `startTime` of the next poll: the lookback before the newest event printed, never
    /// before `--since`.
    pub fn start(&self) -> i64 {
        self.start
    }

    /// The events of one poll not printed before, in time order (ties by stream, then id, so
    /// tasks interleave the same way on every run); remembers them and moves the window.
    pub fn fresh(&mut self, mut events: Vec<LogEvent>) -> Vec<LogEvent> {
        events.retain(|e| !self.seen.contains_key(&e.event_id));
        sort(&mut events);
        events.dedup_by(|a, b| a.event_id == b.event_id);
        for e in &events {
            self.seen.insert(e.event_id.clone(), e.timestamp);
        }
        if let Some(newest) = self.seen.values().max() {
            self.start = self.start.max(newest - LOOKBACK_MS);
        }
        // Ids older than the window can no longer come back: forget them.
        let start = self.start;
        self.seen.retain(|_, ts| *ts >= start);
        events
    }
}

/// What a Live Tail `--follow` has printed, by content: Live Tail events carry no event id, and
/// the same event may come from the FilterLogEvents backlog read when the session opened (or
/// reopened after its 3-hour limit) and from the session itself. Remembered for `LOOKBACK_MS`
/// before the newest event printed, as `Tail` does.
#[derive(Debug, Default)]
pub struct Seen {
    seen: HashMap<(i64, String, String), usize>,
    newest: Option<i64>,
}

impl Seen {
    /// Where a backlog read starts after `since_ms`: the lookback before the newest event
    /// printed, never before `since_ms`.
    pub fn start(&self, since_ms: i64) -> i64 {
        self.newest
            .map_or(since_ms, |n| since_ms.max(n - LOOKBACK_MS))
    }

    /// The events not printed before, in time order; remembers them. An event printed `n`
    /// times before drops its first `n` copies here (a line really logged twice shows twice).
    pub fn fresh(&mut self, mut events: Vec<LogEvent>) -> Vec<LogEvent> {
        sort(&mut events);
        let mut budget = self.seen.clone();
        events.retain(|e| {
            let key = (e.timestamp, e.stream.clone(), e.message.clone());
            match budget.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        for e in &events {
            let key = (e.timestamp, e.stream.clone(), e.message.clone());
            *self.seen.entry(key).or_default() += 1;
            self.newest = Some(self.newest.map_or(e.timestamp, |n| n.max(e.timestamp)));
        }
        if let Some(newest) = self.newest {
            self.seen
                .retain(|(ts, _, _), _| *ts >= newest - LOOKBACK_MS);
        }
        events
    }
}

/// Time order, then stream and id: the interleaving of several tasks' and containers' events.
pub fn sort(events: &mut [LogEvent]) {
    events.sort_by(|a, b| {
        (a.timestamp, &a.stream, &a.event_id).cmp(&(b.timestamp, &b.stream, &b.event_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, id: &str) -> LogEvent {
        LogEvent {
            timestamp: ts,
            stream: "web/web/0123456789abcdef".into(),
            message: format!("m{id}"),
            event_id: id.into(),
        }
    }

    #[test]
    fn live_tail_prints_each_event_once_by_content_and_a_repeated_line_again() {
        let mut seen = Seen::default();
        let backlog = vec![ev(1_000_500, "1"), ev(1_000_000, "2")];
        assert_eq!(seen.fresh(backlog).len(), 2);
        assert_eq!(seen.start(0), 1_000_500 - LOOKBACK_MS);
        // Live Tail events have no id: the same content is the same event, once per copy.
        let mut live = ev(1_000_500, "");
        live.message = "m1".into();
        let mut twice = live.clone();
        twice.timestamp = 1_000_600;
        let got = seen.fresh(vec![live.clone(), twice.clone(), twice.clone()]);
        assert_eq!(got, [twice.clone(), twice.clone()]);
        assert!(
            seen.fresh(vec![twice]).is_empty(),
            "both copies were printed"
        );
        assert_eq!(seen.start(2_000_000), 2_000_000, "never before --since");
    }

    #[test]
    fn since_takes_durations_and_rfc3339_times() {
        let now = 1_764_313_300_000;
        assert_eq!(since_ms("10m", now), Ok(now - 600_000));
        assert_eq!(since_ms("2h", now), Ok(now - 7_200_000));
        assert_eq!(since_ms("1d", now), Ok(now - 86_400_000));
        assert_eq!(since_ms("30s", now), Ok(now - 30_000));
        assert_eq!(since_ms("2025-11-28T07:00:00Z", now), Ok(1_764_313_200_000));
        for bad in ["", "10", "m", "10w", "yesterday", "1.5h"] {
            assert!(since_ms(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn follow_never_prints_an_event_twice_even_with_equal_timestamps() {
        let mut tail = Tail::new(1_000_000);
        let first = tail.fresh(vec![ev(1_000_500, "b"), ev(1_000_500, "a")]);
        assert_eq!(
            first
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        // The next poll sees them again (same timestamp) plus a third with that timestamp.
        let second = tail.fresh(vec![
            ev(1_000_500, "a"),
            ev(1_000_500, "b"),
            ev(1_000_500, "c"),
        ]);
        assert_eq!(second, vec![ev(1_000_500, "c")]);
    }

    #[test]
    fn follow_looks_back_for_late_events_but_not_before_since() {
        let mut tail = Tail::new(1_000_000);
        assert_eq!(tail.start(), 1_000_000);
        tail.fresh(vec![ev(1_010_000, "a")]);
        assert_eq!(tail.start(), 1_000_000, "never before --since");
        tail.fresh(vec![ev(1_100_000, "b")]);
        assert_eq!(tail.start(), 1_100_000 - LOOKBACK_MS);
        // An event ingested late, timestamped before the newest one printed, still shows.
        let late = tail.fresh(vec![ev(1_090_000, "late"), ev(1_100_000, "b")]);
        assert_eq!(late, vec![ev(1_090_000, "late")]);
    }
}

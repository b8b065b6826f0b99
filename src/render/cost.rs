//! The views of a cost estimate: the JSON document (`JsonCost`, formatVersion 1.0, documented
//! in docs/cost.md), and the human and markdown tables made from it, so no view shows what the
//! JSON lacks.
//!
//! Owns the wording and the layout. Must not compute a price (`cost::estimate`).

use serde::Serialize;

use crate::cost::estimate::{Assumptions, Estimate, MONTH_HOURS};
use crate::cost::money::Usd;
use crate::cost::usage::TaskShape;

/// What the estimate leaves out, said wherever a total is shown.
pub const NOT_COUNTED: &str = "load balancers, data transfer, NAT gateways, public IPv4 addresses, CloudWatch Logs, EBS volumes, and Savings Plans or other discounts";

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonCost {
    pub format_version: &'static str,
    pub env: String,
    pub region: String,
    pub currency: &'static str,
    pub prices: JsonPrices,
    pub month_hours: i128,
    pub assumptions: Assumptions,
    pub services: Vec<JsonServiceCost>,
    pub jobs: Vec<JsonJobCost>,
    /// Dollars with two decimals, as strings: exact, never a float.
    pub monthly: String,
    pub monthly_min: String,
    pub monthly_max: String,
    pub not_counted: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonPrices {
    pub date: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonTask {
    pub vcpu: f64,
    pub memory_gb: f64,
    pub architecture: &'static str,
    pub ephemeral_storage_gib: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonServiceCost {
    pub key: String,
    pub task: JsonTask,
    pub count: u32,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub spot: bool,
    pub scheduled_scaling: bool,
    pub monthly: String,
    pub monthly_min: String,
    pub monthly_max: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonJobCost {
    pub key: String,
    pub task: JsonTask,
    pub runs: u32,
    pub tasks_per_run: u32,
    pub minutes: u32,
    pub monthly: String,
}

/// `72.08`: dollars with two decimals.
pub fn amount(u: Usd) -> String {
    let c = u.cents();
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

fn task(t: &TaskShape) -> JsonTask {
    JsonTask {
        vcpu: f64::from(t.cpu) / 1024.0,
        memory_gb: f64::from(t.memory) / 1024.0,
        architecture: if t.arm { "arm64" } else { "x86_64" },
        ephemeral_storage_gib: t.storage_gib,
    }
}

pub fn json(env: &str, e: &Estimate, date: &str, source: &str) -> JsonCost {
    JsonCost {
        format_version: "1.0",
        env: env.to_string(),
        region: e.region.clone(),
        currency: "USD",
        prices: JsonPrices {
            date: date.to_string(),
            source: source.to_string(),
        },
        month_hours: MONTH_HOURS,
        assumptions: e.assumptions,
        services: e
            .services
            .iter()
            .map(|s| JsonServiceCost {
                key: s.key.clone(),
                task: task(&s.shape),
                count: s.count,
                min: s.range.map(|r| r.0),
                max: s.range.map(|r| r.1),
                spot: s.spot,
                scheduled_scaling: s.scheduled_scaling,
                monthly: amount(s.monthly),
                monthly_min: amount(s.monthly_min),
                monthly_max: amount(s.monthly_max),
            })
            .collect(),
        jobs: e
            .jobs
            .iter()
            .map(|j| JsonJobCost {
                key: j.key.clone(),
                task: task(&j.shape),
                runs: j.runs,
                tasks_per_run: j.tasks_per_run,
                minutes: j.minutes,
                monthly: amount(j.monthly),
            })
            .collect(),
        monthly: amount(e.monthly),
        monthly_min: amount(e.monthly_min),
        monthly_max: amount(e.monthly_max),
        not_counted: NOT_COUNTED,
    }
}

/// `1 vCPU, 2 GB`, `0.25 vCPU, 0.5 GB, arm64, 50 GiB`.
fn size(t: &JsonTask) -> String {
    let mut s = format!("{} vCPU, {} GB", t.vcpu, t.memory_gb);
    if t.architecture == "arm64" {
        s.push_str(", arm64");
    }
    if t.ephemeral_storage_gib > 20 {
        s.push_str(&format!(", {} GiB", t.ephemeral_storage_gib));
    }
    s
}

/// `"1234.56"` (an amount of the JSON document) as `$1,234.56`.
fn dollars(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    match Usd::decimal(digits) {
        Some(u) => format!("{sign}{u}"),
        None => text.to_string(),
    }
}

/// `$108.12`, or `$108.12 ($72.08–$360.40 for 2–10 tasks)`.
fn service_cost(s: &JsonServiceCost) -> String {
    let mut out = dollars(&s.monthly);
    if let (Some(min), Some(max)) = (s.min, s.max)
        && s.monthly_min != s.monthly_max
    {
        out.push_str(&format!(
            " ({}–{} for {min}–{max} tasks)",
            dollars(&s.monthly_min),
            dollars(&s.monthly_max)
        ));
    }
    out
}

fn count(s: &JsonServiceCost) -> String {
    let mut c = s.count.to_string();
    if s.spot {
        c.push_str(", Spot");
    }
    if s.scheduled_scaling {
        c.push_str(", scheduled");
    }
    c
}

fn header(c: &JsonCost) -> String {
    format!(
        "Monthly Fargate compute of `{}` in {} ({} hours a month; prices of {} from {}; Spot {} % off; a job run lasts {} minutes unless its `runMinutes` says):",
        c.env,
        c.region,
        c.month_hours,
        c.prices.date,
        c.prices.source,
        c.assumptions.spot_discount_percent,
        c.assumptions.job_minutes
    )
}

fn total(c: &JsonCost) -> String {
    let mut t = dollars(&c.monthly);
    if c.monthly_min != c.monthly_max {
        t.push_str(&format!(
            " (autoscaling: {}–{})",
            dollars(&c.monthly_min),
            dollars(&c.monthly_max)
        ));
    }
    t
}

pub fn human(c: &JsonCost) -> String {
    let mut rows: Vec<[String; 4]> = vec![[
        "SERVICE".into(),
        "TASK".into(),
        "COUNT".into(),
        "MONTHLY".into(),
    ]];
    for s in &c.services {
        rows.push([s.key.clone(), size(&s.task), count(s), service_cost(s)]);
    }
    if !c.jobs.is_empty() {
        rows.push(["JOB".into(), "TASK".into(), "RUNS".into(), "MONTHLY".into()]);
    }
    for j in &c.jobs {
        let runs = match j.runs {
            0 => "on demand only".to_string(),
            n => format!("{n} × {} × {} min", j.tasks_per_run, j.minutes),
        };
        rows.push([j.key.clone(), size(&j.task), runs, dollars(&j.monthly)]);
    }
    let widths: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("{}\n\n", header(c));
    for r in &rows {
        out.push_str(&format!(
            "  {:w0$}  {:w1$}  {:w2$}  {}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ));
    }
    out.push_str(&format!("\nTotal: {}\n", total(c)));
    out.push_str(&format!("Not counted: {}.\n", c.not_counted));
    out
}

pub fn markdown(c: &JsonCost) -> String {
    let mut out = format!("### Monthly cost: {}\n\n{}\n\n", total(c), header(c));
    out.push_str("| Service | Task | Count | Monthly |\n|---|---|---|---|\n");
    for s in &c.services {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            s.key,
            size(&s.task),
            count(s),
            service_cost(s)
        ));
    }
    if !c.jobs.is_empty() {
        out.push_str("\n| Job | Task | Runs a month | Monthly |\n|---|---|---|---|\n");
        for j in &c.jobs {
            out.push_str(&format!(
                "| `{}` | {} | {} × {} task(s) × {} min | {} |\n",
                j.key,
                size(&j.task),
                j.runs,
                j.tasks_per_run,
                j.minutes,
                dollars(&j.monthly)
            ));
        }
    }
    out.push_str(&format!("\nNot counted: {}.\n", c.not_counted));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::estimate::estimate;
    use crate::cost::prices::embedded;
    use crate::model::testkit::ok;

    fn doc() -> JsonCost {
        let (d, _) = ok("services:
  api:
    image: nginx
    cpu: 1024
    memory: 2048
    count: 3
    autoscaling: {min: 2, max: 10, cpu: 70}
  worker:
    image: nginx
    capacity: spot
scheduledTasks:
  nightly:
    image: busybox
    schedule: cron(0 3 * * ? *)
");
        let e = estimate(&d, &embedded("eu-west-1").unwrap(), &Assumptions::default());
        json("prod", &e, "2025-06-05", "the test")
    }

    #[test]
    fn human_shows_each_service_and_job_then_the_total_and_what_is_not_counted() {
        let text = human(&doc());
        assert_eq!(
            text,
            "Monthly Fargate compute of `prod` in eu-west-1 (730 hours a month; prices of 2025-06-05 from the test; Spot 70 % off; a job run lasts 10 minutes unless its `runMinutes` says):\n\
\n  SERVICE  TASK               COUNT            MONTHLY\n  \
api      1 vCPU, 2 GB       3                $108.12 ($72.08–$360.40 for 2–10 tasks)\n  \
worker   0.25 vCPU, 0.5 GB  1, Spot          $2.70\n  \
JOB      TASK               RUNS             MONTHLY\n  \
nightly  0.25 vCPU, 0.5 GB  31 × 1 × 10 min  $0.06\n\
\nTotal: $110.89 (autoscaling: $74.85–$363.17)\n\
Not counted: load balancers, data transfer, NAT gateways, public IPv4 addresses, CloudWatch Logs, EBS volumes, and Savings Plans or other discounts.\n"
        );
    }

    #[test]
    fn json_amounts_are_exact_decimal_strings() {
        let v = serde_json::to_value(doc()).unwrap();
        assert_eq!(v["formatVersion"], "1.0");
        assert_eq!(v["services"][0]["monthly"], "108.12");
        assert_eq!(v["services"][0]["monthlyMax"], "360.40");
        assert_eq!(v["jobs"][0]["runs"], 31);
        assert_eq!(v["monthly"], "110.89");
        assert_eq!(v["assumptions"]["spotDiscountPercent"], 70);
    }

    #[test]
    fn markdown_puts_the_total_in_its_heading() {
        let text = markdown(&doc());
        assert!(
            text.starts_with("### Monthly cost: $110.89 (autoscaling: $74.85–$363.17)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "| `api` | 1 vCPU, 2 GB | 3 | $108.12 ($72.08–$360.40 for 2–10 tasks) |\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("| `nightly` | 0.25 vCPU, 0.5 GB | 31 × 1 task(s) × 10 min | $0.06 |\n"),
            "{text}"
        );
    }
}

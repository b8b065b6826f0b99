//! The environment-wide settings: app name, region, account, and the cluster.
//!
//! Owns their shape checks and the scope every other rule runs in. A missing or invalid app or
//! region is reported and replaced by a placeholder so the rest of the spec is still checked
//! (all problems at once). Must not build per-service resources.

use super::arn;
use super::build::BuildContext;
use super::capacity::strategy;
use super::names::{NameKind, check_app};
use super::resources::{CapacityProvider, Cluster, InsightsMode, Tags};
use super::scope::Scope;
use super::validate::check_name;
use crate::spec::raw::RawProject;
use crate::spec::raw_values::RawInsights;
use crate::spec::span::Loc;

pub fn scope<'a>(raw: &RawProject, ctx: &BuildContext<'a>) -> Scope<'a> {
    let pending = Scope::new(
        String::new(),
        ctx.env.to_string(),
        String::new(),
        None,
        ctx.vars,
    );
    let app = match &raw.app {
        Some(a) => {
            let text = pending.text(a, "app").unwrap_or_default();
            if let Some(message) = check_app(&text) {
                pending.error(a.loc, "app", message);
            }
            text
        }
        None => {
            pending.error_hint(
                Loc::PROJECT_START,
                "app",
                "the spec has no `app`",
                "set `app: NAME` at the top of ecsctl.yaml",
            );
            "app".to_string()
        }
    };
    let region = match &raw.region {
        Some(r) => {
            let text = pending.text(r, "region").unwrap_or_default();
            if !arn::is_region(&text) {
                pending.error_hint(
                    r.loc,
                    "region",
                    format!("region `{text}` is not an AWS region"),
                    "for example `eu-west-1`",
                );
            }
            text
        }
        None => {
            pending.error_hint(
                Loc::PROJECT_START,
                "region",
                "the spec has no `region`",
                "set `region: eu-west-1` (or your region) in ecsctl.yaml or the environment file",
            );
            "us-east-1".to_string()
        }
    };
    let account = spec_account(&pending, raw);
    let caller = (ctx.account_id.map(str::to_string), ctx.partition);
    let mut cx = pending.rebind(app, region, account, caller);
    cx.app_loc = raw.app.as_ref().map(|a| a.loc);
    cx
}

/// The spec's `account:`, checked to be 12 digits.
fn spec_account(cx: &Scope, raw: &RawProject) -> Option<String> {
    let a = raw.account.as_ref()?;
    let text = cx.text(&a.as_ref().map(|s| s.0.clone()), "account")?;
    if !arn::is_account(&text) {
        cx.error_hint(
            a.loc,
            "account",
            format!("account `{text}` is not a 12-digit AWS account ID"),
            "quote it if it starts with 0: `account: \"012345678901\"`",
        );
        return None;
    }
    Some(text)
}

pub fn cluster(cx: &Scope, raw: &RawProject, tags: &Tags) -> Cluster {
    let written = raw.cluster.as_ref().and_then(|c| c.name.as_ref());
    let (name, loc) = match written {
        Some(t) => (cx.name(t, "cluster.name", None), t.loc),
        // The default `{app}-{env}`: a problem with it comes from `app`, so point there.
        None => {
            let at = raw.app.as_ref().map_or(Loc::PROJECT_START, |a| a.loc);
            (cx.default_name("{app}-{env}", at, "cluster.name", None), at)
        }
    };
    if let Some(name) = &name {
        check_name(cx, NameKind::Cluster, name, loc, "cluster.name");
    }
    let name = name.unwrap_or_default();
    let insights = raw
        .cluster
        .as_ref()
        .and_then(|c| c.container_insights.as_ref());
    let container_insights = match insights.map(|i| &i.value) {
        Some(RawInsights::Flag(true)) => InsightsMode::Enabled,
        Some(RawInsights::Mode(m)) => *m,
        Some(RawInsights::Flag(false)) | None => InsightsMode::Disabled,
    };
    Cluster {
        name,
        container_insights,
        capacity_providers: vec![CapacityProvider::Fargate, CapacityProvider::FargateSpot],
        default_strategy: strategy(cx, raw.capacity.as_ref(), "capacity"),
        tags: tags.clone(),
    }
}

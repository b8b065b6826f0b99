//! The environment a command talks to AWS about: the spec loaded and built offline, then the
//! clients, the caller's account and the final desired state.
//!
//! Owns the sequence plan, apply, destroy and run share: load and build offline first (an
//! invalid spec fails before any AWS call), build the clients with the spec's region as the
//! fallback, ask STS for the caller, refuse a pinned `account:` that differs and credentials
//! from another partition than the region's (`aws-cn` credentials for `eu-west-1`), rebuild the
//! desired state with the caller's account from the spec already read (the model is pure; the
//! files are not read twice), apply `--image` overrides, restrict to `-s` services
//! (`model::target`), and refuse a region mismatch. Must not read live state or decide what to
//! change.

use anyhow::anyhow;

use super::error::{CliError, aws_error};
use super::output::Output;
use super::project::{Built, build_loaded, load};
use super::settings::Globals;
use crate::aws::sts::Caller;
use crate::aws::{AwsClients, AwsSettings};
use crate::diagnostic;
use crate::model::Desired;
use crate::model::r#override::{ImageOverride, apply_overrides};
use crate::model::partition::Partition;
use crate::spec::load::LoadedEnv;

/// The spec, loaded and built without AWS.
pub struct Spec {
    loaded: LoadedEnv,
    images: Vec<ImageOverride>,
    /// `-s NAME`: the services the desired state is restricted to (empty: all).
    services: Vec<String>,
    /// The desired state with `{account_id}` unresolved unless the spec pins `account:`.
    pub offline: Desired,
}

/// What a command works against once it has asked AWS who it is.
pub struct Connected {
    pub desired: Desired,
    pub clients: AwsClients,
    pub caller: String,
    /// The spec's files, for diagnostics found after connecting (the pre-flight's).
    pub sources: crate::spec::span::SourceMap,
}

impl Spec {
    /// Loads and builds `env`, printing warnings (or every problem, then failing).
    pub fn load(
        globals: &Globals,
        env: &str,
        images: &[ImageOverride],
        out: &mut Output,
    ) -> Result<Spec, CliError> {
        super::project::require_project(&globals.dir)?;
        let loaded = match load(&globals.dir, env) {
            Ok(loaded) => loaded,
            Err(invalid) => return Err(report(invalid, true, out).unwrap_err()),
        };
        let offline = report(build_loaded(&loaded, None), true, out)?;
        let offline = overridden(offline, images)?;
        Ok(Spec {
            loaded,
            images: images.to_vec(),
            services: Vec::new(),
            offline,
        })
    }

    /// `-s NAME` (plan, apply): restricts the desired state to those services and what they
    /// use (`model::target`), checked offline so an unknown name fails before any AWS call.
    pub fn restrict(mut self, services: &[String]) -> Result<Spec, CliError> {
        if services.is_empty() {
            return Ok(self);
        }
        self.offline = restricted(&self.offline, services)?;
        self.services = services.to_vec();
        Ok(self)
    }

    /// The desired state with `caller` as the account, without connecting (a saved plan's
    /// apply, which has connected already and checked the partition, reads only sensitive
    /// values from it).
    pub fn for_account(self, caller: &str, out: &mut Output) -> Result<Desired, CliError> {
        if self.offline.account_id.is_some() {
            return Ok(self.offline);
        }
        let partition = self.offline.partition;
        report(
            build_loaded(&self.loaded, Some((caller, Some(partition)))),
            false,
            out,
        )
    }

    /// Connects to AWS; `failed` is the context of an AWS error (`reading the live state failed`).
    pub async fn connect(self, failed: &str, out: &mut Output) -> Result<Connected, CliError> {
        let aws = AwsSettings {
            fallback_region: Some(self.offline.region.clone()),
            ..AwsSettings::default()
        };
        let clients = AwsClients::load(&aws).await?;
        let identity = crate::aws::sts::identity(&clients)
            .await
            .map_err(|e| aws_error(e, failed))?;
        let caller = identity.account.clone();
        check_account(self.offline.account_id.as_deref(), &caller)?;
        let partition = caller_partition(&self.offline.region, &identity)?;
        let desired = if self.offline.account_id.is_some() {
            self.offline
        } else {
            // The offline build printed the warnings; this one only adds the caller.
            let built = build_loaded(&self.loaded, Some((&caller, Some(partition))));
            let full = overridden(report(built, false, out)?, &self.images)?;
            match self.services.is_empty() {
                true => full,
                false => restricted(&full, &self.services)?,
            }
        };
        check_region(&desired, clients.region())?;
        Ok(Connected {
            desired,
            clients,
            caller,
            sources: self.loaded.sources,
        })
    }
}

/// Connects for a saved plan, which names its account and region and is applied without the
/// spec: the clients talk to that region, and the caller must be in that account.
pub async fn connect_saved(
    region: &str,
    account: Option<&str>,
    failed: &str,
) -> Result<(AwsClients, String), CliError> {
    let aws = AwsSettings {
        fallback_region: Some(region.to_string()),
        ..AwsSettings::default()
    };
    let clients = AwsClients::load(&aws).await?;
    if clients.region() != region {
        return Err(anyhow!(
            "the saved plan is for region `{region}` but AWS_REGION / the profile say `{}`; nothing was changed\n  \
hint: unset AWS_REGION or set it to `{region}`",
            clients.region()
        )
        .into());
    }
    let identity = crate::aws::sts::identity(&clients)
        .await
        .map_err(|e| aws_error(e, failed))?;
    caller_partition(region, &identity)?;
    let caller = identity.account;
    match account {
        Some(want) if want != caller => Err(anyhow!(
            "the saved plan is for account `{want}` but the credentials are for account `{caller}`; nothing was changed\n  \
hint: switch credentials (AWS_PROFILE), or make the plan with these"
        )
        .into()),
        None => Err(anyhow!(
            "the saved plan names no account; nothing was changed\n  hint: make a new plan with `ecsctl plan --out FILE`"
        )
        .into()),
        _ => Ok((clients, caller)),
    }
}

fn restricted(desired: &Desired, services: &[String]) -> Result<Desired, CliError> {
    crate::model::target::restrict(desired, services).map_err(|e| anyhow!(e.to_string()).into())
}

fn overridden(mut desired: Desired, images: &[ImageOverride]) -> Result<Desired, CliError> {
    let notes = apply_overrides(&mut desired, images).map_err(|e| anyhow!(e.to_string()))?;
    desired.image_notes = notes;
    Ok(desired)
}

/// The desired state (its warnings printed when `warn`), or every problem printed and the
/// error that says how many and where.
pub fn report(built: Built, warn: bool, out: &mut Output) -> Result<Desired, CliError> {
    match built {
        Built::Ok {
            desired,
            warnings,
            sources,
        } => {
            if warn {
                out.report(&diagnostic::render(&warnings, &sources, out.stderr_color))?;
            }
            Ok(*desired)
        }
        Built::Invalid {
            diagnostics,
            sources,
        } => {
            out.report(&diagnostic::render(
                &diagnostics,
                &sources,
                out.stderr_color,
            ))?;
            Err(CliError::invalid(&diagnostics, &sources))
        }
    }
}

/// A spec that pins `account:` runs only with credentials for that account.
pub fn check_account(pinned: Option<&str>, caller: &str) -> Result<(), CliError> {
    match pinned {
        Some(want) if want != caller => Err(anyhow!(
            "the spec pins account `{want}` but the credentials are for account `{caller}`; nothing was read\n  \
hint: switch credentials (AWS_PROFILE) or change `account:` in ecsctl.yaml"
        )
        .into()),
        _ => Ok(()),
    }
}

/// The partition every ARN is built in: the caller's (from its STS ARN), which must be the
/// region's. `aws-cn` credentials cannot act in `eu-west-1`, and roles created with
/// `arn:aws:` ARNs in `cn-north-1` name nothing
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>). An ARN that names
/// no partition ecsctl knows (moto answers an empty one) leaves the region's.
pub fn caller_partition(region: &str, caller: &Caller) -> Result<Partition, CliError> {
    let expected = Partition::of_region(region);
    match Partition::of_arn(&caller.arn) {
        Some(p) if p != expected => Err(anyhow!(
            "the credentials are for partition `{p}` (`{}`) but region `{region}` is in partition `{expected}`; nothing was read\n  \
hint: use credentials for an `{expected}` account (AWS_PROFILE), or change `region:` in the spec",
            caller.arn
        )
        .into()),
        _ => Ok(expected),
    }
}

/// The clients must talk to the spec's region: a plan read elsewhere would show everything as
/// missing, and an apply would create it there.
fn check_region(desired: &Desired, region: &str) -> Result<(), CliError> {
    if desired.region == region {
        return Ok(());
    }
    Err(anyhow!(
        "the spec's region is `{}` but AWS_REGION / the profile say `{region}`\n  \
hint: unset AWS_REGION or set it to `{}`",
        desired.region,
        desired.region
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_pin_must_match_the_caller() {
        assert!(check_account(None, "123456789012").is_ok());
        assert!(check_account(Some("123456789012"), "123456789012").is_ok());
        let err = check_account(Some("111111111111"), "222222222222").unwrap_err();
        assert!(err.to_string().starts_with(
            "the spec pins account `111111111111` but the credentials are for account `222222222222`; nothing was read"
        ));
    }

    #[test]
    fn credentials_from_another_partition_than_the_regions_are_refused() {
        let caller = |arn: &str| Caller {
            account: "123456789012".into(),
            arn: arn.into(),
        };
        for (region, arn, want) in [
            (
                "eu-west-1",
                "arn:aws:sts::123456789012:assumed-role/ci/x",
                Partition::Aws,
            ),
            (
                "cn-north-1",
                "arn:aws-cn:iam::123456789012:user/bob",
                Partition::AwsCn,
            ),
            (
                "us-gov-west-1",
                "arn:aws-us-gov:sts::123456789012:assumed-role/ci/x",
                Partition::AwsUsGov,
            ),
            ("cn-north-1", "", Partition::AwsCn),
        ] {
            assert_eq!(
                caller_partition(region, &caller(arn)).ok(),
                Some(want),
                "{arn}"
            );
        }
        let err = caller_partition(
            "cn-north-1",
            &caller("arn:aws:sts::123456789012:assumed-role/ci/x"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the credentials are for partition `aws` (`arn:aws:sts::123456789012:assumed-role/ci/x`) but region `cn-north-1` is in partition `aws-cn`; nothing was read\n  \
hint: use credentials for an `aws-cn` account (AWS_PROFILE), or change `region:` in the spec"
        );
    }

    #[test]
    fn the_clients_region_must_be_the_specs() {
        let desired = crate::diff::fixtures::desired();
        assert!(check_region(&desired, "eu-west-1").is_ok());
        let err = check_region(&desired, "us-east-1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the spec's region is `eu-west-1` but AWS_REGION / the profile say `us-east-1`\n  hint: unset AWS_REGION or set it to `eu-west-1`"
        );
    }
}

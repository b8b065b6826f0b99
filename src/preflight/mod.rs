//! The pre-flight: every reference a spec makes outside ecsctl's own resources (subnets,
//! security groups, target groups, secrets, parameters, KMS keys, EFS, ECR images, the
//! namespace's VPC) is read from AWS, read-only, and judged before anything is written.
//!
//! Owns the order: gather the references (`references`, pure), read them (`crate::aws::ec2`,
//! `target_groups`, `referenced`, concurrently), judge (`judge`, pure), and turn the findings
//! into diagnostics that point at the spec line that wrote each value. `ecsctl verify` runs it
//! on the whole environment, `apply` before its first write, `plan` on what it would write (as
//! warnings). Must not write to AWS or print.

pub mod judge;
pub mod references;

use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;

use crate::aws::lookup::Lookup;
use crate::aws::referenced::{self, ImageId};
use crate::aws::{AwsClients, AwsError};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Desired;
use crate::model::arn;
use crate::plan::Address;
use crate::spec::span::Loc;
use judge::{Facts, Finding};
use references::References;

/// What the pre-flight found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// How many distinct references were read.
    pub checked: usize,
    /// Images outside ECR: not checked (no registry API ecsctl can ask).
    pub other_images: BTreeSet<String>,
    /// `--skip-image-check`: the ECR images were not checked.
    pub images_skipped: bool,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.error)
    }
}

/// Checks the references of `desired` (with `only`, of those resources). `check_images: false`
/// is `--skip-image-check`.
pub async fn run(
    clients: &AwsClients,
    desired: &Desired,
    only: Option<&BTreeSet<Address>>,
    check_images: bool,
) -> Result<Report, AwsError> {
    let mut refs = references::gather(desired, only);
    if !check_images {
        refs.images.clear();
    }
    let caller = clients.caller_account().unwrap_or_default();
    let facts = read(clients, &refs, &caller).await?;
    Ok(Report {
        findings: judge::judge(&refs, &facts),
        checked: count(&refs),
        other_images: refs.other_images.clone(),
        images_skipped: !check_images,
    })
}

fn count(refs: &References) -> usize {
    let net: BTreeSet<&String> = refs
        .networks
        .iter()
        .flat_map(|n| {
            n.subnets
                .iter()
                .chain(&n.security_groups)
                .chain(&n.target_groups)
                .chain(&n.listener_rules)
        })
        .collect();
    net.len()
        + refs.secrets.len()
        + refs.parameters.len()
        + refs.kms_keys.len()
        + refs.file_systems.len()
        + refs.access_points.len()
        + refs.images.len()
}

async fn read(clients: &AwsClients, refs: &References, caller: &str) -> Result<Facts, AwsError> {
    let all = |f: fn(&references::TaskNetwork) -> &Vec<String>| -> Vec<String> {
        let set: BTreeSet<&String> = refs.networks.iter().flat_map(f).collect();
        set.into_iter().cloned().collect()
    };
    let (subnets, groups, tgs, rules) = (
        all(|n| &n.subnets),
        all(|n| &n.security_groups),
        all(|n| &n.target_groups),
        all(|n| &n.listener_rules),
    );
    let (
        subnets,
        security_groups,
        target_groups,
        listener_rules,
        secrets,
        parameters,
        kms_keys,
        file_systems,
        access_points,
        images,
    ) = futures::try_join!(
        async {
            if subnets.is_empty() {
                Ok(BTreeMap::new())
            } else {
                crate::aws::ec2::subnets(clients, &subnets).await
            }
        },
        async {
            if groups.is_empty() {
                Ok(BTreeMap::new())
            } else {
                crate::aws::ec2::security_groups(clients, &groups).await
            }
        },
        crate::aws::target_groups::target_groups(clients, &tgs),
        crate::aws::target_groups::listener_rules(clients, &rules),
        each(refs.secrets.keys(), |s| referenced::secret(
            clients,
            region_of(s),
            s
        )),
        parameters(clients, refs.parameters.keys(), caller),
        each(refs.kms_keys.keys(), |k| referenced::kms_key(
            clients,
            region_of(k),
            k
        )),
        each(refs.file_systems.keys(), |f| referenced::file_system(
            clients, f
        )),
        each(refs.access_points.keys(), |a| referenced::access_point(
            clients, a
        )),
        images(clients, refs),
    )?;
    Ok(Facts {
        subnets,
        security_groups,
        target_groups,
        listener_rules,
        secrets,
        parameters,
        kms_keys,
        file_systems,
        access_points,
        images: images.0,
        missing_repositories: images.1,
    })
}

/// One read per key, concurrently (the client's pacing keeps them within AWS's rates).
async fn each<'a, T, F, Fut>(
    keys: impl Iterator<Item = &'a String>,
    read: F,
) -> Result<BTreeMap<String, Lookup<T>>, AwsError>
where
    F: Fn(&'a String) -> Fut,
    Fut: std::future::Future<Output = Result<Lookup<T>, AwsError>>,
{
    let keys: Vec<&String> = keys.collect();
    let found = try_join_all(keys.iter().map(|k| read(k))).await?;
    Ok(keys.into_iter().cloned().zip(found).collect())
}

fn region_of(arn_text: &str) -> &str {
    arn::parse(arn_text).map_or("", |a| a.region)
}

/// Parameter ARNs → found or not, one DescribeParameters per region for all of them. The ARN
/// drops a name's leading slash (`parameter/prod/db` is `/prod/db`), so a one-level name is
/// asked both ways. A parameter of another account is not listed to the caller: unchecked.
async fn parameters<'a>(
    clients: &AwsClients,
    arns: impl Iterator<Item = &'a String>,
    caller: &str,
) -> Result<BTreeMap<String, Lookup<()>>, AwsError> {
    let mut out = BTreeMap::new();
    let mut by_region: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for a in arns {
        let Some(parsed) = arn::parse(a) else {
            continue;
        };
        if !caller.is_empty() && parsed.account != caller {
            let why = format!(
                "it is in account {}; DescribeParameters lists only the caller's",
                parsed.account
            );
            out.insert(a.clone(), Lookup::Unchecked(why));
            continue;
        }
        let name = parsed.resource.trim_start_matches("parameter/");
        let candidates = match name.contains('/') {
            true => vec![format!("/{name}")],
            false => vec![name.to_string(), format!("/{name}")],
        };
        by_region
            .entry(parsed.region.to_string())
            .or_default()
            .push((a.clone(), candidates));
    }
    for (region, wanted) in by_region {
        let names: Vec<String> = wanted.iter().flat_map(|(_, c)| c.clone()).collect();
        let found = referenced::parameters(clients, &region, &names).await?;
        for (a, candidates) in wanted {
            let answer = match &found {
                Lookup::Found(set) if candidates.iter().any(|c| set.contains(c)) => {
                    Lookup::Found(())
                }
                Lookup::Found(_) | Lookup::Missing => Lookup::Missing,
                Lookup::Unchecked(why) => Lookup::Unchecked(why.clone()),
            };
            out.insert(a, answer);
        }
    }
    Ok(out)
}

/// Image URI → found or not: one DescribeImages per repository for all its tags and digests;
/// and the URIs whose repository does not exist.
async fn images(
    clients: &AwsClients,
    refs: &References,
) -> Result<(BTreeMap<String, Lookup<()>>, BTreeSet<String>), AwsError> {
    let mut by_repo: BTreeMap<(String, String, String), Vec<(String, ImageId)>> = BTreeMap::new();
    for (uri, (image, _)) in &refs.images {
        let key = (
            image.registry.clone(),
            image.region.clone(),
            image.repository.clone(),
        );
        by_repo
            .entry(key)
            .or_default()
            .push((uri.clone(), image.id.clone()));
    }
    let reads = by_repo
        .iter()
        .map(|((registry, region, repo), wanted)| async move {
            let mut ids: Vec<ImageId> = wanted.iter().map(|(_, id)| id.clone()).collect();
            ids.sort();
            ids.dedup();
            let found = referenced::images(clients, registry, region, repo, &ids).await?;
            let answers: Vec<(String, Lookup<()>, bool)> = wanted
                .iter()
                .map(|(uri, id)| {
                    let l = found.images.get(id).cloned().unwrap_or(Lookup::Missing);
                    (uri.clone(), l, found.repository_missing)
                })
                .collect();
            Ok::<_, AwsError>(answers)
        });
    let (mut found, mut no_repo) = (BTreeMap::new(), BTreeSet::new());
    for (uri, lookup, repo_missing) in try_join_all(reads).await?.into_iter().flatten() {
        if repo_missing {
            no_repo.insert(uri.clone());
        }
        found.insert(uri, lookup);
    }
    Ok((found, no_repo))
}

/// The findings as diagnostics at the spec line that wrote each value (a saved plan, which does
/// not keep where values were written, or an `--image` flag, names the resources instead).
pub fn diagnostics(report: &Report, desired: &Desired) -> Diagnostics {
    let mut out = Diagnostics::default();
    for f in &report.findings {
        let (loc, path) =
            written_at(desired, &f.value).unwrap_or_else(|| (Loc::BUILTIN, f.users.join(", ")));
        // A finding about one task names it already.
        let named = f.users.len() == 1 && f.message.starts_with(&f.users[0]);
        let message = match named {
            true => f.message.clone(),
            false => format!("{}; used by {}", f.message, f.users.join(", ")),
        };
        let d = match f.error {
            true => Diagnostic::error(loc, path, message),
            false => Diagnostic::warning(loc, path, message),
        };
        out.push(match &f.hint {
            Some(h) => d.with_hint(h.clone()),
            None => d,
        });
    }
    out
}

/// Where the spec wrote `value`, or the name it was built from (a secret or parameter written
/// by name becomes an ARN in the model).
fn written_at(desired: &Desired, value: &str) -> Option<(Loc, String)> {
    let mut candidates = vec![value.to_string()];
    if let Some((_, name)) = value.split_once(":secret:") {
        candidates.push(name.to_string());
    }
    if let Some((_, name)) = value.split_once(":parameter/") {
        candidates.push(format!("/{name}"));
        candidates.push(name.to_string());
    }
    candidates
        .iter()
        .find_map(|c| desired.written.get(c).cloned())
}

#[cfg(test)]
mod judge_tests;

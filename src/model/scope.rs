//! The build scope: what every model rule needs (app, env, region, partition, account,
//! `${VAR}` lookup) and the one place diagnostics are collected.
//!
//! Owns turning a user string into its final text (`{app}` templates, then `${VAR}`
//! interpolation, then the check that an ARN is in the environment's partition), reporting each
//! failure at the string's location. Must not know any resource:
//! the per-concept files decide what a value means.

use std::cell::RefCell;

use super::partition::Partition;
use super::template::{TemplateVars, expand, expand_known};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::spec::span::{Loc, Sp};

/// A resolved string → where it was first written and its YAML path.
#[derive(Clone, Debug, Default)]
pub struct Written(pub std::collections::BTreeMap<String, (Loc, String)>);

/// Where a value was written is not part of the desired state: two builds of the same spec, or a
/// saved plan (which does not keep it) and its spec, are equal.
impl PartialEq for Written {
    fn eq(&self, _: &Written) -> bool {
        true
    }
}

impl Written {
    /// Where `value` was first written, if the spec wrote it (an `--image` flag did not).
    pub fn get(&self, value: &str) -> Option<&(Loc, String)> {
        self.0.get(value)
    }
}

pub struct Scope<'a> {
    pub app: String,
    pub env: String,
    pub region: String,
    /// The caller's partition on live commands (checked against the region's before the
    /// build), the region's offline: every ARN, principal and host the model builds uses it.
    pub partition: Partition,
    /// From the spec's `account:` or the caller's identity; None offline without `account:`.
    pub account: Option<String>,
    /// The spec's own `account:` (plan/apply check the caller against it).
    pub spec_account: Option<String>,
    /// Where `app:` is written: names derived from the built-in templates (`{app}-{env}`)
    /// point their problems there.
    pub app_loc: Option<Loc>,
    pub vars: &'a dyn Fn(&str) -> Option<String>,
    diags: RefCell<Diagnostics>,
    /// Where each final string was first written (`Desired::written`).
    written: RefCell<Written>,
}

impl<'a> Scope<'a> {
    pub fn new(
        app: String,
        env: String,
        region: String,
        account: Option<String>,
        vars: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Scope {
            app,
            env,
            partition: Partition::of_region(&region),
            region,
            account,
            spec_account: None,
            app_loc: None,
            vars,
            diags: RefCell::new(Diagnostics::default()),
            written: RefCell::new(Written::default()),
        }
    }

    /// The same scope (and its diagnostics so far) with the project's app, region, partition
    /// and account, once they are read and checked. `caller` is the caller's account and
    /// partition when a command has asked STS.
    pub fn rebind(
        self,
        app: String,
        region: String,
        spec_account: Option<String>,
        caller: (Option<String>, Option<Partition>),
    ) -> Self {
        let (caller, partition) = caller;
        Scope {
            app,
            partition: partition.unwrap_or_else(|| Partition::of_region(&region)),
            region,
            account: spec_account.clone().or(caller),
            spec_account,
            ..self
        }
    }

    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    pub fn error(&self, loc: Loc, path: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(loc, path, message));
    }

    pub fn error_hint(
        &self,
        loc: Loc,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Diagnostic::error(loc, path, message).with_hint(hint));
    }

    pub fn warn(&self, loc: Loc, path: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(loc, path, message));
    }

    pub fn has_errors(&self) -> bool {
        self.diags.borrow().has_errors()
    }

    pub fn into_diagnostics(self) -> Diagnostics {
        self.diags.into_inner().sorted()
    }

    /// Where each string the build resolved was first written, for problems found later
    /// against AWS (the pre-flight) to point at the spec line.
    pub fn take_written(&self) -> Written {
        std::mem::take(&mut self.written.borrow_mut())
    }

    fn wrote(&self, text: &str, loc: Loc, path: &str) {
        let mut written = self.written.borrow_mut();
        if !written.0.contains_key(text) {
            written.0.insert(text.to_string(), (loc, path.to_string()));
        }
    }

    /// The account for ARNs: the real one, or the literal `{account_id}` offline.
    pub fn account_text(&self) -> &str {
        self.account.as_deref().unwrap_or("{account_id}")
    }

    /// A string with `${VAR}` references resolved (env values, commands, labels…).
    pub fn text(&self, value: &Sp<String>, path: &str) -> Option<String> {
        let text = self.interpolate(&value.value, value.loc, path)?;
        self.wrote(&text, value.loc, path);
        Some(text)
    }

    /// A name or ARN: `{app}`-style placeholders, then `${VAR}`. `service` is what `{service}`
    /// means here, None where the name is not per service.
    pub fn name(&self, value: &Sp<String>, path: &str, service: Option<&str>) -> Option<String> {
        let text = match expand(&value.value, &self.vars(service)) {
            Ok(text) => self.interpolate(&text, value.loc, path)?,
            Err(e) => {
                self.error_hint(value.loc, path, e.to_string(), e.hint());
                return None;
            }
        };
        self.check_partition(&text, value.loc, path);
        self.wrote(&text, value.loc, path);
        Some(text)
    }

    /// An ARN written in the spec must be in the environment's partition: an `arn:aws:` role
    /// or secret in `cn-north-1` names nothing IAM or ECS there can find
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).
    fn check_partition(&self, text: &str, loc: Loc, path: &str) {
        let Some(written) = Partition::of_arn(text) else {
            return;
        };
        if written != self.partition {
            let rest = text.splitn(3, ':').nth(2).unwrap_or_default();
            self.error_hint(
                loc,
                path,
                format!(
                    "`{text}` is in partition `{written}` but this environment is in `{}` (region `{}`)",
                    self.partition, self.region
                ),
                format!("write it as `arn:{}:{rest}`", self.partition),
            );
        }
    }

    /// Free text that placeholders reach (env values): the known `{app}`-style placeholders
    /// expand, any other brace text stays as written (JSON), then `${VAR}`.
    pub fn value(&self, value: &Sp<String>, path: &str, service: Option<&str>) -> Option<String> {
        let known = expand_known(&value.value, &self.vars(service));
        self.interpolate(&known, value.loc, path)
    }

    /// What `{app}`, `{env}`, `{region}`, `{account_id}` and `{service}` stand for here.
    fn vars<'s>(&'s self, service: Option<&'s str>) -> TemplateVars<'s> {
        TemplateVars {
            app: &self.app,
            env: &self.env,
            region: &self.region,
            account: self.account.as_deref(),
            service,
        }
    }

    /// A built-in default template (no location); errors point at `at`.
    pub fn default_name(
        &self,
        template: &str,
        at: Loc,
        path: &str,
        service: Option<&str>,
    ) -> Option<String> {
        self.name(&Sp::new(template.to_string(), at), path, service)
    }

    fn interpolate(&self, text: &str, loc: Loc, path: &str) -> Option<String> {
        match crate::spec::interpolate::interpolate(text, self.vars) {
            Ok(out) => Some(out),
            Err(e) => {
                self.error_hint(loc, path, e.to_string(), e.hint());
                None
            }
        }
    }
}

/// A value as shape checks should see it: an unresolved `{account_id}` (offline) stands for a
/// well-formed account so ARNs and names are still checked.
pub fn for_check(text: &str) -> String {
    text.replace("{account_id}", "000000000000")
}

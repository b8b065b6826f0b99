//! Diagnostics: problems found in the spec, each pointing at a file, line and column.
//!
//! Owns the `Diagnostic` value that spec loading and model validation produce, collected all at
//! once like Terraform's diagnostics. Must not print: the CLI's `run` decides where and how.

use crate::spec::span::Loc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where the offending value (or key) was written; `Loc::BUILTIN` when no file wrote it.
    pub loc: Loc,
    /// The YAML path of the value, e.g. `services.api.memory`.
    pub path: String,
    /// Lowercase, user values in backticks.
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(loc: Loc, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, loc, path: path.into(), message: message.into(), hint: None }
    }

    pub fn warning(loc: Loc, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, loc, path: path.into(), message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// All diagnostics of one command, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Sorted by file, line and column, so output is stable whatever order rules ran in.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (a.loc.file, a.loc.line, a.loc.col, &a.message).cmp(&(b.loc.file, b.loc.line, b.loc.col, &b.message))
        });
        self
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

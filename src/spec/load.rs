//! Loading a project: from a directory and an environment name to one merged `RawProject`.
//!
//! Owns finding `ecsctl.yaml` and `environments/<env>.yaml`, reading them into the `SourceMap`,
//! YAML syntax errors (reworded to our style), the structural check and `${VAR}` check of both
//! files (every problem of both is reported before giving up), deserialising each into
//! `RawProject` with locations, and the overlay merge. Must not apply defaults, resolve
//! templates or check values: the model does that with the `LoadedEnv` this returns.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use super::extensions::SpecFile;
use super::interpolate;
use super::merge::Merge;
use super::node::{self, Node};
use super::raw::RawProject;
use super::span::{FileId, Loc, SourceMap, Sp, with_current_file};
use super::structure;
use super::suggest::{did_you_mean, join_or, ticked};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The file that describes the application, at the root of a project directory.
pub const PROJECT_FILE: &str = "ecsctl.yaml";
/// The directory of per-environment files, `environments/<env>.yaml`.
pub const ENVIRONMENTS_DIR: &str = "environments";

/// One environment, loaded and merged: `ecsctl.yaml` with `environments/<env>.yaml` over it.
#[derive(Clone, Debug)]
pub struct LoadedEnv {
    pub sources: SourceMap,
    pub env: String,
    pub merged: RawProject,
    pub base_file: FileId,
    pub env_file: FileId,
}

/// Loading failed: every problem found, with the files read so far to quote them.
#[derive(Clone, Debug)]
pub struct LoadFailure {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.diagnostics.errors().count() {
            1 => f.write_str("1 problem in the spec"),
            n => write!(f, "{n} problems in the spec"),
        }
    }
}

impl std::error::Error for LoadFailure {}

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot read the directory `{path}`: {source}")]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The environments of a project: the names of `environments/*.yaml` (and `*.yml`), sorted.
/// A project without an `environments` directory has none.
pub fn environments(dir: &Path) -> Result<Vec<String>, LoadError> {
    let path = dir.join(ENVIRONMENTS_DIR);
    let entries = match std::fs::read_dir(&path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LoadError::ReadDir {
                path: shown_path(&path),
                source,
            });
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::ReadDir {
            path: shown_path(&path),
            source,
        })?;
        let file = entry.path();
        let is_yaml = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !is_yaml || !file.is_file() {
            continue;
        }
        if let Some(name) = file.file_stem().and_then(|s| s.to_str()) {
            names.push(name.to_string());
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// Loads `env` of the project in `dir`, reading `${VAR}` values from the process environment.
pub fn load_env(dir: &Path, env: &str) -> Result<LoadedEnv, LoadFailure> {
    load_env_with(dir, env, &|name| {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    })
}

/// [`load_env`] with the environment variables given by `lookup`.
///
/// `${VAR}` references are *checked* here, so an unset variable is reported with every other
/// problem of both files; the values stay as written in `merged` and the model substitutes them
/// with [`interpolate::interpolate_sp`].
pub fn load_env_with(
    dir: &Path,
    env: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedEnv, LoadFailure> {
    let mut loader = Loader {
        sources: SourceMap::default(),
        diagnostics: Diagnostics::default(),
    };
    let base_path = dir.join(PROJECT_FILE);
    let Some(base) = loader.read(&base_path, missing_project_hint(dir)) else {
        return Err(loader.fail());
    };
    let env_file = loader.find_env(dir, env);
    if let Some((env_id, env_text)) = &env_file
        && let Some(loaded) = fast_path(&base, (*env_id, env_text), lookup)
    {
        return Ok(LoadedEnv {
            sources: loader.sources,
            env: env.to_string(),
            ..loaded
        });
    }
    let base_tree = loader.parse(base.0, &base.1);
    let env_tree =
        env_file.and_then(|(id, text)| loader.parse(id, &text).map(|tree| (id, tree, text)));
    if let Some(tree) = &base_tree {
        loader.check(tree, &base.1, lookup);
    }
    if let Some((_, tree, text)) = &env_tree {
        loader.check(tree, text, lookup);
        forbid_app(tree, &mut loader.diagnostics);
    }
    let (Some(_), Some((env_id, _, env_text))) = (base_tree, env_tree) else {
        return Err(loader.fail());
    };
    if loader.diagnostics.has_errors() {
        return Err(loader.fail());
    }
    let base_raw = loader.deserialize(base.0, &base.1);
    let env_raw = loader.deserialize(env_id, &env_text);
    let (Some(mut merged), Some(over)) = (base_raw, env_raw) else {
        return Err(loader.fail());
    };
    overlay(&mut merged, over);
    Ok(LoadedEnv {
        sources: loader.sources,
        env: env.to_string(),
        merged,
        base_file: base.0,
        env_file: env_id,
    })
}

/// The common case, a spec with no problems, read in one typed parse per file.
///
/// The located tree, the schema walk and the `${VAR}` tree walk exist to report *every*
/// problem at once; when both files deserialise, the env file leaves `app` alone and every
/// `${...}` in either text resolves (checked over the whole text, comments included: a false
/// alarm only sends us down the full path), they cannot find anything, so they are skipped.
/// Any failure here falls back to the full path, which reports all problems with locations.
/// This halves load time for large specs (bench/README.md).
fn fast_path(
    base: &(FileId, String),
    env: (FileId, &str),
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<LoadedEnv> {
    let typed = |file: FileId, text: &str| {
        interpolate::interpolate(text, lookup).ok()?;
        with_current_file(file, || {
            serde_saphyr::from_str_with_options::<Option<SpecFile>>(text, node::yaml_options())
        })
        .ok()
        .map(|file| file.map(|f| f.0).unwrap_or_default())
    };
    let mut merged = typed(base.0, &base.1)?;
    let over = typed(env.0, env.1)?;
    if over.app.is_some() {
        return None;
    }
    overlay(&mut merged, over);
    Some(LoadedEnv {
        sources: SourceMap::default(),
        env: String::new(),
        merged,
        base_file: base.0,
        env_file: env.0,
    })
}

/// The environment file laid over `ecsctl.yaml` (`spec::merge`). `services: {}` and
/// `scheduledTasks: {}` change nothing rather than replacing every service with none: an
/// environment leaves one out with `enabled: false`, and an empty map there is far more often
/// a placeholder than a wish to run nothing.
fn overlay(base: &mut RawProject, mut over: RawProject) {
    if over
        .services
        .as_ref()
        .is_some_and(|s| s.is_empty() && s.removed().count() == 0)
    {
        over.services = None;
    }
    if over
        .scheduled_tasks
        .as_ref()
        .is_some_and(|s| s.is_empty() && s.removed().count() == 0)
    {
        over.scheduled_tasks = None;
    }
    base.merge(over);
}

struct Loader {
    sources: SourceMap,
    diagnostics: Diagnostics,
}

impl Loader {
    fn fail(self) -> LoadFailure {
        LoadFailure {
            sources: self.sources,
            diagnostics: self.diagnostics.sorted(),
        }
    }

    /// Reads a file into the source map; a missing or unreadable file is a whole-file diagnostic.
    fn read(&mut self, path: &Path, hint_if_missing: String) -> Option<(FileId, String)> {
        let shown = shown_path(path);
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => Some((self.sources.add(shown, text.clone()), text)),
            Ok(Err(e)) => {
                self.not_utf8(shown, e);
                None
            }
            Err(e) => {
                let id = self.sources.add(shown.clone(), String::new());
                let d = if e.kind() == std::io::ErrorKind::NotFound {
                    Diagnostic::error(
                        whole(id),
                        "",
                        format!("`{}` does not exist", shown.display()),
                    )
                    .with_hint(hint_if_missing)
                } else {
                    Diagnostic::error(
                        whole(id),
                        "",
                        format!("cannot read `{}`: {}", shown.display(), io_reason(&e)),
                    )
                };
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// A file that is not UTF-8, reported at its first bad byte (line and column counted in
    /// the valid text before it), with the readable part kept for the snippet.
    fn not_utf8(&mut self, shown: PathBuf, e: std::string::FromUtf8Error) {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
        let byte = bytes[at];
        let id = self
            .sources
            .add(shown.clone(), String::from_utf8_lossy(&bytes).into_owned());
        self.diagnostics.push(
            Diagnostic::error(
                Loc {
                    file: id,
                    line,
                    col,
                },
                "",
                format!(
                    "`{}` is not UTF-8 text: byte 0x{byte:02x} here",
                    shown.display()
                ),
            )
            .with_hint("save the file as UTF-8"),
        );
    }

    /// Reads `environments/<env>.yaml` (or `.yml`), or reports the environment as unknown.
    fn find_env(&mut self, dir: &Path, env: &str) -> Option<(FileId, String)> {
        let known = match environments(dir) {
            Ok(known) => known,
            Err(e) => {
                let path = dir.join(ENVIRONMENTS_DIR);
                let id = self.sources.add(shown_path(&path), String::new());
                self.diagnostics
                    .push(Diagnostic::error(whole(id), "", e.to_string()));
                return None;
            }
        };
        let env_dir = dir.join(ENVIRONMENTS_DIR);
        let yaml = env_dir.join(format!("{env}.yaml"));
        if !known.iter().any(|k| k == env) {
            let id = self.sources.add(shown_path(&yaml), String::new());
            self.diagnostics
                .push(unknown_env(id, env, &known, &shown_path(&env_dir)));
            return None;
        }
        let yml = env_dir.join(format!("{env}.yml"));
        if yaml.is_file() && yml.is_file() {
            let id = self.sources.add(shown_path(&yml), String::new());
            let d = Diagnostic::error(
                whole(id),
                "",
                format!("environment `{env}` is defined twice"),
            )
            .with_hint(format!(
                "keep one of `{}` and `{}`",
                shown_path(&yaml).display(),
                shown_path(&yml).display()
            ));
            self.diagnostics.push(d);
            return None;
        }
        let path = if yaml.is_file() { yaml } else { yml };
        self.read(&path, String::new())
    }

    fn parse(&mut self, file: FileId, text: &str) -> Option<Sp<Node>> {
        let parsed = with_current_file(file, || node::parse(text));
        match parsed {
            Ok(tree) => Some(tree),
            Err(e) => {
                self.diagnostics.push(syntax_diagnostic(&e, file, text));
                None
            }
        }
    }

    fn check(&mut self, tree: &Sp<Node>, text: &str, lookup: &dyn Fn(&str) -> Option<String>) {
        self.diagnostics.extend(structure::check_project(tree));
        self.diagnostics
            .extend(interpolate::check_tree(tree, text, lookup));
    }

    /// The typed mirror. After the structural check passed this should not fail; if serde still
    /// disagrees, the problem is reported where serde found it rather than lost.
    fn deserialize(&mut self, file: FileId, text: &str) -> Option<RawProject> {
        let parsed = with_current_file(file, || {
            serde_saphyr::from_str_with_options::<Option<SpecFile>>(text, node::yaml_options())
        });
        match parsed {
            Ok(raw) => Some(raw.map(|f| f.0).unwrap_or_default()),
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map(|l| (l.line() as u32, l.column() as u32))
                    .unwrap_or((0, 0));
                let message = lowercase_first(&serde_saphyr_message(&e));
                self.diagnostics.push(Diagnostic::error(
                    Loc { file, line, col },
                    "",
                    format!("unexpected value: {message}"),
                ));
                None
            }
        }
    }
}

fn serde_saphyr_message(e: &serde_saphyr::Error) -> String {
    serde_saphyr::MessageFormatter::format_message(
        &serde_saphyr::DefaultMessageFormatter,
        e.without_snippet(),
    )
    .to_string()
}

/// A diagnostic about a whole file rather than a place in it.
fn whole(file: FileId) -> Loc {
    Loc {
        file,
        line: 0,
        col: 0,
    }
}

fn missing_project_hint(dir: &Path) -> String {
    let yml = dir.join("ecsctl.yml");
    if yml.is_file() {
        format!(
            "rename `{}` to `{PROJECT_FILE}`",
            shown_path(&yml).display()
        )
    } else {
        "run in a project directory or pass -C DIR".to_string()
    }
}

fn unknown_env(file: FileId, env: &str, known: &[String], env_dir: &Path) -> Diagnostic {
    let d = Diagnostic::error(whole(file), "", format!("unknown environment `{env}`"));
    if known.is_empty() {
        return d.with_hint(format!(
            "this project has no environments yet: create `{}/{env}.yaml`",
            env_dir.display()
        ));
    }
    let list = join_or(&ticked(known.iter().map(String::as_str)));
    match did_you_mean(env, known.iter().map(String::as_str)) {
        Some(close) => d.with_hint(format!("did you mean `{close}`? environments here: {list}")),
        None => d.with_hint(format!("environments here: {list}")),
    }
}

/// The application's name is the same everywhere: an environment may not rename it.
fn forbid_app(tree: &Sp<Node>, diagnostics: &mut Diagnostics) {
    let Node::Map(entries) = &tree.value else {
        return;
    };
    if let Some((key, _)) = entries.iter().find(|(k, _)| k.value == "app") {
        diagnostics.push(
            Diagnostic::error(key.loc, "app", "an environment file cannot set `app`").with_hint(
                format!(
                    "the application's name is set once, in `{PROJECT_FILE}`; remove this line"
                ),
            ),
        );
    }
}

/// A serde-saphyr error as our diagnostic: its location, and the parser's wording replaced by
/// ours where we know the case.
fn syntax_diagnostic(e: &serde_saphyr::Error, file: FileId, text: &str) -> Diagnostic {
    let (line, col) = e
        .location()
        .map(|l| (l.line() as u32, l.column() as u32))
        .unwrap_or((0, 0));
    let raw = serde_saphyr_message(e);
    let source_line = text
        .lines()
        .nth((line as usize).saturating_sub(1))
        .unwrap_or("");
    let loc = Loc { file, line, col };
    if raw.starts_with("tabs disallowed") {
        // serde-saphyr points after the tab; the caret belongs under it.
        let tab = source_line
            .chars()
            .take_while(|c| c.is_whitespace())
            .position(|c| c == '\t');
        let loc = Loc {
            col: tab.map_or(col, |at| at as u32 + 1),
            ..loc
        };
        return Diagnostic::error(
            loc,
            "",
            "found a tab character where indentation was expected",
        )
        .with_hint("YAML indents with spaces only");
    }
    let d = |message: String| Diagnostic::error(loc, "", message);
    if let Some(what) = raw.strip_prefix("budget breached: ") {
        // serde-saphyr's limits against runaway documents (spec::node::yaml_options).
        return Diagnostic::error(loc, "", "this file is too large for ecsctl to read")
            .with_hint(format!("a limit of the YAML reader was reached ({what}); split the project, or report it if the file is not unusually large"));
    }
    if raw == "unclosed quote" {
        return d("this quoted string is never closed".into())
            .with_hint("end it with the quote it starts with");
    }
    if let Some(rest) = raw.strip_prefix("unclosed bracket '") {
        let open = rest.trim_end_matches('\'');
        let close = if open == "[" { "]" } else { "}" };
        return d(format!("`{open}` is never closed"))
            .with_hint(format!("close it with `{close}`"));
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return d(format!("duplicate key `{key}`"))
            .with_hint("a key may appear only once in a mapping");
    }
    if raw.starts_with("multiple YAML documents") {
        return d("more than one YAML document in this file".into())
            .with_hint("a spec file is one document: remove the `---` separator");
    }
    if let Some(rest) = raw.strip_prefix("unexpected character: `") {
        let c = rest.trim_end_matches('\'');
        return d(format!("unexpected character `{c}`"))
            .with_hint(format!("quote a value that starts with `{c}`"));
    }
    if raw.contains("mapping values are not allowed") {
        return d("unexpected `:` here".into())
            .with_hint("check this line's indentation, or quote a value that contains `: `");
    }
    let message = lowercase_first(&raw);
    // `name: {app}-{env}`: the `{` opened a flow mapping, and the text after its `}` breaks it.
    let template_trap = source_line.contains(": {")
        && source_line
            .split('}')
            .skip(1)
            .any(|after| after.starts_with(|c: char| c.is_alphanumeric() || "-./:_".contains(c)));
    if template_trap {
        return d(format!("invalid YAML: {message}"))
            .with_hint("a value starting with `{` is a YAML mapping: quote name templates, e.g. `\"{app}-{env}\"`");
    }
    if raw.contains("did not find expected key") {
        return d("this line is not indented like the keys around it".into())
            .with_hint("indent every key of a mapping by the same number of spaces");
    }
    if raw.contains("unknown escape character") {
        return d("unknown escape sequence in a double-quoted string".into())
            .with_hint("use single quotes, or write `\\\\` for a backslash");
    }
    if raw.contains("unknown anchor") {
        return d("this alias refers to an anchor that is not defined".into())
            .with_hint("define the anchor first, e.g. `base: &base {...}`, then use `*base`");
    }
    d(format!("invalid YAML: {message}"))
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
        _ => lowercase_first(&e.to_string()),
    }
}

/// A path as the user should see it: relative to the current directory when it is inside it,
/// without `./` noise.
pub fn shown_path(path: &Path) -> PathBuf {
    if path.is_absolute() {
        let cwd = std::env::current_dir().ok();
        return match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
            Some(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
            _ => path.to_path_buf(),
        };
    }
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;

//! Diagnostics: problems found in the spec, each pointing at a file, line and column.
//!
//! Owns the `Diagnostic` value that spec loading and model validation produce, collected all at
//! once like Terraform's diagnostics, and its rendering as text (rustc style: message, location,
//! the source line with a caret, hint). Must not print: the CLI's `run` decides where and how.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::spec::span::{Loc, SourceMap};

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
        Diagnostic {
            severity: Severity::Error,
            loc,
            path: path.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(loc: Loc, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            loc,
            path: path.into(),
            message: message.into(),
            hint: None,
        }
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
            (a.loc.file, a.loc.line, a.loc.col, &a.message)
                .cmp(&(b.loc.file, b.loc.line, b.loc.col, &b.message))
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

/// Renders every diagnostic, rustc style, each followed by a blank line:
///
/// ```text
/// error: memory `4096` does not fit cpu `256` on Fargate
///   --> environments/prod.yaml:12:13 (services.api.memory)
///    |
/// 12 |     memory: 4096
///    |             ^^^^
///    = hint: 256 CPU allows 512, 1024 or 2048 MiB
/// ```
///
/// A built-in default has no snippet (`--> (built-in default) (path)`); a problem with a whole
/// file (line 0 of a known file, e.g. a missing one) names just the file. ANSI colours only when
/// `color` is true.
pub fn render(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&render_one(d, sources, color));
        out.push('\n');
    }
    out
}

/// One diagnostic as [`render`] shows it, ending with a newline.
pub fn render_one(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let paint = Paint {
        color,
        severity: d.severity,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint.label(),
        paint.styled(paint.message(), &format!(": {}", readable(&d.message)))
    );
    let path = if d.path.is_empty() {
        String::new()
    } else {
        format!(" ({})", readable(&d.path))
    };
    let file = sources
        .path(d.loc.file)
        .filter(|_| d.loc.file != Loc::BUILTIN.file);
    let snippet = file
        .and_then(|_| sources.line(d.loc))
        .filter(|_| d.loc.line > 0);
    let width = match snippet {
        Some(_) => d.loc.line.to_string().len(),
        None => 2,
    };
    let pad = " ".repeat(width);
    let arrow = paint.styled(paint.gutter(), "-->");
    let bar = paint.styled(paint.gutter(), "|");
    match (file, snippet) {
        (Some(file), Some(text)) => {
            let _ = writeln!(
                out,
                "{pad}{arrow} {}:{}:{}{path}",
                file.display(),
                d.loc.line,
                d.loc.col
            );
            let _ = writeln!(out, "{pad} {bar}");
            let number = paint.styled(paint.gutter(), &d.loc.line.to_string());
            let _ = writeln!(out, "{number} {bar} {text}", text = text.trim_end());
            let (indent, len) = caret_span(text, d.loc.col as usize);
            let carets = paint.styled(paint.caret(), &"^".repeat(len));
            let _ = writeln!(out, "{pad} {bar} {indent}{carets}");
        }
        (Some(file), None) if d.loc.line > 0 => {
            let _ = writeln!(
                out,
                "{pad}{arrow} {}:{}:{}{path}",
                file.display(),
                d.loc.line,
                d.loc.col
            );
        }
        (Some(file), None) => {
            let _ = writeln!(out, "{pad}{arrow} {}{path}", file.display());
        }
        (None, _) => {
            let _ = writeln!(out, "{pad}{arrow} (built-in default){path}");
        }
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(
            out,
            "{pad} {} {}",
            paint.styled(paint.gutter(), "= hint:"),
            readable(hint)
        );
    }
    out
}

/// The longest user value (text between backticks) a message shows whole, in characters.
const VALUE_MAX: usize = 80;

/// A message as it may reach a terminal: control characters from the spec escaped (`\n`,
/// `\u{1b}`), so a value cannot move the cursor or recolour the screen, and each value between
/// backticks longer than [`VALUE_MAX`] characters cut with an ellipsis, so one line stays one
/// readable line.
pub fn readable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let parts: Vec<&str> = text.split('`').collect();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_value = i % 2 == 1 && i + 1 < parts.len();
        let shown: String = if in_value && part.chars().count() > VALUE_MAX {
            let cut: String = part.chars().take(VALUE_MAX - 1).collect();
            format!("{cut}…")
        } else {
            part.to_string()
        };
        for c in shown.chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
    }
    out
}

/// The closing line after all diagnostics, e.g. `error: 3 problems in the spec`, or `None` when
/// there is nothing to report. Callers may append context such as `; nothing was changed`.
pub fn summary(diags: &Diagnostics, color: bool) -> Option<String> {
    let errors = diags.errors().count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let (severity, text) = match (errors, warnings) {
        (0, 0) => return None,
        (0, w) => (
            Severity::Warning,
            format!("{} in the spec", plural(w, "warning")),
        ),
        (e, 0) => (
            Severity::Error,
            format!("{} in the spec", plural(e, "problem")),
        ),
        (e, w) => (
            Severity::Error,
            format!(
                "{} and {} in the spec",
                plural(e, "problem"),
                plural(w, "warning")
            ),
        ),
    };
    let paint = Paint { color, severity };
    Some(format!(
        "{}{}",
        paint.label(),
        paint.styled(paint.message(), &format!(": {text}"))
    ))
}

/// Where the caret goes under `line` for a value at 1-based character column `col`: the
/// whitespace before it (tabs kept, so the caret lines up) and the length of the token there:
/// a quoted string with its quotes, a flow collection up to its closing bracket, a key up to its
/// colon, or a plain value up to a comment or the end of the line. At least one caret.
fn caret_span(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = col.saturating_sub(1).min(chars.len());
    let indent: String = chars[..start]
        .iter()
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    let rest = &chars[start..];
    let in_flow = chars[..start]
        .iter()
        .filter(|c| matches!(c, '[' | '{'))
        .count()
        > chars[..start]
            .iter()
            .filter(|c| matches!(c, ']' | '}'))
            .count();
    (indent, token_len(rest, in_flow).max(1))
}

fn token_len(rest: &[char], in_flow: bool) -> usize {
    match rest.first() {
        None => 0,
        Some(q @ ('"' | '\'')) => {
            let mut i = 1;
            while i < rest.len() {
                if rest[i] == '\\' && *q == '"' {
                    i += 2;
                    continue;
                }
                if rest[i] == *q {
                    return i + 1;
                }
                i += 1;
            }
            rest.len()
        }
        Some(open @ ('[' | '{')) => {
            let close = if *open == '[' { ']' } else { '}' };
            let mut depth = 0;
            for (i, c) in rest.iter().enumerate() {
                if c == open {
                    depth += 1;
                } else if *c == close {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
            }
            rest.len()
        }
        Some('-') if rest.get(1).is_none_or(|c| *c == ' ') => 1,
        // A `${VAR}` reference inside a value: just the reference.
        Some('$') if rest.get(1) == Some(&'{') => {
            let end = rest
                .iter()
                .position(|c| matches!(c, '}' | '"' | '\'') || c.is_whitespace());
            match end {
                Some(i) if rest[i] == '}' => i + 1,
                Some(i) => i,
                None => rest.len(),
            }
        }
        Some(c) if c.is_whitespace() => 1,
        Some(_) => {
            let mut end = rest.len();
            for i in 0..rest.len() {
                let next = rest.get(i + 1);
                let stop = match rest[i] {
                    ':' => {
                        next.is_none_or(|c| *c == ' ' || (in_flow && matches!(c, ',' | ']' | '}')))
                    }
                    '#' => i > 0 && rest[i - 1] == ' ',
                    ',' | ']' | '}' => in_flow,
                    _ => false,
                };
                if stop {
                    end = i;
                    break;
                }
            }
            rest[..end]
                .iter()
                .collect::<String>()
                .trim_end()
                .chars()
                .count()
        }
    }
}

/// Styles of one diagnostic; every method is a no-op without colour.
struct Paint {
    color: bool,
    severity: Severity,
}

impl Paint {
    fn accent(&self) -> Style {
        let color = match self.severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }

    fn label(&self) -> String {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        self.styled(self.accent(), word)
    }

    fn message(&self) -> Style {
        Style::new().bold()
    }

    fn gutter(&self) -> Style {
        Style::new().bold().fg_color(Some(AnsiColor::Blue.into()))
    }

    fn caret(&self) -> Style {
        self.accent()
    }

    fn styled(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn messages_escape_control_characters_and_cut_long_values() {
        assert_eq!(
            readable("value `a\nb\u{1b}[31m\tc` here"),
            "value `a\\nb\\u{1b}[31m\\tc` here"
        );
        let long = "x".repeat(200);
        let cut = readable(&format!("image `{long}` is bad, see `short`"));
        assert_eq!(
            cut,
            format!("image `{}…` is bad, see `short`", "x".repeat(79))
        );
        // An unpaired backtick is not a value: nothing after it is cut.
        assert_eq!(readable(&format!("a ` {long}")), format!("a ` {long}"));
    }
    use super::*;
    use crate::spec::span::FileId;
    use std::path::PathBuf;

    fn sources() -> (SourceMap, FileId) {
        let mut sources = SourceMap::default();
        let mut text = "# line\n".repeat(9);
        text.push_str(
            "services:\n  api:\n    memory: 4096\n    image: \"repo/api:${TAG\"  # comment\n",
        );
        text.push_str("    ports: [8080, \"x\"]\n    health: {cmd: x}\n");
        let id = sources.add(PathBuf::from("environments/prod.yaml"), text);
        (sources, id)
    }

    fn at(file: FileId, line: u32, col: u32) -> Loc {
        Loc { file, line, col }
    }

    #[test]
    fn renders_like_rustc() {
        let (sources, file) = sources();
        let d = Diagnostic::error(
            at(file, 12, 13),
            "services.api.memory",
            "memory `4096` does not fit cpu `256` on Fargate",
        )
        .with_hint("256 CPU allows 512, 1024 or 2048 MiB");
        let want = "\
error: memory `4096` does not fit cpu `256` on Fargate
  --> environments/prod.yaml:12:13 (services.api.memory)
   |
12 |     memory: 4096
   |             ^^^^
   = hint: 256 CPU allows 512, 1024 or 2048 MiB
";
        assert_eq!(render_one(&d, &sources, false), want);
    }

    #[test]
    fn caret_covers_the_token() {
        let (sources, file) = sources();
        let cases: &[(u32, u32, &str)] = &[
            (12, 5, "    ^^^^^^"),                   // a key stops at its colon
            (13, 12, "           ^^^^^^^^^^^^^^^^"), // a quoted string with its quotes
            (14, 12, "           ^^^^^^^^^^^"),      // a flow list to its bracket
            (14, 13, "            ^^^^"),            // an item inside it stops at the comma
            (14, 19, "                  ^^^"),       // a quoted item
            (15, 13, "            ^^^^^^^^"),        // a flow mapping
            (11, 7, "      ^"),                      // nothing after `api:`: one caret
        ];
        for (line, col, want) in cases {
            let d = Diagnostic::error(at(file, *line, *col), "", "m");
            let got = render_one(&d, &sources, false);
            let caret_line = got.lines().nth(4).unwrap();
            assert_eq!(caret_line, format!("   | {want}"), "{line}:{col}");
        }
    }

    #[test]
    fn warnings_builtins_and_whole_files() {
        let (sources, file) = sources();
        let warning = Diagnostic::warning(
            Loc::BUILTIN,
            "services.api.count",
            "desired count `0` runs nothing",
        )
        .with_hint("set `count` or remove the service");
        assert_eq!(
            render_one(&warning, &sources, false),
            "warning: desired count `0` runs nothing\n  --> (built-in default) (services.api.count)\n   = hint: set `count` or remove the service\n"
        );
        let missing = Diagnostic::error(at(file, 0, 0), "", "unknown environment `prdo`");
        assert_eq!(
            render_one(&missing, &sources, false),
            "error: unknown environment `prdo`\n  --> environments/prod.yaml\n"
        );
    }

    #[test]
    fn single_digit_lines_use_a_narrow_gutter() {
        let mut sources = SourceMap::default();
        let file = sources.add(
            PathBuf::from("ecsctl.yaml"),
            "app: x\ncapacity: spto\n".into(),
        );
        let d = Diagnostic::error(at(file, 2, 11), "capacity", "unknown value `spto`")
            .with_hint("did you mean `spot`?");
        let want = "error: unknown value `spto`\n --> ecsctl.yaml:2:11 (capacity)\n  |\n2 | capacity: spto\n  |           ^^^^\n  = hint: did you mean `spot`?\n";
        assert_eq!(render_one(&d, &sources, false), want);
    }

    #[test]
    fn tabs_in_the_line_keep_the_caret_aligned() {
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("ecsctl.yaml"), "a:\n\tb: 1\n".into());
        let d = Diagnostic::error(at(file, 2, 1), "", "tab");
        assert_eq!(
            render_one(&d, &sources, false).lines().nth(4).unwrap(),
            "  | ^"
        );
        let d = Diagnostic::error(at(file, 2, 5), "", "after tab");
        assert_eq!(
            render_one(&d, &sources, false).lines().nth(4).unwrap(),
            "  | \t   ^"
        );
    }

    #[test]
    fn render_separates_diagnostics_and_summary_counts() {
        let (sources, file) = sources();
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::error(at(file, 0, 0), "", "one"));
        diags.push(Diagnostic::warning(Loc::BUILTIN, "", "two"));
        assert_eq!(
            render(&diags, &sources, false),
            "error: one\n  --> environments/prod.yaml\n\nwarning: two\n  --> (built-in default)\n\n"
        );
        assert_eq!(
            summary(&diags, false).as_deref(),
            Some("error: 1 problem and 1 warning in the spec")
        );
        let mut errors = Diagnostics::default();
        for _ in 0..3 {
            errors.push(Diagnostic::error(at(file, 0, 0), "", "x"));
        }
        assert_eq!(
            summary(&errors, false).as_deref(),
            Some("error: 3 problems in the spec")
        );
        let mut warnings = Diagnostics::default();
        warnings.push(Diagnostic::warning(Loc::BUILTIN, "", "x"));
        assert_eq!(
            summary(&warnings, false).as_deref(),
            Some("warning: 1 warning in the spec")
        );
        assert_eq!(summary(&Diagnostics::default(), false), None);
    }

    #[test]
    fn colour_only_when_asked() {
        let (sources, file) = sources();
        let d = Diagnostic::error(at(file, 12, 13), "p", "m").with_hint("h");
        assert!(!render_one(&d, &sources, false).contains('\x1b'));
        let coloured = render_one(&d, &sources, true);
        assert!(
            coloured.starts_with("\x1b[1m\x1b[31merror\x1b[0m"),
            "{coloured:?}"
        );
        // Stripping the escapes gives back the plain text.
        let mut plain = String::new();
        let mut chars = coloured.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        assert_eq!(plain, render_one(&d, &sources, false));
    }
}

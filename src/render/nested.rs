//! The lines of one field change, with JSON documents (IAM policy statements, health-check
//! commands, capacity strategies, any list or object the diff hands over whole) shown as
//! nested elements, the way Terraform shows a policy change: objects by key, lists element by
//! element, each with its own `+`/`-`/`~`, and unchanged siblings summarised
//! (`# (3 unchanged elements hidden)`, as Terraform does:
//! https://github.com/hashicorp/terraform/issues/30811 shows its output,
//! https://github.com/hashicorp/terraform/issues/15662 why one JSON line is not reviewable).
//!
//! Owns the layout of a field's value; the human and markdown views only indent the lines and
//! pick colours. Must not change what a plan holds: this reads `FieldChange::before`/`after`
//! exactly as the JSON plan has them (docs/plan-json.md), so nothing is shown that the JSON
//! lacks.

use serde_json::Value;

use super::value_text;
use crate::plan::FieldChange;

/// A list or object added or removed whole stays on one line when that line (its nesting
/// indent, `key = ` and the value) is at most this long: `+ command = ["CMD","true"]`. A longer
/// one is expanded element by element, so no line of a plan carries a whole policy (they ran
/// to 765 characters). A changed one is always shown element by element.
pub const LINE_MAX: usize = 90;

/// What happens to one line's element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    Add,
    Remove,
    Change,
    /// Unchanged context: closing brackets and the "unchanged hidden" notes.
    Same,
}

impl Sym {
    pub fn as_str(self) -> &'static str {
        match self {
            Sym::Add => "+",
            Sym::Remove => "-",
            Sym::Change => "~",
            Sym::Same => " ",
        }
    }
}

/// One line of a field: its symbol, its nesting depth (0 = the field itself) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub sym: Sym,
    pub depth: usize,
    pub text: String,
}

/// Every line of one field change, the first being `path = …`.
pub fn field_lines(f: &FieldChange) -> Vec<Line> {
    let mut out = Vec::new();
    let head = format!("{} = ", f.path);
    match (&f.before, &f.after, f.after_unknown) {
        (Some(b), _, true) => push(
            &mut out,
            Sym::Change,
            0,
            format!("{head}{} -> (known after apply)", value_text(b)),
        ),
        (None, _, true) => push(&mut out, Sym::Add, 0, format!("{head}(known after apply)")),
        (Some(b), Some(a), false) => {
            changed(&mut out, 0, &head, "", b, a);
            // Two values the plan shows as equal (both hidden as `(sensitive value)`) but
            // reported as a change: element by element there would be nothing to see, so the
            // field says `before -> after` on one line, as it did before.
            if !out.iter().skip(1).any(|l| l.sym != Sym::Same) {
                out.clear();
                let text = format!("{head}{} -> {}", value_text(b), value_text(a));
                push(&mut out, Sym::Change, 0, text);
            }
        }
        (None, Some(a), false) => whole(&mut out, Sym::Add, 0, &head, "", a),
        (Some(b), None, false) => whole(&mut out, Sym::Remove, 0, &head, "", b),
        (None, None, false) => push(&mut out, Sym::Change, 0, format!("{head}null")),
    }
    out
}

fn push(out: &mut Vec<Line>, sym: Sym, depth: usize, text: String) {
    out.push(Line { sym, depth, text });
}

fn brackets(v: &Value) -> Option<(&'static str, &'static str)> {
    match v {
        Value::Array(a) if !a.is_empty() => Some(("[", "]")),
        Value::Object(m) if !m.is_empty() => Some(("{", "}")),
        _ => None,
    }
}

/// Both values are lists, or both objects, so they can be compared element by element.
fn same_shape(b: &Value, a: &Value) -> bool {
    matches!(
        (b, a),
        (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_))
    )
}

/// A key as a reader writes it: bare when it is a plain word, quoted otherwise.
fn key_text(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

/// Whether a whole value stays on its line: it fits in `LINE_MAX`, or it is a list or object
/// of one element that itself stays on one line (expanding it would only add two bracket lines
/// around the same text: `Resource = ["arn:aws:logs:…:*"]`).
fn inline(depth: usize, head: &str, v: &Value) -> bool {
    let fits = 4 * depth + head.chars().count() + value_text(v).chars().count() <= LINE_MAX;
    let only = match v {
        Value::Array(items) if items.len() == 1 => Some(&items[0]),
        Value::Object(m) if m.len() == 1 => m.values().next(),
        _ => None,
    };
    fits || only.is_some_and(|e| brackets(e).is_none() || inline(depth + 1, "", e))
}

/// A value added or removed whole: one line when short, else every element under the symbol.
fn whole(out: &mut Vec<Line>, sym: Sym, depth: usize, head: &str, tail: &str, v: &Value) {
    let text = value_text(v);
    let Some((open, close)) = brackets(v).filter(|_| !inline(depth, head, v)) else {
        push(out, sym, depth, format!("{head}{text}{tail}"));
        return;
    };
    push(out, sym, depth, format!("{head}{open}"));
    match v {
        Value::Array(items) => {
            for item in items {
                whole(out, sym, depth + 1, "", ",", item);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                whole(
                    out,
                    sym,
                    depth + 1,
                    &format!("{} = ", key_text(k)),
                    "",
                    item,
                );
            }
        }
        _ => unreachable!("brackets() is Some only for lists and objects"),
    }
    push(out, Sym::Same, depth, format!("{close}{tail}"));
}

/// A value present on both sides that differs.
fn changed(out: &mut Vec<Line>, depth: usize, head: &str, tail: &str, b: &Value, a: &Value) {
    changed_in(out, depth, head, tail, b, a, Unchanged::Count);
}

/// What a changed object does with its unchanged attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unchanged {
    /// Counted in one `# (N unchanged attributes hidden)` line.
    Count,
    /// Shown as context: an element of a list has no name of its own, so its unchanged
    /// attributes (a statement's `Effect`, `Resource`, `Sid`) are what tells a reviewer which
    /// element changed. Terraform hides them and reviewers asked for them back
    /// (https://github.com/hashicorp/terraform/issues/33207).
    Show,
}

fn changed_in(
    out: &mut Vec<Line>,
    depth: usize,
    head: &str,
    tail: &str,
    b: &Value,
    a: &Value,
    unchanged: Unchanged,
) {
    if !same_shape(b, a) {
        let text = format!("{head}{} -> {}{tail}", value_text(b), value_text(a));
        push(out, Sym::Change, depth, text);
        return;
    }
    match (b, a) {
        (Value::Object(bm), Value::Object(am)) => {
            push(out, Sym::Change, depth, format!("{head}{{"));
            object(out, depth + 1, bm, am, unchanged);
            push(out, Sym::Same, depth, format!("}}{tail}"));
        }
        (Value::Array(bl), Value::Array(al)) => {
            push(out, Sym::Change, depth, format!("{head}["));
            list(out, depth + 1, bl, al);
            push(out, Sym::Same, depth, format!("]{tail}"));
        }
        _ => unreachable!("same_shape() holds only for two lists or two objects"),
    }
}

/// Objects by key, in the after side's order then removed keys; unchanged keys counted once
/// or shown as context.
fn object(
    out: &mut Vec<Line>,
    depth: usize,
    b: &serde_json::Map<String, Value>,
    a: &serde_json::Map<String, Value>,
    show: Unchanged,
) {
    let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    let mut unchanged = 0;
    for k in keys {
        let head = format!("{} = ", key_text(k));
        match (b.get(k), a.get(k)) {
            (Some(x), Some(y)) if x == y && show == Unchanged::Show => {
                whole(out, Sym::Same, depth, &head, "", y)
            }
            (Some(x), Some(y)) if x == y => unchanged += 1,
            (Some(x), Some(y)) => changed(out, depth, &head, "", x, y),
            (None, Some(y)) => whole(out, Sym::Add, depth, &head, "", y),
            (Some(x), None) => whole(out, Sym::Remove, depth, &head, "", x),
            (None, None) => {}
        }
    }
    hidden(out, depth, unchanged, "attribute");
}

fn hidden(out: &mut Vec<Line>, depth: usize, n: usize, what: &str) {
    if n > 0 {
        let s = if n == 1 { "" } else { "s" };
        push(
            out,
            Sym::Same,
            depth,
            format!("# ({n} unchanged {what}{s} hidden)"),
        );
    }
}

/// One step of the alignment of two lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Keep,
    Remove(usize),
    Add(usize),
}

/// The longest common subsequence of two lists as a script of keeps, removals and additions
/// (removals first within a gap). The lists in a plan are short (statements, actions, a
/// command), so the quadratic table is fine.
fn align(b: &[Value], a: &[Value]) -> Vec<Op> {
    let (n, m) = (b.len(), a.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if b[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && b[i] == a[j] {
            ops.push(Op::Keep);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Remove(i));
            i += 1;
        } else {
            ops.push(Op::Add(j));
            j += 1;
        }
    }
    ops
}

/// Lists element by element: kept runs are counted, and within a gap a removed and an added
/// element of the same shape at the same position are one changed element (`~ {`), as a
/// statement that gained an action is one statement that changed, not one removed and one added.
fn list(out: &mut Vec<Line>, depth: usize, b: &[Value], a: &[Value]) {
    let ops = align(b, a);
    let mut k = 0;
    while k < ops.len() {
        let kept = ops[k..].iter().take_while(|o| **o == Op::Keep).count();
        if kept > 0 {
            hidden(out, depth, kept, "element");
            k += kept;
            continue;
        }
        let gap: Vec<Op> = ops[k..]
            .iter()
            .copied()
            .take_while(|o| *o != Op::Keep)
            .collect();
        k += gap.len();
        let removed: Vec<&Value> = gap
            .iter()
            .filter_map(|o| {
                if let Op::Remove(i) = o {
                    Some(&b[*i])
                } else {
                    None
                }
            })
            .collect();
        let added: Vec<&Value> = gap
            .iter()
            .filter_map(|o| {
                if let Op::Add(j) = o {
                    Some(&a[*j])
                } else {
                    None
                }
            })
            .collect();
        let paired: Vec<bool> = (0..removed.len().min(added.len()))
            .map(|p| same_shape(removed[p], added[p]))
            .collect();
        for (p, _) in paired.iter().enumerate().filter(|(_, pair)| **pair) {
            changed_in(out, depth, "", ",", removed[p], added[p], Unchanged::Show);
        }
        let alone = |p: &usize| !paired.get(*p).copied().unwrap_or(false);
        for p in (0..removed.len()).filter(alone) {
            whole(out, Sym::Remove, depth, "", ",", removed[p]);
        }
        for p in (0..added.len()).filter(alone) {
            whole(out, Sym::Add, depth, "", ",", added[p]);
        }
    }
}

#[cfg(test)]
#[path = "nested_tests.rs"]
mod tests;

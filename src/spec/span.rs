//! Source locations for spec values.
//!
//! Owns `Sp<T>` (a value plus the file, line and column it came from) and the source map that
//! names files. Every later error can point at `file:line:column` because raw spec values are
//! wrapped in `Sp`. Must not know anything about the meaning of the spec.

use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// Where a value was written: file, 1-based line and column. Line 0 means "not from a file"
/// (a built-in default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
}

impl Loc {
    /// A location for values that come from ecsctl's built-in defaults, not from a file.
    pub const BUILTIN: Loc = Loc {
        file: FileId(u32::MAX),
        line: 0,
        col: 0,
    };

    pub fn is_builtin(&self) -> bool {
        self.line == 0
    }

    /// The first line of `ecsctl.yaml` (always the first file read, `spec::load`): where a
    /// problem with no value of its own to point at (a missing `app:`) is shown, rather than at
    /// no line at all.
    pub const PROJECT_START: Loc = Loc {
        file: FileId(0),
        line: 1,
        col: 1,
    };
}

/// A value with the location it was read from.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Sp<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Sp { value, loc }
    }

    /// A value that no file wrote (a default); errors about it point at the enclosing key.
    pub fn builtin(value: T) -> Self {
        Sp {
            value,
            loc: Loc::BUILTIN,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sp<U> {
        Sp {
            value: f(self.value),
            loc: self.loc,
        }
    }

    pub fn as_ref(&self) -> Sp<&T> {
        Sp {
            value: &self.value,
            loc: self.loc,
        }
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    /// Locations never take part in equality: two files saying the same thing agree.
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: fmt::Display> fmt::Display for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

thread_local! {
    /// The file being deserialised on this thread. serde-saphyr's `Spanned` knows line and
    /// column but not which of our files it is reading; `spec::load` sets this around each
    /// parse so every `Sp` records its file without threading state through serde.
    static CURRENT_FILE: Cell<FileId> = const { Cell::new(FileId(0)) };
}

/// Runs `f` with `file` recorded as the file every `Sp` deserialised inside it came from.
pub fn with_current_file<R>(file: FileId, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT_FILE.with(|c| c.replace(file));
    let out = f();
    CURRENT_FILE.with(|c| c.set(previous));
    out
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `Strict`: a quoted number is a string, never an integer (spec::strict).
        let spanned = serde_saphyr::Spanned::<super::strict::Strict<T>>::deserialize(deserializer)?;
        let file = CURRENT_FILE.with(|c| c.get());
        Ok(Sp {
            value: spanned.value.0,
            loc: Loc {
                file,
                line: spanned.referenced.line() as u32,
                col: spanned.referenced.column() as u32,
            },
        })
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// One loaded spec file: its path as the user should see it, and its text for snippets.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of each line's start, built on the first snippet: finding line N by
    /// scanning the text each time made reporting many diagnostics quadratic.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < self.text.len())
                .collect()
        });
        let at = *starts.get(line.checked_sub(1)? as usize)?;
        let rest = &self.text[at..];
        let end = rest.find('\n').unwrap_or(rest.len());
        Some(rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]))
    }
}

/// All files read for one command, so diagnostics can quote the line they point at.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile {
            path,
            text,
            line_starts: Default::default(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.get(id).map(|f| f.path.as_path())
    }

    /// The text of a 1-based line, without its newline.
    pub fn line(&self, loc: Loc) -> Option<&str> {
        self.get(loc.file)?.line(loc.line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_by_number_as_str_lines_gives_them() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\nc\n", "x\n\n"] {
            let mut map = SourceMap::default();
            let id = map.add(PathBuf::from("f"), text.to_string());
            let file = map.get(id).unwrap();
            let want: Vec<&str> = text.lines().collect();
            let got: Vec<&str> = (1..=want.len() as u32 + 1)
                .map_while(|n| file.line(n))
                .collect();
            assert_eq!(got, want, "{text:?}");
            assert_eq!(file.line(0), None);
        }
    }
}

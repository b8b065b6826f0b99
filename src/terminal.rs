//! What the terminal on stderr can show: whether it takes escape codes at all, how wide it is,
//! and lines cut to that width.
//!
//! Owns the `TERM=dumb` rule and the display-width arithmetic. Must not print or decide what
//! is shown: the colour decision (`cli::output`) and the live progress display
//! (`apply::reporter`) ask it.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthChar;

/// `TERM=dumb` names a terminal without cursor movement or colour (Emacs shell buffers, some
/// CI runners that allocate a pty): it gets plain lines and no escape codes. Common practice
/// rather than a standard: anstyle-query's `term_supports_color` (the crate clap uses) and
/// e.g. the_silver_searcher (https://github.com/ggreer/the_silver_searcher/pull/1332) do the
/// same; https://en.wikipedia.org/wiki/Computer_terminal#Dumb_terminals.
pub fn is_dumb(term: Option<&str>) -> bool {
    term == Some("dumb")
}

/// Whether stderr is a terminal that understands escape codes (a live display, colour).
pub fn stderr_is_capable() -> bool {
    std::io::stderr().is_terminal() && !is_dumb(std::env::var("TERM").ok().as_deref())
}

/// The width of the terminal on stderr in columns, if it has one (TIOCGWINSZ). Read on every
/// redraw, so a resized window is followed.
pub fn stderr_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stderr())
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w > 0)
}

/// The length of an escape sequence starting at `s` (which starts with ESC): CSI sequences
/// (`ESC [ … final`, colours and cursor movement) up to their final byte, otherwise ESC and
/// the next character. https://en.wikipedia.org/wiki/ANSI_escape_code#CSI_(Control_Sequence_Introducer)_sequences
fn escape_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'[') {
        match bytes[2..].iter().position(|b| (0x40..=0x7e).contains(b)) {
            Some(end) => 2 + end + 1,
            None => s.len(),
        }
    } else {
        1 + s[1..].chars().next().map_or(0, char::len_utf8)
    }
}

/// Columns `line` takes on a terminal: escape sequences take none, wide characters two.
pub fn display_width(line: &str) -> usize {
    let mut width = 0;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' {
            rest = &rest[escape_len(rest)..];
            continue;
        }
        width += c.width().unwrap_or(0);
        rest = &rest[c.len_utf8()..];
    }
    width
}

/// `line` cut to at most `width` columns, ending in `…` when cut. Escape sequences are kept
/// whole (never cut in half, which would leave the terminal in a colour or mode), and a cut
/// line that had any ends with a reset, so a colour opened before the cut does not leak.
pub fn clip(line: &str, width: usize) -> String {
    if display_width(line) <= width {
        return line.to_string();
    }
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    let mut styled = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' {
            let n = escape_len(rest);
            out.push_str(&rest[..n]);
            styled = true;
            rest = &rest[n..];
            continue;
        }
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
        rest = &rest[c.len_utf8()..];
    }
    if width > 0 {
        out.push('…');
    }
    if styled {
        out.push_str("\x1b[0m");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_counts_columns_not_bytes() {
        let cases = [
            ("plain", 5),
            ("  ✓ api: 2/2 running", 20),
            ("\x1b[32m✓\x1b[0m api", 5),
            ("日本", 4),
            ("", 0),
        ];
        for (line, want) in cases {
            assert_eq!(display_width(line), want, "{line:?}");
        }
    }

    #[test]
    fn clip_cuts_to_the_width_and_keeps_escapes_whole() {
        let cases = [
            ("short", 10, "short"),
            ("exactly10!", 10, "exactly10!"),
            ("eleven cols", 10, "eleven co…"),
            ("日本語テキスト", 7, "日本語…"),
            (
                "  \x1b[32m✓\x1b[0m service-with-a-long-name: 2/2",
                12,
                "  \x1b[32m✓\x1b[0m service…\x1b[0m",
            ),
            // Cut inside the coloured part: the colour is closed.
            (
                "\x1b[1;31mfailed badly\x1b[0m",
                6,
                "\x1b[1;31mfaile…\x1b[0m",
            ),
        ];
        for (line, width, want) in cases {
            let got = clip(line, width);
            assert_eq!(got, want, "{line:?} at {width}");
            assert!(display_width(&got) <= width, "{got:?}");
        }
    }

    #[test]
    fn dumb_is_only_dumb() {
        assert!(is_dumb(Some("dumb")));
        assert!(!is_dumb(Some("xterm-256color")));
        assert!(!is_dumb(None));
    }
}

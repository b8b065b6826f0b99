//! The README's two commands on a minimal machine: `scripts/prerequisites` names everything
//! `scripts/demo` and `scripts/test` need before they install or build anything.
//!
//! Each test copies the script into a fresh root (so the checkout's own `.venv/` does not
//! count) and runs it with a PATH made of links to a few real tools plus stubs.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn which(tool: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{tool}` is not on PATH; these tests need it"))
}

struct Machine {
    root: tempfile::TempDir,
}

impl Machine {
    /// A root with scripts/prerequisites and a bin/ holding only bash and dirname.
    fn minimal() -> Machine {
        let root = tempfile::tempdir().unwrap();
        let scripts = root.path().join("scripts");
        std::fs::create_dir_all(&scripts).unwrap();
        std::fs::create_dir_all(root.path().join("bin")).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/prerequisites");
        std::fs::copy(script, scripts.join("prerequisites")).unwrap();
        let m = Machine { root };
        m.link(&["bash", "dirname"]);
        m
    }

    fn link(&self, tools: &[&str]) {
        for tool in tools {
            symlink(which(tool), self.root.path().join("bin").join(tool)).unwrap();
        }
    }

    fn stub(&self, name: &str, body: &str) {
        let path = self.root.path().join("bin").join(name);
        std::fs::write(&path, format!("#!{}\n{body}\n", which("bash").display())).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn run(&self, what: &str) -> Output {
        Command::new(which("bash"))
            .arg(self.root.path().join("scripts/prerequisites"))
            .arg(what)
            .env_clear()
            .env("PATH", self.root.path().join("bin"))
            .output()
            .unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What `scripts/prerequisites test` looks for, Python aside.
const EVERYTHING_BUT_PYTHON: &[&str] = &[
    "cargo",
    "rustc",
    "cc",
    "sha256sum",
    "mktemp",
    "awk",
    "curl",
    "tar",
    "jq",
    "groff",
];

#[test]
fn prerequisites_name_everything_missing_at_once() {
    let m = Machine::minimal();
    let out = m.run("demo");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "demo: this machine lacks what `scripts/demo` needs:\n\
         \x20 - `cargo` not found; install Rust 1.95 or newer (https://rustup.rs)\n\
         \x20 - `cc` not found; install a C compiler (Debian/Ubuntu: `apt-get install gcc`; Fedora: `dnf install gcc`; macOS: `xcode-select --install`)\n\
         \x20 - `sha256sum` not found; install GNU coreutils (macOS: `brew install coreutils`)\n\
         \x20 - `mktemp` not found; install GNU coreutils\n\
         \x20 - `mkfifo` not found; install GNU coreutils\n\
         \x20 - `python3` not found; install Python 3.9 or newer with its venv module (Debian/Ubuntu: `apt-get install python3 python3-venv`) or set PYTHON\n"
    );
    // The tests also run the release and action scripts, and check the man pages.
    let out = m.run("test");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "  - `mktemp` not found; install GNU coreutils\n\
             \x20 - `curl` not found; install curl (Debian/Ubuntu: `apt-get install curl`)\n\
             \x20 - `tar` not found; install tar\n\
             \x20 - `jq` not found; install jq (Debian/Ubuntu: `apt-get install jq`; macOS: `brew install jq`)\n\
             \x20 - `groff` not found; install groff (Debian/Ubuntu: `apt-get install groff-base`; macOS: `brew install groff`)\n\
             \x20 - `python3` not found"
        ),
        "{}",
        stderr(&out)
    );
}

/// Debian and Ubuntu ship `ensurepip` in python3-venv: without it `python3 -m venv` fails
/// halfway through `scripts/emulator-install`, after the build.
#[test]
fn prerequisites_name_a_python_without_its_venv_module() {
    let m = Machine::minimal();
    m.link(EVERYTHING_BUT_PYTHON);
    // The interpreter itself, not a wrapper such as a pyenv shim that needs a full PATH.
    let python = Command::new(which("python3"))
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    let python = PathBuf::from(String::from_utf8(python.stdout).unwrap().trim());
    m.stub(
        "python3",
        &format!(
            "case \"$2\" in *ensurepip*) echo 'No module named ensurepip' >&2; exit 1;; esac\n\
             exec {} \"$@\"",
            python.display()
        ),
    );
    let out = m.run("test");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let version = Command::new(&python)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .unwrap();
    let version = String::from_utf8(version.stdout).unwrap();
    assert_eq!(
        stderr(&out),
        format!(
            "test: this machine lacks what `scripts/test` needs:\n\
             \x20 - `python3` (Python {}) has no working venv module; install it (Debian/Ubuntu: `apt-get install python3-venv`)\n",
            version.trim()
        )
    );
}

#[test]
fn prerequisites_name_a_python_too_old_for_the_emulator() {
    let m = Machine::minimal();
    m.link(EVERYTHING_BUT_PYTHON);
    m.stub(
        "python3",
        "case \"$2\" in *print*) echo 3.8;; *) exit 1;; esac",
    );
    let out = m.run("test");
    assert_eq!(
        stderr(&out),
        "test: this machine lacks what `scripts/test` needs:\n\
         \x20 - `python3` is Python 3.8; the emulator needs Python 3.9 or newer (set PYTHON to a newer one)\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The machine that runs this suite has everything, so the check passes and prints nothing.
#[test]
fn prerequisites_pass_on_this_machine() {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/prerequisites"))
        .arg("demo")
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "");
    assert!(out.status.success());
}

/// `bc` is not on a minimal machine; the demo timed its steps with it.
#[test]
fn readme_scripts_never_call_bc() {
    for script in [
        "scripts/demo",
        "scripts/test",
        "scripts/emulator",
        "scripts/emulator-install",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(script)).unwrap();
        let calls: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter(|l| {
                l.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == "bc")
            })
            .collect();
        assert!(calls.is_empty(), "{script} calls bc: {calls:?}");
    }
}

//! A pseudo-terminal for tests that need ecsctl to see a real terminal: the `yes` prompt,
//! `--color auto`, the live progress display. Shared by the cli and emulator test binaries
//! (`#[path = "../pty/mod.rs"] mod pty;`).
//!
//! Opens a pty pair with `openpty(3)` (libc, already in the dependency tree through tokio) at
//! a given size, runs the command with the pty as its stdin and stderr (stdout stays a pipe
//! unless the test asks for the pty there too), and collects what it writes in a thread. No
//! external tool (`script`, `expect`) is needed, so nothing is ever skipped for lack of one.
//! Must not interpret escape codes beyond what the assertions need (`rows`).
#![allow(dead_code)] // each test binary uses part of it

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running command on a pseudo-terminal.
pub struct Pty {
    master: File,
    child: Child,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    stdout: Option<JoinHandle<Vec<u8>>>,
}

/// What the command left: its status, everything written to the terminal (escape codes and
/// `\r\n` line ends included) and its stdout when that was a pipe.
pub struct Finished {
    pub status: ExitStatus,
    pub terminal: String,
    pub stdout: String,
}

/// Where the command's stdout goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stdout {
    Pipe,
    Terminal,
}

fn open(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the ints; name and termios may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

impl Pty {
    /// Starts `cmd` on a new `cols`×`rows` terminal.
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16, stdout: Stdout) -> Pty {
        let (master, slave) = open(cols, rows);
        let dup = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup pty"));
        cmd.stdin(dup(&slave)).stderr(dup(&slave));
        match stdout {
            Stdout::Terminal => cmd.stdout(dup(&slave)),
            Stdout::Pipe => cmd.stdout(Stdio::piped()),
        };
        let mut child = cmd.spawn().expect("spawn under a pty");
        // Only the child may hold the terminal side: reads on the master end (EIO) once it exits.
        drop(cmd);
        drop(slave);
        let out = child.stdout.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                buf
            })
        });
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let mut master = master.try_clone().expect("dup master");
            let screen = Arc::clone(&screen);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // Linux answers EIO once no process holds the terminal side: that is the end.
                while let Ok(n) = master.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    screen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        Pty {
            master,
            child,
            screen,
            reader: Some(reader),
            stdout: out,
        }
    }

    /// Everything written to the terminal so far.
    pub fn terminal(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the terminal shows `needle`; panics with what it shows after `timeout`.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.terminal().contains(needle) {
            if Instant::now() > deadline || matches!(self.child.try_wait(), Ok(Some(_))) {
                // One last look: the text may have arrived with the exit.
                std::thread::sleep(Duration::from_millis(50));
                assert!(
                    self.terminal().contains(needle),
                    "the terminal never showed {needle:?}:\n{}",
                    self.terminal()
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` (include the `\n` for Enter).
    pub fn type_text(&mut self, text: &str) {
        self.master
            .write_all(text.as_bytes())
            .expect("write to pty");
    }

    /// Sends SIGINT, as Ctrl-C would (the pty is not the child's controlling terminal, so
    /// typing `\x03` would not).
    pub fn interrupt(&self) {
        // SAFETY: kill(2) on the child's own pid, which this Pty has not yet waited for.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
    }

    /// Waits for the command to exit (killing it after `timeout`) and collects its output.
    pub fn finish(mut self, timeout: Duration) -> Finished {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "still running after {timeout:?}; terminal:\n{}",
                    self.terminal()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let stdout = self
            .stdout
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        Finished {
            status,
            terminal: self.terminal(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
        }
    }
}

/// The rows a terminal would show for `text`, without escape sequences: text is split at
/// `\n` and at `\r` (a carriage return starts the row again). Enough to check that no row is
/// wider than the terminal; not a terminal emulator.
pub fn rows(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            plain.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            // CSI: parameters, then one final byte in @..~
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    plain
        .split(['\n', '\r'])
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// Columns of one row: every char counts one except the wide ones the display uses (none of
/// ecsctl's own text is wider; `✓` and `…` are one column each).
pub fn columns(row: &str) -> usize {
    row.chars().count()
}

//! The README's CLI examples run as written: every `tapid …` line of the "Using the CLI" block
//! is run with this build's binary, in order, and must exit 0. They run in a scratch directory
//! (so the files they write land there), with their repository-relative paths (`fixtures/`,
//! `../shared/conformance`) pointed at the checkout. Lines that need a PC/SC reader or run a
//! server are left to the pcscd tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::Command;

use tapid_test_support::conformance::{conformance_dir, workspace_root};

/// The shell lines of the first ```sh block after the "## Using the CLI" heading, with the
/// exit code each must end with: 0, or the `exit N` its comment names.
fn examples() -> Vec<(String, i32)> {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## Using the CLI")
        .nth(1)
        .expect("README has a 'Using the CLI' section");
    let block = section
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section has a sh block");
    block
        .lines()
        .filter_map(|l| {
            let (cmd, comment) = l.split_once(" #").unwrap_or((l, ""));
            let cmd = cmd.trim();
            let code = comment
                .split("exit ")
                .nth(1)
                .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            cmd.starts_with("tapid ").then(|| (cmd.to_owned(), code))
        })
        .collect()
}

/// Splits a line into words, honouring single quotes (the README quotes QR payloads).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn every_example_runs_as_written() {
    let root = workspace_root().canonicalize().unwrap();
    // The conformance data directory the examples' `../shared/conformance` stands for.
    let Some(conformance) = conformance_dir() else {
        return;
    };
    let conformance = conformance.display().to_string();
    let scratch = tempfile::tempdir().unwrap();
    let lines = examples();
    assert!(lines.len() >= 10, "{lines:?}");
    for (line, code) in lines {
        // Needs pcscd with the virtual reader (covered by the pcsc_* tests), or serves forever.
        if line.contains("--reader")
            || line.starts_with("tapid readers")
            || line.contains("--vpcd")
            || line.ends_with('&')
        {
            continue;
        }
        let args: Vec<String> = words(&line)
            .into_iter()
            .map(|w| {
                w.replace("../shared/conformance", &conformance)
                    .replace("fixtures/", &format!("{}/fixtures/", root.display()))
            })
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_tapid"))
            .args(&args[1..])
            .current_dir(scratch.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "`{line}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

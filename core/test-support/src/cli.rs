//! Running the `tapid` binary as a user runs it. The binary's path is the calling test's
//! `env!("CARGO_BIN_EXE_tapid")` (Cargo sets it for tapid-cli's own tests only).

use std::process::{Child, Command, Output};

/// [`crate::PINNED_AT`] as `tapid … --at` takes it.
pub const PINNED_AT: &str = "1800000000";

/// `args` with `--at` [`PINNED_AT`] added when the command verifies a passport (`read`,
/// `replay`, `verify`) and neither gives its own `--at` nor asks for `--help`: no test then
/// depends on the machine's clock.
pub fn pinned<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    let verifies = matches!(args.first(), Some(&"read" | &"replay" | &"verify"));
    if verifies && !args.contains(&"--at") && !args.contains(&"--help") {
        out.extend(["--at", PINNED_AT]);
    }
    out
}

/// Runs `bin` with `args` to its end: the exit code (-1 when a signal ended it), stdout and
/// stderr. Fails the test when the binary cannot be started or writes anything but UTF-8.
pub fn run(bin: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// [`run`] with the verification time [`pinned`].
pub fn run_pinned(bin: &str, args: &[&str]) -> (i32, String, String) {
    run(bin, &pinned(args))
}

/// A child process (say `tapid emulate --vpcd`) that is killed and waited for when dropped, so
/// that a failing test leaves nothing running.
#[derive(Debug)]
pub struct ChildGuard(Option<Child>);

impl ChildGuard {
    /// Guards `child`.
    pub fn new(child: Child) -> Self {
        Self(Some(child))
    }

    /// Stops it with SIGTERM, as a user or CI would, and returns its output (what it was
    /// spawned to capture).
    pub fn terminate(mut self) -> Output {
        let child = self.0.take().expect("the child is guarded until now");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {}: {status}", child.id());
        child.wait_with_output().expect("the child's output")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_is_the_pinned_time() {
        assert_eq!(PINNED_AT.parse::<i64>().unwrap(), crate::PINNED_AT);
    }

    #[test]
    fn only_verifying_commands_without_their_own_time_are_pinned() {
        assert_eq!(
            pinned(&["read", "--emulator", "bac"]),
            ["read", "--emulator", "bac", "--at", PINNED_AT]
        );
        assert_eq!(pinned(&["verify", "--at", "0"]), ["verify", "--at", "0"]);
        assert_eq!(pinned(&["read", "--help"]), ["read", "--help"]);
        assert_eq!(
            pinned(&["emulate", "--list-profiles"]),
            ["emulate", "--list-profiles"]
        );
    }
}

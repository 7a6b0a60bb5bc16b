//! End-to-end tests of the identity command groups through the built `tapid` binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::process::{Command, Output};

fn tapid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tapid"))
        .args(args)
        .output()
        .expect("run tapid")
}

fn ok(args: &[&str]) -> String {
    let out = tapid(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

fn fails(args: &[&str]) -> String {
    let out = tapid(args);
    assert!(!out.status.success(), "{args:?} unexpectedly succeeded");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one-line error expected: {err}"
    );
    err
}

const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";
const K32: &str = "3132333435363738393031323334353637383930313233343536373839303132";

#[test]
fn qr_generate_reproduces_the_official_vector() {
    assert_eq!(
        ok(&[
            "qr", "generate", "--token", TOKEN, "--secret", SECRET, "--time", "0"
        ]),
        "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
    );
    let t1 = ok(&[
        "qr", "generate", "--token", TOKEN, "--secret", SECRET, "--time", "1",
    ]);
    assert!(t1.ends_with(".1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"));
    fails(&[
        "qr",
        "generate",
        "--token",
        "NOT-A-TOKEN",
        "--secret",
        SECRET,
        "--time",
        "0",
    ]);
}

#[test]
fn qr_parse_human_and_json() {
    let payload = ok(&[
        "qr", "generate", "--token", TOKEN, "--secret", SECRET, "--time", "2",
    ]);
    let human = ok(&["qr", "parse", &payload]);
    assert!(human.contains(&format!("qrStartToken: {TOKEN}")));
    assert!(human.contains("time: 2"));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["qr", "parse", &payload, "--json"])).unwrap();
    assert_eq!(json["qrStartToken"], TOKEN);
    assert_eq!(json["time"], 2);
    assert_eq!(
        json["qrAuthCode"],
        "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3"
    );
    let err = fails(&["qr", "parse", "https://example.com/"]);
    assert!(err.contains("not an identification QR code"), "{err}");
    fails(&["qr", "parse", "bankid.x.1.y"]);
}

#[test]
fn autostart_build_and_parse() {
    let token = "46f6aa68-5520-4a3b-9a05-5b8f6d3c4e21";
    let ios = ok(&[
        "autostart",
        "build",
        "--token",
        token,
        "--platform",
        "ios",
        "--redirect",
        "https://rp.example/back",
    ]);
    assert_eq!(
        ios,
        format!(
            "https://app.bankid.com/?autostarttoken={token}&redirect=https%3A%2F%2Frp.example%2Fback"
        )
    );
    let android = ok(&[
        "autostart",
        "build",
        "--token",
        token,
        "--platform",
        "android",
        "--redirect",
        "https://rp.example/back",
    ]);
    assert!(android.ends_with("&redirect=null"));
    let desktop = ok(&[
        "autostart",
        "build",
        "--token",
        token,
        "--platform",
        "desktop",
    ]);
    assert_eq!(
        desktop,
        format!("bankid:///?autostarttoken={token}&redirect=null")
    );
    let err = fails(&[
        "autostart",
        "build",
        "--token",
        token,
        "--platform",
        "ios",
        "--redirect",
        "javascript:alert(1)",
    ]);
    assert!(err.contains("script"), "{err}");

    let parsed: serde_json::Value =
        serde_json::from_str(&ok(&["autostart", "parse", &ios, "--json"])).unwrap();
    assert_eq!(parsed["autostartToken"], token);
    assert_eq!(parsed["kind"], "universalLink");
    assert_eq!(parsed["redirect"]["url"], "https://rp.example/back");
    assert!(ok(&["autostart", "parse", &desktop]).contains("redirect: null"));
    fails(&["autostart", "parse", "bankid:///?autostarttoken=nope"]);
}

#[test]
fn code_respond_and_verify() {
    // Reference §9.4 derived vectors, Q=12345678 at t=1234567890 (step T) and one step behind.
    assert_eq!(
        ok(&[
            "code",
            "respond",
            "--key",
            K32,
            "--challenge",
            "12345678",
            "--time",
            "1234567890"
        ]),
        "50399442"
    );
    assert_eq!(
        ok(&[
            "code",
            "respond",
            "--key",
            K32,
            "--challenge",
            "12345678",
            "--time",
            "1234567860"
        ]),
        "20659968"
    );
    let v = ok(&[
        "code",
        "verify",
        "--key",
        K32,
        "--challenge",
        "12345678",
        "--response",
        "20659968",
        "--time",
        "1234567890",
    ]);
    assert_eq!(v, "ok (step offset -1)");
    let err = fails(&[
        "code",
        "verify",
        "--key",
        K32,
        "--challenge",
        "12345678",
        "--response",
        "00000000",
        "--time",
        "1234567890",
    ]);
    assert!(
        err.contains("wrong or has expired") || err.contains("clock"),
        "{err}"
    );
    // A code from a device whose clock is ten minutes fast.
    let fast = ok(&[
        "code",
        "respond",
        "--key",
        K32,
        "--challenge",
        "12345678",
        "--time",
        "1234568490",
    ]);
    let err = fails(&[
        "code",
        "verify",
        "--key",
        K32,
        "--challenge",
        "12345678",
        "--response",
        &fast,
        "--time",
        "1234567890",
    ]);
    assert!(err.contains("automatically"), "{err}");
    fails(&["code", "respond", "--key", K32, "--challenge", "1234"]);
    fails(&["code", "respond", "--key", "xyz", "--challenge", "12345678"]);
}

#[test]
fn message_selection() {
    assert_eq!(
        ok(&[
            "message", "--status", "pending", "--hint", "userMrtd", "--lang", "en"
        ]),
        "RFA23: Process your machine-readable travel document using the BankID app."
    );
    assert_eq!(
        ok(&["message", "--status", "pending", "--hint", "userMrtd"]),
        "RFA23: Fotografera och läs av din ID-handling med BankID-appen."
    );
    assert_eq!(
        ok(&[
            "message",
            "--status",
            "pending",
            "--hint",
            "outstandingTransaction",
            "--qr",
            "--lang",
            "en"
        ]),
        "RFA1: Start your BankID app."
    );
    assert_eq!(
        ok(&[
            "message",
            "--status",
            "pending",
            "--hint",
            "outstandingTransaction",
            "--lang",
            "en"
        ]),
        "RFA13: Trying to start your BankID app."
    );
    assert!(
        ok(&[
            "message",
            "--status",
            "failed",
            "--hint",
            "startFailed",
            "--qr"
        ])
        .starts_with("RFA17B: Misslyckades")
    );
    assert!(
        ok(&["message", "--status", "failed", "--hint", "startFailed"]).starts_with("RFA17A: ")
    );
    assert_eq!(
        ok(&[
            "message", "--status", "failed", "--hint", "brandNew", "--lang", "en"
        ]),
        "RFA22: Unknown error. Please try again."
    );
    assert_eq!(
        ok(&[
            "message",
            "--status",
            "error",
            "--hint",
            "alreadyInProgress",
            "--lang",
            "en"
        ]),
        "RFA4: An identification or signing for this personal number is already started. Please try again."
    );
    assert!(
        ok(&[
            "message",
            "--status",
            "error",
            "--hint",
            "invalidParameters"
        ])
        .starts_with("internal")
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "message", "--status", "pending", "--hint", "userSign", "--json",
    ]))
    .unwrap();
    assert_eq!(json["id"], "RFA9");
    assert_eq!(json["decision"]["action"], "show");
    fails(&["message", "--status", "pending", "--lang", "de"]);
}

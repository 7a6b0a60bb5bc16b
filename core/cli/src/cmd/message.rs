//! `tapid message`: the recommended user message (RFA) for a collect status and hint code, or
//! for an API error code (`--status error --hint <errorCode>`).

use std::process::ExitCode;

use clap::Args;
use tapid_identity::messages::{CollectOutcome, Decision, Lang, MessageContext, decide};
use tapid_identity::order::{ErrorCode, HintCode, OrderStatus};

/// Pick the user message for an order state.
#[derive(Args)]
pub struct MessageArgs {
    /// pending, failed, complete (or error, with the error code in --hint).
    #[arg(long)]
    status: String,
    /// The hintCode (or errorCode with --status error).
    #[arg(long)]
    hint: Option<String>,
    /// Language: sv or en.
    #[arg(long, default_value = "sv")]
    lang: String,
    /// The flow shows a QR code (otherwise the app was auto-started on this device).
    #[arg(long)]
    qr: bool,
    /// The user is on a mobile device.
    #[arg(long)]
    mobile: bool,
    /// The same error was returned before (for maintenance).
    #[arg(long)]
    repeated: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `tapid message`.
pub fn run(args: MessageArgs) -> ExitCode {
    let Ok(lang) = args.lang.parse::<Lang>() else {
        eprintln!("error: --lang must be sv or en");
        return ExitCode::FAILURE;
    };
    let ctx = MessageContext {
        device_is_mobile: args.mobile,
        used_qr: args.qr,
        auto_started: !args.qr,
        error_repeated: args.repeated,
    };
    let decision = if args.status == "error" {
        let Some(code) = args.hint.as_deref() else {
            eprintln!("error: --status error needs the error code in --hint");
            return ExitCode::FAILURE;
        };
        decide(CollectOutcome::Error(&ErrorCode::from(code)), ctx)
    } else {
        let status = OrderStatus::from(args.status.as_str());
        let hint = args.hint.as_deref().map(HintCode::from);
        decide(
            CollectOutcome::Status {
                status: &status,
                hint: hint.as_ref(),
            },
            ctx,
        )
    };
    let (id, text) = match decision {
        Decision::Show(rfa) => (Some(rfa.id()), Some(rfa.text(lang))),
        _ => (None, None),
    };
    if args.json {
        let out = serde_json::json!({ "decision": decision, "id": id, "text": text, "lang": lang });
        outln!("{out}");
    } else {
        match (decision, id, text) {
            (Decision::Show(_), Some(id), Some(text)) => outln!("{id}: {text}"),
            (Decision::Internal, ..) => {
                outln!("internal: no user message (log the error, do not retry)")
            }
            (Decision::RetrySilently, ..) => outln!("retry: try again without telling the user"),
            _ => outln!("none: the order is complete"),
        }
    }
    ExitCode::SUCCESS
}

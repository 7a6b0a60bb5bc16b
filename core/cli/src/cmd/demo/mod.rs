//! `tapid demo`: the whole system in one process. The identity service runs on loopback (a
//! free port, a temporary SQLite database, a test PKI generated for this run); the demo then
//! plays every other party through the service's real HTTP/TLS APIs: the issuer (a bank)
//! issues an identity for the Swedish passport's holder, the app enrols a device key with the
//! activation code, and a relying party runs each [`Flow`] to its final status: the app
//! stepping up with the emulated passport (relay and evidence mode), a push approved with the
//! offline code, a renewal onto a new phone and that phone approving a push.
//!
//! One module per party ([`issuer`], [`rp`], [`app`], [`passport`]), the service's wiring in
//! [`service`], the flows in [`flows`], what is printed in [`say`] and [`report`].

mod app;
mod error;
mod flows;
mod issuer;
mod passport;
mod qr_view;
mod remote;
mod report;
mod rp;
mod say;
mod service;

use std::process::ExitCode;

use crate::exit::Exit;

use flows::Flow;

/// Run the demo.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 every flow completed (status complete, stepUp.mrtd \
                        true where the flow has a passport step-up, the approval method the \
                        flow is about, the completion's signature verified); 1 otherwise"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Print one JSON object per flow and nothing else on stdout.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    command: Option<DemoCommand>,
}

/// What `tapid demo` does instead of running every flow in one process.
#[derive(clap::Subcommand)]
enum DemoCommand {
    /// Play the issuer and the app against a running `tapid serve`: issue an identity, enrol a
    /// device, scan a QR frame (e.g. of the `/demo` page) or open a launch URL, approve.
    App(remote::AppArgs),
}

/// Runs `tapid demo`.
pub fn run(args: Args) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tapid: cannot start runtime: {e}");
            return Exit::Internal.into();
        }
    };
    match args.command {
        Some(DemoCommand::App(app)) => rt.block_on(async {
            match remote::run(&app).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("tapid: demo app: {e}");
                    Exit::Internal.into()
                }
            }
        }),
        None => rt.block_on(demo(args.json)),
    }
}

async fn demo(json: bool) -> ExitCode {
    let say = say::Say::new(json);
    let mut setup = match flows::Setup::new(&say).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tapid: demo: {e}");
            return Exit::Internal.into();
        }
    };
    let mut all_ok = true;
    for flow in Flow::ALL {
        say.heading(flow.title());
        let outcome = flows::run(flow, &mut setup, &say).await;
        all_ok &= outcome.is_ok();
        report::print(&outcome, &say);
    }
    setup.stop().await;
    if all_ok {
        say.line("demo", "every flow completed");
        ExitCode::SUCCESS
    } else {
        eprintln!("tapid: demo: a flow did not complete");
        Exit::Internal.into()
    }
}

//! `tapid autostart`: build and parse same-device launch URLs.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tapid_identity::autostart::{LaunchUrl, Platform, Redirect, RedirectPolicy};

/// Autostart launch URLs.
#[derive(Args)]
pub struct AutostartArgs {
    #[command(subcommand)]
    command: AutostartCommand,
}

#[derive(Subcommand)]
enum AutostartCommand {
    /// Build the launch URL for a platform (iOS carries the redirect; Android/desktop use null).
    Build {
        /// The order's autoStartToken.
        #[arg(long)]
        token: String,
        /// ios, android or desktop.
        #[arg(long)]
        platform: Platform,
        /// Where to return (https or a registered app scheme).
        #[arg(long)]
        redirect: Option<String>,
        /// Accept this app scheme as a redirect (repeatable).
        #[arg(long = "allow-scheme")]
        allow_scheme: Vec<String>,
    },
    /// Parse a launch URL strictly and print its parts.
    Parse {
        /// The launch URL.
        url: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Accept this app scheme as a redirect (repeatable).
        #[arg(long = "allow-scheme")]
        allow_scheme: Vec<String>,
    },
}

fn policy(schemes: &[String]) -> RedirectPolicy {
    schemes
        .iter()
        .fold(RedirectPolicy::new(), |p, s| p.with_app_scheme(s))
}

/// Runs `tapid autostart …`.
pub fn run(args: AutostartArgs) -> ExitCode {
    let result = match args.command {
        AutostartCommand::Build {
            token,
            platform,
            redirect,
            allow_scheme,
        } => LaunchUrl::for_platform(
            platform,
            &token,
            redirect.as_deref(),
            &policy(&allow_scheme),
        )
        .map(|url| {
            if redirect.is_some() && url.redirect == Redirect::Null {
                eprintln!("note: {platform:?} returns by itself; redirect=null is used");
            }
            url.to_string()
        }),
        AutostartCommand::Parse {
            url,
            json,
            allow_scheme,
        } => LaunchUrl::parse(&url, &policy(&allow_scheme)).map(|u| {
            if json {
                serde_json::to_string(&u).unwrap_or_default()
            } else {
                let redirect = match &u.redirect {
                    Redirect::Null => "null".to_owned(),
                    Redirect::Url(r) => r.clone(),
                };
                format!(
                    "kind: {:?}\nautostarttoken: {}\nredirect: {redirect}",
                    u.kind, u.autostart_token
                )
            }
        }),
    };
    super::print_result(result)
}

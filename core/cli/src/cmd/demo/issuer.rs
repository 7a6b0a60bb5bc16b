//! The issuer (a bank, with its client certificate): creates the identity of the Swedish
//! passport's holder and hands the one-time activation code to the app.

use tapid_identity::client::Https;
use tapid_service::api::wire::{IssueRequest, IssueResponse};

use super::error::{DemoError, api};
use super::say::Say;

/// The holder's personal number: the one in the emulated Swedish passport.
pub const PERSONAL_NUMBER: &str = tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER;
/// The holder's given names as the bank has them.
pub const GIVEN_NAME: &str = "Åsa Märta";
/// The holder's surname as the bank has it.
pub const SURNAME: &str = "Öberg";

/// Issues the holder's identity.
pub async fn issue(http: &Https, say: &Say) -> Result<IssueResponse, DemoError> {
    let issued: IssueResponse = http
        .post(
            "/issuer/v1/identities",
            &IssueRequest {
                personal_number: PERSONAL_NUMBER.into(),
                given_name: GIVEN_NAME.into(),
                surname: SURNAME.into(),
            },
        )
        .await
        .map_err(api("issue the identity"))?;
    say.line(
        "issuer",
        &format!(
            "issued an identity for {GIVEN_NAME} {SURNAME} ({PERSONAL_NUMBER}); activation code \
             handed to the holder"
        ),
    );
    Ok(issued)
}

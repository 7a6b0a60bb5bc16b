//! Running Active Authentication: INTERNAL AUTHENTICATE over an 8-byte challenge, under secure
//! messaging. The signature is checked by the verdict ([`super::verdict`]), from the record, so
//! that the device and a server verifying the evidence reach it the same way.

use tapid_card::CardTransport;

use super::channel::{Answer, Channel};
use super::error::ReadError;
use super::evidence::{AaRecord, Bytes};
use super::report::ChallengeSource;
use crate::active_authentication;

/// Sends INTERNAL AUTHENTICATE with `challenge` and records the answer. Only data under a
/// verified MAC is a signature; a refusal (authenticated or not) is recorded as such.
pub async fn run<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    challenge: [u8; 8],
    source: ChallengeSource,
) -> Result<AaRecord, ReadError> {
    let answer = ch
        .exchange(&active_authentication::internal_authenticate(&challenge))
        .await?;
    let mut record = AaRecord {
        challenge: Bytes(challenge.to_vec()),
        challenge_source: source,
        signature: None,
        refused: None,
    };
    match answer {
        Answer::Authenticated(r) if r.sw.is_success() => record.signature = Some(Bytes(r.data)),
        other => record.refused = Some(other.sw().hex()),
    }
    Ok(record)
}

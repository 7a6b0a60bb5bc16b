//! Rows ↔ records: the column lists and their order, in one place for both tables.

use super::StoreError;
use super::records::{IdentityRecord, IdentityStatus, OrderKind, OrderRecord, Phase, Pickup};
use super::value::{Param, Row};

/// The orders table's columns, in the order of [`order_params`] and [`order_from_row`].
pub const ORDER: &str = "order_ref, rp_id, kind, phase, hint_code, version, created_at, \
updated_at, qr_start_token, qr_start_secret, auto_start_token, end_user_ip, requirement, \
user_visible_data, user_non_visible_data, user_visible_data_format, return_url, pending_pno, \
challenge, aa_challenge, picked_up_at, pickup, identity_id, app_token_hash, device_ip, step_up, \
evidence, evidence_delete_at, completion, finished_at";
/// How many.
pub const ORDER_COUNT: usize = 30;

/// The identities table's columns.
pub const IDENTITY: &str = "identity_id, issuer_id, personal_number, given_name, surname, \
status, version, created_at, updated_at, activation_hash, activation_expires_at, \
device_public_key, attestation_kind, attestation, ocra_secret, enrolled_at, revoked_at, \
replaced_by";
/// How many.
pub const IDENTITY_COUNT: usize = 18;

/// An order's values in [`ORDER`]'s order.
pub fn order_params(o: &OrderRecord) -> Vec<Param> {
    vec![
        o.order_ref.clone().into(),
        o.rp_id.clone().into(),
        o.kind.as_str().into(),
        o.phase.as_str().into(),
        o.hint_code.clone().into(),
        o.version.into(),
        o.created_at.into(),
        o.updated_at.into(),
        o.qr_start_token.clone().into(),
        o.qr_start_secret.clone().into(),
        o.auto_start_token.clone().into(),
        o.end_user_ip.clone().into(),
        o.requirement.clone().into(),
        o.user_visible_data.clone().into(),
        o.user_non_visible_data.clone().into(),
        o.user_visible_data_format.clone().into(),
        o.return_url.clone().into(),
        o.pending_pno.clone().into(),
        o.challenge.clone().into(),
        o.aa_challenge.clone().into(),
        o.picked_up_at.into(),
        o.pickup.map(|p| p.as_str().to_owned()).into(),
        o.identity_id.clone().into(),
        o.app_token_hash.clone().into(),
        o.device_ip.clone().into(),
        o.step_up.clone().into(),
        o.evidence.clone().into(),
        o.evidence_delete_at.into(),
        o.completion.clone().into(),
        o.finished_at.into(),
    ]
}

fn blob(row: &Row, i: usize) -> Result<Vec<u8>, StoreError> {
    row.opt_blob(i)?.ok_or(StoreError::Decode { column: i })
}

/// An order from a row of [`ORDER`].
pub fn order_from_row(r: &Row) -> Result<OrderRecord, StoreError> {
    let bad = |column| StoreError::Decode { column };
    Ok(OrderRecord {
        order_ref: r.text(0)?,
        rp_id: r.text(1)?,
        kind: OrderKind::parse(&r.text(2)?).ok_or(bad(2))?,
        phase: Phase::parse(&r.text(3)?).ok_or(bad(3))?,
        hint_code: r.opt_text(4)?,
        version: r.int(5)?,
        created_at: r.int(6)?,
        updated_at: r.int(7)?,
        qr_start_token: r.text(8)?,
        qr_start_secret: r.text(9)?,
        auto_start_token: r.text(10)?,
        end_user_ip: r.text(11)?,
        requirement: r.text(12)?,
        user_visible_data: r.opt_text(13)?,
        user_non_visible_data: r.opt_text(14)?,
        user_visible_data_format: r.opt_text(15)?,
        return_url: r.opt_text(16)?,
        pending_pno: r.opt_text(17)?,
        challenge: blob(r, 18)?,
        aa_challenge: blob(r, 19)?,
        picked_up_at: r.opt_int(20)?,
        pickup: r
            .opt_text(21)?
            .map(|p| Pickup::parse(&p).ok_or(bad(21)))
            .transpose()?,
        identity_id: r.opt_text(22)?,
        app_token_hash: r.opt_text(23)?,
        device_ip: r.opt_text(24)?,
        step_up: r.opt_text(25)?,
        evidence: r.opt_blob(26)?,
        evidence_delete_at: r.opt_int(27)?,
        completion: r.opt_text(28)?,
        finished_at: r.opt_int(29)?,
    })
}

/// An identity's values in [`IDENTITY`]'s order.
pub fn identity_params(i: &IdentityRecord) -> Vec<Param> {
    vec![
        i.identity_id.clone().into(),
        i.issuer_id.clone().into(),
        i.personal_number.clone().into(),
        i.given_name.clone().into(),
        i.surname.clone().into(),
        i.status.as_str().into(),
        i.version.into(),
        i.created_at.into(),
        i.updated_at.into(),
        i.activation_hash.clone().into(),
        i.activation_expires_at.into(),
        i.device_public_key.clone().into(),
        i.attestation_kind.clone().into(),
        i.attestation.clone().into(),
        i.ocra_secret.clone().into(),
        i.enrolled_at.into(),
        i.revoked_at.into(),
        i.replaced_by.clone().into(),
    ]
}

/// An identity from a row of [`IDENTITY`].
pub fn identity_from_row(r: &Row) -> Result<IdentityRecord, StoreError> {
    Ok(IdentityRecord {
        identity_id: r.text(0)?,
        issuer_id: r.text(1)?,
        personal_number: r.text(2)?,
        given_name: r.text(3)?,
        surname: r.text(4)?,
        status: IdentityStatus::parse(&r.text(5)?).ok_or(StoreError::Decode { column: 5 })?,
        version: r.int(6)?,
        created_at: r.int(7)?,
        updated_at: r.int(8)?,
        activation_hash: r.opt_text(9)?,
        activation_expires_at: r.int(10)?,
        device_public_key: r.opt_blob(11)?,
        attestation_kind: r.opt_text(12)?,
        attestation: r.opt_blob(13)?,
        ocra_secret: r.opt_blob(14)?,
        enrolled_at: r.opt_int(15)?,
        revoked_at: r.opt_int(16)?,
        replaced_by: r.opt_text(17)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_lists_match_their_counts() {
        assert_eq!(ORDER.split(", ").count(), ORDER_COUNT);
        assert_eq!(IDENTITY.split(", ").count(), IDENTITY_COUNT);
    }
}

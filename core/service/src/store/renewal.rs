//! Remote renewals: a new device key asks to replace a person's identity; the passport
//! step-up decides; completing it revokes the old identity and creates the new one. The row
//! keeps the step-up's verdicts (never the evidence bundle itself) and the face-check policy
//! applied, for audit.

use super::value::{Param, Row};
use super::{Store, StoreError, placeholders};
use crate::clock::Millis;

/// Where a renewal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalPhase {
    /// Started; waiting for the passport step-up.
    Pending,
    /// The step-up passed; waiting for the new key's confirmation.
    SteppedUp,
    /// The new identity replaced the old one.
    Complete,
    /// The step-up failed or the old identity changed: this renewal cannot complete.
    Failed,
}

impl RenewalPhase {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::SteppedUp => "steppedUp",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::SteppedUp, Self::Complete, Self::Failed]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// One renewal. Personal data (the personal number) stays out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct RenewalRecord {
    /// The renewal's id (a UUID).
    pub renewal_id: String,
    /// The holder's personal number.
    pub personal_number: String,
    /// The identity it replaces.
    pub old_identity_id: String,
    /// The identity it creates (drawn at start, so a retried completion creates no second).
    pub new_identity_id: String,
    /// Where it stands.
    pub phase: RenewalPhase,
    /// Compare-and-set version.
    pub version: i64,
    /// When it started.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// The new device key's public key (SEC1).
    pub device_public_key: Vec<u8>,
    /// The new key's attestation kind.
    pub attestation_kind: String,
    /// The new key's attestation.
    pub attestation: Vec<u8>,
    /// The challenge the new key signs to confirm (32 bytes).
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge of the step-up (8 bytes).
    pub aa_challenge: Vec<u8>,
    /// SHA-256 (hex) of the renewal's session token.
    pub app_token_hash: String,
    /// The step-up outcome, as JSON (`{"mrtd": …, "details": …}`, as orders keep it).
    pub step_up: Option<String>,
    /// The face-check policy applied (`notPerformed`).
    pub face_check: String,
    /// When it completed or failed.
    pub finished_at: Option<Millis>,
}

impl std::fmt::Debug for RenewalRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewalRecord")
            .field("renewal_id", &self.renewal_id)
            .field("phase", &self.phase)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

const RENEWAL: &str = "renewal_id, personal_number, old_identity_id, new_identity_id, phase, \
version, created_at, updated_at, device_public_key, attestation_kind, attestation, challenge, \
aa_challenge, app_token_hash, step_up, face_check, finished_at";
const RENEWAL_COUNT: usize = 17;

fn params(r: &RenewalRecord) -> Vec<Param> {
    vec![
        r.renewal_id.clone().into(),
        r.personal_number.clone().into(),
        r.old_identity_id.clone().into(),
        r.new_identity_id.clone().into(),
        r.phase.as_str().into(),
        r.version.into(),
        r.created_at.into(),
        r.updated_at.into(),
        r.device_public_key.clone().into(),
        r.attestation_kind.clone().into(),
        r.attestation.clone().into(),
        r.challenge.clone().into(),
        r.aa_challenge.clone().into(),
        r.app_token_hash.clone().into(),
        r.step_up.clone().into(),
        r.face_check.clone().into(),
        r.finished_at.into(),
    ]
}

fn blob(r: &Row, i: usize) -> Result<Vec<u8>, StoreError> {
    r.opt_blob(i)?.ok_or(StoreError::Decode { column: i })
}

fn from_row(r: &Row) -> Result<RenewalRecord, StoreError> {
    Ok(RenewalRecord {
        renewal_id: r.text(0)?,
        personal_number: r.text(1)?,
        old_identity_id: r.text(2)?,
        new_identity_id: r.text(3)?,
        phase: RenewalPhase::parse(&r.text(4)?).ok_or(StoreError::Decode { column: 4 })?,
        version: r.int(5)?,
        created_at: r.int(6)?,
        updated_at: r.int(7)?,
        device_public_key: blob(r, 8)?,
        attestation_kind: r.text(9)?,
        attestation: blob(r, 10)?,
        challenge: blob(r, 11)?,
        aa_challenge: blob(r, 12)?,
        app_token_hash: r.text(13)?,
        step_up: r.opt_text(14)?,
        face_check: r.text(15)?,
        finished_at: r.opt_int(16)?,
    })
}

impl Store {
    /// Inserts a new renewal.
    pub async fn insert_renewal(&self, r: &RenewalRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO renewals ({RENEWAL}) VALUES ({})",
            placeholders(RENEWAL_COUNT)
        );
        self.db.execute(&sql, params(r)).await?;
        Ok(())
    }

    /// The renewal of a session token hash.
    pub async fn find_renewal(
        &self,
        app_token_hash: &str,
    ) -> Result<Option<RenewalRecord>, StoreError> {
        let sql = format!("SELECT {RENEWAL} FROM renewals WHERE app_token_hash = $1");
        let rows = self.db.query(&sql, vec![app_token_hash.into()]).await?;
        rows.first().map(from_row).transpose()
    }

    /// Compare-and-set write of a renewal; on success `r.version` moves on.
    pub async fn update_renewal(&self, r: &mut RenewalRecord) -> Result<bool, StoreError> {
        let mut next = r.clone();
        next.version = r.version + 1;
        let changed = self
            .compare_and_set(
                "renewals",
                "renewal_id",
                RENEWAL,
                params(&next),
                &r.renewal_id,
                r.version,
            )
            .await?;
        if changed {
            r.version = next.version;
        }
        Ok(changed)
    }

    /// How many renewals were started for `pno` since `since` (its rate limit).
    pub async fn renewals_started_since(
        &self,
        pno: &str,
        since: Millis,
    ) -> Result<i64, StoreError> {
        let rows = self
            .db
            .query(
                "SELECT COUNT(*) FROM renewals WHERE personal_number = $1 AND created_at >= $2",
                vec![pno.into(), since.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.int(0))
            .transpose()
            .map(|n| n.unwrap_or(0))
    }

    /// When the last renewal for `pno` completed (its cool-off).
    pub async fn last_renewal_completed(&self, pno: &str) -> Result<Option<Millis>, StoreError> {
        let rows = self
            .db
            .query(
                "SELECT MAX(finished_at) FROM renewals WHERE personal_number = $1 \
                 AND phase = 'complete'",
                vec![pno.into()],
            )
            .await?;
        Ok(rows.first().map(|r| r.opt_int(0)).transpose()?.flatten())
    }
}

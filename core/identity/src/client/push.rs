//! Push approvals on the app side: poll for the pushes waiting for this device (signed,
//! timestamped, with a fresh nonce), pick one up (then approve or decline it as any picked-up
//! order), and compute the offline code when the phone has no network.

use super::app::PickedUp;
use super::{AppClient, ClientError};
use crate::offline_code::{self, Challenge, OfflineKey};
use crate::service_api::{
    self as api, PickupResponse, Push, PushList, PushPendingRequest, PushPickupRequest,
};

impl AppClient {
    /// The pushes waiting for this device. `now_secs` is the device's Unix time and `nonce`
    /// 16 fresh random bytes (both injected: the core draws no time or randomness itself). A
    /// revoked identity answers [`api::AppErrorCode::IdentityRevoked`].
    pub async fn pending_pushes(
        &self,
        now_secs: i64,
        nonce: [u8; 16],
    ) -> Result<PushList, ClientError> {
        let identity_id = self.identity()?;
        let nonce = hex::encode(nonce);
        let signature = self
            .sign(&api::push_pending_payload(&identity_id, now_secs, &nonce))
            .await?;
        self.http
            .post(
                api::PUSH_PENDING,
                &PushPendingRequest {
                    identity_id,
                    timestamp: now_secs,
                    nonce,
                    signature,
                },
            )
            .await
    }

    /// Picks up the order of `push`; approve or decline it with [`AppClient::approve`] and
    /// [`AppClient::decline`] (and do the passport step-up first when it requires one).
    pub async fn pickup_push(&self, push: &Push) -> Result<PickedUp, ClientError> {
        let identity_id = self.identity()?;
        let signature = self
            .sign(&api::push_pickup_payload(&identity_id, &push.push_id))
            .await?;
        let order: PickupResponse = self
            .http
            .post(
                api::PUSH_PICKUP,
                &PushPickupRequest {
                    identity_id,
                    push_id: push.push_id.clone(),
                    signature,
                },
            )
            .await?;
        PickedUp::from_response(order)
    }

    /// The offline code for the 8-digit `challenge` the relying party's page shows, from the
    /// OCRA secret the service provisioned at enrolment (hex), at the device's Unix time
    /// (corrected by the clock offset learnt from [`PushList::server_time`]). No network.
    pub fn offline_code(
        ocra_secret_hex: &str,
        challenge: &str,
        now_secs: u64,
    ) -> crate::Result<String> {
        let key = OfflineKey::from_hex(ocra_secret_hex)?;
        offline_code::respond(&key, &Challenge::parse(challenge)?, now_secs)
    }
}

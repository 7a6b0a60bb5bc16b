//! How an order moves on by itself and what collect says about it: the pickup window
//! (`startFailed`), the order's lifetime (`expiredTransaction`), and the windows after the end
//! in which it can still be collected (3 min complete, 5 min failed; then it is gone and
//! collect answers `invalidParameters`, as BankID does).

use tapid_identity::order::{HintCode, OrderStatus};

use crate::clock::Millis;
use crate::config::Config;
use crate::store::{OrderRecord, Phase};

/// Ends `o` as failed with `hint` at `now`: it no longer holds its personal number.
pub fn fail(o: &mut OrderRecord, hint: HintCode, now: Millis) {
    o.phase = Phase::Failed;
    o.hint_code = Some(hint.as_str().to_owned());
    o.finished_at = Some(now);
    o.updated_at = now;
    o.pending_pno = None;
}

/// Applies the expiry rules at `now`; `true` when `o` changed (and must be written).
pub fn expire(o: &mut OrderRecord, now: Millis, cfg: &Config) -> bool {
    let age = now.saturating_sub(o.created_at);
    // An order for a named person is pushed to that person's device: it waits for the push.
    let pickup_window = if o.pending_pno.is_some() {
        cfg.pickup_window.max(cfg.push_window)
    } else {
        cfg.pickup_window
    };
    match o.phase {
        Phase::Outstanding if age > pickup_window => {
            fail(o, HintCode::StartFailed, now);
            true
        }
        Phase::PickedUp if age > cfg.order_lifetime => {
            fail(o, HintCode::ExpiredTransaction, now);
            true
        }
        _ => false,
    }
}

/// Why collect has no answer for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// Cancelled by the relying party.
    Cancelled,
    /// Past its collect window.
    TooOld,
}

/// A collect answer: status, hint code, and the completion data exactly as kept for audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The order reference.
    pub order_ref: String,
    /// pending / failed / complete.
    pub status: OrderStatus,
    /// For pending and failed.
    pub hint_code: Option<HintCode>,
    /// For complete.
    pub completion_data: Option<serde_json::Value>,
}

impl Collected {
    /// The `/collect` body.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({"orderRef": self.order_ref, "status": self.status});
        if let Some(h) = &self.hint_code {
            super::completion::set(&mut body, "hintCode", serde_json::json!(h));
        }
        if let Some(c) = &self.completion_data {
            super::completion::set(&mut body, "completionData", c.clone());
        }
        body
    }
}

/// The collect answer for `o` at `now` (after [`expire`]).
pub fn collect(o: &OrderRecord, now: Millis, cfg: &Config) -> Result<Collected, Gone> {
    let since_end = o.finished_at.map(|t| now.saturating_sub(t)).unwrap_or(0);
    let hint = o.hint_code.as_deref().map(HintCode::from);
    let (status, hint_code, completion_data) = match o.phase {
        Phase::Cancelled => return Err(Gone::Cancelled),
        Phase::Complete if since_end > cfg.collect_complete => return Err(Gone::TooOld),
        Phase::Failed if since_end > cfg.collect_failed => return Err(Gone::TooOld),
        Phase::Complete => (
            OrderStatus::Complete,
            None,
            o.completion
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
        ),
        Phase::Failed => (OrderStatus::Failed, hint, None),
        Phase::Outstanding | Phase::PickedUp => (OrderStatus::Pending, hint, None),
    };
    Ok(Collected {
        order_ref: o.order_ref.clone(),
        status,
        hint_code,
        completion_data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::StartRequest;
    use crate::entropy::SeededEntropy;
    use crate::order::start::new_order;
    use crate::store::OrderKind;

    fn order() -> OrderRecord {
        let req = StartRequest {
            end_user_ip: "192.0.2.1".into(),
            ..Default::default()
        };
        new_order(
            OrderKind::Auth,
            &req,
            "shop",
            1_000,
            &SeededEntropy::new(b"l"),
        )
    }

    #[test]
    fn no_pickup_within_the_window_is_start_failed() {
        let cfg = Config::default();
        let mut o = order();
        assert!(!expire(&mut o, 31_000, &cfg), "30 s exactly is still open");
        assert!(expire(&mut o, 31_001, &cfg));
        let r = collect(&o, 31_001, &cfg).unwrap();
        assert_eq!(
            (r.status, r.hint_code),
            (OrderStatus::Failed, Some(HintCode::StartFailed))
        );
        assert!(
            !expire(&mut o, 99_000, &cfg),
            "a final order stays as it is"
        );
        assert_eq!(collect(&o, 31_001 + 300_000, &cfg).map(|_| ()), Ok(()));
        assert_eq!(collect(&o, 31_002 + 300_000, &cfg), Err(Gone::TooOld));
    }

    #[test]
    fn an_order_for_a_named_person_waits_for_the_push() {
        let cfg = Config::default();
        let mut o = order();
        o.pending_pno = Some("198503142385".into());
        assert!(!expire(&mut o, 1_000 + 90_000, &cfg), "a push lives 90 s");
        assert!(expire(&mut o, 1_000 + 90_001, &cfg));
        assert_eq!(
            collect(&o, 91_001, &cfg).unwrap().hint_code,
            Some(HintCode::StartFailed)
        );
    }

    #[test]
    fn a_picked_up_order_expires_after_its_lifetime() {
        let cfg = Config::default();
        let mut o = order();
        o.phase = Phase::PickedUp;
        o.hint_code = Some("userSign".into());
        assert!(!expire(&mut o, 181_000, &cfg));
        assert_eq!(
            collect(&o, 181_000, &cfg).unwrap().status,
            OrderStatus::Pending
        );
        assert!(expire(&mut o, 181_001, &cfg));
        assert_eq!(
            collect(&o, 181_001, &cfg).unwrap().hint_code,
            Some(HintCode::ExpiredTransaction)
        );
    }

    #[test]
    fn complete_orders_are_collectable_for_three_minutes_and_cancelled_ones_not_at_all() {
        let cfg = Config::default();
        let mut o = order();
        o.phase = Phase::Complete;
        o.finished_at = Some(2_000);
        o.hint_code = None;
        assert_eq!(
            collect(&o, 182_000, &cfg).unwrap().status,
            OrderStatus::Complete
        );
        assert_eq!(collect(&o, 182_001, &cfg), Err(Gone::TooOld));
        o.phase = Phase::Cancelled;
        assert_eq!(collect(&o, 2_000, &cfg), Err(Gone::Cancelled));
    }
}

//! A flow's outcome as the demo prints it: one JSON object per flow with `--json`, a few
//! lines otherwise.

use serde_json::{Value, json};
use tapid_identity::service_api::StepUpOutcome;

use super::error::DemoError;
use super::flows::Flow;
use super::passport::StepUp;
use super::say::Say;

static NULL: Value = Value::Null;

/// The value at JSON `pointer` in `v` (`null` when absent).
pub fn field<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer).unwrap_or(&NULL)
}

/// What the relying party ended with.
#[derive(Debug)]
pub struct Completed {
    /// The final collect answer.
    pub collected: Value,
    /// The completion's JWS claims, verified against the JWK set (when complete).
    pub claims: Option<Value>,
}

/// What a renewal ended with.
#[derive(Debug)]
pub struct Renewed {
    /// The service's verdict on the passport evidence.
    pub step_up: StepUpOutcome,
    /// The revoked identity (the old phone's).
    pub revoked_identity: String,
    /// The new identity (the new phone's).
    pub new_identity: String,
    /// What the old phone's next push poll answered (its `errorCode`).
    pub old_device_poll: String,
}

/// How a flow ended: an order the relying party collected, or a renewal.
#[derive(Debug)]
pub enum Ended {
    /// An order, collected until final.
    Order(Completed),
    /// A renewal, confirmed.
    Renewal(Renewed),
}

/// A flow and how it ended.
#[derive(Debug)]
pub struct Outcome {
    /// The flow.
    pub flow: Flow,
    /// The step-up mode it ran with, when it has a passport step-up.
    pub step_up: Option<StepUp>,
    /// Its end, or the step that failed.
    pub result: Result<Ended, DemoError>,
}

impl Outcome {
    /// An order: complete, `stepUp.mrtd: true` when the flow has a step-up, approved the
    /// flow's way, and the completion's signature verified. A renewal: confirmed with
    /// `mrtd: true`, the old identity revoked.
    pub fn is_ok(&self) -> bool {
        match &self.result {
            Err(_) => false,
            Ok(Ended::Order(c)) => {
                let data = field(&c.collected, "/completionData");
                field(&c.collected, "/status") == "complete"
                    && (self.step_up.is_none() || field(data, "/stepUp/mrtd") == true)
                    && self
                        .flow
                        .approval_method()
                        .is_none_or(|m| field(data, "/approval/method") == m)
                    && c.claims.is_some()
            }
            Ok(Ended::Renewal(r)) => r.step_up.mrtd && r.old_device_poll == "identityRevoked",
        }
    }

    /// The flow's JSON object.
    pub fn to_json(&self) -> Value {
        let mut out = json!({"flow": self.flow.name()});
        let Some(map) = out.as_object_mut() else {
            return out;
        };
        if let Some(mode) = self.step_up {
            map.insert("stepUpMode".into(), json!(mode.name()));
        }
        match &self.result {
            Err(e) => {
                map.insert("status".into(), json!("error"));
                map.insert("error".into(), json!(e.to_string()));
            }
            Ok(Ended::Renewal(r)) => {
                map.insert("status".into(), json!("complete"));
                map.insert("stepUp".into(), json!({"mrtd": r.step_up.mrtd}));
                if let Some(reason) = &r.step_up.reason {
                    map.insert("reason".into(), json!(reason));
                }
                map.insert("revokedIdentity".into(), json!(r.revoked_identity));
                map.insert("newIdentity".into(), json!(r.new_identity));
                map.insert("oldDevicePoll".into(), json!(r.old_device_poll));
            }
            Ok(Ended::Order(c)) => {
                let data = field(&c.collected, "/completionData");
                let mut put = |key: &str, v: &Value| {
                    if !v.is_null() {
                        map.insert(key.into(), v.clone());
                    }
                };
                put("status", field(&c.collected, "/status"));
                put("hintCode", field(&c.collected, "/hintCode"));
                put("orderRef", field(&c.collected, "/orderRef"));
                put("user", field(data, "/user"));
                put("stepUp", field(data, "/stepUp"));
                put("verdicts", field(data, "/stepUpDetails"));
                put("approval", field(data, "/approval"));
                map.insert("signatureVerified".into(), json!(c.claims.is_some()));
            }
        }
        out
    }
}

/// Prints `o`: its JSON object, or what the relying party learnt.
pub fn print(o: &Outcome, say: &Say) {
    if say.json() {
        outln!("{}", o.to_json());
        return;
    }
    let c = match &o.result {
        Ok(Ended::Order(c)) => c,
        Ok(Ended::Renewal(r)) => {
            say.line(
                "demo",
                &format!(
                    "renewed with stepUp.mrtd: {}: identity {} is revoked (the old phone's poll \
                     answers {}), identity {} is active on the new phone",
                    r.step_up.mrtd, r.revoked_identity, r.old_device_poll, r.new_identity
                ),
            );
            return;
        }
        Err(e) => {
            say.line("demo", &format!("the flow stopped: {e}"));
            return;
        }
    };
    let data = field(&c.collected, "/completionData");
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        v => v.to_string(),
    };
    if field(&c.collected, "/status") != "complete" {
        say.line(
            "rp",
            &format!(
                "the order ended {} / {}",
                text(field(&c.collected, "/status")),
                text(field(&c.collected, "/hintCode"))
            ),
        );
        return;
    }
    say.line(
        "rp",
        &format!(
            "complete: {} ({}), approved by {}{}{}",
            text(field(data, "/user/name")),
            text(field(data, "/user/personalNumber")),
            text(field(data, "/approval/method")),
            match field(data, "/approval/via") {
                Value::Null => String::new(),
                via => format!(" via {}", text(via)),
            },
            match field(data, "/stepUp/mrtd") {
                Value::Null => String::new(),
                mrtd => format!(", stepUp.mrtd: {}", text(mrtd)),
            }
        ),
    );
    let d = field(data, "/stepUpDetails");
    if !d.is_null() {
        say.line(
            "rp",
            &format!(
                "verdicts ({} mode): passive authentication {}, chip authenticity {} ({}), \
                 holder match {}, document expired {}",
                text(field(d, "/mode")),
                text(field(d, "/passiveAuthentication")),
                text(field(d, "/chipAuthenticity")),
                text(field(d, "/chipMethod")),
                text(field(d, "/holderMatch")),
                text(field(d, "/documentExpired"))
            ),
        );
    }
    if c.claims.is_some() {
        say.line(
            "rp",
            "the completion's JWS verifies against /.well-known/jwks.json",
        );
    }
}

//! A flow's outcome as the demo prints it: one JSON object per flow with `--json`, a few
//! lines otherwise.

use serde_json::{Value, json};

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

/// A flow and how it ended.
#[derive(Debug)]
pub struct Outcome {
    /// The flow.
    pub flow: Flow,
    /// The step-up mode it ran with.
    pub step_up: StepUp,
    /// Its end, or the step that failed.
    pub result: Result<Completed, DemoError>,
}

impl Outcome {
    /// Complete, `stepUp.mrtd: true`, and the completion's signature verified.
    pub fn is_ok(&self) -> bool {
        self.result.as_ref().is_ok_and(|c| {
            field(&c.collected, "/status") == "complete"
                && field(&c.collected, "/completionData/stepUp/mrtd") == true
                && c.claims.is_some()
        })
    }

    /// The flow's JSON object.
    pub fn to_json(&self) -> Value {
        let mut out = json!({"flow": self.flow.name(), "stepUpMode": self.step_up.name()});
        let Some(map) = out.as_object_mut() else {
            return out;
        };
        match &self.result {
            Err(e) => {
                map.insert("status".into(), json!("error"));
                map.insert("error".into(), json!(e.to_string()));
            }
            Ok(c) => {
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
        Ok(c) => c,
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
            "complete: {} ({}), stepUp.mrtd: {}",
            text(field(data, "/user/name")),
            text(field(data, "/user/personalNumber")),
            text(field(data, "/stepUp/mrtd"))
        ),
    );
    let d = field(data, "/stepUpDetails");
    say.line(
        "rp",
        &format!(
            "verdicts: passive authentication {}, chip authenticity {} ({}), holder match {}, \
             document expired {}",
            text(field(d, "/passiveAuthentication")),
            text(field(d, "/chipAuthenticity")),
            text(field(d, "/chipMethod")),
            text(field(d, "/holderMatch")),
            text(field(d, "/documentExpired"))
        ),
    );
    if c.claims.is_some() {
        say.line(
            "rp",
            "the completion's JWS verifies against /.well-known/jwks.json",
        );
    }
}

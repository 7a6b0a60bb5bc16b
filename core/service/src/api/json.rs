//! The JSON body extractor: `Content-Type: application/json` exactly (BankID refuses a
//! `charset` parameter: `unsupportedMediaType`), a size limit, and `invalidParameters` for a
//! body that is not the expected JSON — without echoing what was sent. No string of a body may
//! hold U+0000: no field of the API has it, and PostgreSQL's `text` cannot store or compare
//! it (a lookup by such a key would fail as a storage error instead of finding nothing).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use tapid_identity::order::ErrorCode;

use super::error::ApiError;

/// Largest accepted body (a sign order's data plus an evidence bundle with a face fits).
pub const MAX_BODY: usize = 1 << 20;

/// A JSON request body.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(ApiError::rp(
                ErrorCode::UnsupportedMediaType,
                "Content-Type must be application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::invalid("Invalid request body"))?;
        if bytes.len() > MAX_BODY {
            return Err(ApiError::invalid("Request body too large"));
        }
        if has_nul_escape(&bytes) {
            return Err(ApiError::invalid("A string holds U+0000"));
        }
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|_| ApiError::invalid("Invalid JSON body"))
    }
}

/// Whether a JSON text writes U+0000 in a string (`\u0000`, the only way JSON can: a raw
/// control character is invalid there). Every backslash of a valid JSON text starts an
/// escape, so skipping the character after each one keeps `\\u0000` (a backslash, then
/// `u0000`) apart.
fn has_nul_escape(json: &[u8]) -> bool {
    let mut rest = json;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        let escape = rest.get(at + 1..).unwrap_or_default();
        if escape.starts_with(b"u0000") {
            return true;
        }
        rest = escape.get(1..).unwrap_or_default();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_a_string_is_found_and_an_escaped_backslash_is_not_one() {
        assert!(has_nul_escape(br#"{"orderRef":"a\u0000b"}"#));
        assert!(has_nul_escape(br#"{"a\u0000":1}"#));
        assert!(has_nul_escape(br#"{"a":"\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a":"\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a":"\u0001\u00e5","b":"\"\\"}"#));
        assert!(!has_nul_escape(br#"{"a":"x"}"#));
        assert!(!has_nul_escape(br#""\u000"#));
        assert!(!has_nul_escape(b"\\"));
    }
}

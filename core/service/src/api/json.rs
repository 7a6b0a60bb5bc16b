//! The JSON body extractor: `Content-Type: application/json` exactly (BankID refuses a
//! `charset` parameter: `unsupportedMediaType`), a size limit, and `invalidParameters` for a
//! body that is not the expected JSON — without echoing what was sent.

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
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|_| ApiError::invalid("Invalid JSON body"))
    }
}

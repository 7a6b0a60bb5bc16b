//! Error answers: `{"errorCode": …, "details": …}` with the RP API v6 codes on the relying-party
//! and issuer side and the typed app codes on the app side. Details are fixed texts that name
//! the parameter or rule, never a submitted value.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tapid_identity::order::ErrorCode;
use tapid_identity::service_api::AppErrorCode;

use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `errorCode`.
    pub code: String,
    /// The `details`.
    pub details: &'static str,
}

impl ApiError {
    /// An RP API error with its v6 status.
    pub fn rp(code: ErrorCode, details: &'static str) -> Self {
        let status = match code {
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Maintenance => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            code: code.as_str().to_owned(),
            details,
        }
    }

    /// `invalidParameters`.
    pub fn invalid(details: &'static str) -> Self {
        Self::rp(ErrorCode::InvalidParameters, details)
    }

    /// An app API error.
    pub fn app(code: AppErrorCode, details: &'static str) -> Self {
        let status = match code {
            AppErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            AppErrorCode::NoSuchOrder => StatusCode::NOT_FOUND,
            AppErrorCode::AlreadyPickedUp | AppErrorCode::OrderClosed => StatusCode::CONFLICT,
            AppErrorCode::BadSignature
            | AppErrorCode::IdentityUnusable
            | AppErrorCode::PersonalNumberMismatch
            | AppErrorCode::AttestationRefused => StatusCode::FORBIDDEN,
            AppErrorCode::Locked => StatusCode::TOO_MANY_REQUESTS,
            AppErrorCode::RelayLost => StatusCode::NOT_FOUND,
            AppErrorCode::RelayBusy => StatusCode::SERVICE_UNAVAILABLE,
            AppErrorCode::IdentityRevoked | AppErrorCode::StepUpFailed => StatusCode::FORBIDDEN,
            AppErrorCode::TooManyRequests | AppErrorCode::RenewalCoolOff => {
                StatusCode::TOO_MANY_REQUESTS
            }
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            code: code.as_str().to_owned(),
            details,
        }
    }

    /// The storage failed: logged (without stored values), answered as `internalError`.
    pub fn store(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage failed");
        Self::rp(ErrorCode::InternalError, "Internal error")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::store(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"errorCode": self.code, "details": self.details});
        (self.status, axum::Json(body)).into_response()
    }
}

//! Every request body is read whole (up to [`MAX_BODY`]) before the handler runs. A handler
//! that answers without reading the body (a wrong `Content-Type`, an unknown route) leaves
//! hyper to close the connection after the answer, without saying so in it: a client that
//! reuses the connection for its next request (keep-alive) then finds it closed, a connection
//! error instead of an answer, depending on timing. Read first, every connection stays usable.

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::CONNECTION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::error::ApiError;
use super::json::MAX_BODY;

/// The middleware: the request with its body read, or `invalidParameters` for a body over the
/// limit or cut off, with `Connection: close`: the rest of it stays unread. Over the limit is
/// found by reading up to it, not from `Content-Length` at once: a client still sending the
/// body when the answer and the close come would lose the answer (seen with schemathesis).
pub async fn read_whole_body(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => {
            let body = Body::from(body.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) if e.is::<LengthLimitError>() => refused("Request body too large"),
        Err(_) => refused("Request body cut off"),
    }
}

/// `invalidParameters` with `details`, ending the connection.
fn refused(details: &'static str) -> Response {
    let mut answer = ApiError::invalid(details).into_response();
    answer
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    answer
}

//! The page itself: one self-contained HTML document (its CSS and JavaScript inline, nothing
//! loaded from elsewhere) and the headers that keep it so: a Content-Security-Policy that runs
//! only that script and style (by their SHA-256), loads images only from `data:` (the QR
//! frames) and talks only to its own origin, no caching, no framing.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

const TEMPLATE: &str = include_str!("assets/page.html");
const STYLE: &str = include_str!("assets/page.css");
const SCRIPT: &str = include_str!("assets/page.js");

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The document for the relying party named `rp_name`.
pub fn html(rp_name: &str) -> String {
    TEMPLATE
        .replace("{{RP_NAME}}", &escape(rp_name))
        .replace("{{STYLE}}", STYLE)
        .replace("{{SCRIPT}}", SCRIPT)
}

fn sha256_source(text: &str) -> String {
    format!("'sha256-{}'", B64.encode(Sha256::digest(text.as_bytes())))
}

/// The page's Content-Security-Policy.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; connect-src 'self'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        sha256_source(SCRIPT),
        sha256_source(STYLE)
    )
}

/// Headers every demo answer carries: not cached (a QR frame is stale within a second), not
/// sniffed, no referrer.
pub fn no_store(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /demo`.
pub fn response(rp_name: &str) -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html(rp_name),
    )
        .into_response();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
        .headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    no_store(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained_and_its_policy_names_its_script_and_style() {
        let page = html("Shop <&> \"AB\"");
        assert!(page.contains("Shop &lt;&amp;&gt; &quot;AB&quot;"));
        assert!(!page.contains("{{"), "every placeholder filled");
        assert!(
            !page.contains("src=\"http"),
            "nothing loaded from elsewhere"
        );
        assert!(!SCRIPT.contains("</script"));
        let csp = content_security_policy();
        let script = format!("<script>{SCRIPT}</script>");
        assert!(page.contains(&script));
        assert!(csp.contains(&sha256_source(SCRIPT)), "{csp}");
        assert!(csp.contains("connect-src 'self'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}

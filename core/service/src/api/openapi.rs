//! The OpenAPI 3.1 document of the HTTP API, served at `GET /openapi.json`: generated from the
//! handlers' `#[utoipa::path]` attributes and the bodies' `ToSchema` derives, so it cannot
//! drift from the code (a test checks that it names exactly the router's routes).

use utoipa::openapi::security::SecurityScheme;
use utoipa::{Modify, OpenApi};

/// The security scheme of the relying-party and issuer APIs: the client certificate of the
/// TLS connection, issued by the service's client CA, names the party and its role.
/// (The operations' `security` attributes spell it as a literal, as utoipa requires: the
/// tests check they agree.)
pub const MUTUAL_TLS: &str = "mutualTLS";

/// Tag of the relying-party API (BankID RP API v6.0, and the offline code of a push).
pub const TAG_RP: &str = "relying party";
/// Tag of the issuer API.
pub const TAG_ISSUER: &str = "issuer";
/// Tag of the app API (authenticated by the device key's signatures in the bodies).
pub const TAG_APP: &str = "app";
/// Tag of the health check, the JWK set and this document.
pub const TAG_SERVICE: &str = "service";

/// The document's root: every operation of the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tapid identity service",
        description = "The relying-party API (modelled on BankID's RP API v6.0), the issuer \
                       API and the app API of tapid's identity service. Every connection is \
                       TLS; relying parties and issuers present a client certificate."
    ),
    paths(
        super::health,
        super::jwks,
        document,
        super::rp::auth,
        super::rp::sign,
        super::rp::collect,
        super::rp::cancel,
        super::issuer::issue,
        super::app::enrol,
        super::app::pickup,
        super::app::evidence,
        super::app::approve,
        super::app::decline,
        crate::relay::handlers::start,
        crate::relay::handlers::exchange,
        super::push::pending,
        super::push::pickup,
        super::offline::challenge,
        super::offline::verify,
        super::renewal::start,
        super::renewal::evidence,
        crate::relay::handlers::renewal_start,
        crate::relay::handlers::renewal_exchange,
        super::renewal::complete,
    ),
    modifiers(&MutualTls),
    tags(
        (name = TAG_RP, description = "Orders of relying parties (client certificate of role relying party)"),
        (name = TAG_ISSUER, description = "Identities issued by a bank (client certificate of role issuer)"),
        (name = TAG_APP, description = "The identity app: enrolment, orders, step-up, push, renewal"),
        (name = TAG_SERVICE, description = "Health, keys and this document"),
    )
)]
pub struct ApiDoc;

/// Adds the [`MUTUAL_TLS`] security scheme the operations name.
struct MutualTls;

impl Modify for MutualTls {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                MUTUAL_TLS,
                SecurityScheme::MutualTls {
                    description: Some(
                        "A client certificate issued by the service's client CA; it names the \
                         relying party or issuer and its role."
                            .to_owned(),
                    ),
                    deprecated: None,
                    extensions: None,
                },
            );
    }
}

/// `GET /openapi.json`: this document (no client certificate needed).
#[utoipa::path(
    get,
    path = super::OPENAPI,
    operation_id = "openapi",
    tag = TAG_SERVICE,
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    fn documented() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        paths
            .iter()
            .flat_map(|(path, item)| {
                let item = item.as_object().unwrap();
                METHODS
                    .iter()
                    .filter(|m| item.contains_key(**m))
                    .map(|m| ((*m).to_owned(), path.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_document_names_exactly_the_routes() {
        let routes: BTreeSet<(String, String)> = super::super::ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        assert_eq!(routes.len(), super::super::ROUTES.len(), "a route twice");
        let documented = documented();
        let undocumented: Vec<_> = routes.difference(&documented).collect();
        let unserved: Vec<_> = documented.difference(&routes).collect();
        assert!(
            undocumented.is_empty(),
            "routes not documented: {undocumented:?}"
        );
        assert!(
            unserved.is_empty(),
            "documented but not served: {unserved:?}"
        );
    }

    #[test]
    fn operation_ids_are_unique_and_links_name_them() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut ids = BTreeSet::new();
        let mut linked = Vec::new();
        for (method, path) in documented() {
            let op = &doc["paths"][&path][&method];
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "operationId {id} twice");
            for response in op["responses"].as_object().unwrap().values() {
                if let Some(links) = response.get("links").and_then(|l| l.as_object()) {
                    for link in links.values() {
                        linked.push(link["operationId"].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        assert!(
            linked.len() >= 6,
            "auth and sign link to collect, cancel, offline"
        );
        for id in linked {
            assert!(ids.contains(&id), "a link to {id}, which no operation is");
        }
    }

    #[test]
    fn rp_and_issuer_operations_require_a_client_certificate_and_app_ones_do_not() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["components"]["securitySchemes"][MUTUAL_TLS]["type"],
            "mutualTLS"
        );
        for (method, path) in documented() {
            let op = &doc["paths"][&path][&method];
            let tag = op["tags"][0].as_str().unwrap();
            let mtls = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get(MUTUAL_TLS).is_some()));
            assert_eq!(
                mtls,
                tag == TAG_RP || tag == TAG_ISSUER,
                "{method} {path} (tag {tag})"
            );
            if method == "post" {
                assert!(op["requestBody"]["required"] == true, "{path}");
                for status in ["400", "415", "500"] {
                    assert!(op["responses"][status].is_object(), "{path} {status}");
                }
            }
        }
    }
}

//! An in-process service on loopback with a generated PKI: the wiring `tapid demo`, `tapid
//! serve` (on an empty TLS directory) and the end-to-end tests share. A [`LocalPki`] is a CA,
//! the server's certificate and a client certificate per party, all from one seed; [`start`]
//! binds a listener and serves an [`AppState`] with the PKI's server TLS.

use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::api::AppState;
use crate::pki::{Authority, Credential, PkiError};
use crate::server::{self, Running};
use crate::tls::{self, ServerTls, TlsError};

/// A client party to issue a certificate for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartyName<'a> {
    /// Its id (`CN`): what the service knows it by.
    pub id: &'a str,
    /// Its role (`OU`, see [`crate::pki::role`]).
    pub role: &'a str,
    /// Its display name (`O`), shown to the user in the app.
    pub display: &'a str,
}

/// A test CA, the server certificate it issued (for `localhost`, `127.0.0.1`, `::1`), and the
/// client certificates of the parties. The CA's key is not kept: nothing else can be issued.
#[derive(Debug, Clone)]
pub struct LocalPki {
    ca_der: Vec<u8>,
    server: Credential,
    clients: Vec<(String, Credential)>,
}

impl LocalPki {
    /// A PKI whose keys derive from `seed` (the same seed gives the same files), valid from
    /// `not_before` to `not_after` (Unix seconds), with a client certificate for each party.
    pub fn generate(
        seed: &[u8],
        not_before: i64,
        not_after: i64,
        parties: &[PartyName<'_>],
    ) -> Result<Self, PkiError> {
        let mut ca = Authority::new(seed, "tapid test CA", not_before, not_after)?;
        let server = ca.server()?;
        let clients = parties
            .iter()
            .map(|p| Ok((p.id.to_owned(), ca.client(p.id, p.role, p.display)?)))
            .collect::<Result<Vec<_>, PkiError>>()?;
        Ok(Self {
            ca_der: ca.cert_der().to_vec(),
            server,
            clients,
        })
    }

    /// The CA certificate (DER): clients trust it for the server, and the server trusts it
    /// for client certificates.
    pub fn ca_der(&self) -> &[u8] {
        &self.ca_der
    }

    /// The server's certificate and key.
    pub fn server(&self) -> &Credential {
        &self.server
    }

    /// The credential of party `id`.
    pub fn client(&self, id: &str) -> Option<&Credential> {
        self.clients.iter().find(|(i, _)| i == id).map(|(_, c)| c)
    }

    /// Every party's id and credential, in the order they were named.
    pub fn clients(&self) -> impl Iterator<Item = (&str, &Credential)> {
        self.clients.iter().map(|(i, c)| (i.as_str(), c))
    }

    /// The roots a client verifies the server with.
    pub fn roots(&self) -> Vec<CertificateDer<'static>> {
        vec![CertificateDer::from(self.ca_der.clone())]
    }

    /// The server's TLS material: its certificate and key, and the CA as client CA.
    pub fn server_tls(&self) -> Result<ServerTls, TlsError> {
        Ok(ServerTls {
            chain: vec![CertificateDer::from(self.server.cert_der.clone())],
            key: tls::private_key(&self.server.key_pkcs8, "the server key")?,
            client_cas: self.roots(),
        })
    }
}

/// A credential as a TLS client presents it: its certificate chain and key.
pub fn client_identity(
    c: &Credential,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
    Ok((
        vec![CertificateDer::from(c.cert_der.clone())],
        tls::private_key(&c.key_pkcs8, "a client key")?,
    ))
}

/// Why a service could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The TLS configuration was refused.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Starts one instance serving `state` with `tls` on `addr` (`127.0.0.1:0` for a free port;
/// [`Running::addr`] says which).
pub async fn start(state: AppState, tls: ServerTls, addr: &str) -> Result<Running, StartError> {
    let config = tls::server_config(tls)?;
    let bind = |source| StartError::Bind {
        addr: addr.to_owned(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(bind)?;
    server::serve(listener, config, state).map_err(bind)
}

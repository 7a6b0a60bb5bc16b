//! Serving the API over TLS: accept a TCP connection, complete the TLS handshake (the client
//! certificate verified by rustls), read the party from it, and serve HTTP/1.1 with a [`Peer`]
//! on every request. A background task deletes evidence whose retention ended.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::api::{self, AppState, Peer};
use crate::tls;

/// A running service; stops when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:PORT` (or the bound address).
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Runs until the task ends (it does not, unless it panics): for `tapid serve`.
    pub async fn wait(mut self) {
        if let Some(t) = self.tasks.first_mut() {
            let _ = t.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// How long a TLS handshake may take.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// How often expired evidence is deleted.
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// Serves `state` on `listener` with `tls`.
pub fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let router = api::router(state.clone());
    let acceptor = TlsAcceptor::from(tls);
    let accept = tokio::spawn(async move {
        loop {
            let Ok((tcp, remote)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await
                else {
                    return;
                };
                let party = stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .and_then(|c| tls::party(c));
                let peer = Peer {
                    party,
                    addr: remote,
                };
                let service = TowerToHyperService::new(router.layer(Extension(peer)));
                let _ = Builder::new(TokioExecutor::new())
                    .http1_only()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let purge = tokio::spawn(async move {
        loop {
            tokio::time::sleep(PURGE_EVERY).await;
            match state.store.purge_evidence(state.clock.now_millis()).await {
                Ok(n) if n > 0 => tracing::info!(bundles = n, "expired evidence deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "evidence purge failed"),
            }
        }
    });
    Ok(Running {
        addr,
        tasks: vec![accept, purge],
    })
}

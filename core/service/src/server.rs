//! Serving the API over TLS: accept a TCP connection, complete the TLS handshake (the client
//! certificate verified by rustls), read the party from it, and serve HTTP/1.1 with a [`Peer`]
//! on every request. A background task deletes evidence whose retention ended.
//! [`Running::shutdown`] stops gracefully: no new connection is accepted, open connections
//! finish the request they are serving, within a bounded grace period.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::api::{self, AppState, Peer};
use crate::tls;

/// A running service; stops when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
    /// Set to `true` to stop: the accept loop ends, open connections close after their
    /// request.
    stop: watch::Sender<bool>,
    /// Ends (`None`) when the accept loop and every connection task have dropped their sender.
    open: mpsc::Receiver<()>,
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

    /// Stops gracefully: accepts no new connection, lets the open ones finish the request they
    /// serve, waits for them at most `grace`, then ends every task. `true` when every
    /// connection finished within `grace`.
    pub async fn shutdown(mut self, grace: Duration) -> bool {
        self.stop.send_replace(true);
        tokio::time::timeout(grace, self.open.recv()).await.is_ok()
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

/// Resolves once `stop` says `true` (at once when it does already, or when its sender is gone).
async fn stopped_when(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Serves `state` on `listener` with `tls`.
pub fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let router = api::router(state.clone());
    let acceptor = TlsAcceptor::from(tls);
    let (stop, stopped) = watch::channel(false);
    let (alive, open) = mpsc::channel::<()>(1);
    let mut accept_stop = stopped.clone();
    let accept = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = stopped_when(&mut accept_stop) => break,
            };
            let Ok((tcp, remote)) = accepted else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let acceptor = acceptor.clone();
            let router = router.clone();
            let alive = alive.clone();
            let mut stop = stopped.clone();
            tokio::spawn(async move {
                let _alive = alive;
                let stream = match tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::info!(error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::info!("TLS handshake timed out");
                        return;
                    }
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
                let builder = Builder::new(TokioExecutor::new()).http1_only();
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                tokio::pin!(conn);
                tokio::select! {
                    ended = conn.as_mut() => {
                        if let Err(e) = ended {
                            tracing::info!(error = %e, "connection ended with an error");
                        }
                    }
                    _ = stopped_when(&mut stop) => {
                        // Finish the request in flight, then close (keep-alive ends here).
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.await;
                    }
                }
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
        stop,
        open,
    })
}

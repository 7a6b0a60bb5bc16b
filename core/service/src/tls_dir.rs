//! The TLS directory of `tapid serve`: the server certificate, its key and the client CA as
//! files the operator supplies (PEM or DER, fixed names), or — when the directory is empty or
//! missing — a [`LocalPki`] generated into it with the credentials of one relying party and
//! one issuer, every file owner-only.

use std::path::{Path, PathBuf};

use crate::local::LocalPki;
use crate::pki::pem;
use crate::tls::{self, ServerTls, TlsError};

/// The server's certificate chain, leaf first (PEM, or one DER certificate).
pub const SERVER_CERT: &str = "server.crt";
/// The server's private key (PEM, or PKCS #8 DER).
pub const SERVER_KEY: &str = "server.key";
/// The CA (or CAs, PEM) whose client certificates name relying parties and issuers. In a
/// generated directory it issued the server certificate too: clients trust it for the server.
pub const CLIENT_CA: &str = "client-ca.crt";

/// Why the directory could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsDirError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// Which file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file holds no usable certificate or key.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> TlsDirError + '_ {
    move |source| TlsDirError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `true` when `dir` is missing or holds no file: [`generate`] may fill it.
pub fn is_empty(dir: &Path) -> Result<bool, TlsDirError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io(dir)(e)),
    }
}

/// Reads the server's TLS material from `dir`.
pub fn load(dir: &Path) -> Result<ServerTls, TlsDirError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(io(&path))
    };
    let key = zeroize::Zeroizing::new(read(SERVER_KEY)?);
    Ok(ServerTls {
        chain: tls::certificates(&read(SERVER_CERT)?, SERVER_CERT)?,
        key: tls::private_key(&key, SERVER_KEY)?,
        client_cas: tls::certificates(&read(CLIENT_CA)?, CLIENT_CA)?,
    })
}

/// The files of party `id`: its certificate and its key.
pub fn client_files(dir: &Path, id: &str) -> (PathBuf, PathBuf) {
    (dir.join(format!("{id}.crt")), dir.join(format!("{id}.key")))
}

/// Writes `pki` into `dir` (created owner-only, 0700): [`SERVER_CERT`], [`SERVER_KEY`],
/// [`CLIENT_CA`] and each party's [`client_files`], all PEM and owner-only (0600). Returns
/// the files written. Existing files are never overwritten.
pub fn generate(dir: &Path, pki: &LocalPki) -> Result<Vec<PathBuf>, TlsDirError> {
    create_private_dir(dir).map_err(io(dir))?;
    let mut files = vec![
        (dir.join(SERVER_CERT), pki.server().cert_pem()),
        (
            dir.join(SERVER_KEY),
            pki.server().key_pem().as_str().to_owned(),
        ),
        (dir.join(CLIENT_CA), pem("CERTIFICATE", pki.ca_der())),
    ];
    for (id, c) in pki.clients() {
        let (cert, key) = client_files(dir, id);
        files.push((cert, c.cert_pem()));
        files.push((key, c.key_pem().as_str().to_owned()));
    }
    let mut written = Vec::with_capacity(files.len());
    for (path, text) in files {
        let text = zeroize::Zeroizing::new(text);
        write_private(&path, text.as_bytes()).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    // An existing (empty) directory keeps its mode on create: narrow it as well.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::PartyName;
    use crate::pki::role;

    #[test]
    fn a_generated_directory_loads_and_is_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("tls");
        assert!(is_empty(&dir).unwrap());
        let pki = LocalPki::generate(
            b"seed",
            1_767_225_600,
            2_082_758_400,
            &[PartyName {
                id: "rp",
                role: role::RELYING_PARTY,
                display: "RP",
            }],
        )
        .unwrap();
        let files = generate(&dir, &pki).unwrap();
        assert_eq!(files.len(), 5);
        assert!(!is_empty(&dir).unwrap());
        let tls = load(&dir).unwrap();
        assert_eq!(tls.chain.len(), 1);
        assert_eq!(tls.client_cas[0].as_ref(), pki.ca_der());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            for f in &files {
                assert_eq!(mode(f), 0o600, "{}", f.display());
            }
        }
        // Nothing is overwritten.
        assert!(generate(&dir, &pki).is_err());
        let junk = tmp.path().join("junk");
        generate(&junk, &pki).unwrap();
        std::fs::remove_file(junk.join(SERVER_KEY)).unwrap();
        std::fs::write(junk.join(SERVER_KEY), b"junk").unwrap();
        assert!(matches!(load(&junk), Err(TlsDirError::Tls(_))));
        std::fs::remove_file(dir.join(CLIENT_CA)).unwrap();
        assert!(matches!(load(&dir), Err(TlsDirError::Io { .. })));
    }
}

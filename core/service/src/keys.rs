//! The service's own keys: the JWS signing key (completions) and the data key (encryption at
//! rest). Several instances of one deployment share them through a key directory
//! (`jws-key.pk8`, `data-key.bin`, written owner-only), which `tapid serve` creates on first
//! start.

use std::path::Path;

use crate::entropy::{self, Entropy};
use crate::jws::JwsKey;
use crate::seal::DataKey;

/// The service's keys.
#[derive(Debug, Clone)]
pub struct ServiceKeys {
    /// Signs completions.
    pub jws: JwsKey,
    /// Encrypts evidence and OCRA secrets at rest.
    pub data: DataKey,
}

/// Why the keys could not be loaded or created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Reading or writing a key file failed.
    #[error("key file {file}: {source}")]
    Io {
        /// Which file.
        file: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// A key file does not hold a key.
    #[error("key file {0} does not hold a usable key")]
    Invalid(&'static str),
}

impl ServiceKeys {
    /// Fresh keys from `entropy`.
    pub fn generate(entropy: &dyn Entropy) -> Self {
        let jws = loop {
            let bytes: [u8; 32] = entropy::bytes(entropy);
            if let Some(k) = JwsKey::from_bytes(&bytes) {
                break k;
            }
        };
        Self {
            jws,
            data: DataKey::new(entropy::bytes(entropy)),
        }
    }

    /// Loads the keys from `dir`, creating them (owner-only files) when absent.
    pub fn load_or_create(dir: &Path, entropy: &dyn Entropy) -> Result<Self, KeyError> {
        let jws_path = dir.join("jws-key.pk8");
        let data_path = dir.join("data-key.bin");
        let io = |file| move |source| KeyError::Io { file, source };
        if !jws_path.exists() && !data_path.exists() {
            std::fs::create_dir_all(dir).map_err(io("key directory"))?;
            let keys = Self::generate(entropy);
            let pk8 = keys
                .jws
                .to_pkcs8()
                .ok_or(KeyError::Invalid("jws-key.pk8"))?;
            write_private(&jws_path, &pk8).map_err(io("jws-key.pk8"))?;
            write_private(&data_path, keys.data.as_bytes()).map_err(io("data-key.bin"))?;
            return Ok(keys);
        }
        let pk8 = zeroize::Zeroizing::new(std::fs::read(&jws_path).map_err(io("jws-key.pk8"))?);
        let jws = JwsKey::from_pkcs8(&pk8).ok_or(KeyError::Invalid("jws-key.pk8"))?;
        let data = zeroize::Zeroizing::new(std::fs::read(&data_path).map_err(io("data-key.bin"))?);
        let data: [u8; 32] = data
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Invalid("data-key.bin"))?;
        Ok(Self {
            jws,
            data: DataKey::new(data),
        })
    }
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

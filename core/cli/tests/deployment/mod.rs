//! `tapid serve` processes on one database and TLS directory, and the parties around them as
//! a deployment has them: the relying party and the issuer with the client credentials the
//! first start generated into the TLS directory, and an app with a software key store that
//! talks to whichever instance it is given. An instance is stopped with SIGKILL only: nothing
//! of a graceful stop helps the state survive.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_identity::client::{AppClient, Https, PickedUp};
use tapid_identity::service_api::{Attestation, attestation};
use tapid_keystore::{
    CodePolicy, KdfParams, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore,
    StoreOptions,
};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::ReadOptions;
use tapid_service::api::wire::{IssueRequest, IssueResponse, Requirement, StartRequest};
use tapid_service::{tls, tls_dir};

const TAPID: &str = env!("CARGO_BIN_EXE_tapid");
/// The holder of the emulator's Swedish passport.
pub const HOLDER_PNO: &str = tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER;
/// How often `/health` is asked before an instance counts as not started.
const HEALTH_ATTEMPTS: usize = 100;

/// The files every instance of one deployment shares: the database, the TLS directory and the
/// service's key directory.
pub struct Deployment {
    pub db: String,
    pub dir: PathBuf,
}

impl Deployment {
    /// A deployment on `db` whose TLS and key directories live under `dir`.
    pub fn new(dir: &Path, db: &str) -> Self {
        Self {
            db: db.to_owned(),
            dir: dir.to_owned(),
        }
    }

    pub fn tls_dir(&self) -> PathBuf {
        self.dir.join("tls")
    }

    /// Starts an instance (`n` names its log file) and waits until it answers `/health`.
    pub async fn start(&self, n: usize) -> Instance {
        let log = self.dir.join(format!("serve-{n}.log"));
        let mut child = Command::new(TAPID)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--json",
                "--db",
                &self.db,
            ])
            .arg("--tls-dir")
            .arg(self.tls_dir())
            .arg("--key-dir")
            .arg(self.dir.join("keys"))
            .arg("--trust")
            .arg(tapid_test_support::conformance::test_csca_dir())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut instance = Instance {
            child: Some(child),
            _stdout: None,
            url: String::new(),
            generated_tls: false,
            log,
        };
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let printed: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{e}: {line:?}\n{}", instance.log_text()));
        instance._stdout = Some(stdout);
        instance.url = printed["listening"].as_str().unwrap().to_owned();
        instance.generated_tls = printed["generatedTls"].as_bool().unwrap();
        let health = self.client(&instance, None);
        assert_eq!(wait_healthy(&health).await["status"], "ok");
        instance
    }

    /// SIGKILLs `instance` and starts a new one on the same files.
    pub async fn restart(&self, instance: Instance, n: usize) -> Instance {
        instance.sigkill();
        let again = self.start(n).await;
        assert!(!again.generated_tls, "the TLS directory is reused");
        again
    }

    /// A client of `instance` presenting party `party`'s generated credentials (`rp`,
    /// `issuer`), or none (the app).
    pub fn client(&self, instance: &Instance, party: Option<&str>) -> Https {
        let dir = self.tls_dir();
        let roots =
            tls::certificates(&std::fs::read(dir.join(tls_dir::CLIENT_CA)).unwrap(), "ca").unwrap();
        let identity = party.map(|p| {
            let (cert, key) = tls_dir::client_files(&dir, p);
            (
                tls::certificates(&std::fs::read(cert).unwrap(), "cert").unwrap(),
                tls::private_key(&std::fs::read(key).unwrap(), "key").unwrap(),
            )
        });
        Https::new(&instance.url, &roots, identity).unwrap()
    }

    /// The relying party on `instance`.
    pub fn rp(&self, instance: &Instance) -> Rp {
        Rp(self.client(instance, Some("rp")))
    }

    /// Issues an identity for the passport's holder through `instance`.
    pub async fn issue(&self, instance: &Instance) -> IssueResponse {
        self.client(instance, Some("issuer"))
            .post("/issuer/v1/identities", &holder())
            .await
            .unwrap()
    }

    /// `app`'s client on `instance`.
    pub fn app_on(&self, app: &App, instance: &Instance) -> AppClient {
        app.client(self.client(instance, None))
    }
}

/// `/health`, asked until it answers (a bounded number of times).
pub async fn wait_healthy(http: &Https) -> Value {
    let mut last = None;
    for _ in 0..HEALTH_ATTEMPTS {
        match http.get::<Value>("/health").await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no /health answer: {last:?}");
}

/// A running `tapid serve`; SIGKILLed when dropped.
pub struct Instance {
    child: Option<Child>,
    _stdout: Option<BufReader<ChildStdout>>,
    pub url: String,
    pub generated_tls: bool,
    log: PathBuf,
}

impl Instance {
    /// Kills the process with SIGKILL (what `Child::kill` sends on Unix) and checks that the
    /// signal is what ended it.
    pub fn sigkill(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "{status}\n{}", self.log_text());
    }

    /// What it logged.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The relying party.
pub struct Rp(pub Https);

impl Rp {
    /// Starts an `auth` or `sign` order and returns its start answer.
    pub async fn start(&self, kind: &str, req: &StartRequest) -> Value {
        self.0.post(&format!("/rp/v6.0/{kind}"), req).await.unwrap()
    }

    /// Collects `order_ref`.
    pub async fn collect(&self, order_ref: &str) -> Value {
        self.0
            .post("/rp/v6.0/collect", &json!({"orderRef": order_ref}))
            .await
            .unwrap()
    }
}

/// The issue request for the passport's holder.
pub fn holder() -> IssueRequest {
    IssueRequest {
        personal_number: HOLDER_PNO.into(),
        given_name: "Åsa Märta".into(),
        surname: "Öberg".into(),
    }
}

/// An auth order without step-up.
pub fn auth() -> StartRequest {
    StartRequest {
        end_user_ip: "127.0.0.1".into(),
        ..Default::default()
    }
}

/// A sign order with the passport step-up.
pub fn mrtd_sign() -> StartRequest {
    use base64::Engine;
    StartRequest {
        end_user_ip: "127.0.0.1".into(),
        user_visible_data: Some(
            base64::engine::general_purpose::STANDARD.encode("Överför 2 500 kr"),
        ),
        requirement: Some(Requirement {
            mrtd: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The start answer's `field`.
pub fn field<'a>(start: &'a Value, field: &str) -> &'a str {
    start[field].as_str().unwrap()
}

/// An app: a device key in a software key store (cheap Argon2id costs), and the identity it
/// enrolled, talking to any instance.
pub struct App {
    keys: Arc<SoftwareKeyStore>,
    alias: KeyAlias,
    code: SecurityCode,
    pub identity_id: Option<String>,
    _dir: tempfile::TempDir,
}

const CHEAP: StoreOptions = StoreOptions {
    kdf: KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    },
    max_attempts: 5,
    code_policy: CodePolicy::PHONE,
};

impl App {
    /// A new device key, not enrolled.
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let code = SecurityCode::new("731904".into()).unwrap();
        let keys = Arc::new(SoftwareKeyStore::create_in_dir(dir.path(), &code, CHEAP).unwrap());
        let alias = KeyAlias::new("identity").unwrap();
        keys.generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&code))
            .await
            .unwrap();
        Self {
            keys,
            alias,
            code,
            identity_id: None,
            _dir: dir,
        }
    }

    fn client(&self, http: Https) -> AppClient {
        let keys: Arc<dyn KeyStore> = self.keys.clone();
        let mut client = AppClient::new(http, keys, self.alias.clone(), Some(self.code.clone()));
        if let Some(id) = &self.identity_id {
            client.set_identity(id);
        }
        client
    }

    /// Enrols with `activation_code` through `client` (from [`Deployment::app_on`]).
    pub async fn enrol(&mut self, client: &mut AppClient, activation_code: &str) {
        let enrolled = client.enrol(activation_code, software()).await.unwrap();
        self.identity_id = Some(enrolled.identity_id);
    }
}

/// A software key's attestation.
pub fn software() -> Attestation {
    Attestation {
        kind: attestation::SOFTWARE.into(),
        data: String::new(),
    }
}

/// The evidence bundle (canonical bytes) of an emulated read of the holder's passport
/// answering the order's Active Authentication challenge.
pub async fn evidence(picked: &PickedUp) -> Vec<u8> {
    let profile = Profile::named("se-passport-pace").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let mut transport = EmulatorTransport::new(chip);
    let trust = tapid_emulator::pki::test_trust_store().unwrap();
    let options = ReadOptions {
        aa_challenge: Some(picked.aa_challenge.unwrap()),
        ..ReadOptions::default()
    };
    let read =
        tapid_test_support::read::read_pinned(&mut transport, &key, &options, &trust, b"terminal")
            .await
            .unwrap();
    read.evidence().to_canonical_bytes()
}

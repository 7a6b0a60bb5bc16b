//! A real service on loopback TLS over a real database, with the parties around it: relying
//! parties and an issuer with client certificates of the test CA, apps with a software key
//! store, and the emulated Swedish passport for the step-up.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Fault, Profile};
use tapid_identity::client::{AppClient, Https};
use tapid_identity::service_api::{Attestation, RelayAccessKey, attestation};
use tapid_keystore::{
    KdfParams, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore, StoreOptions,
};
use tapid_mrtd::mrz::{AccessKey, Mrz};
use tapid_mrtd::reader::{ReadOptions, Verification, read};
use tapid_service::api::AppState;
use tapid_service::api::wire::{IssueRequest, IssueResponse, StartRequest, StartResponse};
use tapid_service::clock::ManualClock;
use tapid_service::config::Config;
use tapid_service::entropy::SeededEntropy;
use tapid_service::keys::ServiceKeys;
use tapid_service::local::{self, LocalPki, PartyName};
use tapid_service::pki::{Credential, role};
use tapid_service::server::Running;
use tapid_service::store::Store;

use tapid_test_support::backend::TestDb;

/// The service's clock at the start of every test: 2027-01-15, inside the test PKIs.
pub const START_MS: i64 = 1_800_000_000_000;
/// The holder of the emulator's Swedish passport and ID card.
pub const HOLDER_PNO: &str = "198503142385";

/// The TLS parties of the tests, from one seed (the same certificates as before the PKI moved
/// to `tapid_service::local`).
pub struct Pki {
    pub ca: Vec<u8>,
    pub server: Credential,
    pub shop: Credential,
    pub other_rp: Credential,
    pub bank: Credential,
    pub local: LocalPki,
}

impl Pki {
    pub fn new() -> Self {
        let party = |id, role, display| PartyName { id, role, display };
        let local = LocalPki::generate(
            b"tapid-service tests",
            1_767_225_600,
            2_082_758_400,
            &[
                party("shop", role::RELYING_PARTY, "Webbshoppen AB"),
                party("other", role::RELYING_PARTY, "Andra AB"),
                party("bank", role::ISSUER, "Testbanken AB"),
            ],
        )
        .unwrap();
        let client = |id| local.client(id).unwrap().clone();
        Self {
            ca: local.ca_der().to_vec(),
            server: local.server().clone(),
            shop: client("shop"),
            other_rp: client("other"),
            bank: client("bank"),
            local,
        }
    }
}

/// One service instance.
pub struct Instance {
    pub running: Running,
    pub state: AppState,
}

/// A service (one or more instances on one database) and its parties.
pub struct Harness {
    pub pki: Pki,
    pub clock: ManualClock,
    pub keys: Arc<ServiceKeys>,
    pub instances: Vec<Instance>,
    pub config: Config,
}

fn identity(c: &Credential) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    local::client_identity(c).unwrap()
}

impl Harness {
    /// One instance on `db` with the default config.
    pub async fn start(db: &TestDb) -> Self {
        Self::with_config(db, Config::default()).await
    }

    /// One instance on `db` with `config`.
    pub async fn with_config(db: &TestDb, config: Config) -> Self {
        let mut h = Self {
            pki: Pki::new(),
            clock: ManualClock::new(START_MS),
            keys: Arc::new(ServiceKeys::generate(&SeededEntropy::new(b"service keys"))),
            instances: Vec::new(),
            config,
        };
        h.add_instance(db).await;
        h
    }

    /// Starts another instance on the same database (and keys).
    pub async fn add_instance(&mut self, db: &TestDb) -> usize {
        let n = self.instances.len();
        let state = AppState {
            store: Store::open(db.spec()).await.unwrap(),
            clock: Arc::new(self.clock.clone()),
            entropy: Arc::new(SeededEntropy::new(
                format!("instance {n} of {}", db.spec()).as_bytes(),
            )),
            keys: Arc::clone(&self.keys),
            config: Arc::new(self.config.clone()),
            trust: Arc::new(test_trust_store().unwrap()),
        };
        let tls = self.pki.local.server_tls().unwrap();
        let running = local::start(state.clone(), tls, "127.0.0.1:0")
            .await
            .unwrap();
        self.instances.push(Instance { running, state });
        n
    }

    pub fn url(&self, instance: usize) -> String {
        self.instances[instance].running.url()
    }

    fn client(&self, instance: usize, who: Option<&Credential>) -> Https {
        Https::new(
            &self.url(instance),
            &self.pki.local.roots(),
            who.map(identity),
        )
        .unwrap()
    }

    /// The relying party `shop` on instance 0.
    pub fn shop(&self) -> Https {
        self.client(0, Some(&self.pki.shop))
    }

    /// The relying party `shop` on instance `i`.
    pub fn shop_on(&self, i: usize) -> Https {
        self.client(i, Some(&self.pki.shop))
    }

    /// Another relying party.
    pub fn other_rp(&self) -> Https {
        self.client(0, Some(&self.pki.other_rp))
    }

    /// The issuer.
    pub fn bank(&self) -> Https {
        self.client(0, Some(&self.pki.bank))
    }

    /// A client without a certificate (as the app is).
    pub fn anonymous(&self, instance: usize) -> Https {
        self.client(instance, None)
    }

    /// Issues an identity for the passport's holder (or `pno`, `given`, `surname`).
    pub async fn issue(&self, pno: &str, given: &str, surname: &str) -> IssueResponse {
        self.bank()
            .post(
                "/issuer/v1/identities",
                &IssueRequest {
                    personal_number: pno.into(),
                    given_name: given.into(),
                    surname: surname.into(),
                },
            )
            .await
            .unwrap()
    }

    /// An app with a fresh software key, enrolled for the passport's holder, on instance `i`.
    pub async fn app_on(&self, i: usize) -> App {
        let issued = self.issue(HOLDER_PNO, "Åsa Märta", "Öberg").await;
        let mut app = App::new(self.anonymous(i)).await;
        app.client
            .enrol(&issued.activation_code, software())
            .await
            .unwrap();
        app
    }

    /// [`Harness::app_on`] instance 0.
    pub async fn app(&self) -> App {
        self.app_on(0).await
    }

    /// Starts an order as `shop`.
    pub async fn start_order(&self, kind: &str, req: &StartRequest) -> StartResponse {
        self.shop()
            .post(&format!("/rp/v6.0/{kind}"), req)
            .await
            .unwrap()
    }

    /// Collects as `shop`.
    pub async fn collect(&self, order_ref: &str) -> serde_json::Value {
        self.shop()
            .post(
                "/rp/v6.0/collect",
                &serde_json::json!({"orderRef": order_ref}),
            )
            .await
            .unwrap()
    }
}

/// A software key attestation.
pub fn software() -> Attestation {
    Attestation {
        kind: attestation::SOFTWARE.into(),
        data: String::new(),
    }
}

/// An app: a software key store in a temporary directory and the client using it.
pub struct App {
    pub client: AppClient,
    pub keys: Arc<SoftwareKeyStore>,
    _dir: tempfile::TempDir,
}

/// Cheap Argon2id costs so tests run fast.
const CHEAP: StoreOptions = StoreOptions {
    kdf: KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    },
    max_attempts: 5,
    code_policy: tapid_keystore::CodePolicy::PHONE,
};

impl App {
    /// A new key in a new store, not enrolled.
    pub async fn new(http: Https) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let code = SecurityCode::new("731904".into()).unwrap();
        let keys = Arc::new(SoftwareKeyStore::create_in_dir(dir.path(), &code, CHEAP).unwrap());
        let alias = KeyAlias::new("identity").unwrap();
        keys.generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&code))
            .await
            .unwrap();
        let client = AppClient::new(http, keys.clone(), alias, Some(code));
        Self {
            client,
            keys,
            _dir: dir,
        }
    }
}

/// The emulated document `profile` (with `fault`) in the phone's NFC field.
pub fn card(profile: &str, fault: Option<Fault>) -> EmulatorTransport {
    let profile = Profile::named(profile).unwrap();
    let chip = match fault {
        Some(f) => {
            tapid_emulator::faults::chip(&profile, ChipConfig::default(), b"chip", f).unwrap()
        }
        None => Chip::new(&profile, ChipConfig::default(), b"chip").unwrap(),
    };
    EmulatorTransport::new(chip)
}

/// The MRZ access key of `profile` as the app's MRZ scan reads it (relay mode).
pub fn mrz_key(profile: &str) -> RelayAccessKey {
    let mrz = Mrz::parse(&Profile::named(profile).unwrap().mrz).unwrap();
    RelayAccessKey::Mrz {
        document_number: mrz.document_number,
        date_of_birth: mrz.date_of_birth_raw,
        date_of_expiry: mrz.date_of_expiry_raw,
    }
}

/// The evidence bundle (canonical bytes) of an emulated read of `profile` (with `fault`),
/// answering the server's Active Authentication challenge `aa`.
pub async fn evidence(profile: &str, fault: Option<Fault>, aa: [u8; 8]) -> Vec<u8> {
    let key = AccessKey::Mrz(Profile::named(profile).unwrap().mrz_key().unwrap());
    let mut transport = card(profile, fault);
    let trust = test_trust_store().unwrap();
    let options = ReadOptions {
        aa_challenge: Some(aa),
        ..ReadOptions::default()
    };
    let read = read(
        &mut transport,
        &key,
        &options,
        &Verification::new(&trust, START_MS / 1000),
        &mut SeededRng::new(b"terminal"),
        &mut |_| {},
    )
    .await
    .unwrap();
    read.evidence().to_canonical_bytes()
}

//! https deliveries to a local TLS server whose certificate is signed by a CA made here (rcgen):
//! refused without `--cacert` with a line that names the way out, accepted with it (or with
//! `SSL_CERT_FILE`, as curl honours it), by every command that sends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::{Recorded, Reply, TestServer, cmd, expected_signature};
use predicates::prelude::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const SECRET: &str = "whsec_tls_test";

/// A CA written to `dir/ca.pem`, and a TLS server for 127.0.0.1 and localhost signed by it.
struct Pki {
    ca_file: PathBuf,
    server: TestServer,
    _dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "titancard-wh test CA");
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();

        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(leaf.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .unwrap();
        let server = TestServer::start_with(Some(TlsAcceptor::from(Arc::new(config))), |_, _| {
            Reply::status(200)
        });
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).unwrap();
        Pki {
            ca_file,
            server,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        self.server.url("/webhook")
    }

    fn ca(&self) -> &str {
        self.ca_file.to_str().unwrap()
    }
}

/// The platform's roots only, whatever the machine running the tests has configured.
fn platform_roots(command: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    command
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
}

fn assert_delivered(request: &Recorded, event: &str) {
    assert_eq!(request.path, "/webhook");
    assert_eq!(request.header("x-webhook-event"), Some(event));
    assert_eq!(
        request.header("x-webhook-signature"),
        Some(expected_signature(SECRET, &request.body).as_str())
    );
    let names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "content-type",
            "x-webhook-signature",
            "x-webhook-event",
            "user-agent",
            "content-length"
        ]
    );
}

#[test]
fn send_refuses_an_unknown_ca_and_trusts_cacert() {
    let pki = Pki::new();
    let send = |extra: &[&str]| {
        let mut command = cmd();
        platform_roots(&mut command)
            .args([
                "send",
                "card.viewed",
                "--secret",
                SECRET,
                "--url",
                &pki.url(),
            ])
            .args(extra)
            .assert()
    };
    send(&[]).code(1).stdout(
        predicate::str::contains("the server's certificate is not trusted")
            .and(predicate::str::contains("--cacert FILE")),
    );
    assert!(pki.server.requests().is_empty());

    send(&["--cacert", pki.ca()])
        .code(0)
        .stdout(predicate::str::contains("200 OK"));
    let requests = pki.server.requests();
    assert_eq!(requests.len(), 1);
    assert_delivered(&requests[0], "card.viewed");

    // SSL_CERT_FILE, as curl and openssl honour it, replaces the platform's roots.
    let mut command = cmd();
    command
        .env("SSL_CERT_FILE", pki.ca())
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &pki.url(),
        ])
        .assert()
        .code(0);
    assert_eq!(pki.server.requests().len(), 2);
}

#[test]
fn probe_replay_and_load_mode_take_cacert_too() {
    let pki = Pki::new();
    let mut command = cmd();
    platform_roots(&mut command)
        .args([
            "probe",
            "--url",
            &pki.url(),
            "--secret",
            SECRET,
            "--event",
            "note.added",
        ])
        .args(["--cacert", pki.ca()])
        .assert()
        // The test server answers 200 to everything: it reaches the endpoint, and the cases that
        // expect a refusal fail on the 200.
        .code(1)
        .stdout(predicate::str::contains("valid-note.added"));
    assert!(pki.server.requests().len() > 1);

    let dir = tempfile::tempdir().unwrap();
    let capture = write_capture(dir.path());
    let before = pki.server.requests().len();
    let mut command = cmd();
    platform_roots(&mut command)
        .args(["replay", capture.to_str().unwrap(), "--url", &pki.url()])
        .args(["--cacert", pki.ca()])
        .assert()
        .code(0);
    assert_eq!(pki.server.requests().len(), before + 1);

    let before = pki.server.requests().len();
    let mut command = cmd();
    platform_roots(&mut command)
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &pki.url(),
        ])
        .args(["--count", "20", "--concurrency", "2", "--cacert", pki.ca()])
        .assert()
        .code(0);
    let requests = pki.server.requests();
    assert_eq!(requests.len(), before + 20);
    assert_delivered(&requests[before], "card.created");
    let mut command = cmd();
    platform_roots(&mut command)
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &pki.url(),
        ])
        .args(["--count", "3"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("tls"));
}

#[test]
fn listen_forwards_to_an_https_app_with_cacert() {
    let pki = Pki::new();
    let listen = crate::listen_support::Listen::start(&[
        "--secret",
        SECRET,
        "--forward-to",
        &pki.url(),
        "--cacert",
        pki.ca(),
    ]);
    let body = crate::listen_support::unique_body(7);
    let (status, _) =
        crate::listen_support::deliver(listen.addr, "connection.created", &body, SECRET);
    assert_eq!(status, 200);
    let requests = pki.server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body, body);
    listen.stop("-TERM");
}

#[test]
fn a_cacert_file_without_a_certificate_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not.pem");
    std::fs::write(&file, "hello\n").unwrap();
    cmd()
        .args(["send", "card.viewed", "--secret", SECRET])
        .args([
            "--url",
            "https://127.0.0.1:9/",
            "--cacert",
            file.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no certificate"));
}

/// A raw capture of one signed delivery.
fn write_capture(dir: &Path) -> PathBuf {
    let body = br#"{"event":"note.added","timestamp":1,"data":{}}"#;
    let mut raw = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Webhook-Signature: {}\r\nX-Webhook-Event: note.added\r\nContent-Length: {}\r\n\r\n",
        expected_signature(SECRET, body),
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let path = dir.join("capture.http");
    std::fs::write(&path, raw).unwrap();
    path
}

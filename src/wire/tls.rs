//! Which servers an `https://` delivery trusts: the platform's root certificates
//! (rustls-native-certs, which honours `SSL_CERT_FILE` and `SSL_CERT_DIR` as curl and openssl do)
//! plus the certificates of `--cacert FILE`, for a local CA (mkcert) or a company one.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// The certificates of a `--cacert` PEM file, read when the command line is parsed.
#[derive(Debug, Clone)]
pub struct CaCerts(Arc<[CertificateDer<'static>]>);

impl CaCerts {
    /// Reads every certificate of a PEM file; a file without one is an error.
    pub fn read(path: &Path) -> Result<CaCerts, String> {
        let shown = path.display();
        let bytes = crate::input::read_file(path).map_err(|err| err.to_string())?;
        let certs = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| format!("{shown} is not a PEM certificate file: {err}"))?;
        if certs.is_empty() {
            return Err(format!(
                "{shown} holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)"
            ));
        }
        Ok(CaCerts(certs.into()))
    }
}

/// The trust settings of a command; the TLS configuration is built on the first https delivery,
/// so plain-http commands never read the platform's certificate store.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    extra: Option<CaCerts>,
    config: Arc<OnceLock<Result<Arc<ClientConfig>, String>>>,
}

impl Trust {
    /// The platform's roots plus `extra`.
    pub fn new(extra: Option<CaCerts>) -> Trust {
        Trust {
            extra,
            config: Arc::default(),
        }
    }

    /// The client configuration (HTTP/1.1 only), or why none can be made.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, String> {
        self.config.get_or_init(|| self.build()).clone()
    }

    fn build(&self) -> Result<Arc<ClientConfig>, String> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(CaCerts(extra)) = &self.extra {
            let (_, ignored) = roots.add_parsable_certificates(extra.iter().cloned());
            if ignored > 0 {
                return Err(format!(
                    "{ignored} certificate(s) of --cacert cannot be used as a trust anchor"
                ));
            }
        }
        if roots.is_empty() {
            return Err(
                "no trusted root certificates: the platform has none (set SSL_CERT_FILE) \
                 and no --cacert was given"
                    .to_string(),
            );
        }
        // ring named explicitly: the default provider is ambiguous if another crate in the tree
        // ever enables aws-lc-rs too.
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| format!("cannot set up TLS: {err}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = CaCerts::read(&path).unwrap_err();
        assert!(err.contains("holds no certificate"), "{err}");
        assert!(CaCerts::read(&dir.path().join("missing.pem")).is_err());
    }
}

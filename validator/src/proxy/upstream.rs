//! The client that carries requests to the upstream: HTTP/1.1, and HTTP/2
//! where a TLS upstream offers it by ALPN. TLS is verified against the
//! system's roots, plus a CA the user names, unless told not to verify.

use crate::live::BoxError;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;

/// The body type the proxy sends and answers with.
pub type ProxyBody = BoxBody<Bytes, BoxError>;

/// The upstream client.
pub(crate) type Client = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, ProxyBody>;

/// How the upstream's certificate is verified.
#[derive(Debug, Clone, Default)]
pub struct UpstreamTls {
    /// A PEM file of CA certificates trusted besides the system's roots.
    pub extra_ca: Option<PathBuf>,
    /// Verify nothing (a test upstream with a self-signed certificate).
    pub insecure: bool,
}

/// Why the upstream client cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// `--upstream-ca` cannot be read.
    #[error("cannot read the upstream CA file {path}: {source}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--upstream-ca` holds no usable certificate.
    #[error("the upstream CA file {0} holds no PEM certificate rustls accepts")]
    NoCertificate(PathBuf),
    /// TLS cannot be configured.
    #[error("cannot configure TLS to the upstream: {0}")]
    Tls(#[from] rustls::Error),
}

pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client, built once per proxy.
pub(crate) fn client(tls: &UpstreamTls) -> Result<Client, UpstreamError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let config = if tls.insecure {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(NoVerification)).with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        // The system's roots; a machine without any still reaches upstreams
        // trusted through --upstream-ca.
        let native = rustls_native_certs::load_native_certs();
        let _ = roots.add_parsable_certificates(native.certs);
        if let Some(path) = &tls.extra_ca {
            let pem = std::fs::read(path).map_err(|source| UpstreamError::CaFile { path: path.clone(), source })?;
            let certs: Vec<CertificateDer<'static>> =
                rustls_pemfile::certs(&mut &pem[..]).filter_map(Result::ok).collect();
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(UpstreamError::NoCertificate(path.clone()));
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Ok(hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector))
}

/// `--insecure-upstream`: accepts any certificate (signatures still checked
/// for form, never for trust).
#[derive(Debug)]
struct NoVerification;

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider().signature_verification_algorithms.supported_schemes()
    }
}

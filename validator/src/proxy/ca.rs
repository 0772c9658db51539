//! The local certificate authority of an intercepting forward proxy: created
//! on first use in a directory, then minting a certificate per host.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The CA certificate's file name in `--ca-dir`.
pub const CA_CERT_FILE: &str = "accord-ca.pem";
/// The CA key's file name in `--ca-dir` (readable by its owner only).
pub const CA_KEY_FILE: &str = "accord-ca.key";

const CA_NAME: &str = "Accord proxy local CA";

/// A CA that mints per-host certificates for TLS interception.
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    cert_path: PathBuf,
    leaf_key: KeyPair,
    minted: Mutex<HashMap<String, Arc<rustls::ServerConfig>>>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("cert", &self.cert_path).finish_non_exhaustive()
    }
}

/// Why the CA cannot be created, loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// A file of the CA directory cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key or certificate cannot be made or parsed.
    #[error("{0}")]
    Cert(String),
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_NAME);
    dn.push(DnType::OrganizationName, "Accord");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params
}

impl Ca {
    /// Loads the CA in `dir`, or creates it there (and the directory) on
    /// first use. The flag says whether it was created now.
    pub fn load_or_create(dir: &Path) -> Result<(Ca, bool), CaError> {
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CaError::Io { path, source }
        };
        let cert = |e: rcgen::Error| CaError::Cert(e.to_string());
        let created = !key_path.exists();
        let (key, cert_pem) = if created {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            let key = KeyPair::generate().map_err(cert)?;
            let cert_pem = ca_params().self_signed(&key).map_err(cert)?.pem();
            write_private(&key_path, key.serialize_pem().as_bytes()).map_err(io(&key_path))?;
            std::fs::write(&cert_path, cert_pem.as_bytes()).map_err(io(&cert_path))?;
            (key, cert_pem)
        } else {
            let key_pem = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
            let key = KeyPair::from_pem(&key_pem).map_err(|e| {
                CaError::Cert(format!("{} is not a PEM private key Accord can use: {e}", key_path.display()))
            })?;
            let cert_pem = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
            (key, cert_pem)
        };
        let cert_der = rustls_pemfile::certs(&mut cert_pem.as_bytes())
            .next()
            .and_then(Result::ok)
            .ok_or_else(|| CaError::Cert(format!("{} holds no PEM certificate", cert_path.display())))?;
        let issuer = Issuer::new(ca_params(), key);
        let leaf_key = KeyPair::generate().map_err(cert)?;
        Ok((Ca { issuer, cert_pem, cert_der, cert_path, leaf_key, minted: Mutex::new(HashMap::new()) }, created))
    }

    /// The CA certificate file clients must trust.
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A TLS server configuration presenting a certificate for `host` (a DNS
    /// name or an IP address), minted on first use and kept.
    pub fn server_config(&self, host: &str) -> Result<Arc<rustls::ServerConfig>, CaError> {
        let mut minted = self.minted.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(config) = minted.get(host) {
            return Ok(config.clone());
        }
        let cert = |e: rcgen::Error| CaError::Cert(format!("cannot mint a certificate for {host}: {e}"));
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, host);
        params.distinguished_name = dn;
        params.subject_alt_names = vec![match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName(host.to_string().try_into().map_err(cert)?),
        }];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        // Valid from the first of this month for about a year: within the
        // 398 days browsers accept of a leaf.
        let (y, m, d) = today();
        params.not_before = rcgen::date_time_ymd(y, m, 1);
        params.not_after = rcgen::date_time_ymd(y + 1, m, d.min(28));
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        let leaf = params.signed_by(&self.leaf_key, &self.issuer).map_err(cert)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key.serialize_der()));
        let mut config = rustls::ServerConfig::builder_with_provider(super::upstream::provider())
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth().with_single_cert(vec![leaf.der().clone(), self.cert_der.clone()], key)
            })
            .map_err(|e| CaError::Cert(format!("cannot serve TLS for {host}: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let config = Arc::new(config);
        minted.insert(host.to_string(), config.clone());
        Ok(config)
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
    options.open(path)?.write_all(bytes)
}

/// Today's civil date (UTC), from the system clock.
fn today() -> (i32, u8, u8) {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_civil_date() {
        let (y, m, d) = super::today();
        assert!((2024..3000).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d));
    }
}

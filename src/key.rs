//! The pseudonymisation key: loading, generating, and deriving per-purpose subkeys.
//!
//! A pseudonym is a keyed hash. Without a secret key a hash of an IIN is no protection: there
//! are only about 10^9 plausible IINs (six date digits, one century/sex digit, four serial digits,
//! a check digit), so anyone can hash them all and read the table backwards. The key is therefore
//! mandatory for pseudonymisation, kept in a file outside the data, and never printed: [`Key`]'s
//! `Debug` shows a redaction, and reports carry only its [`fingerprint`](Key::fingerprint).
//!
//! A key file must hold 32 bytes of entropy: 64 hexadecimal digits, and not a pattern. A
//! pattern is told by two tests that 32 random bytes pass with overwhelming probability
//! (they hold ~30 distinct byte values, and about 4 of their 30 consecutive differences equal
//! the one before): fewer than [`MIN_DISTINCT_BYTES`] distinct values (`00…00`, a repeated
//! word, a hex-encoded short password), or more than [`MAX_EQUAL_STEPS`] equal steps
//! (`00 01 02 …`).
//!
//! Subkeys are derived with `blake3::derive_key` under versioned context strings, so a future
//! change of scheme gets a new context and can never silently produce the old pseudonyms.
//!
//! What this module is not: it does not hash values (see `pseudonym`), and it does not decide
//! whether a key is needed (the resolved configuration does).

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Environment variable naming the key file when `--key-file` is not given.
pub const KEY_FILE_ENV: &str = "TAZALA_KEY_FILE";

/// Context for the subkey that keys pseudonym hashes. Changing it changes every pseudonym.
pub const PSEUDONYM_CONTEXT: &str = "tazala 2026-11 pseudonym v1";
/// Context for the key fingerprint shown in reports: a different subkey, so the fingerprint
/// reveals nothing about the pseudonym subkey.
const FINGERPRINT_CONTEXT: &str = "tazala 2026-11 key fingerprint v1";

/// Fewer distinct byte values than this, and a key is a pattern, not random.
pub const MIN_DISTINCT_BYTES: usize = 20;
/// More consecutive equal differences than this, and a key is a sequence, not random.
pub const MAX_EQUAL_STEPS: usize = 15;

/// 32 secret bytes. `Debug` and `Display` never show them.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Key> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
        Ok(Key(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// Parses a key file's text: 64 hexadecimal digits, surrounding whitespace ignored.
    /// The error never quotes the text.
    pub fn from_hex(text: &str) -> Result<Key> {
        let hex = text.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!(
                "a key file must hold 64 hexadecimal digits (32 bytes), as written by `tazala keygen`"
            );
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            bytes[i] = (hex_digit(pair[0]) << 4) | hex_digit(pair[1]);
        }
        if !looks_random(&bytes) {
            bail!(
                "the key is a pattern, not 32 random bytes: it would be guessed. Create a key \
                 with `tazala keygen -o PATH`"
            );
        }
        Ok(Key(bytes))
    }

    /// Reads a key file written by [`Key::write_new`].
    pub fn load(path: &Path) -> Result<Key> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read key file {}", path.display()))?;
        Key::from_hex(&text).with_context(|| format!("bad key file {}", path.display()))
    }

    /// Whether users other than the owner may read the file (Unix mode bits): worth a warning,
    /// since whoever reads the key can test guesses against pseudonyms.
    pub fn readable_by_others(path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            false
        }
    }

    /// Writes the key as hex to a new file readable only by its owner (mode 0600 on Unix).
    /// Refuses to overwrite: replacing a key silently changes every future pseudonym.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).with_context(|| {
            format!(
                "cannot create key file {} (an existing key is never overwritten)",
                path.display()
            )
        })?;
        let mut text = String::with_capacity(65);
        for b in self.0 {
            text.push_str(&format!("{b:02x}"));
        }
        text.push('\n');
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write key file {}", path.display()))
    }

    /// The subkey that keys pseudonym hashes.
    pub fn pseudonym_subkey(&self) -> [u8; 32] {
        blake3::derive_key(PSEUDONYM_CONTEXT, &self.0)
    }

    /// A short public name for the key (16 hex digits), so a report says which key was used
    /// without revealing it.
    pub fn fingerprint(&self) -> String {
        let fp = blake3::derive_key(FINGERPRINT_CONTEXT, &self.0);
        fp[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Whether 32 bytes pass the two entropy tests of the module documentation.
fn looks_random(bytes: &[u8; 32]) -> bool {
    let mut seen = [false; 256];
    for &b in bytes {
        seen[b as usize] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    let steps: Vec<u8> = bytes.windows(2).map(|w| w[1].wrapping_sub(w[0])).collect();
    let equal_steps = steps.windows(2).filter(|w| w[0] == w[1]).count();
    distinct >= MIN_DISTINCT_BYTES && equal_steps <= MAX_EQUAL_STEPS
}

fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted key>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0c3f92be76d541e4ed6b8aaf8930e540F";

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = Key::from_hex(HEX).unwrap();
        for shown in [
            format!("{key:?}"),
            format!("{key}"),
            format!("{:?}", Some(&key)),
        ] {
            assert!(!shown.to_lowercase().contains("0f1e"), "{shown}");
            assert!(shown.contains("redacted"));
        }
    }

    #[test]
    fn parses_hex_with_whitespace_and_rejects_anything_else() {
        let key = Key::from_hex(&format!("  {HEX}\n")).unwrap();
        assert_eq!(key.0[1], 0x1e);
        assert_eq!(key.0[31], 0x0f);
        assert!(Key::from_hex(&HEX[..62]).is_err());
        assert!(Key::from_hex(&HEX.replace('0', "g")).is_err());
        let err = Key::from_hex(&format!("{}zz", &HEX[..62])).unwrap_err();
        assert!(!format!("{err:#}").contains("0f1e"));
    }

    #[test]
    fn short_and_patterned_keys_are_refused() {
        let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let sequence: Vec<u8> = (0..32).collect();
        let word: Vec<u8> = b"password".repeat(4);
        for weak in [[0u8; 32].to_vec(), sequence, word, [0xab; 32].to_vec()] {
            let err = Key::from_hex(&hex(&weak)).unwrap_err();
            assert!(format!("{err:#}").contains("pattern"), "{err:#}");
        }
        assert!(Key::from_hex(&HEX[..62]).is_err(), "31 bytes");
        assert!(Key::from_hex(&format!("{HEX}00")).is_err(), "33 bytes");
        for _ in 0..1000 {
            let key = Key::generate().unwrap();
            assert!(looks_random(&key.0), "a random key passes");
        }
    }

    #[test]
    fn debug_of_a_struct_holding_a_key_is_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Config {
            key: Option<Key>,
        }
        let key = Key::from_hex(HEX).unwrap();
        let shown = format!(
            "{:?} {:#?}",
            Config {
                key: Some(key.clone())
            },
            key
        );
        assert!(!shown.to_lowercase().contains("0f1e2d"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn keygen_file_round_trips_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.hex");
        let key = Key::generate().unwrap();
        key.write_new(&path).unwrap();
        assert_eq!(Key::load(&path).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            key.write_new(&path).is_err(),
            "an existing key must not be overwritten"
        );
        assert!(!Key::readable_by_others(&path));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(Key::readable_by_others(&path));
        }
    }

    #[test]
    fn generated_keys_differ_and_subkeys_differ_from_fingerprint() {
        let a = Key::generate().unwrap();
        let b = Key::generate().unwrap();
        assert_ne!(a, b);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        let sub = a.pseudonym_subkey();
        let fp_hex: String = sub[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_ne!(fp_hex, a.fingerprint());
    }
}

//! Password hashing: argon2id PHC strings, never the password itself.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB. Argon2 is slow on purpose; a test platform hashes on every
/// registration, seed and reset, and tests may run many of them on a shared CI core, so
/// the costs are far below OWASP's recommendation for production (19 MiB, t=2): 4 MiB and
/// one pass hash in about a millisecond. The stored PHC string records the parameters, so
/// the hashes stay verifiable if these change.
const MEMORY_KIB: u32 = 4096;
/// Passes over memory.
const ITERATIONS: u32 = 1;
/// Lanes.
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=4096,t=1,p=1$<salt>$<hash>`) of `password`, with a
/// fresh 16-byte salt. Blocking (about a millisecond): call it off the async executor.
///
/// # Errors
///
/// When argon2 refuses the input (a password longer than 4 GiB).
pub(crate) fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    // Salts must be unique, not secret: fastrand's generator is enough for that.
    let salt_bytes: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the PHC string `phc` (`false` for a malformed `phc`).
/// Blocking: call it off the async executor.
pub(crate) fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_does_not_contain_it() {
        let phc = hash("s3cret!").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=4096,t=1,p=1$"), "{phc}");
        assert!(!phc.contains("s3cret!"));
        assert!(verify("s3cret!", &phc));
        assert!(!verify("s3cret?", &phc));
        assert!(!verify("s3cret!", "not a phc string"));
        assert_ne!(hash("s3cret!").unwrap(), phc, "each hash has its own salt");
    }
}

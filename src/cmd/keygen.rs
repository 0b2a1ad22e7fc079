//! `tazala keygen`: write a new random key file (mode 0600, never overwriting).

use anyhow::Result;

use super::Outcome;
use crate::cli::KeygenArgs;
use crate::key::Key;

pub fn run(args: &KeygenArgs) -> Result<Outcome> {
    let key = Key::generate()?;
    key.write_new(&args.output)?;
    eprintln!(
        "tazala: wrote a new key to {} (fingerprint {}). Keep it apart from the data and reuse it: \
         the same key gives the same pseudonyms; whoever holds it can test guesses against them.",
        args.output.display(),
        key.fingerprint()
    );
    Ok(Outcome::Clean)
}

//! Folding: one spelling-independent key per name, whatever script, keyboard or
//! transliteration wrote it.
//!
//! Two forms are made from a word:
//! - the *folded* form ([`fold_into`]), shown as a finding's `normalized`: lower case, NFC for
//!   й/ё, ё→е, Kazakh letters to the Russian look-alikes people type instead (ә→а ғ→г қ→к ң→н
//!   ө→о ұ→у ү→у һ→х і→и), Latin homoglyphs inside a Cyrillic word turned Cyrillic;
//! - the *skeleton* ([`Skeleton`]), an ASCII key used only for lookup, the same for Cyrillic
//!   and every common Latin transliteration (`Жумабекова`, `ZHUMABEKOVA`, `Jumabekova` →
//!   `jumabekova`; `Нұрланұлы`, `Nurlanuly` → `nurlanuli`).
//!
//! | evidence | skeleton | source |
//! |---|---|---|
//! | Kazakh letter or its Russian look-alike (Нұрлан/Нурлан, қызы/кызы) | same letter | domain-kz.md, names |
//! | Latin/Cyrillic homoglyph in a Cyrillic word (a/а, c/с, p/р, H/Н, i/і, h/һ, ə/ә, ɵ/ө) | the Cyrillic letter | domain-kz.md, names |
//! | Ж = ZH / J / DZH, Х = KH / H, Ш = SH, Ч = CH, Ц = TS, Ғ = GH, Қ = Q | j, h, W, C, c, g, k | domain-kz.md transliteration table |
//! | Ы/И/Й/І = Y/I, Ю = YU/IU, Я = YA/IA, initial Е = YE, -ЕВ = EV/YEV/IEV | i, iu, ia, e, ev | domain-kz.md transliteration table |
//! | Ә = A/Ä/AE, Ө = O/Ö, Ұ/Ү = U/Ü, Ң = N/NG | a, o, u, n | domain-kz.md transliteration table |
//! | doubled letters (Assel, Kassym) | one letter | domain-kz.md |
//! | ь, ъ, apostrophes, combining marks | dropped | |
//! | `?` between letters (a Kazakh letter lost in Windows-1251) | wildcard [`LOST`] | domain-kz.md |
//!
//! Not here: case endings and name morphology (see `morph`), dictionaries (see `dict`).

/// Longest skeleton kept; a longer word is not a name part.
pub const MAX_SKEL: usize = 40;

/// Ң in a skeleton; the key folds it to `n`.
pub const KZ_NG: u8 = b'N';

/// The wildcard a lost Kazakh letter (`?`) becomes in a skeleton.
pub const LOST: u8 = b'?';

/// The skeleton letters a Kazakh-only letter can fold to: what a `?` may stand for.
pub const LOST_CHOICES: [u8; 8] = [b'a', b'g', b'k', b'n', b'o', b'u', b'h', b'i'];

/// An ASCII lookup key of at most [`MAX_SKEL`] bytes, on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Skeleton {
    buf: [u8; MAX_SKEL],
    len: u8,
}

impl std::fmt::Debug for Skeleton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Skeleton({:?})",
            String::from_utf8_lossy(self.as_bytes())
        )
    }
}

impl Skeleton {
    pub const fn empty() -> Self {
        Skeleton {
            buf: [0; MAX_SKEL],
            len: 0,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut s = Skeleton::empty();
        for &b in bytes {
            s.push(b)?;
        }
        Some(s)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    fn push(&mut self, b: u8) -> Option<()> {
        if self.len as usize == MAX_SKEL {
            return None;
        }
        self.buf[self.len as usize] = b;
        self.len += 1;
        Some(())
    }

    fn push_str(&mut self, s: &[u8]) -> Option<()> {
        s.iter().try_for_each(|&b| self.push(b))
    }

    /// The first `n` bytes.
    pub fn prefix(&self, n: usize) -> Skeleton {
        let mut s = *self;
        s.len = n.min(self.len()) as u8;
        s
    }

    /// This skeleton with `tail` appended (None if too long).
    pub fn with(&self, tail: &[u8]) -> Option<Skeleton> {
        let mut s = *self;
        s.push_str(tail)?;
        Some(s)
    }

    pub fn has_lost(&self) -> bool {
        self.as_bytes().contains(&LOST)
    }

    /// The lookup key (tests only: [`hash`](Self::hash) computes it on the fly): Ң as Н, doubled letters made single (Assel = Асель; stems are cut from
    /// the skeleton first, so Нұрланның still loses exactly -ның).
    #[cfg(test)]
    pub fn key(&self) -> Skeleton {
        let mut k = Skeleton::empty();
        for &b in self.as_bytes() {
            let b = if b == KZ_NG { b'n' } else { b };
            if k.as_bytes().last() != Some(&b) {
                k.buf[k.len as usize] = b;
                k.len += 1;
            }
        }
        k
    }

    /// A 64-bit hash of the key (FNV-1a), computed without building the key: dictionaries
    /// store hashes, not strings.
    pub fn hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut last = 0u8;
        for &b in self.as_bytes() {
            let b = if b == KZ_NG { b'n' } else { b };
            if b != last {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
                last = b;
            }
        }
        h
    }
}

/// Whether `c` is a Cyrillic letter (Russian or Kazakh, any case).
pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// Whether `c` is a letter only Kazakh has (ә ғ қ ң ө ұ ү һ і, any case).
pub fn is_kazakh_letter(c: char) -> bool {
    matches!(
        c,
        'ә' | 'Ә'
            | 'ғ'
            | 'Ғ'
            | 'қ'
            | 'Қ'
            | 'ң'
            | 'Ң'
            | 'ө'
            | 'Ө'
            | 'ұ'
            | 'Ұ'
            | 'ү'
            | 'Ү'
            | 'һ'
            | 'Һ'
            | 'і'
            | 'І'
    )
}

/// Whether `c` can be part of a name token: a letter of any script, or a combining mark.
#[inline]
pub fn is_name_char(c: char) -> bool {
    // Cyrillic and ASCII first: the Unicode tables are slow and these are nearly all text.
    match c {
        'a'..='z' | 'A'..='Z' | '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{04FF}' => true,
        '\0'..='\u{7F}' => false,
        '\u{0300}'..='\u{036F}' => true,
        _ => c.is_alphabetic(),
    }
}

/// The Cyrillic letter a Latin look-alike stands for inside a Cyrillic word.
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'A' => 'А',
        'c' => 'с',
        'C' => 'С',
        'e' => 'е',
        'E' => 'Е',
        'o' => 'о',
        'O' => 'О',
        'p' => 'р',
        'P' => 'Р',
        'x' => 'х',
        'X' => 'Х',
        'y' => 'у',
        'Y' => 'У',
        'i' => 'і',
        'I' => 'І',
        'k' => 'к',
        'K' => 'К',
        'm' => 'м',
        'M' => 'М',
        't' => 'т',
        'T' => 'Т',
        'h' => 'һ',
        'H' => 'Н',
        'B' => 'В',
        'ə' => 'ә',
        'Ə' => 'Ә',
        'ɵ' => 'ө',
        'Ɵ' => 'Ө',
        _ => return None,
    })
}

/// Lower-case Cyrillic (after homoglyphs) → its Russian look-alike, ё→е. None if not Cyrillic.
fn fold_cyrillic(c: char) -> Option<char> {
    let l = match c {
        'А'..='Я' => char::from_u32(c as u32 + 0x20)?,
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50)?,
        '\u{0460}'..='\u{04FF}' if (c as u32).is_multiple_of(2) => char::from_u32(c as u32 + 1)?,
        _ => c,
    };
    Some(match l {
        'а'..='я' if l != 'ё' => l,
        'ё' | 'ѐ' => 'е',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' | 'ї' => 'и',
        'ѝ' => 'и',
        'ў' => 'у',
        _ => return None,
    })
}

/// Skeleton bytes of one folded Cyrillic letter.
fn cyrillic_skel(c: char) -> &'static [u8] {
    match c {
        'а' => b"a",
        'б' => b"b",
        'в' => b"v",
        'г' => b"g",
        'д' => b"d",
        'е' | 'э' => b"e",
        'ж' => b"j",
        'з' => b"z",
        'и' | 'й' | 'ы' => b"i",
        'к' => b"k",
        'л' => b"l",
        'м' => b"m",
        'н' => b"n",
        'о' => b"o",
        'п' => b"p",
        'р' => b"r",
        'с' => b"s",
        'т' => b"t",
        'у' => b"u",
        'ф' => b"f",
        'х' => b"h",
        'ц' => b"c",
        'ч' => b"C",
        'ш' | 'щ' => b"W",
        'ю' => b"iu",
        'я' => b"ia",
        _ => b"",
    }
}

/// Folds one word (letters, maybe combining marks, hyphens) into `out`: see the module doc.
pub fn fold_into(word: &str, out: &mut String) {
    if fold_ru_into(word, out) {
        return;
    }
    let cyr = word.chars().any(is_cyrillic);
    for c in word.chars() {
        let c = if cyr { homoglyph(c).unwrap_or(c) } else { c };
        match c {
            // NFC for the two letters that arrive decomposed: и + ◌̆ = й, е + ◌̈ = ё (→ е).
            '\u{0306}' if out.ends_with('и') => {
                out.pop();
                out.push('й');
            }
            '\u{0300}'..='\u{036F}' => {}
            _ => match fold_cyrillic(c) {
                Some(f) => out.push(f),
                None => out.extend(c.to_lowercase()),
            },
        }
    }
}

/// [`fold_into`] for a Russian word in any case (hyphens allowed), the common case, from its
/// bytes; false, with `out` as it was, if the word is anything else.
fn fold_ru_into(word: &str, out: &mut String) -> bool {
    let b = word.as_bytes();
    let len = out.len();
    let mut i = 0;
    while i < b.len() {
        let cp = match (b[i], b.get(i + 1).copied().unwrap_or(0)) {
            (b'-', _) => {
                out.push('-');
                i += 1;
                continue;
            }
            (0xD1, 0x91) | (0xD0, 0x81) => 0x435, // ё, Ё → е
            (0xD0, c @ 0xB0..=0xBF) => 0x430 + u32::from(c - 0xB0), // а..п
            (0xD1, c @ 0x80..=0x8F) => 0x440 + u32::from(c - 0x80), // р..я
            (0xD0, c @ 0x90..=0xAF) => 0x430 + u32::from(c - 0x90), // А..Я
            _ => {
                out.truncate(len);
                return false;
            }
        };
        out.push(char::from_u32(cp).expect("Cyrillic letter"));
        i += 2;
    }
    true
}

/// A hash of the word's folded form ([`fold_into`]): exact but for case, Kazakh look-alikes and
/// ё. Ordinary words are matched on this, not on the skeleton:
/// the skeleton merges борись with Борис and жаңа with Жанна, which is right for names in
/// transliteration and wrong for telling a word from a name.
pub fn exact_hash(word: &str) -> u64 {
    if let Some(h) = exact_hash_ru(word.as_bytes()) {
        return h;
    }
    if word.is_ascii() {
        // No homoglyphs outside a Cyrillic word, no combining marks: lower case is all.
        let mut h = EXACT_SEED;
        for b in word.bytes() {
            h ^= u64::from(b.to_ascii_lowercase());
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        return h;
    }
    let cyr = word.chars().any(is_cyrillic);
    let mut h: u64 = EXACT_SEED;
    let mut feed = |c: char| {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    // One letter held back, so that и + combining breve hashes as й.
    let mut held: Option<char> = None;
    for c in word.chars() {
        let c = if cyr { homoglyph(c).unwrap_or(c) } else { c };
        match c {
            '\u{0306}' if held == Some('и') => held = Some('й'),
            '\u{0300}'..='\u{036F}' => {}
            _ => {
                held.take().into_iter().for_each(&mut feed);
                match fold_cyrillic(c) {
                    Some(f) => held = Some(f),
                    None => c.to_lowercase().for_each(&mut feed),
                }
            }
        }
    }
    held.into_iter().for_each(&mut feed);
    h
}

const EXACT_SEED: u64 = 0x8422_2325_cbf2_9ce4;

/// [`exact_hash`] of a Russian word in any case (every dictionary entry, most capitalised
/// words of a text) straight from its bytes: the folded form is the lower case with ё as е.
/// None if the word is anything else.
fn exact_hash_ru(b: &[u8]) -> Option<u64> {
    let mut h = EXACT_SEED;
    let mut i = 0;
    while i < b.len() {
        let pair = match (b[i], b.get(i + 1).copied()?) {
            (0xD1, 0x91) | (0xD0, 0x81) => [0xD0, 0xB5], // ё, Ё → е
            (0xD0, c @ 0xB0..=0xBF) => [0xD0, c],        // а..п
            (0xD1, c @ 0x80..=0x8F) => [0xD1, c],        // р..я
            (0xD0, c @ 0x90..=0x9F) => [0xD0, c + 0x20], // А..П
            (0xD0, c @ 0xA0..=0xAF) => [0xD1, c - 0x20], // Р..Я
            _ => return None,
        };
        for x in pair {
            h ^= u64::from(x);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        i += 2;
    }
    Some(h)
}

/// Skeleton bytes of а..я, indexed by code point − U+0430 (the same as [`cyrillic_skel`]).
const RU_SKEL: [&[u8]; 32] = [
    b"a", b"b", b"v", b"g", b"d", b"e", b"j", b"z", b"i", b"i", b"k", b"l", b"m", b"n", b"o", b"p",
    b"r", b"s", b"t", b"u", b"f", b"h", b"c", b"C", b"W", b"W", b"", b"i", b"", b"e", b"iu", b"ia",
];

/// The skeleton of a Russian word without ё in any case (every dictionary entry, most
/// capitalised words of a text): a table per letter instead of the general path. None if the
/// word is anything else.
fn skeleton_ru(b: &[u8]) -> Option<Option<Skeleton>> {
    let mut s = Skeleton::empty();
    let mut i = 0;
    while i < b.len() {
        let cp = match (b[i], b.get(i + 1)) {
            (0xD0, Some(&c @ 0xB0..=0xBF)) => 0x430 + u32::from(c - 0xB0),
            (0xD1, Some(&c @ 0x80..=0x8F)) => 0x440 + u32::from(c - 0x80),
            (0xD0, Some(&c @ 0x90..=0xAF)) => 0x430 + u32::from(c - 0x90),
            (b'-', _) => {
                if s.push(b'-').is_none() {
                    return Some(None);
                }
                i += 1;
                continue;
            }
            _ => return None,
        };
        if s.push_str(RU_SKEL[(cp - 0x430) as usize]).is_none() {
            return Some(None);
        }
        i += 2;
    }
    Some(Some(tidy(s)))
}

/// [`skeleton`] of a dictionary line, straight from its bytes when it is Russian
/// (no UTF-8 validation: start-up time is mostly this).
pub fn skeleton_of_entry(b: &[u8]) -> Option<Skeleton> {
    match skeleton_ru(b) {
        Some(s) => s,
        None => std::str::from_utf8(b).ok().and_then(skeleton),
    }
}

/// [`exact_hash`] of a dictionary line, straight from its bytes when it is Russian.
pub fn exact_hash_of_entry(b: &[u8]) -> Option<u64> {
    exact_hash_ru(b).or_else(|| std::str::from_utf8(b).ok().map(exact_hash))
}

/// The skeleton of a word; None if it is too long or holds something that is not a letter.
pub fn skeleton(word: &str) -> Option<Skeleton> {
    if let Some(s) = skeleton_ru(word.as_bytes()) {
        return s;
    }
    let cyr = word.chars().any(is_cyrillic);
    let mut s = Skeleton::empty();
    let mut latin: [u8; MAX_SKEL] = [0; MAX_SKEL];
    let mut nlatin = 0usize;
    for c in word.chars() {
        let c = if cyr { homoglyph(c).unwrap_or(c) } else { c };
        if matches!(c, 'ң' | 'Ң') {
            // Kept apart from н until lookup: a word ending in -ның is a Kazakh genitive,
            // not an -ин surname (see `morph`).
            flush_latin(&latin[..nlatin], &mut s)?;
            nlatin = 0;
            s.push(KZ_NG)?;
            continue;
        }
        if let Some(f) = fold_cyrillic(c) {
            flush_latin(&latin[..nlatin], &mut s)?;
            nlatin = 0;
            s.push_str(cyrillic_skel(f))?;
            continue;
        }
        let l = match c {
            '?' => {
                flush_latin(&latin[..nlatin], &mut s)?;
                nlatin = 0;
                s.push(LOST)?;
                continue;
            }
            '\u{0300}'..='\u{036F}' | '\'' | '’' | 'ʼ' | '`' => {
                // An apostrophe after s/c/g/n/a/o/u/i marks a Kazakh letter (2017 Latin).
                if nlatin > 0 && !matches!(c, '\u{0300}'..='\u{036F}') {
                    match latin[nlatin - 1] {
                        b's' => latin[nlatin - 1] = b'W',
                        b'c' => latin[nlatin - 1] = b'C',
                        _ => {}
                    }
                }
                continue;
            }
            '-' => {
                flush_latin(&latin[..nlatin], &mut s)?;
                nlatin = 0;
                s.push(b'-')?;
                continue;
            }
            'a'..='z' => c as u8,
            'A'..='Z' => c.to_ascii_lowercase() as u8,
            'ä' | 'Ä' | 'á' | 'à' | 'â' | 'ə' | 'Ə' | 'ã' => b'a',
            'ö' | 'Ö' | 'ó' | 'ò' | 'ô' | 'ɵ' | 'Ɵ' | 'ø' => b'o',
            'ü' | 'Ü' | 'ú' | 'ù' | 'û' | 'ū' | 'Ū' => b'u',
            'ı' | 'İ' | 'í' | 'ì' | 'î' | 'ï' | 'Í' => b'i',
            'é' | 'è' | 'ê' | 'ë' | 'É' => b'e',
            'ñ' | 'ń' | 'Ñ' => b'n',
            'ş' | 'Ş' | 'š' | 'Š' => b'W',
            'ç' | 'Ç' | 'č' | 'Č' => b'C',
            'ğ' | 'Ğ' | 'ǵ' => b'g',
            'ž' | 'Ž' => b'j',
            _ => return None,
        };
        if nlatin == MAX_SKEL {
            return None;
        }
        latin[nlatin] = l;
        nlatin += 1;
    }
    flush_latin(&latin[..nlatin], &mut s)?;
    Some(tidy(s))
}

/// Transliterates a run of lower-case Latin letters (with W/C already set) into `s`.
fn flush_latin(l: &[u8], s: &mut Skeleton) -> Option<()> {
    let mut i = 0;
    while i < l.len() {
        let at = |k: usize| l.get(i + k).copied().unwrap_or(0);
        let (bytes, step): (&[u8], usize) = match (at(0), at(1)) {
            (b's', b'h') if at(2) == b'c' && at(3) == b'h' => (b"W", 4),
            (b's', b'h') => (b"W", 2),
            (b'c', b'h') => (b"C", 2),
            (b'z', b'h') | (b'z', b'j') => (b"j", 2),
            (b'k', b'h') => (b"h", 2),
            (b'g', b'h') => (b"g", 2),
            (b't', b's') => (b"c", 2),
            (b'n', b'g') if at(2) == 0 || !is_latin_vowel(at(2)) => (b"n", 2),
            (b'a', b'e') if i == 0 => (b"a", 2),
            (b'y', _) | (b'j', b'a') | (b'j', b'u') | (b'j', b'o') if at(0) == b'y' => (b"i", 1),
            (b'q', _) | (b'c', _) => (b"k", 1),
            (b'x', _) => (b"ks", 1),
            (b'w', _) => (b"v", 1),
            (b, _) => (std::slice::from_ref(&l[i]), usize::from(b != 0)),
        };
        s.push_str(bytes)?;
        i += step.max(1);
    }
    Some(())
}

fn is_latin_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Spelling variants that survive letter-by-letter mapping: дж = j, ie = e (Yerlan/Ерлан,
/// -iev/-иев/-ьев), yo/io = e (Fyodor/Фёдор).
fn tidy(s: Skeleton) -> Skeleton {
    let b = s.as_bytes();
    let mut t = Skeleton::empty();
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        match (b[i], next) {
            (b'd', Some(b'j')) => {}
            (b'i', Some(b'e')) => {}
            (b'i', Some(b'o')) if i > 0 && !is_latin_vowel(b[i - 1]) => {
                t.buf[t.len as usize] = b'e';
                t.len += 1;
                i += 2;
                continue;
            }
            (c, _) => {
                t.buf[t.len as usize] = c;
                t.len += 1;
            }
        }
        i += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(w: &str) -> String {
        String::from_utf8(skeleton(w).unwrap().key().as_bytes().to_vec()).unwrap()
    }

    fn folded(w: &str) -> String {
        let mut s = String::new();
        fold_into(w, &mut s);
        s
    }

    #[test]
    fn cyrillic_and_latin_spellings_share_a_key() {
        let groups: &[&[&str]] = &[
            &["Жумабекова", "ZHUMABEKOVA", "Jumabekova", "Zhumabekova"],
            &["Нұрланұлы", "Нурланулы", "Nurlanuly", "NURLANULI"],
            &["Айгерім", "Айгерим", "AIGERIM", "Aygerim"],
            &["Қызы", "кызы", "Qyzy", "kyzy", "KIZI"],
            &["Ерлан", "Yerlan", "ERLAN"],
            &["Асель", "Assel", "Asel"],
            &["Қасым", "Kassym", "Kasym", "Qasym"],
            &["Ахметов", "Akhmetov", "Ahmetov"],
            &["Сергеевич", "Sergeyevich", "Sergeevich"],
            &["Жанна", "Zhanna", "Janna"],
            &["Әсел", "Äsel", "Aesel", "Əsel"],
            &["Шолпан", "Sholpan", "Şolpan"],
            &["Юлия", "Yuliya", "Iuliia"],
            &["Жақсыбаева", "Zhaksybayeva", "Jaqsybaeva"],
            &["Джамиля", "Jamilya", "Dzhamilya"],
        ];
        for g in groups {
            let k = key(g[0]);
            for w in &g[1..] {
                assert_eq!(key(w), k, "{w} vs {}", g[0]);
            }
        }
    }

    #[test]
    fn homoglyphs_in_a_cyrillic_word_count_as_cyrillic() {
        // Latin a, p, e, H, i, o inside Cyrillic words.
        assert_eq!(key("Aйгерiм"), key("Айгерім"));
        assert_eq!(key("Нaзaрбaeвa"), key("Назарбаева"));
        assert_eq!(key("Cepик"), key("Серик"));
        assert_eq!(key("HУРЛАН"), key("НУРЛАН"));
        assert_eq!(folded("Сeрік"), "серик");
    }

    #[test]
    fn folding_lowers_and_replaces_kazakh_letters() {
        assert_eq!(folded("Айгерімге"), "айгеримге");
        assert_eq!(folded("ӘБІШЕВА"), "абишева");
        assert_eq!(folded("Қуаныш Сүлейменұлы"), "куаныш сулейменулы");
        assert_eq!(folded("Фёдор"), "федор");
        assert_eq!(folded("Zhumabekova"), "zhumabekova");
    }

    #[test]
    fn decomposed_letters_fold_like_composed_ones() {
        // и + combining breve, е + combining diaeresis
        assert_eq!(folded("Нурлани\u{306}"), "нурланй");
        assert_eq!(folded("Пе\u{308}тр"), "петр");
        assert_eq!(key("Али\u{306}я"), key("Алия"));
    }

    #[test]
    fn lost_kazakh_letters_become_wildcards() {
        let s = skeleton("Кенжег?л").unwrap();
        assert!(s.has_lost());
        assert_eq!(s.as_bytes(), b"kenjeg?l");
    }

    #[test]
    fn non_letters_have_no_skeleton() {
        assert!(skeleton("А1").is_none());
        assert!(skeleton(&"а".repeat(MAX_SKEL + 1)).is_none());
    }

    #[test]
    fn the_russian_table_agrees_with_the_general_path() {
        for c in 'а'..='я' {
            let mut folded = String::new();
            fold_into(&c.to_string(), &mut folded);
            let general = cyrillic_skel(folded.chars().next().unwrap());
            assert_eq!(RU_SKEL[(c as u32 - 0x430) as usize], general, "{c}");
        }
        assert_eq!(key("иванов-петров"), "ivanov-petrov");
    }

    #[test]
    fn exact_hash_keeps_what_the_skeleton_merges() {
        assert_eq!(exact_hash("Жаңа"), exact_hash("жана"));
        assert_eq!(exact_hash("ЖАҢА"), exact_hash("жаңа"));
        assert_ne!(exact_hash("Жанна"), exact_hash("жана"));
        assert_ne!(exact_hash("Борис"), exact_hash("борись"));
        assert_eq!(exact_hash("Алексеи\u{306}"), exact_hash("алексей"));
        assert_ne!(exact_hash("Аркадий"), exact_hash("аркадии"));
        // The fast paths (Russian in any case, ASCII) agree with the general one.
        for w in [
            "ёлка",
            "йога",
            "машиной",
            "борись",
            "аркадий",
            "Ёлка",
            "ЙОГА",
            "Жумабекова",
            "ЯНВАРЬ",
            "Zhumabekova",
            "AIGERIM",
            "o'neil",
        ] {
            let general = exact_hash(&format!("{w}\u{300}"));
            assert_eq!(exact_hash(w), general, "{w}");
        }
        // Every letter of the Russian alphabet, both cases.
        let alphabet: String = ('а'..='я').chain('А'..='Я').chain(['ё', 'Ё']).collect();
        let general = exact_hash(&format!("{alphabet}\u{300}"));
        assert_eq!(exact_hash(&alphabet), general);
        for w in [
            "АБВГДЕЖЗИЙКЛМНОП",
            "РСТУФХЦЧШЩЪЫЬЭЮЯ",
            "Иванов-Петров",
            "ИВАНОВА",
        ] {
            let general = skeleton(&format!("{w}\u{300}"));
            assert_eq!(skeleton(w), general, "{w}");
        }
        for w in [alphabet.as_str(), "Иванов-Петров", "ЁЛКИН"] {
            assert_eq!(folded(w), folded(&format!("{w}\u{300}")), "{w}");
        }
        assert_eq!(
            skeleton("Борис").unwrap().hash(),
            skeleton("борись").unwrap().hash()
        );
    }

    #[test]
    fn hash_is_the_hash_of_the_key() {
        for w in ["Нұрланның", "Assel", "Айгерім", "Жақсыбаева"] {
            let s = skeleton(w).unwrap();
            assert_eq!(
                s.hash(),
                Skeleton::from_bytes(s.key().as_bytes()).unwrap().hash()
            );
        }
    }

    #[test]
    fn key_collapses_doubles_but_skeleton_keeps_them() {
        let s = skeleton("Нұрланның").unwrap();
        assert_eq!(s.as_bytes(), b"nurlanniN");
        assert_eq!(s.key().as_bytes(), b"nurlanin");
    }
}

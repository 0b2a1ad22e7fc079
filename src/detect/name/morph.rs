//! Name morphology: what part of a name a word can be, from the dictionaries and from how
//! Kazakh and Russian build surnames and patronymics, so that unseen names are found too.
//!
//! Works on skeletons (see `fold`), so one rule covers Cyrillic and Latin (-ова/-OVA,
//! -ұлы/-улы/-ULY). A word gets *readings*; a reading is *strong* when nothing else explains the
//! word, *weak* when the word is also an ordinary word or a place, or when only its shape says
//! "surname".
//!
//! | evidence | reading | source |
//! |---|---|---|
//! | word, or word minus a case ending, is a given name (Айгерімге, Ивану, Марии) | given | dictionaries; Russian declension, Kazakh case suffixes (domain-kz.md) |
//! | word (minus an ending) is a listed surname | surname | dictionaries |
//! | given name + -ов/-ев/-ин/-ын (+ -а, + case): Нурланов, Назарбаева, Тоқаевтың | surname, shaped | domain-kz.md surnames |
//! | any root + -ов/-ев/-ин/-ын/-ский/-цкий/-енко/-ук/-дзе/-швили/-ян (+ ending) | surname by shape: weak | domain-kz.md surnames |
//! | given name + -ович/-евич/-ич/-овна/-евна/-ична/-инична (+ case): Нурланович, Ильич | patronymic | domain-kz.md patronymics |
//! | any root + -ович/-евич/-овна/-евна | patronymic | same |
//! | given name + -ұлы/-қызы fused (Нұрланұлы, Ахметқызы, Nurlanuly) | patronymic (or Kazakh surname) | same |
//! | the word ұлы/қызы/улы/кызы/uly/kyzy alone | particle: joins the name before it | same |
//! | word as written is an ordinary word, a place, a Kazakh word | every reading weak | OpenCorpora, mimesis, names.toml |
//! | month, weekday, course word (names.toml `stop`) | no reading | names.toml |
//!
//! Not here: capitalisation, neighbours and cues (the detector decides with those).

use super::dict::{self, Dictionary, Flags};
use super::fold::{LOST, LOST_CHOICES, Skeleton};

/// A part a word can play in a name.
pub type Roles = u8;

pub const GIVEN: Roles = 1;
/// A listed surname of any shape (Ким, Шевчук).
pub const SURNAME: Roles = 1 << 1;
/// A surname with a surname suffix (-ов, -ева, -ский, -ұлы…), listed or built from a name.
pub const SHAPED: Roles = 1 << 2;
pub const PATRONYMIC: Roles = 1 << 3;
/// The word ұлы/қызы alone.
pub const PARTICLE: Roles = 1 << 4;

/// What a word can be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Readings nothing else explains.
    pub strong: Roles,
    /// Readings that need support: the word is also a common word, or only its shape speaks.
    pub weak: Roles,
    /// The word as written is an ordinary word, place or Kazakh word.
    pub common: bool,
    /// A month, weekday or other word that is never a name part.
    pub stop: bool,
}

impl Analysis {
    pub fn roles(&self) -> Roles {
        self.strong | self.weak
    }

    pub fn is_name_part(&self) -> bool {
        self.roles() != 0
    }

    /// The readings of a word that cannot be Russian: its ambiguity came from Russian words
    /// only, so every reading is strong.
    pub fn without_russian_words(mut self) -> Self {
        self.strong |= self.weak & (GIVEN | SURNAME | PATRONYMIC);
        self.weak &= !(GIVEN | SURNAME | PATRONYMIC);
        self.common = false;
        self
    }

    fn add(&mut self, roles: Roles, ambiguous: bool) {
        if ambiguous {
            self.weak |= roles;
        } else {
            self.strong |= roles;
        }
    }
}

/// Russian case endings of names (skeleton form, longest first): Ивана, Ивану, Иваном, Анной,
/// Марии, Алексею, Ахметовой, Ахметовым, Ахметовых.
const RU_ENDINGS: &[&[u8]] = &[
    b"ami", b"iam", b"iah", b"om", b"em", b"oi", b"ei", b"im", b"ih", b"iu", b"ia", b"a", b"u",
    b"e", b"i",
];

/// Kazakh case suffixes (skeleton form, ы/і both `i`, ң kept apart): genitive, dative,
/// accusative, locative, ablative, instrumental (domain-kz.md).
const KK_SUFFIXES: &[&[u8]] = &[
    b"niN", b"diN", b"tiN", b"nin", b"din", b"tin", b"dan", b"den", b"tan", b"ten", b"nan", b"nen",
    b"men", b"ben", b"pen", b"ga", b"ge", b"ka", b"ke", b"na", b"ne", b"ni", b"di", b"ti", b"da",
    b"de", b"ta", b"te",
];

/// Letters a given name may lose before an ending or suffix: Анн|а, Мари|я, Алексе|й.
const NAME_TAILS: &[&[u8]] = &[b"", b"a", b"ia", b"i"];

const SURNAME_SUFFIXES: &[&[u8]] = &[b"ov", b"ev", b"in"];

/// Surname shapes that need no given-name root (skeleton form, after ending stripping).
const SHAPE_SUFFIXES: &[&[u8]] = &[
    b"ov", b"ev", b"in", b"sk", b"ck", b"enk", b"uk", b"iuk", b"dze", b"Wvili", b"ian",
];

/// -ский/-цкий in their case forms (whole skeleton endings).
const SKI_ENDINGS: &[&[u8]] = &[
    b"skii", b"ski", b"skaia", b"skogo", b"skomu", b"skim", b"skom", b"skoi", b"skuiu", b"skie",
    b"skih", b"ckii", b"cki", b"ckaia", b"ckogo", b"ckomu", b"ckim", b"ckom", b"ckoi", b"ckuiu",
    b"enko",
];

const PATRONYMIC_SUFFIXES: &[&[u8]] = &[b"oviC", b"eviC", b"ovn", b"evn", b"iniCn", b"iCn", b"iC"];

const KZ_PATRONYMIC: &[&[u8]] = &[b"uli", b"kizi"];

/// Kazakh given-name components (domain-kz.md): a known name plus one of these is a name
/// (Мейрам+ғали, Айдар+бек, Нұр+сұлу).
const NAME_COMPONENTS: &[&[u8]] = &[
    b"bek", b"bai", b"jan", b"gul", b"han", b"nur", b"tai", b"bolat", b"gali", b"kali", b"sulu",
    b"kul", b"ali", b"bike", b"aim", b"ai", b"bergen", b"berdi", b"daulet", b"zada", b"gazi",
];

/// Components distinctive enough to make a name of an unknown root (weakly): Russian words end
/// in -али (сдали), -тай (Китай), -ай, never in -ғали or -бек.
const DISTINCT_COMPONENTS: &[&[u8]] =
    &[b"bek", b"jan", b"gul", b"bolat", b"gali", b"sulu", b"bike"];

/// Which script the word was written in: Latin words take fewer liberties (English words end
/// in -in and match transliterated surnames).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Script {
    Cyrillic,
    Latin,
}

/// Analyses one word's skeleton (as written, hyphenated parts allowed); `exact` is the word's
/// [`exact_hash`](super::fold::exact_hash), which alone decides whether the whole word is an
/// ordinary word (None: judge by the skeleton).
pub fn analyse(d: &Dictionary, s: &Skeleton, script: Script, exact: Option<u64>) -> Analysis {
    if s.has_lost() {
        return analyse_lost(d, s, script);
    }
    let bytes = s.as_bytes();
    if let Some(dash) = bytes.iter().position(|&b| b == b'-') {
        let whole = exact.map_or_else(|| d.get(s), |e| d.get_exact(e));
        if whole & dict::STOP != 0 {
            return Analysis {
                stop: true,
                ..Default::default()
            };
        }
        // Double surnames and names (Петрова-Водкина, Мухамед-Али): both halves must read as
        // name parts, or it is a compound word (Аты-жөні, E-mail, Ата-анасына).
        let (a, b) = (&bytes[..dash], &bytes[dash + 1..]);
        let (Some(a), Some(b)) = (Skeleton::from_bytes(a), Skeleton::from_bytes(b)) else {
            return Analysis::default();
        };
        if a.len() < 2 || b.len() < 2 {
            return Analysis::default();
        }
        let (x, y) = (
            analyse_simple(d, &a, script, None),
            analyse_simple(d, &b, script, None),
        );
        let name_half = |h: &Analysis| h.is_name_part() && !h.stop && !h.common;
        if !name_half(&x) || !name_half(&y) || (x.strong == 0 && y.strong == 0) {
            return Analysis {
                common: true,
                ..Default::default()
            };
        }
        let mut out = Analysis {
            strong: x.strong | y.strong,
            weak: x.weak | y.weak,
            common: (x.common && y.common) || whole & dict::AMBIGUOUS != 0,
            stop: false,
        };
        if out.common || x.strong == 0 && y.strong == 0 {
            out.weak |= out.strong;
            out.strong = 0;
        }
        return out;
    }
    analyse_simple(d, s, script, exact)
}

/// A word with `?` for lost Kazakh letters: the readings of every way to fill them (three at
/// most; more would match too much).
fn analyse_lost(d: &Dictionary, s: &Skeleton, script: Script) -> Analysis {
    let holes: Vec<usize> = (0..s.len()).filter(|&i| s.as_bytes()[i] == LOST).collect();
    if holes.len() > 3 || s.len() < holes.len() + 2 {
        return Analysis::default();
    }
    let mut out = Analysis::default();
    let combos = LOST_CHOICES.len().pow(holes.len() as u32);
    let mut buf = s.as_bytes().to_vec();
    for n in 0..combos {
        let mut k = n;
        for &h in &holes {
            buf[h] = LOST_CHOICES[k % LOST_CHOICES.len()];
            k /= LOST_CHOICES.len();
        }
        let filled = Skeleton::from_bytes(&buf).expect("same length");
        let a = analyse_simple(d, &filled, script, None);
        if a.strong == PARTICLE {
            return a;
        }
        out.strong |= a.strong;
        out.weak |= a.weak;
    }
    // Filling holes finds something for many words; only a strong reading is evidence.
    if holes.len() > 1 {
        out.weak |= out.strong & !(GIVEN | SHAPED | PATRONYMIC);
        out.strong &= GIVEN | SHAPED | PATRONYMIC;
    }
    out
}

fn analyse_simple(d: &Dictionary, s: &Skeleton, script: Script, exact: Option<u64>) -> Analysis {
    let mut out = Analysis::default();
    let lossy = d.get(s);
    let whole = match exact {
        Some(e) => lossy & !(dict::AMBIGUOUS | dict::STOP) | d.get_exact(e),
        None => lossy,
    };
    if whole & dict::STOP != 0 {
        out.stop = true;
        return out;
    }
    let bytes = s.as_bytes();
    if is_particle(bytes) {
        out.strong = PARTICLE;
        return out;
    }
    out.common = whole & dict::AMBIGUOUS != 0;
    readings(d, s, whole, dict::AMBIGUOUS, false, script, &mut out);
    let latin = script == Script::Latin;
    // Russian endings: ambiguity with Russian words and places counts, a Kazakh word does not
    // take Russian endings (Армана is the name).
    let ru: &[&[u8]] = if latin { &[b"a"] } else { RU_ENDINGS };
    let kk: &[&[u8]] = if latin { &[] } else { KK_SUFFIXES };
    for end in ru {
        if let Some(stem) = strip(s, end) {
            let f = d.get(&stem);
            let amb = dict::COMMON | dict::PLACE;
            readings(d, &stem, f, amb, true, script, &mut out);
        }
    }
    for end in kk {
        if let Some(stem) = strip(s, end) {
            let f = d.get(&stem);
            // Kazakh borrows Russian nouns (олимпиадаға, романға): every ambiguity counts.
            let amb = dict::AMBIGUOUS;
            readings(d, &stem, f, amb, false, script, &mut out);
            // A Russian feminine surname or patronymic under a Kazakh suffix: Бекнуров|а|мен,
            // Ильинична|ның. Only those readings: Арм|а|нға is not the name Арм.
            if let Some(inner) = strip(&stem, b"a").filter(|x| x.len() >= 4) {
                let f = d.get(&inner);
                let mut r = Analysis::default();
                readings(d, &inner, f, amb, false, script, &mut r);
                let keep = SURNAME | SHAPED | PATRONYMIC;
                out.strong |= r.strong & keep;
                out.weak |= r.weak & keep;
            }
        }
    }
    if out.common {
        out.weak |= out.strong;
        out.strong = 0;
    }
    out
}

/// `s` without `end`, if what is left is long enough to be a name stem.
fn strip(s: &Skeleton, end: &[u8]) -> Option<Skeleton> {
    let b = s.as_bytes();
    (b.len() >= end.len() + 2 && b.ends_with(end)).then(|| s.prefix(b.len() - end.len()))
}

/// Adds the readings of one stem (the whole word or the word minus an ending); `amb` says
/// which dictionary flags make a reading of this stem ambiguous; `tails` whether the stem lost
/// a Russian ending, so that a name may have lost its last letter too.
fn readings(
    d: &Dictionary,
    t: &Skeleton,
    flags: Flags,
    amb: Flags,
    tails: bool,
    script: Script,
    out: &mut Analysis,
) {
    let ambiguous = flags & amb != 0;
    let latin = script == Script::Latin;
    let b = t.as_bytes();
    if b.len() >= 3 && flags & dict::GIVEN != 0 {
        out.add(GIVEN, ambiguous);
    }
    if b.len() >= 3 && flags & dict::SURNAME != 0 {
        let shaped = if has_shape(t) { SHAPED } else { 0 };
        // A Latin word that only a surname list knows is as likely an English word (Lab, Kids).
        out.add(SURNAME | shaped, ambiguous || (latin && shaped == 0));
    }
    // A given name that dropped its last letter before the ending: Анн|ой, Мари|и, Зо|е.
    for tail in NAME_TAILS[1..].iter().filter(|_| tails) {
        if let Some(x) = t.with(tail) {
            let f = d.get_if_given(&x);
            if f & dict::GIVEN != 0 && x.len() >= 3 {
                out.add(GIVEN, f & amb != 0);
            }
        }
    }
    for suf in SURNAME_SUFFIXES {
        if b.len() >= suf.len() + 2 && b.ends_with(suf) {
            let root = t.prefix(b.len() - suf.len());
            match given_root(d, &root) {
                Some(amb) => out.add(SURNAME | SHAPED, amb),
                // English words end in -in (Join, Coding); Latin -ov/-ev still speak.
                None if latin && *suf == b"in" => {}
                None => out.weak |= SHAPED,
            }
        }
    }
    if !latin
        && SKI_ENDINGS
            .iter()
            .any(|e| b.len() >= e.len() + 2 && b.ends_with(e))
    {
        out.weak |= SHAPED;
    }
    for suf in PATRONYMIC_SUFFIXES {
        if b.len() >= suf.len() + 2 && b.ends_with(suf) {
            let root = t.prefix(b.len() - suf.len());
            match given_root(d, &root) {
                Some(amb) => out.add(PATRONYMIC, amb),
                // -ович/-овна need no known root; a bare -ич does (Ильич, but кирпич).
                None if suf.len() >= 3 && root.len() >= 3 => out.add(PATRONYMIC, false),
                None => {}
            }
            break;
        }
    }
    for suf in KZ_PATRONYMIC {
        if b.len() >= suf.len() + 3 && b.ends_with(suf) {
            let root = t.prefix(b.len() - suf.len());
            match given_root(d, &root) {
                Some(amb) => out.add(PATRONYMIC | SHAPED, amb),
                None => out.weak |= PATRONYMIC | SHAPED,
            }
        }
    }
    if out.strong & GIVEN == 0 && !latin {
        compound_given(d, t, out);
    }
}

/// Kazakh compound given names: a known name plus a component (Мейрамғали, Айдарбек), or Ай-/
/// Нұр- plus a known name (Айсәуле, Нұрсұлтан). Unknown roots give a weak reading.
fn compound_given(d: &Dictionary, t: &Skeleton, out: &mut Analysis) {
    let b = t.as_bytes();
    for comp in NAME_COMPONENTS {
        if b.len() >= comp.len() + 3 && b.ends_with(comp) {
            let root = t.prefix(b.len() - comp.len());
            match given_root(d, &root) {
                Some(amb) => out.add(GIVEN, amb),
                None if DISTINCT_COMPONENTS.contains(comp) => out.weak |= GIVEN,
                None => {}
            }
        }
    }
    for pre in [&b"ai"[..], b"nur"] {
        if b.len() >= pre.len() + 3 && b.starts_with(pre) {
            let rest = Skeleton::from_bytes(&b[pre.len()..]).expect("shorter");
            if let Some(amb) = given_root(d, &rest) {
                out.add(GIVEN, amb);
            }
        }
    }
}

/// Whether `root` (plus a dropped last letter) is a given name: Some(ambiguous) or None.
fn given_root(d: &Dictionary, root: &Skeleton) -> Option<bool> {
    if root.len() < 2 {
        return None;
    }
    let mut found = None;
    for tail in NAME_TAILS {
        if let Some(x) = root.with(tail) {
            if x.len() < 3 {
                continue;
            }
            let f = d.get_if_given(&x);
            if f & dict::GIVEN != 0 {
                let amb = f & dict::AMBIGUOUS != 0;
                if !amb {
                    return Some(false);
                }
                found = Some(true);
            }
        }
    }
    found
}

/// Whether a skeleton may be ұлы/қызы (a `?` may stand for ұ or қ): a test on its first
/// letters, so that the word after every name need not be analysed.
pub fn may_be_particle(s: &Skeleton) -> bool {
    let b = s.as_bytes();
    KZ_PATRONYMIC
        .iter()
        .any(|p| b.len() >= p.len() && b.iter().zip(p.iter()).all(|(&x, &y)| x == y || x == LOST))
}

/// ұлы/қызы, bare or with a case suffix (ұлының, қызына).
fn is_particle(b: &[u8]) -> bool {
    KZ_PATRONYMIC.iter().any(|p| {
        b.strip_prefix(*p)
            .is_some_and(|rest| rest.is_empty() || KK_SUFFIXES.contains(&rest))
    })
}

fn has_shape(t: &Skeleton) -> bool {
    let b = t.as_bytes();
    SHAPE_SUFFIXES.iter().any(|s| b.ends_with(s))
        || SKI_ENDINGS.iter().any(|s| b.ends_with(s))
        || KZ_PATRONYMIC.iter().any(|s| b.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::super::fold::{exact_hash, skeleton};
    use super::*;
    use std::sync::OnceLock;

    fn dict() -> &'static Dictionary {
        static D: OnceLock<Dictionary> = OnceLock::new();
        D.get_or_init(|| {
            Dictionary::build(
                &["арман".into(), "алма".into()],
                &["январь".into(), "май".into()],
                &[],
            )
        })
    }

    fn an(w: &str) -> Analysis {
        let script = if w.chars().any(|c| c.is_ascii_alphabetic()) {
            Script::Latin
        } else {
            Script::Cyrillic
        };
        analyse(dict(), &skeleton(w).unwrap(), script, Some(exact_hash(w)))
    }

    #[track_caller]
    fn strong(w: &str, r: Roles) {
        let a = an(w);
        assert_ne!(a.strong & r, 0, "{w}: {a:?}");
    }

    #[track_caller]
    fn weak_only(w: &str) {
        let a = an(w);
        assert_eq!(a.strong, 0, "{w}: {a:?}");
        assert_ne!(a.weak, 0, "{w}: {a:?}");
    }

    #[test]
    fn given_names_in_every_case() {
        for w in [
            "Айгерим",
            "Айгерімге",
            "Айгерімнің",
            "Ивану",
            "Ирины",
            "Ириной",
            "AIGERIM",
        ] {
            strong(w, GIVEN);
        }
        strong("Асанмен", GIVEN);
    }

    #[test]
    fn surnames_from_a_given_name_root_are_found_unlisted() {
        // Built from given names; the shape alone would be weak.
        for w in [
            "Нурланов",
            "Айдарбекова",
            "Назарбаева",
            "Ерланову",
            "Жумабековой",
            "Асановтың",
        ] {
            strong(w, SHAPED);
        }
    }

    #[test]
    fn patronymics_from_any_given_name() {
        for w in [
            "Нурланович",
            "Нурлановна",
            "Кайратовны",
            "Сергеевич",
            "Ерлановичем",
            "Нұрланұлы",
            "Ахметқызы",
            "Nurlanuly",
            "ERLANOVNA",
        ] {
            strong(w, PATRONYMIC);
        }
        assert_eq!(an("кирпич").roles() & PATRONYMIC, 0);
    }

    #[test]
    fn particles_stand_alone() {
        for w in ["ұлы", "кызы", "KYZY", "қызының", "?лы", "?ызы", "Uly"] {
            assert!(may_be_particle(&skeleton(w).unwrap()), "{w}");
        }
        for w in ["Ахметов", "келді", "сдала"] {
            assert!(!may_be_particle(&skeleton(w).unwrap()), "{w}");
        }
        assert_eq!(an("ұлы").strong, PARTICLE);
        assert_eq!(an("кызы").strong, PARTICLE);
        assert_eq!(an("KYZY").strong, PARTICLE);
        assert_eq!(an("қызының").strong, PARTICLE);
        assert_eq!(an("ұлына").strong, PARTICLE);
    }

    #[test]
    fn names_that_are_words_are_weak() {
        for w in ["Вера", "Веры", "Арман", "Алма", "Арманға"] {
            weak_only(w);
        }
        assert!(an("Январь").stop);
        assert!(an("Май").stop);
        assert!(!an("Машиной").is_name_part() || an("Машиной").strong == 0);
    }

    #[test]
    fn a_kazakh_word_declined_in_russian_is_a_name() {
        // Kazakh borrows Russian words, so the converse does not hold (Вераға stays weak).
        strong("Армана", GIVEN);
        weak_only("Вераға");
    }

    #[test]
    fn compound_kazakh_given_names() {
        strong("Мейрамғали", GIVEN);
        strong("Айдарбек", GIVEN);
    }

    #[test]
    fn shape_alone_is_weak() {
        for w in ["Голованова", "Тоқаевтың"] {
            let a = an(w);
            assert_ne!(a.weak & SHAPED, 0, "{w}: {a:?}");
        }
    }

    #[test]
    fn lost_letters_are_filled_in() {
        strong("Кенжег?л", GIVEN);
        strong("Н?рланов", SHAPED);
    }
}

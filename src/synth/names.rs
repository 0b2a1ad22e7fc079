//! Synthetic people: Kazakh and Russian names, written in the forms real records hold, and
//! inflected the way free text inflects them.
//!
//! The pools (`data/names.txt`) come from Faker and airlock-pii only — never from the word
//! lists tazala's name detector uses — so the name figures are not measured on the
//! detector's own dictionary (see `data/README.md`). Everything beyond the pools is built here
//! by rule, as in life: Kazakh surnames from an ancestor's given name (`Нұрлан` → `Нурланов`,
//! `Нұрланұлы`, or the bare `Нұрлан`), patronymics from the father's (`Нурланович`,
//! `Нұрланқызы`), Latin spellings by one of the schemes in use, Russian cases and Kazakh
//! case suffixes. Not a morphology library: the rules cover the names in the pools, not the
//! language.

use std::sync::OnceLock;

use super::rng::Rng;

const NAMES_TXT: &str = include_str!("data/names.txt");

/// A Kazakh given name in Kazakh spelling and in the Russian spelling many records use.
#[derive(Clone, Copy, Debug)]
struct KkName {
    kk: &'static str,
    ru: &'static str,
}

#[derive(Debug, Default)]
struct Pools {
    kk_male: Vec<KkName>,
    kk_female: Vec<KkName>,
    ru_male: Vec<&'static str>,
    ru_female: Vec<&'static str>,
    ru_male_old: Vec<&'static str>,
    ru_female_old: Vec<&'static str>,
    ru_surname: Vec<&'static str>,
    ru_patronymic_male: Vec<&'static str>,
    ru_patronymic_female: Vec<&'static str>,
}

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(|| {
        let mut p = Pools::default();
        let mut section = "";
        for line in NAMES_TXT.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name;
                continue;
            }
            let kk = || {
                let mut words = line.split(' ');
                let kk = words.next().expect("a name");
                KkName {
                    kk,
                    ru: words.next().unwrap_or(kk),
                }
            };
            match section {
                "kk_male" => p.kk_male.push(kk()),
                "kk_female" => p.kk_female.push(kk()),
                "ru_male" => p.ru_male.push(line),
                "ru_female" => p.ru_female.push(line),
                "ru_male_old" => p.ru_male_old.push(line),
                "ru_female_old" => p.ru_female_old.push(line),
                "ru_surname" => p.ru_surname.push(line),
                "ru_patronymic_male" => p.ru_patronymic_male.push(line),
                "ru_patronymic_female" => p.ru_patronymic_female.push(line),
                _ => {}
            }
        }
        p
    })
}

/// How this person's name is spelled in Latin letters (one scheme per person: there is no
/// single standard, domain-kz.md "Latin spellings vary").
#[derive(Clone, Debug)]
struct LatinScheme {
    zh: &'static str,
    kh: &'static str,
    q: &'static str,
    gh: &'static str,
    ng: &'static str,
    ae: &'static str,
    y_hard: &'static str,
    y_short: &'static str,
    ya: &'static str,
    yu: &'static str,
    initial_ye: bool,
    double_s: bool,
}

impl LatinScheme {
    fn random(rng: &mut Rng) -> Self {
        LatinScheme {
            zh: if rng.chance(75) { "zh" } else { "j" },
            kh: if rng.chance(60) { "kh" } else { "h" },
            q: if rng.chance(80) { "k" } else { "q" },
            gh: if rng.chance(75) { "g" } else { "gh" },
            ng: if rng.chance(75) { "n" } else { "ng" },
            ae: if rng.chance(80) { "a" } else { "ae" },
            y_hard: if rng.chance(80) { "y" } else { "i" },
            y_short: if rng.chance(70) { "y" } else { "i" },
            ya: if rng.chance(80) { "ya" } else { "ia" },
            yu: if rng.chance(80) { "yu" } else { "iu" },
            initial_ye: rng.chance(40),
            double_s: rng.chance(40),
        }
    }

    /// Transliterates one Cyrillic word to lower-case ASCII.
    fn word(&self, cyr: &str) -> String {
        let chars: Vec<char> = cyr.to_lowercase().chars().collect();
        let vowel = |c: Option<&char>| c.is_some_and(|c| "аәеёиоөұүыіэюя".contains(*c));
        let mut out = String::with_capacity(chars.len() * 2);
        for (i, c) in chars.iter().enumerate() {
            let s: &str = match c {
                'а' => "a",
                'ә' => self.ae,
                'б' => "b",
                'в' => "v",
                'г' => "g",
                'ғ' => self.gh,
                'д' => "d",
                'е' if i == 0 && self.initial_ye => "ye",
                'е' | 'э' => "e",
                'ё' => "yo",
                'ж' => self.zh,
                'з' => "z",
                'и' | 'і' => "i",
                'й' => self.y_short,
                'к' => "k",
                'қ' => self.q,
                'л' => "l",
                'м' => "m",
                'н' => "n",
                'ң' => self.ng,
                'о' | 'ө' => "o",
                'п' => "p",
                'р' => "r",
                'с' if self.double_s
                    && i > 0
                    && vowel(chars.get(i - 1))
                    && vowel(chars.get(i + 1)) =>
                {
                    "ss"
                }
                'с' => "s",
                'т' => "t",
                'у' | 'ұ' | 'ү' => "u",
                'ф' => "f",
                'х' => self.kh,
                'һ' => "h",
                'ц' => "ts",
                'ч' => "ch",
                'ш' => "sh",
                'щ' => "shch",
                'ы' => self.y_hard,
                'ю' => self.yu,
                'я' => self.ya,
                'ъ' | 'ь' => "",
                c if c.is_ascii_alphanumeric() => {
                    out.push(*c);
                    continue;
                }
                _ => "",
            };
            out.push_str(s);
        }
        out
    }
}

/// A made-up person.
#[derive(Clone, Debug)]
pub struct Person {
    pub female: bool,
    /// Whether the name is Kazakh (else Russian).
    pub kazakh: bool,
    pub birth_year: u32,
    given: String,
    surname: String,
    patronymic: Option<String>,
    latin: LatinScheme,
    typing: Typing,
}

/// How the Cyrillic name reached the record (domain-kz.md, "Person names").
#[derive(Clone, Copy, Debug, PartialEq)]
enum Typing {
    Clean,
    /// Through a Windows-1251 file: every Kazakh letter became `?` (`Кенжег?л`).
    Cp1251,
    /// A Latin look-alike typed for the first Cyrillic а/е/о/с/р of the given name.
    Homoglyph,
}

impl Typing {
    fn random(rng: &mut Rng, kazakh_letters: bool) -> Self {
        match rng.below(100) {
            0..4 if kazakh_letters => Typing::Cp1251,
            4..6 => Typing::Homoglyph,
            _ => Typing::Clean,
        }
    }

    fn apply(self, text: String, given: &str) -> String {
        match self {
            Typing::Clean => text,
            Typing::Cp1251 => text
                .chars()
                .map(|c| {
                    if "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c) {
                        '?'
                    } else {
                        c
                    }
                })
                .collect(),
            Typing::Homoglyph => {
                const PAIRS: [(char, char); 10] = [
                    ('а', 'a'),
                    ('е', 'e'),
                    ('о', 'o'),
                    ('с', 'c'),
                    ('р', 'p'),
                    ('А', 'A'),
                    ('Е', 'E'),
                    ('О', 'O'),
                    ('С', 'C'),
                    ('Р', 'P'),
                ];
                let Some(at) = text.find(given) else {
                    return text;
                };
                let Some((i, c, latin)) = given.char_indices().find_map(|(i, c)| {
                    PAIRS
                        .iter()
                        .find(|(cyr, _)| *cyr == c)
                        .map(|(_, l)| (i, c, *l))
                }) else {
                    return text;
                };
                let pos = at + i;
                format!("{}{latin}{}", &text[..pos], &text[pos + c.len_utf8()..])
            }
        }
    }
}

fn last_char(s: &str) -> char {
    s.chars().next_back().expect("non-empty")
}

fn is_vowel(c: char) -> bool {
    "аәеёиоөұүыіэюяАӘЕЁИОӨҰҮЫІЭЮЯ".contains(c)
}

/// `Нурлан` → `Нурланов`, `Абай` → `Абаев`, `Әли` → `Алиев`; `None` for roots ending in
/// another vowel, which do not take the suffix well.
fn ov_surname(root: &str, female: bool) -> Option<String> {
    let end = last_char(root);
    let base = match end {
        'й' => format!("{}ев", &root[..root.len() - 'й'.len_utf8()]),
        'и' | 'і' => format!("{root}ев"),
        'ж' | 'ш' | 'ч' | 'щ' | 'ц' => format!("{root}ев"),
        'ь' => return None,
        c if is_vowel(c) => return None,
        _ => format!("{root}ов"),
    };
    Some(if female { format!("{base}а") } else { base })
}

/// `Нурлан` → `Нурланович`/`Нурлановна`, `Абай` → `Абаевич`.
fn ovich_patronymic(root: &str, female: bool) -> Option<String> {
    let (stem, soft) = match last_char(root) {
        'й' => (&root[..root.len() - 'й'.len_utf8()], true),
        'и' | 'і' | 'ж' | 'ш' | 'ч' | 'щ' | 'ц' => (root, true),
        'ь' => return None,
        c if is_vowel(c) => return None,
        _ => (root, false),
    };
    let suffix = match (soft, female) {
        (false, false) => "ович",
        (false, true) => "овна",
        (true, false) => "евич",
        (true, true) => "евна",
    };
    Some(format!("{stem}{suffix}"))
}

/// Whether a person is a pupil or a grown-up (only the birth year follows from it).
#[derive(Clone, Copy, Debug)]
pub enum Age {
    Child,
    Adult,
}

impl Person {
    pub fn random(rng: &mut Rng, age: Age) -> Self {
        let female = rng.chance(55);
        let birth_year = match age {
            Age::Child => rng.range(2004, 2019),
            Age::Adult => rng.range(1958, 2000),
        };
        let latin = LatinScheme::random(rng);
        let p = pools();
        if rng.chance(68) {
            Self::kazakh(rng, p, female, birth_year, latin)
        } else {
            Self::russian(rng, p, female, birth_year, latin)
        }
    }

    fn kazakh(rng: &mut Rng, p: &Pools, female: bool, birth_year: u32, latin: LatinScheme) -> Self {
        let kk_letters = rng.chance(45);
        let spell = |n: &KkName| if kk_letters { n.kk } else { n.ru };
        let given = spell(rng.pick(if female { &p.kk_female } else { &p.kk_male })).to_string();
        let surname = loop {
            let root = rng.pick(&p.kk_male);
            let roll = rng.below(100);
            if roll < 80 {
                // Surnames in -ов were registered in Russian spelling; some families
                // restored the Kazakh letters.
                let r = if kk_letters && rng.chance(50) {
                    root.kk
                } else {
                    root.ru
                };
                if let Some(s) = ov_surname(r, female) {
                    break s;
                }
            } else if roll < 92 {
                break spell(root).to_string();
            } else if kk_letters {
                break format!("{}{}", root.kk, if female { "қызы" } else { "ұлы" });
            }
        };
        let father = *rng.pick(&p.kk_male);
        let kazakh_style = if kk_letters {
            rng.chance(65)
        } else {
            rng.chance(22)
        };
        let patronymic = if rng.chance(5) {
            None
        } else if kazakh_style {
            let (root, son, daughter) = if kk_letters {
                (father.kk, "ұлы", "қызы")
            } else {
                (father.ru, "улы", "кызы")
            };
            let suffix = if female { daughter } else { son };
            Some(if rng.chance(12) {
                format!("{root} {suffix}")
            } else {
                format!("{root}{suffix}")
            })
        } else {
            ovich_patronymic(father.ru, female).or_else(|| {
                Some(format!(
                    "{}{}",
                    father.ru,
                    if female { "кызы" } else { "улы" }
                ))
            })
        };
        Person {
            female,
            kazakh: true,
            birth_year,
            given,
            surname,
            patronymic,
            latin,
            typing: Typing::random(rng, kk_letters),
        }
    }

    fn russian(
        rng: &mut Rng,
        p: &Pools,
        female: bool,
        birth_year: u32,
        latin: LatinScheme,
    ) -> Self {
        let given = match (female, rng.chance(85)) {
            (false, true) => rng.pick(&p.ru_male),
            (false, false) => rng.pick(&p.ru_male_old),
            (true, true) => rng.pick(&p.ru_female),
            (true, false) => rng.pick(&p.ru_female_old),
        }
        .to_string();
        let male_surname = rng.pick(&p.ru_surname);
        let surname = if female {
            format!("{male_surname}а")
        } else {
            male_surname.to_string()
        };
        let patronymic = Some(
            rng.pick(if female {
                &p.ru_patronymic_female
            } else {
                &p.ru_patronymic_male
            })
            .to_string(),
        );
        Person {
            female,
            kazakh: false,
            birth_year,
            given,
            surname,
            patronymic,
            latin,
            typing: Typing::random(rng, false),
        }
    }

    /// The given name and surname in lower-case ASCII, for building emails and handles.
    pub fn ascii_names(&self) -> (String, String) {
        (self.latin.word(&self.given), self.latin.word(&self.surname))
    }

    /// The name in one written form and grammatical case.
    pub fn write(&self, rng: &mut Rng, form: Form, case: Case) -> String {
        let form = match form {
            Form::Any => *rng.weighted(&[
                (30, Form::Fio),
                (20, Form::Fi),
                (25, Form::If),
                (15, Form::Init),
                (5, Form::InitFirst),
                (5, Form::Caps),
            ]),
            Form::Io if self.patronymic.is_none() => Form::If,
            f => f,
        };
        if form == Form::Latin {
            return self.latin_form(rng);
        }
        let g = || self.given_in(case);
        let s = || self.surname_in(case);
        let p = || {
            self.patronymic
                .as_ref()
                .map(|p| self.patronymic_in(p, case))
        };
        let initials = || {
            let gi = initial(&self.given);
            match &self.patronymic {
                Some(p) if rng_free_spacing(&self.given) => format!("{gi}. {}.", initial(p)),
                Some(p) => format!("{gi}.{}.", initial(p)),
                None => format!("{gi}."),
            }
        };
        let parts: Vec<String> = match form {
            Form::Fio => [Some(s()), Some(g()), p()].into_iter().flatten().collect(),
            Form::Fi => vec![s(), g()],
            Form::If => vec![g(), s()],
            Form::Io => [Some(g()), p()].into_iter().flatten().collect(),
            Form::Init => vec![s(), initials()],
            Form::InitFirst => vec![initials(), s()],
            Form::First => vec![g()],
            Form::Last => vec![s()],
            Form::Patronymic => p().into_iter().collect(),
            Form::Caps => {
                let all = rng.chance(35);
                let mut v = vec![s().to_uppercase(), g()];
                v.extend(p());
                if all {
                    v.iter().map(|w| w.to_uppercase()).collect()
                } else {
                    v
                }
            }
            Form::Any | Form::Latin => unreachable!("resolved above"),
        };
        self.typing.apply(parts.join(" "), &self.given)
    }

    /// The name with a Kazakh case suffix on its last word (`Айгерімге`, `Нұрланқызының`).
    pub fn write_kazakh_case(&self, rng: &mut Rng, form: Form, case: KkCase) -> String {
        let nominative = self.write(rng, form, Case::Nom);
        kazakh_suffix(&nominative, case)
    }

    fn latin_form(&self, rng: &mut Rng) -> String {
        let cap = |w: String| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => w,
            }
        };
        let (g, s) = self.ascii_names();
        let (g, s) = (cap(g), cap(s));
        match rng.below(100) {
            0..40 => format!("{g} {s}"),
            40..70 => format!("{} {}", s.to_uppercase(), g.to_uppercase()),
            70..85 => format!("{s} {g}"),
            _ => format!("{}. {s}", &g[..1]),
        }
    }

    fn given_in(&self, case: Case) -> String {
        given_case(&self.given, self.female, self.kazakh, case)
    }

    fn surname_in(&self, case: Case) -> String {
        surname_case(&self.surname, self.female, case)
    }

    fn patronymic_in(&self, p: &str, case: Case) -> String {
        patronymic_case(p, self.female, case)
    }
}

/// How the values of one name column are written: the variants of issue 3's column mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameColumn {
    /// Фамилия Имя Отчество.
    FullName,
    /// The surname alone.
    Surname,
    /// The given name alone (a child's name).
    FirstName,
    /// Passport style: `ZHUMABEKOVA AIGERIM`.
    LatinPassport,
    /// A given name in Latin letters, capitalised (`Aigerim`).
    LatinFirstName,
    /// A full name that went through a Windows-1251 file: Kazakh letters became `?`.
    Cp1251,
    /// Фамилия И.О.
    Initials,
    /// The full name in capitals.
    Caps,
    /// Every variant above, one per value.
    Mixed,
}

impl NameColumn {
    pub const ALL: [NameColumn; 9] = [
        NameColumn::FullName,
        NameColumn::Surname,
        NameColumn::FirstName,
        NameColumn::LatinPassport,
        NameColumn::LatinFirstName,
        NameColumn::Cp1251,
        NameColumn::Initials,
        NameColumn::Caps,
        NameColumn::Mixed,
    ];

    /// One value of a column of this variant, of a new random person.
    pub fn value(self, rng: &mut Rng) -> String {
        let age = if rng.chance(50) {
            Age::Child
        } else {
            Age::Adult
        };
        let p = Person::random(rng, age);
        let cap = |w: String| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        match self {
            NameColumn::FullName => p.write(rng, Form::Fio, Case::Nom),
            NameColumn::Surname => p.write(rng, Form::Last, Case::Nom),
            NameColumn::FirstName => p.write(rng, Form::First, Case::Nom),
            NameColumn::LatinPassport => {
                let (g, s) = p.ascii_names();
                format!("{} {}", s.to_uppercase(), g.to_uppercase())
            }
            NameColumn::LatinFirstName => cap(p.ascii_names().0),
            NameColumn::Cp1251 => {
                // A Kazakh name with Kazakh letters: a Russian one would lose nothing.
                let mut p = p;
                let mut text = p.write(rng, Form::Fio, Case::Nom);
                for _ in 0..50 {
                    if text.chars().any(is_kazakh_letter) {
                        break;
                    }
                    p = Person::random(rng, age);
                    text = p.write(rng, Form::Fio, Case::Nom);
                }
                Typing::Cp1251.apply(text, "")
            }
            NameColumn::Initials => p.write(rng, Form::Init, Case::Nom),
            NameColumn::Caps => p.write(rng, Form::Fio, Case::Nom).to_uppercase(),
            NameColumn::Mixed => {
                let v = *rng.pick(&NameColumn::ALL[..NameColumn::ALL.len() - 1]);
                v.value(rng)
            }
        }
    }
}

fn is_kazakh_letter(c: char) -> bool {
    "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c)
}

/// Initials with a space (`А. Б.`) for some names; a stable choice per name keeps one person's
/// spelling consistent without spending random draws.
fn rng_free_spacing(given: &str) -> bool {
    given.len().is_multiple_of(3)
}

fn initial(word: &str) -> String {
    word.chars().next().expect("non-empty").to_string()
}

/// Which written form of a name a template asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Фамилия Имя Отчество (the official order).
    Fio,
    /// Фамилия Имя.
    Fi,
    /// Имя Фамилия (free text).
    If,
    /// Имя Отчество (how pupils address a teacher).
    Io,
    /// Фамилия И.О.
    Init,
    /// И.О. Фамилия.
    InitFirst,
    First,
    Last,
    Patronymic,
    /// ФАМИЛИЯ Имя Отчество, or all in capitals.
    Caps,
    /// Latin letters: `Aigerim Zhumabekova`, `ZHUMABEKOVA AIGERIM`, `A. Zhumabekova`.
    Latin,
    /// One of the common full forms.
    Any,
}

impl Form {
    pub fn parse(s: &str) -> Option<Form> {
        Some(match s {
            "fio" => Form::Fio,
            "fi" => Form::Fi,
            "if" => Form::If,
            "io" => Form::Io,
            "init" => Form::Init,
            "initf" => Form::InitFirst,
            "first" => Form::First,
            "last" => Form::Last,
            "patr" => Form::Patronymic,
            "caps" => Form::Caps,
            "lat" => Form::Latin,
            "any" => Form::Any,
            _ => return None,
        })
    }
}

/// Russian grammatical case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Nom,
    Gen,
    Dat,
    Acc,
    Ins,
    Pre,
}

/// Kazakh case, written as a suffix on the last word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KkCase {
    Gen,
    Dat,
    Acc,
    Loc,
    Abl,
    Ins,
}

/// Replaces the last `n` chars of `word` with `new`.
fn swap_end(word: &str, n: usize, new: &str) -> String {
    let cut = word.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    format!("{}{new}", &word[..cut])
}

/// The Russian a-declension (Анна, Никита, Нурлановна).
fn a_declension(word: &str, case: Case) -> String {
    let before = word.chars().rev().nth(1).unwrap_or(' ');
    let hushing = "жшчщц".contains(before);
    let velar = "гкхжшчщ".contains(before);
    let end = match case {
        Case::Nom => return word.to_string(),
        Case::Gen if velar => "и",
        Case::Gen => "ы",
        Case::Dat | Case::Pre => "е",
        Case::Acc => "у",
        Case::Ins if hushing => "ей",
        Case::Ins => "ой",
    };
    swap_end(word, 1, end)
}

fn given_case(word: &str, female: bool, kazakh: bool, case: Case) -> String {
    if case == Case::Nom {
        return word.to_string();
    }
    let last = last_char(word);
    let pick = |g: &str, d: &str, a: &str, i: &str, p: &str| match case {
        Case::Gen => g.to_string(),
        Case::Dat => d.to_string(),
        Case::Acc => a.to_string(),
        Case::Ins => i.to_string(),
        Case::Pre | Case::Nom => p.to_string(),
    };
    if word.ends_with("ия") {
        return swap_end(word, 1, &pick("и", "и", "ю", "ей", "и"));
    }
    match (last, female) {
        ('а', _) => a_declension(word, case),
        ('я', _) => swap_end(word, 1, &pick("и", "е", "ю", "ей", "е")),
        ('й', false) if word.ends_with("ий") => {
            swap_end(word, 2, &pick("ия", "ию", "ия", "ием", "ии"))
        }
        ('й', false) | ('ь', false) => swap_end(word, 1, &pick("я", "ю", "я", "ем", "е")),
        // Russian feminine soft sign (Любовь); Kazakh names in -ь stay as they are in Russian.
        ('ь', true) if !kazakh => swap_end(word, 1, &pick("и", "и", "ь", "ью", "и")),
        (c, false) if !is_vowel(c) && c != 'ь' => {
            let ins = if "жшчщц".contains(c) {
                "ем"
            } else {
                "ом"
            };
            format!("{word}{}", pick("а", "у", "а", ins, "е"))
        }
        _ => word.to_string(),
    }
}

fn surname_case(word: &str, female: bool, case: Case) -> String {
    if case == Case::Nom {
        return word.to_string();
    }
    let pick = |g: &str, d: &str, a: &str, i: &str, p: &str| match case {
        Case::Gen => g.to_string(),
        Case::Dat => d.to_string(),
        Case::Acc => a.to_string(),
        Case::Ins => i.to_string(),
        Case::Pre | Case::Nom => p.to_string(),
    };
    let lower = word.to_lowercase();
    if ["ұлы", "улы", "қызы", "кызы"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        return word.to_string();
    }
    if female {
        if ["ова", "ева", "ёва", "ина", "ына"]
            .iter()
            .any(|s| lower.ends_with(s))
        {
            return swap_end(word, 1, &pick("ой", "ой", "у", "ой", "ой"));
        }
        if lower.ends_with("ская") {
            return swap_end(word, 2, &pick("ой", "ой", "ую", "ой", "ой"));
        }
        return word.to_string();
    }
    if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        return format!("{word}{}", pick("а", "у", "а", "ым", "е"));
    }
    if lower.ends_with("ский") || lower.ends_with("цкий") {
        return swap_end(word, 2, &pick("ого", "ому", "ого", "им", "ом"));
    }
    given_case(word, false, true, case)
}

fn patronymic_case(word: &str, female: bool, case: Case) -> String {
    if case == Case::Nom || word.contains(' ') {
        return word.to_string();
    }
    if !female && word.ends_with("ич") {
        let end = match case {
            Case::Gen | Case::Acc => "а",
            Case::Dat => "у",
            Case::Ins => "ем",
            Case::Pre | Case::Nom => "е",
        };
        return format!("{word}{end}");
    }
    if female && word.ends_with("на") {
        return a_declension(word, case);
    }
    word.to_string()
}

/// How a Kazakh suffix attaches: by the last sound of the word.
#[derive(Clone, Copy, PartialEq)]
enum Final {
    Vowel,
    Nasal,
    Sonorant,
    Voiced,
    Voiceless,
}

fn final_sound(word: &str) -> Final {
    let c = word
        .chars()
        .rev()
        .flat_map(char::to_lowercase)
        .find(|c| !matches!(c, 'ь' | 'ъ'))
        .unwrap_or('а');
    match c {
        // Kazakh и and у are diphthongs/glides: suffixes treat them as sonorants.
        'и' | 'у' | 'л' | 'р' | 'й' => Final::Sonorant,
        'м' | 'н' | 'ң' => Final::Nasal,
        'ж' | 'з' => Final::Voiced,
        c if is_vowel(c) => Final::Vowel,
        _ => Final::Voiceless,
    }
}

/// Front (`е ә ө ү і`) or back (`а о ұ ы`) vowel harmony, from the last vowel that tells.
fn is_front(word: &str) -> bool {
    // The Russian surname suffix -ев follows the root's harmony: Тоқаевтың, Серікбаевтың.
    let lower = word.to_lowercase();
    let word = lower.strip_suffix("ев").unwrap_or(&lower);
    for c in word.chars().rev() {
        if "аоұыяё".contains(c) {
            return false;
        }
        if "әөүіеэ".contains(c) {
            return true;
        }
    }
    word.contains('и')
}

/// Adds a Kazakh case suffix to the last word of `text`.
pub fn kazakh_suffix(text: &str, case: KkCase) -> String {
    let lower = text.to_lowercase();
    // ұлы/қызы are possessive ("his son"): they take the possessive endings.
    if ["ұлы", "улы", "қызы", "кызы"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        let end = match case {
            KkCase::Gen => "ның",
            KkCase::Dat => "на",
            KkCase::Acc => "н",
            KkCase::Loc => "нда",
            KkCase::Abl => "нан",
            KkCase::Ins => "мен",
        };
        return format!("{text}{end}");
    }
    let front = is_front(text);
    let f = final_sound(text);
    let (back, fr) = match (case, f) {
        (KkCase::Gen, Final::Vowel | Final::Nasal) => ("ның", "нің"),
        (KkCase::Gen, Final::Sonorant | Final::Voiced) => ("дың", "дің"),
        (KkCase::Gen, Final::Voiceless) => ("тың", "тің"),
        (KkCase::Dat, Final::Voiceless) => ("қа", "ке"),
        (KkCase::Dat, _) => ("ға", "ге"),
        (KkCase::Acc, Final::Vowel) => ("ны", "ні"),
        (KkCase::Acc, Final::Voiceless) => ("ты", "ті"),
        (KkCase::Acc, _) => ("ды", "ді"),
        (KkCase::Loc, Final::Voiceless) => ("та", "те"),
        (KkCase::Loc, _) => ("да", "де"),
        (KkCase::Abl, Final::Nasal) => ("нан", "нен"),
        (KkCase::Abl, Final::Voiceless) => ("тан", "тен"),
        (KkCase::Abl, _) => ("дан", "ден"),
        (KkCase::Ins, Final::Voiced) => ("бен", "бен"),
        (KkCase::Ins, Final::Voiceless) => ("пен", "пен"),
        (KkCase::Ins, _) => ("мен", "мен"),
    };
    format!("{text}{}", if front { fr } else { back })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_loaded_and_not_empty() {
        let p = pools();
        assert!(p.kk_male.len() > 300 && p.kk_female.len() > 100);
        assert!(p.ru_surname.len() > 200 && p.ru_patronymic_female.len() > 50);
        assert!(
            p.kk_female
                .iter()
                .any(|n| n.kk == "Айгүл" && n.ru == "Айгуль")
        );
    }

    #[test]
    fn kazakh_suffixes_follow_harmony_and_the_last_sound() {
        assert_eq!(kazakh_suffix("Айгерім", KkCase::Dat), "Айгерімге");
        assert_eq!(kazakh_suffix("Нұрлан", KkCase::Gen), "Нұрланның");
        assert_eq!(kazakh_suffix("Асан", KkCase::Ins), "Асанмен");
        assert_eq!(kazakh_suffix("Тоқаев", KkCase::Gen), "Тоқаевтың");
        assert_eq!(kazakh_suffix("Серік", KkCase::Dat), "Серікке");
        assert_eq!(kazakh_suffix("Абай", KkCase::Gen), "Абайдың");
        assert_eq!(kazakh_suffix("Айгерим", KkCase::Abl), "Айгеримнен");
        assert_eq!(kazakh_suffix("Ахметова", KkCase::Dat), "Ахметоваға");
        assert_eq!(kazakh_suffix("Нұрланқызы", KkCase::Gen), "Нұрланқызының");
        assert_eq!(kazakh_suffix("Нұрланқызы", KkCase::Dat), "Нұрланқызына");
    }

    #[test]
    fn russian_cases_of_names() {
        assert_eq!(surname_case("Ахметова", true, Case::Gen), "Ахметовой");
        assert_eq!(surname_case("Ахметова", true, Case::Acc), "Ахметову");
        assert_eq!(surname_case("Иванов", false, Case::Ins), "Ивановым");
        assert_eq!(surname_case("Оспан", false, Case::Dat), "Оспану");
        assert_eq!(given_case("Нурлан", false, true, Case::Dat), "Нурлану");
        assert_eq!(given_case("Айгерим", true, true, Case::Gen), "Айгерим");
        assert_eq!(given_case("Мария", true, false, Case::Gen), "Марии");
        assert_eq!(given_case("Ольга", true, false, Case::Gen), "Ольги");
        assert_eq!(given_case("Алексей", false, false, Case::Ins), "Алексеем");
        assert_eq!(given_case("Анатолий", false, false, Case::Pre), "Анатолии");
        assert_eq!(patronymic_case("Нурлановна", true, Case::Dat), "Нурлановне");
        assert_eq!(
            patronymic_case("Серикович", false, Case::Ins),
            "Сериковичем"
        );
        assert_eq!(patronymic_case("Нұрланқызы", true, Case::Gen), "Нұрланқызы");
    }

    #[test]
    fn surnames_and_patronymics_are_built_from_roots() {
        assert_eq!(ov_surname("Нурлан", true).as_deref(), Some("Нурланова"));
        assert_eq!(ov_surname("Абай", false).as_deref(), Some("Абаев"));
        assert_eq!(ov_surname("Айша", false), None);
        assert_eq!(
            ovich_patronymic("Серик", false).as_deref(),
            Some("Серикович")
        );
        assert_eq!(ovich_patronymic("Абай", true).as_deref(), Some("Абаевна"));
    }

    #[test]
    fn latin_spellings_are_ascii() {
        let mut rng = Rng::new(9);
        for _ in 0..300 {
            let p = Person::random(&mut rng, Age::Adult);
            let (g, s) = p.ascii_names();
            assert!(!g.is_empty() && !s.is_empty(), "{p:?}");
            assert!(
                g.bytes().chain(s.bytes()).all(|b| b.is_ascii_lowercase()),
                "{g} {s}"
            );
            let lat = p.write(&mut rng, Form::Latin, Case::Nom);
            assert!(lat.is_ascii(), "{lat}");
        }
    }
}

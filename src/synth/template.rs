//! Record templates (`data/templates.txt`) and how their slots are filled.
//!
//! A template is a line of text in one language with `{slots}`; filling it draws a fresh
//! person, number or look-alike for each slot and records the byte span of every personal
//! value as a [`Label`]. The rules about *where* a slot may stand (a context word right before
//! `{iin}`, no messenger word in a record with `{mention}`) are kept by the template text, and
//! listed at the top of the data file.
//!
//! Slots:
//!
//! | slot | writes | label |
//! |---|---|---|
//! | `{iin_ctx}` | `ИИН 871008401427` (word by language; grouped or mistyped sometimes) | iin on the number |
//! | `{iin}` / `{iin_bare}` | the number after the template's own word / with no word | iin |
//! | `{bin_ctx}` / `{bin}` | `БИН 940140000385` / the number | bin |
//! | `{phone}` / `{phone_bare}` | every written form, after a phone word / without one | phone |
//! | `{phone:log}` `{phone:csv}` `{phone:wa}` | forms of log lines, exported columns, `wa.me/` | phone |
//! | `{email}` `{email:2}` `{email:any}` `{email:again}` | person 1's, person 2's (or an office's), anyone's, the last one again | email |
//! | `{tg_ctx}` / `{tg}` | `телеграм @handle` / `@handle` | messenger on `@handle` |
//! | `{tme}` | `t.me/handle`, `https://t.me/handle` | messenger |
//! | `{card}` | Luhn-valid card number | card |
//! | `{masked_card}` | `4400 43** **** 1234` (a card finding) or `**** 1234` (not) | card on the first form |
//! | `{name:FORM.CASE}` `{name2:…}` | person 1 or 2; FORM fio fi if io init initf first last patr caps lat any; CASE gen dat acc ins pre (Russian) or kgen kdat kacc kloc kabl kins (Kazakh) | name |
//! | `{g:m\|f}` `{g2:m\|f}` | the word agreeing with person 1's / 2's sex | — |
//! | `{=a\|b\|c}` | one of the alternatives | — |
//! | `{order}` `{contract}` `{ref12}` `{ts12}` `{iban}` `{badphone}` `{url_at}` `{mention}` `{file_at}` `{pkg_at}` | look-alikes that are not personal data | — |
//! | `{amount}` `{amount_raw}` `{date}` `{time}` `{datetime}` `{isots}` `{class}` `{room}` `{course}` `{code}` `{city}` `{school}` `{address}` `{org}` `{sid}` `{ip}` `{ticket}` `{grade}` `{num}` | ordinary record content | — |
//!
//! With planting off, personal slots and look-alikes write a neutral filler (`—`, `оқушы`), so
//! the same templates give PII-free prose for benchmarks.

use std::sync::OnceLock;

use super::Label;
use super::names::{Age, Case, Form, KkCase, Person};
use super::rng::Rng;
use super::values::{self, Born, PhoneStyle};
use crate::detect::Kind;

const TEMPLATES_TXT: &str = include_str!("data/templates.txt");

/// The language of a template: it picks context words, fillers, spellings and formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ru,
    Kk,
    En,
    /// Russian with Kazakh words in it.
    Mix,
    /// Log lines and exported rows: ASCII field syntax, English fillers.
    Log,
}

#[derive(Clone, Debug)]
pub struct Template {
    pub lang: Lang,
    pub genre: &'static str,
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
enum Piece {
    Text(&'static str),
    Alt(Vec<&'static str>),
    Gender {
        who: usize,
        male: &'static str,
        female: &'static str,
    },
    Slot(Slot),
}

#[derive(Clone, Copy, Debug)]
enum NameCase {
    Ru(Case),
    Kk(KkCase),
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    IinCtx,
    Iin,
    IinBare,
    BinCtx,
    Bin,
    Phone(PhoneStyle),
    Email(Who),
    /// The last email written again (`<a href="mailto:x">x</a>`).
    EmailAgain,
    TgCtx,
    Tg,
    Tme,
    Card,
    Name(usize, Form, NameCase),
    Order,
    Contract,
    Ref12,
    Ts12,
    Iban,
    BadPhone,
    UrlAt,
    Mention,
    FileAt,
    PkgAt,
    MaskedCard,
    Amount,
    AmountRaw,
    Date,
    Time,
    DateTime,
    IsoTs,
    Class,
    Room,
    Course,
    Code,
    City,
    School,
    Address,
    Org,
    Sid,
    Ip,
    Ticket,
    Grade,
    Num,
}

#[derive(Clone, Copy, Debug)]
enum Who {
    First,
    Second,
    Anyone,
}

impl Slot {
    /// Whether the slot holds a planted value (personal data or a look-alike), which prose
    /// mode replaces with a filler.
    fn is_planted(self) -> bool {
        !matches!(
            self,
            Slot::Amount
                | Slot::AmountRaw
                | Slot::Date
                | Slot::Time
                | Slot::DateTime
                | Slot::IsoTs
                | Slot::Class
                | Slot::Room
                | Slot::Course
                | Slot::Code
                | Slot::City
                | Slot::School
                | Slot::Address
                | Slot::Org
                | Slot::Sid
                | Slot::Ip
                | Slot::Ticket
                | Slot::Grade
                | Slot::Num
        )
    }

    fn parse(spec: &str) -> Result<Slot, String> {
        let (name, arg) = spec.split_once(':').unwrap_or((spec, ""));
        if let Some(who) = match name {
            "name" => Some(0),
            "name2" => Some(1),
            _ => None,
        } {
            let (form, case) = arg.split_once('.').unwrap_or((arg, ""));
            let form =
                Form::parse(form).ok_or_else(|| format!("unknown name form in {{{spec}}}"))?;
            let case = match case {
                "" => NameCase::Ru(Case::Nom),
                "gen" => NameCase::Ru(Case::Gen),
                "dat" => NameCase::Ru(Case::Dat),
                "acc" => NameCase::Ru(Case::Acc),
                "ins" => NameCase::Ru(Case::Ins),
                "pre" => NameCase::Ru(Case::Pre),
                "kgen" => NameCase::Kk(KkCase::Gen),
                "kdat" => NameCase::Kk(KkCase::Dat),
                "kacc" => NameCase::Kk(KkCase::Acc),
                "kloc" => NameCase::Kk(KkCase::Loc),
                "kabl" => NameCase::Kk(KkCase::Abl),
                "kins" => NameCase::Kk(KkCase::Ins),
                _ => return Err(format!("unknown case in {{{spec}}}")),
            };
            return Ok(Slot::Name(who, form, case));
        }
        Ok(match (name, arg) {
            ("iin_ctx", "") => Slot::IinCtx,
            ("iin", "") => Slot::Iin,
            ("iin_bare", "") => Slot::IinBare,
            ("bin_ctx", "") => Slot::BinCtx,
            ("bin", "") => Slot::Bin,
            ("phone", "") => Slot::Phone(PhoneStyle::AfterWord),
            ("phone_bare", "") => Slot::Phone(PhoneStyle::Bare),
            ("phone", "log") => Slot::Phone(PhoneStyle::Log),
            ("phone", "csv") => Slot::Phone(PhoneStyle::Column),
            ("phone", "wa") => Slot::Phone(PhoneStyle::WaMe),
            ("email", "") => Slot::Email(Who::First),
            ("email", "2") => Slot::Email(Who::Second),
            ("email", "any") => Slot::Email(Who::Anyone),
            ("email", "again") => Slot::EmailAgain,
            ("tg_ctx", "") => Slot::TgCtx,
            ("tg", "") => Slot::Tg,
            ("tme", "") => Slot::Tme,
            ("card", "") => Slot::Card,
            ("order", "") => Slot::Order,
            ("contract", "") => Slot::Contract,
            ("ref12", "") => Slot::Ref12,
            ("ts12", "") => Slot::Ts12,
            ("iban", "") => Slot::Iban,
            ("badphone", "") => Slot::BadPhone,
            ("url_at", "") => Slot::UrlAt,
            ("mention", "") => Slot::Mention,
            ("file_at", "") => Slot::FileAt,
            ("pkg_at", "") => Slot::PkgAt,
            ("masked_card", "") => Slot::MaskedCard,
            ("amount", "") => Slot::Amount,
            ("amount_raw", "") => Slot::AmountRaw,
            ("date", "") => Slot::Date,
            ("time", "") => Slot::Time,
            ("datetime", "") => Slot::DateTime,
            ("isots", "") => Slot::IsoTs,
            ("class", "") => Slot::Class,
            ("room", "") => Slot::Room,
            ("course", "") => Slot::Course,
            ("code", "") => Slot::Code,
            ("city", "") => Slot::City,
            ("school", "") => Slot::School,
            ("address", "") => Slot::Address,
            ("org", "") => Slot::Org,
            ("sid", "") => Slot::Sid,
            ("ip", "") => Slot::Ip,
            ("ticket", "") => Slot::Ticket,
            ("grade", "") => Slot::Grade,
            ("num", "") => Slot::Num,
            _ => return Err(format!("unknown slot {{{spec}}}")),
        })
    }
}

/// Every template of the data file, parsed once.
pub fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        parse_templates(TEMPLATES_TXT).unwrap_or_else(|e| panic!("data/templates.txt: {e}"))
    })
}

fn parse_templates(text: &'static str) -> Result<Vec<Template>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |e: String| format!("line {}: {e}", i + 1);
        let (head, body) = line
            .split_once(" | ")
            .ok_or_else(|| err("expected `LANG GENRE | text`".into()))?;
        let (lang, genre) = head
            .split_once(' ')
            .ok_or_else(|| err("expected `LANG GENRE`".into()))?;
        let lang = match lang {
            "ru" => Lang::Ru,
            "kk" => Lang::Kk,
            "en" => Lang::En,
            "mix" => Lang::Mix,
            "log" => Lang::Log,
            _ => return Err(err(format!("unknown language {lang}"))),
        };
        out.push(Template {
            lang,
            genre,
            pieces: parse_pieces(body).map_err(err)?,
        });
    }
    Ok(out)
}

fn parse_pieces(body: &'static str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {body:?}"))?
            + open;
        let spec = &rest[open + 1..close];
        pieces.push(if let Some(alts) = spec.strip_prefix('=') {
            Piece::Alt(alts.split('|').collect())
        } else if let Some((who, words)) = spec
            .strip_prefix("g:")
            .map(|w| (0, w))
            .or_else(|| spec.strip_prefix("g2:").map(|w| (1, w)))
        {
            let (male, female) = words
                .split_once('|')
                .ok_or_else(|| format!("{{{spec}}} needs two forms"))?;
            Piece::Gender { who, male, female }
        } else {
            Piece::Slot(Slot::parse(spec)?)
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// A record being written: its text, labels and the people it speaks of.
pub struct Filler<'r> {
    rng: &'r mut Rng,
    lang: Lang,
    plant: bool,
    people: [Option<Person>; 2],
    last_email: Option<String>,
    pub text: String,
    pub labels: Vec<Label>,
}

impl<'r> Filler<'r> {
    pub fn new(rng: &'r mut Rng, lang: Lang, plant: bool) -> Self {
        Filler {
            rng,
            lang,
            plant,
            people: [None, None],
            last_email: None,
            text: String::with_capacity(256),
            labels: Vec::new(),
        }
    }

    pub fn fill(&mut self, template: &Template) {
        for piece in &template.pieces {
            match piece {
                // A name in initials at the end of a sentence: one full stop, not two.
                Piece::Text(t) if t.starts_with('.') && self.text.ends_with('.') => {
                    self.text.push_str(&t[1..]);
                }
                Piece::Text(t) => self.text.push_str(t),
                Piece::Alt(alts) => {
                    let a = *self.rng.pick(alts);
                    self.text.push_str(a);
                }
                Piece::Gender { who, male, female } => {
                    let w = if self.person(*who).female {
                        female
                    } else {
                        male
                    };
                    self.text.push_str(w);
                }
                Piece::Slot(slot) => {
                    if self.plant || !slot.is_planted() {
                        self.slot(*slot);
                    } else {
                        self.filler(*slot);
                    }
                }
            }
        }
    }

    fn person(&mut self, who: usize) -> &Person {
        if self.people[who].is_none() {
            let age = if who == 0 && self.rng.chance(50) {
                Age::Child
            } else {
                Age::Adult
            };
            self.people[who] = Some(Person::random(self.rng, age));
        }
        self.people[who].as_ref().expect("just set")
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn push_labelled(&mut self, kind: Kind, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.labels.push(Label {
            start,
            end: self.text.len(),
            kind,
        });
    }

    fn push_written(&mut self, kind: Kind, w: &values::Written) {
        self.push(&w.text[..w.start]);
        self.push_labelled(kind, &w.text[w.start..w.end]);
        self.push(&w.text[w.end..]);
    }

    /// The context word in front of a value, by language.
    fn word(
        &mut self,
        ru: &[&'static str],
        kk: &[&'static str],
        en: &[&'static str],
    ) -> &'static str {
        let words = match self.lang {
            Lang::Ru | Lang::Mix => ru,
            Lang::Kk => kk,
            Lang::En | Lang::Log => en,
        };
        words[self.rng.below(words.len())]
    }

    fn by_lang<T: Copy>(&self, ru: T, kk: T, en: T) -> T {
        match self.lang {
            Lang::Ru | Lang::Mix => ru,
            Lang::Kk => kk,
            Lang::En | Lang::Log => en,
        }
    }

    fn random_iin(&mut self) -> String {
        let born = if self.rng.chance(55) {
            Born::Child
        } else {
            Born::Adult
        };
        let female = self.rng.chance(50);
        values::iin(self.rng, born, female)
    }

    fn filler(&mut self, slot: Slot) {
        let f = if let Slot::Name(..) = slot {
            self.by_lang("ученик", "оқушы", "student")
        } else {
            let choices = self.by_lang(
                &["—", "не указан", "нет данных"][..],
                &["—", "көрсетілмеген", "жоқ"][..],
                &["n/a", "—", "none"][..],
            );
            *self.rng.pick(choices)
        };
        self.push(f);
    }

    fn slot(&mut self, slot: Slot) {
        match slot {
            Slot::IinCtx => {
                let w = self.word(
                    &[
                        "ИИН ",
                        "ИИН ",
                        "ИИН: ",
                        "ИИН: ",
                        "иин ",
                        "ИИН - ",
                        "ИНН ",
                        "ИИН:",
                    ],
                    &["ЖСН ", "ЖСН: ", "ЖСН: ", "ИИН ", "ЖСН:"],
                    &["IIN ", "IIN: ", "IIN:"],
                );
                self.push(w);
                let roll = self.rng.below(100);
                let v = if roll < 6 {
                    let female = self.rng.chance(50);
                    values::iin_bad_checksum(self.rng, Born::Adult, female)
                } else if roll < 16 {
                    let v = self.random_iin();
                    values::grouped12(self.rng, &v)
                } else {
                    self.random_iin()
                };
                self.push_labelled(Kind::Iin, &v);
            }
            Slot::Iin => {
                let v = self.random_iin();
                let v = if self.rng.chance(10) {
                    values::grouped12(self.rng, &v)
                } else {
                    v
                };
                self.push_labelled(Kind::Iin, &v);
            }
            Slot::IinBare => {
                let v = self.random_iin();
                self.push_labelled(Kind::Iin, &v);
            }
            Slot::BinCtx => {
                let w = self.word(
                    &["БИН ", "БИН: "],
                    &["БСН ", "БСН: ", "БИН "],
                    &["BIN ", "BIN: "],
                );
                self.push(w);
                self.slot(Slot::Bin);
            }
            Slot::Bin => {
                let v = values::bin(self.rng);
                let v = if self.rng.chance(8) {
                    values::grouped12(self.rng, &v)
                } else {
                    v
                };
                self.push_labelled(Kind::Bin, &v);
            }
            Slot::Phone(style) => {
                let p = values::phone(self.rng);
                let w = values::write_phone(self.rng, &p, style);
                self.push_written(Kind::Phone, &w);
            }
            Slot::Email(who) => {
                let email = self.email(who);
                self.push_labelled(Kind::Email, &email);
                self.last_email = Some(email);
            }
            Slot::EmailAgain => match self.last_email.clone() {
                Some(email) => self.push_labelled(Kind::Email, &email),
                None => self.slot(Slot::Email(Who::First)),
            },
            Slot::TgCtx => {
                let w = self.word(
                    &[
                        "телеграм ",
                        "телеграм: ",
                        "Telegram: ",
                        "тг ",
                        "тг: ",
                        "tg: ",
                        "телеграмм ",
                        "Телеграм ",
                    ],
                    &[
                        "телеграм: ",
                        "Telegram: ",
                        "телеграмда ",
                        "тг: ",
                        "Телеграм ",
                    ],
                    &["Telegram ", "Telegram: ", "TG: ", "tg "],
                );
                self.push(w);
                self.slot(Slot::Tg);
            }
            Slot::Tg => {
                let h = self.handle();
                self.push_labelled(Kind::Messenger, &format!("@{h}"));
            }
            Slot::Tme => {
                let h = self.handle();
                let scheme = *self
                    .rng
                    .weighted(&[(45, ""), (50, "https://"), (5, "http://")]);
                self.push_labelled(Kind::Messenger, &format!("{scheme}t.me/{h}"));
            }
            Slot::Card => {
                let c = values::card(self.rng);
                self.push_labelled(Kind::Card, &c);
            }
            Slot::Name(who, form, case) => {
                self.person(who);
                let p = self.people[who].as_ref().expect("created above");
                let name = match case {
                    NameCase::Ru(c) => p.write(self.rng, form, c),
                    NameCase::Kk(c) => p.write_kazakh_case(self.rng, form, c),
                };
                if name.is_empty() {
                    self.push("—");
                } else {
                    self.push_labelled(Kind::Name, &name);
                }
            }
            Slot::Order => {
                let v = values::order_number(self.rng);
                self.push(&v);
            }
            Slot::Contract => {
                let v = values::contract_number(self.rng);
                self.push(&v);
            }
            Slot::Ref12 => {
                let v = values::reference12(self.rng);
                self.push(&v);
            }
            Slot::Ts12 => {
                let v = values::timestamp12(self.rng);
                self.push(&v);
            }
            Slot::Iban => {
                let v = values::iban(self.rng);
                self.push(&v);
            }
            Slot::BadPhone => {
                let v = values::malformed_phone(self.rng);
                self.push(&v);
            }
            Slot::UrlAt => {
                let chan = *self.rng.pick(&CHANNELS);
                let v = match self.rng.below(4) {
                    0 => format!("https://www.youtube.com/@{chan}"),
                    1 => format!("https://medium.com/@{chan}/novyi-semestr-2024"),
                    2 => format!("https://www.tiktok.com/@{chan}"),
                    _ => format!(
                        "https://cdn.{}.kz/img/banner@2x.png",
                        self.rng.pick(&["bilimland", "kundelik", "daryn"])
                    ),
                };
                self.push(&v);
            }
            Slot::Mention => {
                let chan = *self.rng.pick(&CHANNELS);
                self.push(&format!("@{chan}"));
            }
            Slot::FileAt => {
                let v = *self.rng.pick(&[
                    "logo@2x.png",
                    "icon@3x.png",
                    "banner@2x.jpg",
                    "avatar@2x.webp",
                    "header@1.5x.png",
                ]);
                self.push(v);
            }
            Slot::PkgAt => {
                let v = *self.rng.pick(&[
                    "lodash@4.17.21",
                    "react@18.2.0",
                    "vite@5.0.12",
                    "@babel/core@7.23.0",
                    "typescript@5.3.3",
                ]);
                self.push(v);
            }
            Slot::MaskedCard => match values::masked_card(self.rng) {
                (v, true) => self.push_labelled(Kind::Card, &v),
                (v, false) => self.push(&v),
            },
            _ => self.background(slot),
        }
    }

    fn email(&mut self, who: Who) -> String {
        let idx = match who {
            Who::First => Some(0),
            Who::Second if self.rng.chance(30) => return values::role_email(self.rng),
            Who::Second => Some(1),
            Who::Anyone => None,
        };
        // Most addresses are built from the owner's name; the rest from someone else's or a
        // nickname, as people do.
        let owner = match idx {
            Some(i) if self.rng.chance(75) => self.person(i).clone(),
            _ => Person::random(self.rng, Age::Adult),
        };
        let (g, s) = owner.ascii_names();
        values::email(self.rng, &g, &s, owner.birth_year)
    }

    fn handle(&mut self) -> String {
        let owner = if self.rng.chance(70) {
            self.person(0).clone()
        } else {
            Person::random(self.rng, Age::Child)
        };
        let (g, s) = owner.ascii_names();
        values::handle(self.rng, &g, &s, owner.birth_year)
    }

    fn background(&mut self, slot: Slot) {
        let rng = &mut *self.rng;
        let lang = self.lang;
        let by_lang = |ru: &'static [&'static str],
                       kk: &'static [&'static str],
                       en: &'static [&'static str]| match lang {
            Lang::Ru | Lang::Mix => ru,
            Lang::Kk => kk,
            Lang::En | Lang::Log => en,
        };
        let v: String = match slot {
            Slot::Amount => {
                let n = match rng.below(10) {
                    0 => rng.range(1, 30) * 50_000,
                    1..4 => rng.range(5, 99) * 100,
                    _ => rng.range(5, 250) * 1000,
                };
                let cur = *rng.pick(by_lang(
                    &["тг", "₸", "тенге", "KZT", "тг."],
                    &["₸", "теңге", "тг"],
                    &["KZT", "₸", "tenge"],
                ));
                format!("{} {cur}", thousands(n))
            }
            Slot::AmountRaw => {
                let n = rng.range(5, 250) * 1000;
                if rng.chance(50) {
                    n.to_string()
                } else {
                    format!("{n}.00")
                }
            }
            Slot::Date => {
                let (y, m, d) = (rng.range(2022, 2025), rng.range(1, 12), rng.range(1, 28));
                match (lang, rng.below(3)) {
                    (Lang::Log | Lang::En, _) | (_, 0) => format!("{y}-{m:02}-{d:02}"),
                    (Lang::Kk, 1) => format!("{d:02}.{m:02}.{y} ж."),
                    _ => format!("{d:02}.{m:02}.{y}"),
                }
            }
            Slot::Time => format!(
                "{}:{:02}",
                rng.range(8, 20),
                rng.pick(&[0, 15, 30, 45, 10, 40])
            ),
            Slot::DateTime => format!(
                "{:02}.{:02}.{} {}:{:02}",
                rng.range(1, 28),
                rng.range(1, 12),
                rng.range(2022, 2025),
                rng.range(8, 21),
                rng.range(0, 59)
            ),
            Slot::IsoTs => {
                let (y, mo, d) = (rng.range(2023, 2025), rng.range(1, 12), rng.range(1, 28));
                let (h, mi, s) = (rng.range(0, 23), rng.range(0, 59), rng.range(0, 59));
                if rng.chance(50) {
                    format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
                } else {
                    format!(
                        "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{:03}",
                        rng.range(0, 999)
                    )
                }
            }
            Slot::Class => {
                let grade = rng.range(1, 11);
                let letter = *rng.pick(by_lang(
                    &["А", "Б", "В", "Г", "Д"],
                    &["А", "Ә", "Б", "В", "Г"],
                    &["A", "B", "C"],
                ));
                match rng.below(3) {
                    0 => format!("{grade} «{letter}»"),
                    1 => format!("{grade}-{letter}"),
                    _ => format!("{grade}{letter}"),
                }
            }
            Slot::Room => {
                if rng.chance(80) {
                    rng.range(101, 415).to_string()
                } else {
                    format!("{}{}", rng.range(1, 40), rng.pick(&["А", "Б"]))
                }
            }
            Slot::Course => rng
                .pick(by_lang(&COURSES_RU, &COURSES_KK, &COURSES_EN))
                .to_string(),
            Slot::Code => {
                let p = rng.pick(&[
                    "MATH", "ENG", "PY", "ROB", "PHYS", "CHEM", "IELTS", "SAT", "KAZ", "HIST",
                ]);
                match rng.below(3) {
                    0 => format!("{p}-{}", rng.range(100, 499)),
                    1 => format!(
                        "{p}-{}-{:02}",
                        rng.pick(&["A2", "B1", "B2", "C1"]),
                        rng.range(1, 20)
                    ),
                    _ => format!("{p}{}-{:02}", rng.range(22, 25), rng.range(1, 12)),
                }
            }
            Slot::City => rng
                .pick(by_lang(&CITIES_RU, &CITIES_KK, &CITIES_EN))
                .to_string(),
            Slot::School => {
                let s = rng.pick(by_lang(&SCHOOLS_RU, &SCHOOLS_KK, &SCHOOLS_EN));
                s.replace('#', &rng.range(1, 180).to_string())
            }
            Slot::Address => {
                let s = rng.pick(by_lang(&ADDRESSES_RU, &ADDRESSES_KK, &ADDRESSES_EN));
                s.replacen('#', &rng.range(1, 250).to_string(), 1).replacen(
                    '#',
                    &rng.range(1, 180).to_string(),
                    1,
                )
            }
            Slot::Org => rng.pick(&ORGS).to_string(),
            Slot::Sid => rng.range(1000, 9_999_999).to_string(),
            Slot::Ip => match rng.below(3) {
                0 => format!(
                    "10.{}.{}.{}",
                    rng.range(0, 255),
                    rng.range(0, 255),
                    rng.range(1, 254)
                ),
                1 => format!("192.168.{}.{}", rng.range(0, 20), rng.range(2, 254)),
                _ => format!(
                    "{}.{}.{}.{}",
                    rng.pick(&[178, 185, 212, 95, 37]),
                    rng.range(0, 255),
                    rng.range(0, 255),
                    rng.range(1, 254)
                ),
            },
            Slot::Ticket => match rng.below(3) {
                0 => format!("#{}", rng.range(10000, 99999)),
                1 => format!("SUP-{}-{:04}", rng.range(2023, 2025), rng.range(1, 9999)),
                _ => format!("№ {}", rng.range(100, 9999)),
            },
            Slot::Grade => match rng.below(3) {
                0 => format!("{}/100", rng.range(40, 100)),
                _ => rng.range(2, 5).to_string(),
            },
            Slot::Num => rng.range(1, 30).to_string(),
            _ => unreachable!("planted slots are filled in `slot`"),
        };
        self.push(&v);
    }
}

/// `1250000` → `1 250 000`.
fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Names of organisations' channels and accounts (not persons).
const CHANNELS: [&str; 10] = [
    "bilimland",
    "kundelik_kz",
    "lms_support",
    "school_news",
    "ent_online",
    "zerde_academy",
    "support_team",
    "edu_astana",
    "olympiad_kz",
    "lms_admin",
];

const COURSES_RU: [&str; 10] = [
    "Python для школьников",
    "Подготовка к ЕНТ: математика",
    "Английский язык B1",
    "Робототехника",
    "Ментальная арифметика",
    "Шахматы для начинающих",
    "Олимпиадная физика",
    "Казахский язык для взрослых",
    "Основы финансовой грамотности",
    "Подготовка к IELTS",
];
const COURSES_KK: [&str; 8] = [
    "Қазақ тілі: грамматика",
    "ҰБТ-ға дайындық: тарих",
    "Ағылшын тілі A2",
    "Математикалық сауаттылық",
    "Робототехника негіздері",
    "Python бағдарламалау",
    "Шахмат үйірмесі",
    "Физика олимпиадасы",
];
const COURSES_EN: [&str; 6] = [
    "IELTS Intensive",
    "Data Science Basics",
    "Scratch for Kids",
    "SAT Math",
    "Web Development 101",
    "Academic Writing",
];

const CITIES_RU: [&str; 14] = [
    "Алматы",
    "Астана",
    "Шымкент",
    "Караганда",
    "Актобе",
    "Атырау",
    "Актау",
    "Павлодар",
    "Усть-Каменогорск",
    "Семей",
    "Костанай",
    "Кызылорда",
    "Тараз",
    "Уральск",
];
const CITIES_KK: [&str; 12] = [
    "Алматы",
    "Астана",
    "Шымкент",
    "Қарағанды",
    "Ақтөбе",
    "Атырау",
    "Ақтау",
    "Өскемен",
    "Қостанай",
    "Қызылорда",
    "Түркістан",
    "Талдықорған",
];
const CITIES_EN: [&str; 6] = [
    "Almaty",
    "Astana",
    "Shymkent",
    "Karaganda",
    "Aktobe",
    "Atyrau",
];

/// Schools named after people are organisations, not persons (domain-kz.md, "Traps").
const SCHOOLS_RU: [&str; 8] = [
    "школа им. Абая",
    "школа-гимназия № # им. Ы. Алтынсарина",
    "СОШ № # им. Жамбыла",
    "лицей им. М. Жумабаева",
    "Назарбаев Интеллектуальная школа",
    "КГУ «Средняя школа № #»",
    "гимназия № # им. Пушкина",
    "НИШ ФМН г. Астана",
];
const SCHOOLS_KK: [&str; 6] = [
    "Абай атындағы № # мектеп",
    "Мұхтар Әуезов атындағы мектеп-гимназия",
    "№ # жалпы білім беретін мектеп",
    "Назарбаев Зияткерлік мектебі",
    "Ы. Алтынсарин атындағы лицей",
    "№ # IT-лицей",
];
const SCHOOLS_EN: [&str; 4] = [
    "Nazarbayev Intellectual School",
    "School No. #",
    "Haileybury Almaty",
    "Abai school No. #",
];

const ADDRESSES_RU: [&str; 4] = [
    "г. Алматы, ул. Жандосова #, кв. #",
    "г. Астана, пр. Мангилик Ел #, офис #",
    "г. Шымкент, мкр. Нурсат, д. #, кв. #",
    "г. Караганда, ул. Ерубаева #",
];
const ADDRESSES_KK: [&str; 3] = [
    "Астана қ., Тәуелсіздік даңғылы #, # пәтер",
    "Алматы қ., Абай даңғылы #",
    "Шымкент қ., Қазыбек би көшесі #",
];
const ADDRESSES_EN: [&str; 2] = [
    "Almaty, Abai ave #, office #",
    "Astana, Kabanbay Batyr ave #",
];

const ORGS: [&str; 10] = [
    "Bilim Group",
    "Ақниет",
    "Smart Education",
    "Өрлеу Плюс",
    "Zerde Academy",
    "EduTech KZ",
    "Алтын Білім",
    "Сұңқар Консалтинг",
    "Kids Coding Lab",
    "Ұстаз Орталығы",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_fills() {
        let all = templates();
        assert!(all.len() > 100, "only {} templates", all.len());
        let mut rng = Rng::new(5);
        for t in all {
            for plant in [true, false] {
                let mut f = Filler::new(&mut rng, t.lang, plant);
                f.fill(t);
                assert!(!f.text.contains(['\n', '\r', '{', '}']), "{}", f.text);
                for l in &f.labels {
                    assert!(f.text.is_char_boundary(l.start) && f.text.is_char_boundary(l.end));
                    assert!(l.start < l.end);
                }
                if !plant {
                    assert!(f.labels.is_empty(), "{}", f.text);
                }
            }
        }
    }

    #[test]
    fn unknown_slots_are_rejected() {
        assert!(parse_templates("ru x | {phonee}").is_err());
        assert!(parse_templates("ru x | {name:xyz}").is_err());
        assert!(parse_templates("xx x | text").is_err());
        assert!(parse_templates("ru x | {g:one}").is_err());
    }

    #[test]
    fn thousands_are_grouped_by_three() {
        assert_eq!(thousands(87000), "87 000");
        assert_eq!(thousands(1250000), "1 250 000");
        assert_eq!(thousands(900), "900");
    }
}

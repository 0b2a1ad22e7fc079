//! The policy: which action applies to which column and to which kind found in free text.
//!
//! A policy is a TOML file (the built-in defaults are [`DEFAULT_POLICY`], the same format):
//!
//! ```toml
//! version = 1
//! [kinds]        # action for a whole column of each kind, when no [[column]] rule names it
//! iin = "pseudonymise"
//! bin = "keep"
//! none = "keep"  # columns with nothing personal: statistics
//! [text]         # action for each finding inside a free-text column
//! name = "redact"
//! [[column]]     # rules by header, first match wins; `*` and `?` globs, case-insensitive
//! name = "Телефон*"
//! kind = "phone"     # optional: overrides classification (`text` searches every value)
//! action = "mask:4"  # optional: keep, drop, null, redact, mask:N, pseudonymise
//! ```
//!
//! A `[[column]]` rule may also generalise the column (see `generalise`) or derive new columns
//! from an IIN before it is pseudonymised (see `anonymise`):
//!
//! ```toml
//! [[column]]
//! name = "Дата рождения"
//! action = "age_band"          # also: year, month, truncate:N, bucket:W, bucket, top_code:N
//! bands = [0, 7, 11, 16, 18]   # age_band: lower bounds of the bands (default in `generalise`)
//! reference = "2025-09-01"     # age_band: ages on this day (default: the day of the run, UTC)
//! [[column]]
//! name = "Балл"
//! action = "bucket"
//! edges = [0, 50, 70, 85, 100] # bucket without a width: ranges between these edges
//! [[column]]
//! name = "ИИН*"
//! action = "pseudonymise"
//! derive = ["birth_year", "sex"]   # new columns named as the attributes, right after this one
//! # derive = { birth_year = "Год рождения", sex = "Пол" }   # or named by you
//! ```
//!
//! A generalised column is kept as is by the scrub and generalised by the pass that follows it.
//!
//! In a `text` column, `keep`/`drop`/`null` apply to the whole value and `redact`/`mask`/
//! `pseudonymise` to each finding. Everything is validated when the policy is loaded, before any
//! input is read or output opened; unknown keys, kinds and actions are errors.
//!
//! What this module is not: it classifies nothing (see `classify`) and touches no value.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::action::Action;
use crate::classify::ColumnKind;
use crate::detect::Kind;
use crate::generalise::{AgeBands, Buckets, Date, Derived, Generalisation};

/// The safe defaults used when no policy file is given: identifiers pseudonymised, names
/// pseudonymised in name columns and redacted in free text, BINs and statistics kept.
pub const DEFAULT_POLICY: &str = r#"# tazala policy (built-in defaults)
version = 1

# Action for a whole column of each kind, when no [[column]] rule names the column.
[kinds]
iin = "pseudonymise"
bin = "keep"
phone = "pseudonymise"
email = "pseudonymise"
messenger = "pseudonymise"
card = "pseudonymise"
name = "pseudonymise"
none = "keep"

# Action for each finding inside a free-text column.
[text]
iin = "pseudonymise"
bin = "keep"
phone = "pseudonymise"
email = "pseudonymise"
messenger = "pseudonymise"
card = "pseudonymise"
name = "redact"
"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: Option<u32>,
    #[serde(default)]
    kinds: BTreeMap<String, Action>,
    #[serde(default)]
    text: BTreeMap<String, Action>,
    #[serde(default)]
    column: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    kind: Option<ColumnKind>,
    action: Option<String>,
    bands: Option<Vec<u32>>,
    reference: Option<String>,
    edges: Option<Vec<f64>>,
    derive: Option<DeriveFile>,
}

/// `derive = ["birth_year", "sex"]` or `derive = { birth_year = "Год рождения" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum DeriveFile {
    Attributes(Vec<String>),
    Named(BTreeMap<String, String>),
}

const KNOWN_ACTIONS: &str = "keep, drop, null, redact, mask:N, pseudonymise, year, month, \
age_band, truncate:N, bucket:W, bucket (with edges), top_code:N";

/// Reads a rule's action: a scrub action, or a generalisation (the scrub then keeps the value).
fn rule_action(
    r: &RuleFile,
    age: &dyn Fn() -> Result<(AgeBands, Date)>,
) -> Result<(Option<Action>, Option<Generalisation>)> {
    let Some(text) = r.action.as_deref() else {
        return Ok((None, None));
    };
    let lower = text.trim().to_ascii_lowercase();
    let (name, param) = match lower.split_once(':') {
        Some((n, p)) => (n.trim(), Some(p.trim())),
        None => (lower.as_str(), None),
    };
    let count = |what: &str, min: u64| -> Result<u64> {
        match param.map(str::parse::<u64>) {
            Some(Ok(n)) if n >= min => Ok(n),
            _ => bail!("'{text}': {what} (e.g. {name}:{})", min.max(3)),
        }
    };
    let g = match name {
        "year" | "month" | "age_band" if param.is_some() => {
            bail!("'{text}': {name} takes no parameter")
        }
        "year" => Generalisation::Year,
        "month" => Generalisation::Month,
        "age_band" => {
            let (bands, reference) = age()?;
            Generalisation::AgeBand { bands, reference }
        }
        "truncate" => {
            Generalisation::Truncate(count("truncate keeps N ≥ 1 leading characters", 1)? as usize)
        }
        "top_code" => Generalisation::TopCode(count(
            "top_code keeps values held by at least N ≥ 2 records",
            2,
        )?),
        "bucket" => match (param, &r.edges) {
            (Some(_), Some(_)) => bail!("'{text}': give a width or `edges`, not both"),
            (Some(w), None) => match w.replace(',', ".").parse::<f64>() {
                Ok(w) if w.is_finite() && w > 0.0 => Generalisation::Bucket(Buckets::Width(w)),
                _ => bail!("'{text}': the bucket width must be a positive number (bucket:10)"),
            },
            (None, Some(edges)) => {
                if edges.is_empty()
                    || edges.iter().any(|e| !e.is_finite())
                    || edges.windows(2).any(|w| w[0] >= w[1])
                {
                    bail!("`edges` must be numbers in strictly ascending order");
                }
                Generalisation::Bucket(Buckets::Edges(edges.clone()))
            }
            (None, None) => bail!("'bucket' needs a width (bucket:10) or `edges = [..]`"),
        },
        _ => {
            let action: Action = text.parse().map_err(|e: String| {
                if e.starts_with("unknown action") {
                    anyhow::anyhow!("unknown action '{}' (known: {KNOWN_ACTIONS})", text.trim())
                } else {
                    anyhow::anyhow!("{e}")
                }
            })?;
            return Ok((Some(action), None));
        }
    };
    Ok((Some(Action::Keep), Some(g)))
}

/// A `[[column]]` rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnRule {
    pub pattern: String,
    pub kind: Option<ColumnKind>,
    /// The scrub's action; `keep` when the rule generalises.
    pub action: Option<Action>,
    /// Applied after the scrub (see `anonymise`).
    pub generalise: Option<Generalisation>,
    /// Attributes derived from the column's IIN into new columns, with their headers.
    pub derive: Vec<(Derived, String)>,
}

/// A validated policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    by_kind: BTreeMap<Kind, Action>,
    not_personal: Action,
    in_text: BTreeMap<Kind, Action>,
    rules: Vec<ColumnRule>,
    /// blake3 of the policy text (first 16 hex digits): names the policy in reports.
    pub hash: String,
    /// The file it came from, or `built-in defaults`.
    pub source: String,
}

/// What happens to one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnAction {
    /// The action applies to the whole value.
    Whole(Action),
    /// Each finding of a kind gets that kind's action (free-text columns).
    Spans([Action; 7]),
}

impl ColumnAction {
    pub fn label(&self) -> String {
        match self {
            ColumnAction::Whole(a) => a.to_string(),
            ColumnAction::Spans(_) => "spans".to_string(),
        }
    }

    pub fn is_drop(&self) -> bool {
        *self == ColumnAction::Whole(Action::Drop)
    }
}

/// A column's kind and action after the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnPlan {
    pub kind: ColumnKind,
    pub action: ColumnAction,
    /// Index of the `[[column]]` rule that applied.
    pub rule: Option<usize>,
}

impl Policy {
    /// The built-in defaults.
    pub fn defaults() -> Policy {
        Policy::parse(DEFAULT_POLICY, "built-in defaults").expect("default policy is valid")
    }

    /// Reads and validates a policy file.
    pub fn load(path: &Path) -> Result<Policy> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read policy {}", path.display()))?;
        Policy::parse(&text, &path.display().to_string())
            .with_context(|| format!("invalid policy {}", path.display()))
    }

    /// Validates a policy's text. Kinds and `none` missing from `[kinds]` and `[text]` take the
    /// defaults' actions, so a policy need only say what differs.
    pub fn parse(text: &str, source: &str) -> Result<Policy> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(v) = file.version
            && v != 1
        {
            bail!("version {v} is not supported (this tazala reads version 1)");
        }
        let defaults = if source == "built-in defaults" {
            None
        } else {
            Some(Policy::defaults())
        };
        let mut by_kind = BTreeMap::new();
        let mut not_personal = defaults.as_ref().map_or(Action::Keep, |d| d.not_personal);
        for (key, action) in &file.kinds {
            if key == "none" {
                not_personal = *action;
                continue;
            }
            let kind: Kind = key
                .parse()
                .map_err(|e| anyhow::anyhow!("[kinds]: {e} (or `none`)"))?;
            by_kind.insert(kind, *action);
        }
        let mut in_text = BTreeMap::new();
        for (key, action) in &file.text {
            let kind: Kind = key.parse().map_err(|e| anyhow::anyhow!("[text]: {e}"))?;
            if matches!(action, Action::Drop | Action::Null) {
                bail!(
                    "[text] {key} = \"{action}\": drop and null remove whole values; for a finding in free text use redact, mask or pseudonymise"
                );
            }
            in_text.insert(kind, *action);
        }
        for kind in Kind::ALL {
            for (table, map) in [("kinds", &mut by_kind), ("text", &mut in_text)] {
                if let std::collections::btree_map::Entry::Vacant(slot) = map.entry(kind) {
                    let Some(d) = &defaults else {
                        bail!("[{table}] has no action for {kind}");
                    };
                    let fallback = if table == "kinds" {
                        &d.by_kind
                    } else {
                        &d.in_text
                    };
                    slot.insert(fallback[&kind]);
                }
            }
        }
        let mut rules = Vec::new();
        for (i, r) in file.column.iter().enumerate() {
            let n = i + 1;
            if r.name.trim().is_empty() {
                bail!("[[column]] rule {n}: `name` is empty");
            }
            let name = r.name.trim();
            let age = || -> Result<(AgeBands, Date)> {
                let bands = match &r.bands {
                    Some(b) => AgeBands::new(b.clone()).map_err(|e| anyhow::anyhow!("{e}"))?,
                    None => AgeBands::default(),
                };
                let reference = match r.reference.as_deref().map(str::trim) {
                    None | Some("today") => Date::today(),
                    Some(d) => Date::parse(d).with_context(|| {
                        format!("`reference` {d:?} is not a date (YYYY-MM-DD or \"today\")")
                    })?,
                };
                Ok((bands, reference))
            };
            let in_rule = |e: anyhow::Error| anyhow::anyhow!("[[column]] rule {n} ({name}): {e:#}");
            let (action, generalise) = rule_action(r, &age).map_err(in_rule)?;
            let derive = match &r.derive {
                None => Vec::new(),
                Some(d) => {
                    let pairs: Vec<(String, String)> = match d {
                        DeriveFile::Attributes(a) => {
                            a.iter().map(|a| (a.clone(), a.clone())).collect()
                        }
                        DeriveFile::Named(m) => {
                            m.iter().map(|(a, h)| (a.clone(), h.clone())).collect()
                        }
                    };
                    let mut out = Vec::new();
                    for (attribute, header) in pairs {
                        let derived = match attribute.trim() {
                            "birth_year" => Derived::BirthYear,
                            "sex" => Derived::Sex,
                            "age_band" => {
                                let (bands, reference) = age().map_err(in_rule)?;
                                Derived::AgeBand { bands, reference }
                            }
                            other => bail!(
                                "[[column]] rule {n} ({name}): cannot derive '{other}' (known: birth_year, sex, age_band)"
                            ),
                        };
                        if header.trim().is_empty() {
                            bail!(
                                "[[column]] rule {n} ({name}): the derived {attribute} column needs a name"
                            );
                        }
                        if out
                            .iter()
                            .any(|(_, h): &(Derived, String)| h == header.trim())
                        {
                            bail!(
                                "[[column]] rule {n} ({name}): two derived columns named {:?}",
                                header.trim()
                            );
                        }
                        out.push((derived, header.trim().to_string()));
                    }
                    out
                }
            };
            let uses_age = matches!(generalise, Some(Generalisation::AgeBand { .. }))
                || derive
                    .iter()
                    .any(|(d, _)| matches!(d, Derived::AgeBand { .. }));
            if !uses_age && (r.bands.is_some() || r.reference.is_some()) {
                bail!("[[column]] rule {n} ({name}): `bands` and `reference` go with age_band");
            }
            if r.edges.is_some() && !matches!(generalise, Some(Generalisation::Bucket(_))) {
                bail!("[[column]] rule {n} ({name}): `edges` go with action = \"bucket\"");
            }
            if r.kind.is_none() && action.is_none() && derive.is_empty() {
                bail!(
                    "[[column]] rule {n} ({}): give a `kind`, an `action` or both",
                    r.name
                );
            }
            rules.push(ColumnRule {
                pattern: name.to_string(),
                kind: r.kind,
                action,
                generalise,
                derive,
            });
        }
        Ok(Policy {
            by_kind,
            not_personal,
            in_text,
            rules,
            hash: blake3::hash(text.as_bytes()).to_hex()[..16].to_string(),
            source: source.to_string(),
        })
    }

    /// Whether some action of the policy pseudonymises (then a key is required).
    pub fn needs_key(&self) -> bool {
        self.by_kind.values().any(|a| a.needs_key())
            || self.not_personal.needs_key()
            || self.in_text.values().any(|a| a.needs_key())
            || self
                .rules
                .iter()
                .any(|r| r.action.is_some_and(Action::needs_key))
    }

    pub fn rules(&self) -> &[ColumnRule] {
        &self.rules
    }

    /// The first rule whose pattern matches the header.
    pub fn rule_for(&self, header: &str) -> Option<(usize, &ColumnRule)> {
        let header = header.trim();
        self.rules
            .iter()
            .enumerate()
            .find(|(_, r)| glob_match(&r.pattern, header))
    }

    /// The generalisation a rule applies to the column under `header`, if any.
    pub fn generalisation(&self, header: &str) -> Option<&Generalisation> {
        self.rule_for(header)
            .and_then(|(_, r)| r.generalise.as_ref())
    }

    /// What a rule derives from the column under `header`: attributes and new headers.
    pub fn derivations(&self, header: &str) -> &[(Derived, String)] {
        self.rule_for(header)
            .map_or(&[], |(_, r)| r.derive.as_slice())
    }

    /// Whether some rule generalises or derives: the scrub is then followed by a pass of its own.
    pub fn generalises(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.generalise.is_some() || !r.derive.is_empty())
    }

    /// The kind a rule forces on a column, if any: classification is then skipped.
    pub fn forced_kind(&self, header: &str) -> Option<ColumnKind> {
        self.rule_for(header).and_then(|(_, r)| r.kind)
    }

    /// The plan of a column of `kind` (classified or forced) under `header`.
    pub fn plan(&self, header: &str, kind: ColumnKind) -> ColumnPlan {
        let rule = self.rule_for(header);
        let kind = rule.and_then(|(_, r)| r.kind).unwrap_or(kind);
        let rule_action = rule.and_then(|(_, r)| r.action);
        let action = match kind {
            ColumnKind::Value(k) => ColumnAction::Whole(rule_action.unwrap_or(self.by_kind[&k])),
            ColumnKind::NotPersonal => {
                ColumnAction::Whole(rule_action.unwrap_or(self.not_personal))
            }
            ColumnKind::Text => match rule_action {
                Some(a @ (Action::Keep | Action::Drop | Action::Null)) => ColumnAction::Whole(a),
                other => {
                    let mut spans = [Action::Keep; 7];
                    for (i, k) in Kind::ALL.iter().enumerate() {
                        spans[i] = match other {
                            Some(a) if k.is_personal() => a,
                            _ => self.in_text[k],
                        };
                    }
                    ColumnAction::Spans(spans)
                }
            },
        };
        ColumnPlan {
            kind,
            action,
            rule: rule.map(|(i, _)| i),
        }
    }

    /// A policy file for columns seen in a scan: the defaults plus one rule per personal or
    /// quasi-identifying column, each with a comment saying how it was classified.
    pub fn suggest(columns: &[(String, ColumnKind, String)]) -> String {
        let mut out = String::from(
            "# Starter policy written by `tazala policy suggest`. Edit, then pass with --policy.\n",
        );
        out.push_str(&DEFAULT_POLICY.replacen("# tazala policy (built-in defaults)\n", "", 1));
        let defaults = Policy::defaults();
        for (header, kind, note) in columns {
            let plan = defaults.plan(header, *kind);
            let _ = write!(
                out,
                "\n# {note}\n[[column]]\nname = {}\nkind = \"{kind}\"\n",
                toml_string(header)
            );
            if let ColumnAction::Whole(a) = plan.action {
                let _ = writeln!(out, "action = \"{a}\"");
            }
        }
        out
    }
}

fn toml_string(s: &str) -> String {
    // Glob characters in a real header would act as wildcards; a header with them is rare
    // enough that the suggestion keeps them and the comment shows the header.
    toml::Value::String(s.to_string()).to_string()
}

/// Case-insensitive match of `*` (any run) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe() {
        let p = Policy::defaults();
        assert!(p.needs_key());
        let plan = |kind| p.plan("x", kind).action;
        for k in [
            Kind::Iin,
            Kind::Phone,
            Kind::Email,
            Kind::Messenger,
            Kind::Card,
            Kind::Name,
        ] {
            assert_eq!(
                plan(ColumnKind::Value(k)),
                ColumnAction::Whole(Action::Pseudonymise)
            );
        }
        assert_eq!(
            plan(ColumnKind::Value(Kind::Bin)),
            ColumnAction::Whole(Action::Keep)
        );
        assert_eq!(
            plan(ColumnKind::NotPersonal),
            ColumnAction::Whole(Action::Keep)
        );
        let ColumnAction::Spans(spans) = plan(ColumnKind::Text) else {
            panic!("text columns get span actions")
        };
        assert_eq!(spans[Kind::Name as usize], Action::Redact);
        assert_eq!(spans[Kind::Iin as usize], Action::Pseudonymise);
        assert_eq!(spans[Kind::Bin as usize], Action::Keep);
    }

    #[test]
    fn a_policy_need_only_say_what_differs() {
        let p = Policy::parse("[kinds]\nphone = \"mask:4\"\n", "p.toml").unwrap();
        assert_eq!(
            p.plan("Тел", ColumnKind::Value(Kind::Phone)).action,
            ColumnAction::Whole(Action::Mask(4))
        );
        assert_eq!(
            p.plan("ИИН", ColumnKind::Value(Kind::Iin)).action,
            ColumnAction::Whole(Action::Pseudonymise)
        );
    }

    #[test]
    fn rules_match_by_glob_first_wins_and_force_kinds() {
        let p = Policy::parse(
            r#"
[kinds]
iin = "redact"
phone = "redact"
email = "redact"
messenger = "redact"
card = "redact"
name = "drop"
[text]
iin = "redact"
phone = "redact"
email = "redact"
messenger = "redact"
card = "redact"
name = "redact"
[[column]]
name = "Телефон*"
action = "keep"
[[column]]
name = "*"
kind = "text"
"#,
            "p.toml",
        )
        .unwrap();
        assert!(!p.needs_key());
        let plan = p.plan("телефон родителя", ColumnKind::Value(Kind::Phone));
        assert_eq!(
            (plan.action, plan.rule),
            (ColumnAction::Whole(Action::Keep), Some(0))
        );
        let plan = p.plan("Оценка", ColumnKind::NotPersonal);
        assert_eq!(plan.kind, ColumnKind::Text);
        assert_eq!(p.forced_kind("Оценка"), Some(ColumnKind::Text));
    }

    #[test]
    fn a_text_rule_action_applies_to_personal_spans() {
        let p = Policy::parse("[[column]]\nname = \"notes\"\naction = \"redact\"\n", "p").unwrap();
        let ColumnAction::Spans(spans) = p.plan("Notes", ColumnKind::Text).action else {
            panic!()
        };
        assert_eq!(spans[Kind::Iin as usize], Action::Redact);
        assert_eq!(spans[Kind::Name as usize], Action::Redact);
        assert_eq!(spans[Kind::Bin as usize], Action::Keep);
        let p = Policy::parse("[[column]]\nname = \"notes\"\naction = \"drop\"\n", "p").unwrap();
        assert!(p.plan("notes", ColumnKind::Text).action.is_drop());
    }

    #[test]
    fn invalid_policies_are_refused_with_a_reason() {
        for (text, says) in [
            ("[kinds]\niin = \"hash\"\n", "unknown action"),
            ("[kinds]\npassport = \"keep\"\n", "unknown kind"),
            ("[text]\nphone = \"drop\"\n", "drop and null"),
            ("[[column]]\nname = \"x\"\n", "kind"),
            ("[[column]]\nname = \"\"\naction = \"keep\"\n", "empty"),
            (
                "[[column]]\nname = \"x\"\nkind = \"passport\"\n",
                "unknown column kind",
            ),
            ("[kinds]\niin = \"mask:0\"\n", "mask keeps"),
            ("colour = \"blue\"\n", "unknown field"),
            ("version = 2\n", "version 2"),
            ("[kinds\n", "expected"),
        ] {
            let err = Policy::parse(text, "p.toml").unwrap_err();
            assert!(format!("{err:#}").contains(says), "{text}: {err:#}");
        }
    }

    #[test]
    fn generalisations_and_derivations_parse_and_keep_the_value_for_the_scrub() {
        let p = Policy::parse(
            r#"
[[column]]
name = "Дата рождения"
action = "age_band"
bands = [0, 7, 11]
reference = "2025-09-01"
[[column]]
name = "Балл"
action = "bucket"
edges = [0, 50, 100]
[[column]]
name = "Индекс"
action = "truncate:3"
[[column]]
name = "Школа"
action = "top_code:5"
[[column]]
name = "ИИН"
action = "pseudonymise"
derive = { birth_year = "Год рождения", sex = "Пол" }
[[column]]
name = "iin2"
derive = ["birth_year", "age_band"]
reference = "2025-01-01"
"#,
            "p.toml",
        )
        .unwrap();
        assert!(p.generalises());
        assert_eq!(
            p.plan("дата рождения", ColumnKind::NotPersonal).action,
            ColumnAction::Whole(Action::Keep)
        );
        let Some(Generalisation::AgeBand { bands, reference }) = p.generalisation("Дата рождения")
        else {
            panic!()
        };
        assert_eq!(bands.label(8), "7-10");
        assert_eq!(*reference, Date::new(2025, 9, 1).unwrap());
        assert_eq!(
            p.generalisation("Балл"),
            Some(&Generalisation::Bucket(Buckets::Edges(vec![
                0.0, 50.0, 100.0
            ])))
        );
        assert_eq!(
            p.generalisation("Индекс"),
            Some(&Generalisation::Truncate(3))
        );
        assert_eq!(p.generalisation("Школа"), Some(&Generalisation::TopCode(5)));
        let d = p.derivations("ИИН");
        assert_eq!(d[0], (Derived::BirthYear, "Год рождения".to_string()));
        assert_eq!(d[1], (Derived::Sex, "Пол".to_string()));
        assert_eq!(
            p.plan("ИИН", ColumnKind::Value(Kind::Iin)).action,
            ColumnAction::Whole(Action::Pseudonymise)
        );
        assert_eq!(p.derivations("iin2").len(), 2);
        assert!(!Policy::defaults().generalises());
    }

    #[test]
    fn invalid_generalisations_name_their_rule() {
        for (rule, says) in [
            ("action = \"age_band\"\nbands = [7, 7]", "ascend"),
            ("action = \"age_band\"\nbands = []", "empty"),
            (
                "action = \"age_band\"\nreference = \"1.13.2025\"",
                "not a date",
            ),
            ("action = \"year\"\nbands = [0, 7]", "go with age_band"),
            ("action = \"year:2\"", "no parameter"),
            ("action = \"truncate\"", "truncate keeps"),
            ("action = \"truncate:0\"", "truncate keeps"),
            ("action = \"top_code:1\"", "top_code keeps"),
            ("action = \"bucket\"", "needs a width"),
            ("action = \"bucket:-1\"", "positive"),
            ("action = \"bucket:5\"\nedges = [1, 2]", "not both"),
            ("action = \"bucket\"\nedges = [2, 1]", "ascending"),
            ("action = \"keep\"\nedges = [1, 2]", "go with action"),
            (
                "action = \"generalise\"",
                "unknown action 'generalise' (known: keep",
            ),
            ("derive = [\"birth_date\"]", "cannot derive 'birth_date'"),
            ("derive = { sex = \"\" }", "needs a name"),
        ] {
            let text = format!("[[column]]\nname = \"DOB\"\n{rule}\n");
            let err = Policy::parse(&text, "p.toml").unwrap_err();
            let msg = format!("{err:#}");
            assert!(msg.contains(says), "{rule}: {msg}");
            assert!(msg.contains("rule 1 (DOB)"), "{rule}: {msg}");
        }
    }

    #[test]
    fn hash_names_the_text() {
        let a = Policy::parse("[kinds]\nphone = \"keep\"\n", "a").unwrap();
        let b = Policy::parse("[kinds]\nphone = \"redact\"\n", "b").unwrap();
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.hash.len(), 16);
    }

    #[test]
    fn globs() {
        assert!(glob_match("ИИН*", "иин ученика"));
        assert!(glob_match("*phone*", "Parent Phone 2"));
        assert!(glob_match("col_?", "col_7"));
        assert!(!glob_match("col_?", "col_17"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "acbd"));
        assert!(glob_match("a*b*", "acbd"));
    }

    #[test]
    fn suggestion_is_a_valid_policy() {
        let text = Policy::suggest(&[
            (
                "ИИН".into(),
                ColumnKind::Value(Kind::Iin),
                "iin by header".into(),
            ),
            ("Комментарий \"x\"".into(), ColumnKind::Text, "text".into()),
        ]);
        let p = Policy::parse(&text, "suggested").unwrap();
        assert_eq!(p.rules().len(), 2);
        assert_eq!(p.forced_kind("ИИН"), Some(ColumnKind::Value(Kind::Iin)));
    }
}

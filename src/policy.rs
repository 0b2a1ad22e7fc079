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
    action: Option<Action>,
}

/// A `[[column]]` rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnRule {
    pub pattern: String,
    pub kind: Option<ColumnKind>,
    pub action: Option<Action>,
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
            if r.kind.is_none() && r.action.is_none() {
                bail!(
                    "[[column]] rule {n} ({}): give a `kind`, an `action` or both",
                    r.name
                );
            }
            rules.push(ColumnRule {
                pattern: r.name.trim().to_string(),
                kind: r.kind,
                action: r.action,
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

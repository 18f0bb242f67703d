//! Policy tests: each `test` block declares its own small world of entities,
//! evaluates every rule against it, and checks its `expect` lines.

use super::rules::{findings_for, outcomes, Status};
use super::World;
use crate::diag::{Diagnostic, Text};
use crate::model::defs::{Defs, TestDef};
use crate::model::entity::{lower_entity, Names};
use crate::model::EntityData;
use crate::syntax::ast::{ItemKind, Span};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Entities held in memory: a test's world.
pub struct MapWorld<'d> {
    pub defs: &'d Defs,
    pub entities: BTreeMap<String, Arc<EntityData>>,
    pub kinds: BTreeMap<String, Arc<Vec<Arc<str>>>>,
    /// The test's `today`.
    pub today: Option<jiff::civil::Date>,
}

impl World for MapWorld<'_> {
    fn defs(&self) -> &Defs {
        self.defs
    }
    fn entity(&self, name: &str) -> Option<Arc<EntityData>> {
        self.entities.get(name).cloned()
    }
    fn all_of_kind(&self, kind: &str) -> Arc<Vec<Arc<str>>> {
        self.kinds.get(kind).cloned().unwrap_or_default()
    }
    fn today(&self) -> Option<jiff::civil::Date> {
        self.today
    }
}

struct TestNames(BTreeMap<String, String>);
impl Names for TestNames {
    fn kind_of(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
    fn near<'a>(&'a self, _: &str, kind: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub file: String,
    pub span: Span,
    pub failures: Vec<Diagnostic>,
    /// Rules a passing `expect` line saw fire.
    pub covered: BTreeSet<String>,
    /// Rules a passing `expect no` line saw apply and hold (for a rule with no
    /// `require`, a note: seen in force and not applying).
    pub seen_passing: BTreeSet<String>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

pub fn run(defs: &Defs, t: &TestDef) -> TestResult {
    let mut names = BTreeMap::new();
    for item in &t.decl.entities {
        if let ItemKind::Entity(e) = &item.kind {
            names.insert(e.name.text.clone(), e.kind.text.clone());
        }
    }
    let names = TestNames(names);
    let mut world = MapWorld {
        defs,
        entities: BTreeMap::new(),
        kinds: BTreeMap::new(),
        today: t.decl.today.map(|x| x.0),
    };
    let mut failures = Vec::new();
    let mut kinds: BTreeMap<String, Vec<Arc<str>>> = BTreeMap::new();
    for item in &t.decl.entities {
        if let ItemKind::Entity(e) = &item.kind {
            let data = lower_entity(defs, &names, &t.file, item, e);
            failures.extend(data.diagnostics.iter().cloned());
            kinds
                .entry(data.kind.clone())
                .or_default()
                .push(Arc::from(data.name.as_str()));
            world.entities.insert(data.name.clone(), Arc::new(data));
        }
    }
    for v in kinds.values_mut() {
        v.sort();
    }
    world.kinds = kinds.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
    let as_of = t.decl.as_of.map(|x| x.0);
    let mut found: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for e in world.entities.values() {
        found.insert(e.name.clone(), findings_for(&world, e, as_of));
    }
    let mut covered = BTreeSet::new();
    let mut seen_passing = BTreeSet::new();
    for ex in &t.decl.expects {
        if !defs.rules.contains_key(&ex.rule.text) {
            failures.push(Diagnostic::error(
                "unknown-name",
                &t.file,
                ex.rule.span,
                Text::new(
                    format!("没有编号为 {} 的规则", ex.rule.text),
                    format!("no rule with id {}", ex.rule.text),
                ),
            ));
            continue;
        }
        let on_whom: Vec<&Diagnostic> = match &ex.on {
            Some(n) => {
                if !world.entities.contains_key(&n.text) {
                    failures.push(Diagnostic::error(
                        "unknown-reference",
                        &t.file,
                        n.span,
                        Text::new(
                            format!("测试中没有 `{}`", n.text),
                            format!("the test declares no `{}`", n.text),
                        ),
                    ));
                    continue;
                }
                found
                    .get(&n.text)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default()
            }
            None => found.values().flatten().collect(),
        };
        let named: Vec<&&Diagnostic> = on_whom.iter().filter(|d| d.code == ex.rule.text).collect();
        // Only an active finding fired; an undetermined one is no proof of
        // absence either (the test should declare the facts it needs).
        let hits: Vec<&&Diagnostic> = named
            .iter()
            .copied()
            .filter(|d| d.status == crate::diag::Status::Active)
            .collect();
        let open = named
            .iter()
            .any(|d| d.status == crate::diag::Status::Undetermined);
        let ok = if ex.undetermined {
            open
        } else if ex.negated {
            named.is_empty()
        } else if let Some((due, _)) = ex.due {
            hits.iter()
                .any(|d| d.obligation.as_ref().and_then(|o| o.due) == Some(due))
        } else {
            !hits.is_empty()
        };
        if ok && !ex.negated && !ex.undetermined {
            covered.insert(ex.rule.text.clone());
        }
        if ok && ex.negated {
            if let Some(e) = ex.on.as_ref().and_then(|n| world.entities.get(&n.text)) {
                if passes(defs, &world, e, as_of, &ex.rule.text) {
                    seen_passing.insert(ex.rule.text.clone());
                }
            }
        }
        if !ok {
            let codes = |undetermined: bool| -> Vec<String> {
                on_whom
                    .iter()
                    .filter(|d| (d.status == crate::diag::Status::Undetermined) == undetermined)
                    .map(|d| d.code.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            let fired = codes(false);
            let open_codes = codes(true);
            let due_seen: Vec<String> = hits
                .iter()
                .filter_map(|d| d.obligation.as_ref().and_then(|o| o.due))
                .map(|d| d.to_string())
                .collect();
            let (zh, en) = if ex.undetermined {
                let decided = if hits.is_empty() {
                    ("未触发", "it did not fire")
                } else {
                    ("触发了", "it fired")
                };
                (
                    format!("预期 {} 无法判定，但已判定：{}", ex.rule.text, decided.0),
                    format!(
                        "expected {} to be undetermined, but it was decided: {}",
                        ex.rule.text, decided.1
                    ),
                )
            } else if ex.negated && hits.is_empty() {
                (
                    format!("预期 {} 不触发，但无法判定", ex.rule.text),
                    format!(
                        "expected {} not to fire, but it is undetermined",
                        ex.rule.text
                    ),
                )
            } else if ex.negated {
                (
                    format!("预期 {} 不触发，但它触发了", ex.rule.text),
                    format!("expected {} not to fire, but it fired", ex.rule.text),
                )
            } else if ex.due.is_some() && !hits.is_empty() {
                (
                    format!(
                        "{} 触发了，但截止日期为 {}",
                        ex.rule.text,
                        due_seen.join(", ")
                    ),
                    format!(
                        "{} fired, but with due date {}",
                        ex.rule.text,
                        if due_seen.is_empty() {
                            "none".into()
                        } else {
                            due_seen.join(", ")
                        }
                    ),
                )
            } else {
                let (open_zh, open_en) = if open_codes.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("；无法判定的是：{}", open_codes.join("、")),
                        format!("; undetermined: {}", open_codes.join(", ")),
                    )
                };
                (
                    format!(
                        "预期 {} 触发，但它没有触发（触发的是：{}{open_zh}）",
                        ex.rule.text,
                        if fired.is_empty() {
                            "无".into()
                        } else {
                            fired.join("、")
                        }
                    ),
                    format!(
                        "expected {} to fire, but it did not (fired: {}{open_en})",
                        ex.rule.text,
                        if fired.is_empty() {
                            "nothing".into()
                        } else {
                            fired.join(", ")
                        }
                    ),
                )
            };
            failures.push(Diagnostic::error(
                "test-failed",
                &t.file,
                ex.span,
                Text::new(zh, en),
            ));
        }
    }
    TestResult {
        name: t.decl.name.text.clone(),
        file: t.file.clone(),
        span: t.span,
        failures,
        covered,
        seen_passing,
    }
}

/// Whether `rule` is in force for `e` and passes for a reason other than not
/// applying: its `when` holds and its `require` too. A note (no `require`)
/// passes when it is in force and its `when` does not hold.
fn passes(
    defs: &Defs,
    world: &MapWorld,
    e: &EntityData,
    as_of: Option<jiff::civil::Date>,
    rule: &str,
) -> bool {
    let Some(def) = defs.rules.get(rule) else {
        return false;
    };
    let wanted = if def.decl.require.is_some() {
        Status::Satisfied
    } else {
        Status::NotApplicable
    };
    outcomes(world, e, as_of)
        .into_iter()
        .any(|o| o.rule == rule && o.status == wanted)
}

//! `hegui report` end to end: findings of every subject (parties and datasets
//! too) by display name, deadlines marked overdue against --today, the waived
//! section, the run header and the disclaimer — and no interface word of the
//! other language in either report.

mod common;
use common::*;

fn report(args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let (_, out, err) = hegui(&all);
    assert!(!out.is_empty(), "{err}");
    out
}

/// Interface strings of the English report, and of the Chinese one.
const EN: &[&str] = &[
    "Compliance report",
    "Deadlines",
    "Missing items",
    "Filing checklist",
    "Waived",
    "overdue",
    "Disclaimer",
    "law as of",
    "evaluated on",
    "Other subjects",
    "Required mechanism",
    "Declared mechanism",
    "judged as of",
    "Undetermined",
    "Organisation",
    "Incomplete report",
    "Subject",
    "Obligation",
    "none",
    "signed",
    "filed",
    "Legal exposure",
];
const ZH: &[&str] = &[
    "合规报告",
    "截止日期",
    "缺失项",
    "备案与提交清单",
    "已豁免",
    "已逾期",
    "免责声明",
    "适用法律日期",
    "评估日期",
    "其他对象",
    "法定机制",
    "已声明机制",
    "对象",
    "义务",
    "无法判定",
    "机构",
    "报告不完整",
    "法律责任",
];

#[test]
fn parties_and_datasets_are_in_the_report_by_display_name() {
    let md = report(&[
        "examples/s2-als-genetic-important",
        "--lang",
        "en",
        "--today",
        "2026-12-01",
    ]);
    let at = md
        .find("## Other subjects")
        .unwrap_or_else(|| panic!("{md}"));
    let rest = &md[at..];
    // The kinds present, by their schemas' labels in the stdlib.
    let heading = rest.lines().next().unwrap_or("");
    assert_eq!(heading, "## Other subjects (Party)");
    assert!(
        rest.contains("NDSR-33") && rest.contains("DSL-27"),
        "{rest}"
    );
    assert!(
        rest.contains("(`huashan`)"),
        "the identifier only as a code: {rest}"
    );
    let md = report(&[
        "examples/s7-domestic-processor",
        "--lang",
        "zh",
        "--today",
        "2026-12-01",
    ]);
    assert!(
        md.contains("## 其他对象（数据集）") && md.contains("GBT39725-6.2"),
        "{md}"
    );
}

#[test]
fn a_flow_heading_is_its_display_name_with_the_identifier_as_a_code() {
    for (lang, label) in [
        ("en", "Trial data to the US R&D centre"),
        ("zh", "试验数据传至美国研发中心"),
    ] {
        let md = report(&["examples/s1-diabetes-trial", "--lang", lang]);
        let head = md
            .lines()
            .find(|l| l.starts_with("## ") && l.contains("trial_export"))
            .unwrap_or_else(|| panic!("{md}"));
        assert_eq!(head, format!("## {label} (`trial_export`)"), "{lang}");
    }
}

/// The checklist items the stdlib gives a report's first flow: the checkbox
/// lines of its "Filing checklist" section before the first blank line.
fn filing_items(md: &str, heading: &str) -> Vec<String> {
    let Some(at) = md.find(heading) else {
        return Vec::new();
    };
    md[at..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with("- [ ] ") && !l.starts_with("## "))
        .take_while(|l| l.starts_with("- [ ] "))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_filing_checklist_follows_the_required_mechanism_in_both_languages() {
    let run = |ex: &str, lang: &str| {
        let md = report(&[ex, "--lang", lang, "--today", "2026-12-01"]);
        let heading = if lang == "zh" {
            "### 备案与提交清单"
        } else {
            "### Filing checklist"
        };
        filing_items(&md, heading)
    };
    // Standard contract, security assessment, certification: each its own
    // items (stdlib data), with what no source confirms marked as such.
    let sc = run("examples/s1-diabetes-trial", "en");
    let sa = run("examples/s2-als-genetic-important", "en");
    let cert = run("examples/s10-cumulative-2022", "en");
    for (name, items) in [("sc", &sc), ("sa", &sa), ("cert", &cert)] {
        assert!(items.len() >= 3, "{name}: {items:?}");
        assert!(
            items.iter().any(|i| i.contains("to confirm")),
            "{name}: {items:?}"
        );
    }
    assert!(sc[0] != sa[0] && sa[0] != cert[0], "{sc:?} {sa:?} {cert:?}");
    // The Chinese report has the same items, in Chinese.
    let zh = run("examples/s1-diabetes-trial", "zh");
    assert_eq!(zh.len(), sc.len(), "{zh:?}");
    assert!(zh.iter().any(|i| i.contains("待确认")), "{zh:?}");
    // An exempt flow has nothing to file.
    let md = report(&[
        "examples/s4-pharma-hr",
        "--lang",
        "en",
        "--today",
        "2026-12-01",
    ]);
    assert!(filing_items(&md, "### Filing checklist").is_empty(), "{md}");
}

#[test]
fn deadlines_before_today_are_overdue() {
    let ex = "examples/s1-diabetes-trial";
    let late = report(&[ex, "--lang", "en", "--today", "2026-12-01"]);
    let row = late
        .lines()
        .find(|l| l.starts_with("| 2026-03-02"))
        .expect("the CAC-SC-7 row");
    assert!(
        row.contains("| overdue |") && row.contains("CAC-SC-7"),
        "{row}"
    );
    let early = report(&[ex, "--lang", "en", "--today", "2026-02-20"]);
    let row = early
        .lines()
        .find(|l| l.starts_with("| 2026-03-02"))
        .expect("row");
    assert!(row.contains("| open |"), "{row}");
}

#[test]
fn the_header_names_versions_and_dates_and_the_report_ends_with_a_disclaimer() {
    let md = report(&[
        "examples/s1-diabetes-trial",
        "--lang",
        "en",
        "--today",
        "2026-12-01",
    ]);
    let head: String = md.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("evaluated on: 2026-12-01") && head.contains("sha256:"),
        "{head}"
    );
    assert!(
        md.trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("Disclaimer:"),
        "{md}"
    );
}

/// The text a reader sees: for HTML, without the style sheet and the tags.
fn visible(page: &str) -> String {
    let page = match (page.find("<style>"), page.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &page[..a], &page[b..]),
        _ => page.to_string(),
    };
    let mut out = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn no_interface_word_of_the_other_language_leaks() {
    for ex in [
        "examples/s1-diabetes-trial",
        "examples/s2-als-genetic-important",
        "examples/s3-singapore-backup-waived",
        "examples/s7-domestic-processor",
    ] {
        for format in ["md", "html"] {
            let zh = visible(&report(&[
                ex,
                "--lang",
                "zh",
                "--format",
                format,
                "--today",
                "2026-12-01",
            ]));
            for w in EN {
                assert!(
                    !zh.contains(w),
                    "{ex} ({format}): English `{w}` in the Chinese report:\n{zh}"
                );
            }
            let en = visible(&report(&[
                ex,
                "--lang",
                "en",
                "--format",
                format,
                "--today",
                "2026-12-01",
            ]));
            for w in ZH {
                assert!(
                    !en.contains(w),
                    "{ex} ({format}): Chinese `{w}` in the English report:\n{en}"
                );
            }
        }
    }
}

#[test]
fn the_header_names_the_organisation_and_input_errors_make_an_incomplete_banner() {
    let d = std::env::temp_dir().join(format!("hegui-report-org-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    let trial =
        std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui")).expect("s1");
    std::fs::write(d.join("trial.hegui"), trial).expect("write");
    std::fs::write(
        d.join("hegui.toml"),
        "organisation = \"示例医院 Example Hospital\"\n",
    )
    .expect("write");
    let p = d.to_str().expect("path");
    for (lang, org) in [
        ("zh", "机构：示例医院 Example Hospital"),
        ("en", "Organisation: 示例医院 Example Hospital"),
    ] {
        let md = report(&[p, "--lang", lang, "--today", "2026-12-01"]);
        assert!(md.contains(org), "{md}");
        assert!(
            !md.contains("Incomplete report") && !md.contains("报告不完整"),
            "{md}"
        );
    }
    // Codes are literal code in HTML.
    let html = report(&[
        p,
        "--lang",
        "en",
        "--format",
        "html",
        "--today",
        "2026-12-01",
    ]);
    assert!(html.contains("<code>CAC-SC-7</code>"), "{html}");
    assert!(!html.contains('`'), "no raw backquote in the page: {html}");
    // An unparsable file: the report says it is incomplete and lists the error.
    std::fs::write(d.join("broken.hegui"), "party broken { kind = = x }\n").expect("write");
    let (code, md, _) = hegui(&["report", p, "--lang", "en", "--today", "2026-12-01"]);
    assert_eq!(code, 2, "{md}");
    let banner: Vec<&str> = md.lines().filter(|l| l.starts_with('>')).collect();
    assert!(
        banner[0].contains("Incomplete report: the workspace has 2 input errors"),
        "{md}"
    );
    assert!(
        banner
            .iter()
            .any(|l| l.contains("broken.hegui:1: expected a value")),
        "{md}"
    );
    let html = report(&[
        p,
        "--lang",
        "zh",
        "--format",
        "html",
        "--today",
        "2026-12-01",
    ]);
    assert!(html.contains("<div class=\"incomplete\""), "{html}");
    assert!(html.contains("报告不完整"), "{html}");
}

/// A workspace over a one-rule law whose deciding fact it leaves out:
/// (stdlib folder, workspace folder).
fn undetermined_workspace() -> (String, String) {
    let d = std::env::temp_dir().join(format!("hegui-report-undet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("law")).expect("mkdir");
    std::fs::create_dir_all(d.join("ws")).expect("mkdir");
    std::fs::write(
        d.join("law/law.hegui"),
        "package std version \"test-1\"\n\
         schema party \"主体\" \"Party\" as parties {\n\
           jurisdiction: string required \"法域\" \"Jurisdiction\"\n\
           persons: int deciding \"人数\" \"Persons\"\n\
         }\n\
         rule BIG \"大型处理者\" \"Big processor\" {\n\
           for party\n\
           cite \"第一条\" \"Art. 1\"\n\
           when party.persons >= 1000\n\
           require false\n\
           message \"达到门槛\" \"above the threshold\"\n\
         }\n",
    )
    .expect("write");
    std::fs::write(
        d.join("ws/p.hegui"),
        "party p \"甲方\" \"Party P\" { jurisdiction = \"CN\" }\n\
         party q \"乙方\" \"Party Q\" { jurisdiction = \"CN\" persons = 5000 }\n",
    )
    .expect("write");
    let s = |p: &str| d.join(p).to_string_lossy().into_owned();
    (s("law"), s("ws"))
}

#[test]
fn undetermined_findings_have_their_own_section_and_are_skipped_in_junit() {
    let (law, ws) = undetermined_workspace();
    let md = report(&[
        &ws,
        "--stdlib",
        &law,
        "--lang",
        "en",
        "--today",
        "2026-12-01",
    ]);
    let section = md.split("## Undetermined").nth(1).expect("the section");
    let section = section.split("\n## ").next().unwrap_or("");
    assert!(
        section.contains("| Party P (`p`) | `BIG` |"),
        "p's BIG is undetermined: {md}"
    );
    assert!(!section.contains("`q`"), "q's BIG is decided: {md}");
    let zh = report(&[
        &ws,
        "--stdlib",
        &law,
        "--lang",
        "zh",
        "--today",
        "2026-12-01",
    ]);
    assert!(
        zh.contains("## 无法判定") && zh.contains("| 甲方 (`p`) | `BIG` |"),
        "{zh}"
    );
    // JUnit: a skipped case of its own, saying what is not declared.
    let (_, xml, _) = hegui(&[
        "check", &ws, "--stdlib", &law, "--format", "junit", "--lang", "en",
    ]);
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("p: BIG"))
        .unwrap_or_else(|| panic!("a case for p's BIG: {xml}"));
    let skipped = case
        .children()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap_or_else(|| panic!("skipped: {xml}"));
    assert!(
        skipped
            .attribute("message")
            .unwrap_or("")
            .contains("`persons`"),
        "{xml}"
    );
}

/// `--deny undetermined` fails the report (exit 1) when a finding could not
/// be decided, as it does `check`; and `check`'s summary line and JSON
/// summary count undetermined findings apart from the infos.
#[test]
fn deny_undetermined_fails_the_report_and_the_summary_counts_them() {
    let (law, ws) = undetermined_workspace();
    // Only the party whose size is not declared.
    let only_p = std::path::Path::new(&ws).with_file_name("ws-p");
    std::fs::create_dir_all(&only_p).expect("mkdir");
    std::fs::write(
        only_p.join("p.hegui"),
        "party p \"甲方\" \"Party P\" { jurisdiction = \"CN\" }\n",
    )
    .expect("write");
    let p = only_p.to_string_lossy().into_owned();
    let base = ["report", &p, "--stdlib", &law, "--today", "2026-12-01"];
    let (code, _, err) = hegui(&base);
    assert_eq!(code, 0, "undetermined alone does not fail: {err}");
    let mut denied = base.to_vec();
    denied.extend(["--deny", "undetermined"]);
    let (code, md, _) = hegui(&denied);
    assert_eq!(code, 1, "{md}");
    let (code, out, _) = hegui(&["check", &p, "--stdlib", &law, "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("0 errors, 0 warnings, 0 infos, 1 undetermined, 0 waived"),
        "{out}"
    );
    let (_, out, _) = hegui(&["check", &p, "--stdlib", &law, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["summary"]["undetermined"], 1);
    assert_eq!(v["summary"]["infos"], 0);
}

/// Legal exposure: each breached rule's statutory penalty, as the stdlib's
/// `penalty` clause states it, in the report's language; none where no
/// finding's rule carries one.
#[test]
fn the_report_shows_the_penalties_of_breached_rules() {
    let args = |lang| {
        vec![
            "examples/s6-us-discovery",
            "--lang",
            lang,
            "--today",
            "2026-12-01",
        ]
    };
    let en = report(&args("en"));
    let at = en
        .find("### Legal exposure")
        .unwrap_or_else(|| panic!("{en}"));
    let section = &en[at..en[at..].find("### Filing").map_or(en.len(), |n| at + n)];
    assert!(section.contains("`PIPL-41`: PIPL Art. 66: "), "{section}");
    assert!(
        section.contains("`DSL-36`: DSL Art. 48 para 2: "),
        "{section}"
    );
    let zh = report(&args("zh"));
    assert!(
        zh.contains("`PIPL-41`：《个人信息保护法》第六十六条："),
        "{zh}"
    );
    // S4's findings carry no penalty (S1's pending filing, CAC-SC-7, carries
    // the standard contract measures' unconfirmed one).
    let clean = report(&[
        "examples/s4-pharma-hr",
        "--lang",
        "en",
        "--today",
        "2026-12-01",
    ]);
    assert!(!clean.contains("Legal exposure"), "{clean}");
}

/// What the report shows of a subject comes from the stdlib's views, never
/// from Rust: a stdlib copy whose flow view shows one more fact (with its own
/// label) and one summary column less changes the report, not the verdicts.
#[test]
fn the_stdlib_views_decide_what_the_report_shows() {
    let d = temp_dir("report-views");
    let law = d.join("stdlib");
    copy_dir(&root().join("stdlib"), &law);
    let schema = law.join("core/schema.hegui");
    let text = std::fs::read_to_string(&schema).expect("schema");
    let changed = text
        .replacen(
            "  show exemption\n",
            "  show exemption\n  show records \"记录总数\" \"Records in all\"\n",
            1,
        )
        .replacen(
            "  summary mechanism \"已声明机制\" \"Declared mechanism\"\n",
            "",
            1,
        );
    assert_ne!(changed, text, "the stdlib's flow view has the lines edited");
    std::fs::write(&schema, changed).expect("write");
    let law = law.to_string_lossy().into_owned();
    let ex = "examples/s1-diabetes-trial";
    let run = |extra: &[&str], lang: &str| {
        let mut args = vec!["report", ex, "--today", "2026-12-01", "--lang", lang];
        args.extend_from_slice(extra);
        hegui(&args)
    };
    let (code_before, before, _) = run(&[], "en");
    let (code_after, after, err) = run(&["--stdlib", &law], "en");
    assert_eq!(code_before, code_after, "{err}");
    assert!(!before.contains("Records in all"), "{before}");
    assert!(after.contains("| Records in all | 48,000 |"), "{after}");
    assert!(before.contains("| Declared mechanism |"), "{before}");
    assert!(!after.contains("Declared mechanism"), "{after}");
    // The findings are the law's, unchanged.
    let missing = |md: &str| {
        md.lines()
            .filter(|l| l.starts_with("- `"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(missing(&before), missing(&after));
    let (_, zh, _) = run(&["--stdlib", &law], "zh");
    assert!(zh.contains("| 记录总数 | 48,000 |"), "{zh}");
    // The embedded stdlib's own views give what the report showed before
    // views existed: the summary columns and the fact rows in order.
    let head = "| Data flow | Required mechanism | Declared mechanism | Missing items |";
    assert!(before.contains(head), "{before}");
    let facts: Vec<&str> = before
        .lines()
        .skip_while(|l| !l.starts_with("| Fact |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').nth(1).unwrap_or("").trim())
        .collect();
    assert_eq!(
        facts,
        [
            "Required mechanism",
            "Declared mechanism",
            "Cross-border",
            "Personal information",
            "Sensitive personal information",
            "Persons",
            "Sensitive-PI persons",
            "Cumulative PI persons exported",
            "Cumulative sensitive-PI persons exported",
            "Applicable exemption",
        ]
    );
}

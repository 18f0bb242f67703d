//! The workspace file and the external stdlib, end to end (spawning the
//! binary): `hegui.toml` at a workspace root, `--stdlib PATH` (a folder or a .tar.gz/.zip archive, hostile ones refused), the stdlib's
//! declared version and hash in the outputs, the root rule.

mod common;
use common::{copy_dir, hegui, root, temp_dir};
use serde_json::Value;
use std::path::PathBuf;

fn s1() -> String {
    std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui")).expect("s1")
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = hegui(&all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"));
    (code, v)
}

/// (rule, severity, subject, line) of every finding.
fn verdicts(v: &Value) -> Vec<(String, String, String, u64)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").into(),
                f["severity"].as_str().unwrap_or("").into(),
                f["subject"]["name"].as_str().unwrap_or("").into(),
                f["span"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn severity_of(v: &Value, rule: &str) -> String {
    verdicts(v)
        .into_iter()
        .find(|f| f.0 == rule)
        .unwrap_or_else(|| panic!("{rule} in {v}"))
        .1
}

fn example_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && std::fs::read_dir(p)
                    .expect("dir")
                    .flatten()
                    .any(|f| f.path().extension().is_some_and(|x| x == "hegui"))
        })
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn stdlib_dir_gives_the_embedded_verdicts_version_and_hash_on_every_example() {
    let dirs = example_dirs();
    assert!(dirs.len() >= 10, "{dirs:?}");
    for d in dirs {
        let p = d.to_str().expect("path");
        let (c0, embedded) = json(&[p, "--today", "2026-12-01"]);
        let (c1, external) = json(&[p, "--today", "2026-12-01", "--stdlib", "stdlib/"]);
        assert_eq!(c0, c1, "{p}");
        assert_eq!(verdicts(&embedded), verdicts(&external), "{p}");
        assert_eq!(
            embedded["run"]["stdlib_hash"], external["run"]["stdlib_hash"],
            "{p}"
        );
        assert_eq!(external["run"]["stdlib_version"], "2026.12", "{p}");
        assert!(external["run"]["stdlib_hash"]
            .as_str()
            .expect("hash")
            .starts_with("sha256:"));
    }
}

#[test]
fn hegui_toml_names_a_stdlib_folder_and_gives_the_embedded_verdicts() {
    let d = temp_dir("stdlib-folder");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    let stdlib = root().join("stdlib");
    std::fs::write(
        d.join("hegui.toml"),
        format!("stdlib = {:?}\n", stdlib.to_str().expect("path")),
    )
    .expect("write");
    let (code, with_toml) = json(&[d.to_str().expect("path")]);
    let (code0, embedded) = json(&["examples/s1-diabetes-trial"]);
    assert_eq!(code, code0);
    let strip =
        |v: &Value| -> Vec<_> { verdicts(v).into_iter().map(|f| (f.0, f.1, f.2)).collect() };
    assert_eq!(strip(&with_toml), strip(&embedded));
    assert_eq!(
        with_toml["run"]["stdlib_hash"],
        embedded["run"]["stdlib_hash"]
    );
    // A changed stdlib is another law: another hash, other verdicts.
    let mine = temp_dir("stdlib-changed");
    copy_dir(&stdlib, &mine.join("std"));
    let version = mine.join("std/std.hegui");
    let text = std::fs::read_to_string(&version).expect("std.hegui");
    std::fs::write(&version, text.replace("\"2026.12\"", "\"2027.01-firm\"")).expect("write");
    let (_, firm) = json(&[
        d.to_str().expect("path"),
        "--stdlib",
        mine.join("std").to_str().expect("path"),
    ]);
    assert_eq!(firm["run"]["stdlib_version"], "2027.01-firm");
    assert_ne!(firm["run"]["stdlib_hash"], embedded["run"]["stdlib_hash"]);
    // The human summary names the version too.
    let (_, out, _) = hegui(&["check", d.to_str().expect("path"), "--lang", "en"]);
    assert!(out.contains("stdlib version 2026.12 (sha256:"), "{out}");
}

#[test]
fn severity_overrides_raise_freely_and_lower_until_their_expiry() {
    let ex = "examples/s1-workspace-config";
    let (code, v) = json(&[ex, "--today", "2026-12-01"]);
    assert_eq!(severity_of(&v, "GBT39725-7.p"), "error", "raised");
    assert_eq!(
        severity_of(&v, "CAC-SC-7"),
        "warning",
        "lowered, approved, not expired"
    );
    assert_eq!(code, 1, "fail_on = warning");
    // Lowering is a waiver of the rule for the whole workspace.
    let find = |v: &Value, rule: &str| -> Value {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == rule)
            .cloned()
            .unwrap_or_else(|| panic!("{rule} in {v}"))
    };
    let sc7 = find(&v, "CAC-SC-7");
    assert_eq!(sc7["status"], "waived", "{sc7}");
    assert_eq!(sc7["suppressed"], true);
    assert_eq!(sc7["waiver"]["approver"], "Legal, Ruijin compliance office");
    assert_eq!(sc7["waiver"]["approved"], "2026-02-21");
    assert_eq!(sc7["waiver"]["until"], "2027-06-30");
    assert_eq!(sc7["waiver"]["subjects"][0], "*");
    assert_eq!(
        find(&v, "GBT39725-7.p")["status"],
        "active",
        "raising is no waiver"
    );
    // --no-waivers: the lowering does not apply either.
    let (_, all) = json(&[ex, "--today", "2026-12-01", "--no-waivers"]);
    assert_eq!(severity_of(&all, "CAC-SC-7"), "error");
    assert_eq!(find(&all, "CAC-SC-7")["status"], "active");
    let (_, plain) = json(&["examples/s1-diabetes-trial", "--today", "2026-12-01"]);
    assert_eq!(severity_of(&plain, "GBT39725-7.p"), "warning");
    assert_eq!(severity_of(&plain, "CAC-SC-7"), "error");
    // After the expiry the finding is back at its own severity, and says why.
    let (_, later) = json(&[ex, "--today", "2027-07-01"]);
    assert_eq!(severity_of(&later, "CAC-SC-7"), "error");
    assert_eq!(find(&later, "CAC-SC-7")["status"], "active");
    assert_eq!(find(&later, "CAC-SC-7")["waiver"]["expired"], true);
    let f = later["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "CAC-SC-7")
        .expect("CAC-SC-7");
    assert!(
        f["notes"].to_string().contains("expired on 2027-06-30"),
        "{f}"
    );
    assert!(
        f["notes"].to_string().contains("已于 2027-06-30 到期"),
        "{f}"
    );
}

#[test]
fn a_bad_hegui_toml_is_an_input_error_located_in_it() {
    let cases = [
        ("colour = \"red\"\n", 1),
        ("as_of = \"20250401\"\n", 1),
        (
            "[rules.\"CAC-SC-7\"]\nseverity = \"info\"\nreason = \"pending\"\n",
            1,
        ),
        (
            "[rules.\"NO-SUCH-RULE\"]\nseverity = \"error\"\nreason = \"x\"\n",
            1,
        ),
        ("[rules.\"PIPL-38\"]\nseverity = \"error\"\n", 1),
        ("stdlib = [\n", 1),
    ];
    for (toml, line) in cases {
        let d = temp_dir("bad-toml");
        std::fs::write(d.join("trial.hegui"), s1()).expect("write");
        std::fs::write(d.join("hegui.toml"), toml).expect("write");
        let (code, v) = json(&[d.to_str().expect("path")]);
        assert_eq!(code, 2, "{toml}");
        let config: Vec<_> = verdicts(&v)
            .into_iter()
            .filter(|f| f.0 == "config")
            .collect();
        assert_eq!(config.len(), 1, "{toml}: {v}");
        assert_eq!(config[0].3, line, "{toml}");
        let file = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == "config")
            .expect("config")["file"]
            .as_str()
            .expect("file")
            .to_string();
        assert!(file.ends_with("hegui.toml"), "{file}");
    }
    // A stdlib folder that is not there: nothing is judged.
    let d = temp_dir("no-stdlib");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    std::fs::write(d.join("hegui.toml"), "stdlib = \"nowhere\"\n").expect("write");
    let (code, out, err) = hegui(&["check", d.to_str().expect("path"), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("cannot read the stdlib"), "{err}");
}

#[test]
fn hegui_toml_gives_the_defaults_and_options_win() {
    let d = temp_dir("defaults");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    std::fs::write(
        d.join("hegui.toml"),
        "as_of = \"2025-04-01\"\nlang = \"zh\"\n",
    )
    .expect("write");
    let p = d.to_str().expect("path");
    let (_, v) = json(&[p]);
    assert_eq!(v["run"]["as_of"], "2025-04-01");
    let (_, v) = json(&[p, "--as-of", "2026-01-01"]);
    assert_eq!(v["run"]["as_of"], "2026-01-01");
    let (_, out, _) = hegui(&["check", p]);
    assert!(out.contains("检查了"), "{out}");
    let (_, out, _) = hegui(&["check", p, "--lang", "en"]);
    assert!(out.contains("checked 1 file ("), "{out}");
}

#[test]
fn nested_workspaces_are_never_merged() {
    let d = temp_dir("nested");
    std::fs::write(d.join("hegui.toml"), "").expect("write");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    std::fs::create_dir_all(d.join("other")).expect("mkdir");
    std::fs::write(d.join("other/hegui.toml"), "").expect("write");
    std::fs::write(d.join("other/trial.hegui"), s1()).expect("write");
    let (code, v) = json(&[d.to_str().expect("path")]);
    assert_eq!(code, 1, "no duplicate definitions: {v}");
    assert_eq!(v["summary"]["files"], 1);
    // A file below the root is checked with the root's settings.
    std::fs::write(d.join("hegui.toml"), "fail_on = \"warning\"\n[rules.\"CAC-SC-7\"]\nseverity = \"warning\"\nreason = \"r\"\napproved_by = \"a\"\napproved_on = \"2026-01-01\"\nexpires = \"2099-01-01\"\n").expect("write");
    let (_, v) = json(&[d.join("trial.hegui").to_str().expect("path")]);
    assert_eq!(severity_of(&v, "CAC-SC-7"), "warning");
    // Two workspaces at once: said, not merged.
    let (code, out, err) = hegui(&[
        "check",
        d.join("trial.hegui").to_str().expect("path"),
        d.join("other").to_str().expect("path"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("belong to different workspaces"), "{err}");
}

#[test]
fn test_stdlib_dir_runs_that_stdlibs_own_tests() {
    let (code, out, _) = hegui(&["test", "--stdlib", "stdlib"]);
    assert_eq!(code, 0, "{out}");
    let (_, embedded, _) = hegui(&["test", "--stdlib"]);
    let last = |s: &str| s.lines().last().unwrap_or("").to_string();
    assert_eq!(last(&out), last(&embedded));
    assert!(last(&out).ends_with("0 failed"), "{out}");
    let (code, _, err) = hegui(&["doc", "--stdlib", "nowhere", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn every_option_of_every_command_is_in_docs_cli_md() {
    let docs = std::fs::read_to_string(root().join("docs/cli.md")).expect("docs/cli.md");
    let (_, help, _) = hegui(&["--help"]);
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    for c in commands {
        let (_, help, _) = hegui(&[&c, "--help"]);
        let header = docs
            .lines()
            .find(|l| l.starts_with(&format!("## `hegui {c}")))
            .unwrap_or_else(|| panic!("no section for {c}"));
        for opt in help
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.trim_end_matches(|ch: char| !ch.is_ascii_alphanumeric()))
        {
            if opt == "--help" || (c == "lsp" && opt == "--stdio") {
                continue;
            }
            assert!(
                header.contains(opt),
                "`hegui {c} {opt}` is not in the header of its section: {header}"
            );
        }
        // And the reverse: the header promises no option the binary lacks.
        for opt in header
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            assert!(
                help.contains(opt),
                "docs/cli.md's `hegui {c}` names {opt}, which its --help does not know"
            );
        }
    }
    // The exit-code table says which commands take `--deny`: each has it.
    let (_, explain, _) = hegui(&["explain", "--help"]);
    assert!(!explain.contains("--deny"));
    let row = docs
        .lines()
        .find(|l| l.starts_with("| 1 |"))
        .expect("the exit-code table's row for 1");
    assert!(row.contains("`explain` (which has no `--deny`)"), "{row}");
    for c in ["check", "report"] {
        let (_, help, _) = hegui(&[c, "--help"]);
        assert!(help.contains("--deny"), "{c}");
    }
}

/// Every `.hegui` file under `dir`, as (path relative to it, bytes).
fn policy_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "hegui") {
                let rel = p.strip_prefix(dir).expect("below").to_string_lossy();
                out.push((rel.replace('\\', "/"), std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// A `.tar.gz` of `files`, each entry named as given and of its type.
fn tar_gz(path: &std::path::Path, files: &[(String, Vec<u8>)]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).expect("create"),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // Set the name raw: the builder's own setters refuse `..`.
        let field = &mut h.as_old_mut().name;
        field[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        tar.append(&h, &bytes[..]).expect("append");
    }
    tar.into_inner().expect("tar").finish().expect("gz");
}

fn zip_of(path: &std::path::Path, files: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        z.start_file(name.as_str(), opts).expect("entry");
        z.write_all(bytes).expect("write");
    }
    z.finish().expect("zip");
}

#[test]
fn a_stdlib_archive_gives_the_folders_verdicts_version_and_hash() {
    let d = temp_dir("stdlib-archive");
    let files = policy_files(&root().join("stdlib"));
    assert!(files.len() > 5, "{files:?}");
    // Packed as `tar czf std.tar.gz stdlib` would: below a top folder.
    let under: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| (format!("stdlib/{n}"), b.clone()))
        .collect();
    tar_gz(&d.join("std.tar.gz"), &under);
    // And as `cd stdlib && zip -r ../std.zip .`: at the top.
    zip_of(&d.join("std.zip"), &files);
    for ex in [
        "examples/s1-diabetes-trial",
        "examples/s3-singapore-backup-waived",
    ] {
        let (c0, folder) = json(&[ex, "--today", "2026-12-01", "--stdlib", "stdlib/"]);
        for archive in ["std.tar.gz", "std.zip"] {
            let a = d.join(archive);
            let (c1, packed) = json(&[
                ex,
                "--today",
                "2026-12-01",
                "--stdlib",
                a.to_str().expect("path"),
            ]);
            assert_eq!(c0, c1, "{ex} {archive}");
            assert_eq!(verdicts(&folder), verdicts(&packed), "{ex} {archive}");
            assert_eq!(
                folder["run"]["stdlib_hash"], packed["run"]["stdlib_hash"],
                "{archive}"
            );
            assert_eq!(packed["run"]["stdlib_version"], "2026.12", "{archive}");
        }
    }
    // hegui.toml names the archive, relative to itself.
    let ws = temp_dir("stdlib-archive-toml");
    std::fs::write(ws.join("trial.hegui"), s1()).expect("write");
    std::fs::copy(d.join("std.zip"), ws.join("std.zip")).expect("copy");
    std::fs::write(ws.join("hegui.toml"), "stdlib = \"std.zip\"\n").expect("write");
    let (code, with_toml) = json(&[ws.to_str().expect("path")]);
    let (code0, embedded) = json(&["examples/s1-diabetes-trial"]);
    assert_eq!(code, code0);
    assert_eq!(
        with_toml["run"]["stdlib_hash"],
        embedded["run"]["stdlib_hash"]
    );
    let strip =
        |v: &Value| -> Vec<_> { verdicts(v).into_iter().map(|f| (f.0, f.1, f.2)).collect() };
    assert_eq!(strip(&with_toml), strip(&embedded));
    // The stdlib's own tests run from the archive too.
    let (code, out, err) = hegui(&[
        "test",
        "--stdlib",
        d.join("std.tar.gz").to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_hostile_stdlib_archive_is_refused_with_exit_2() {
    let d = temp_dir("stdlib-hostile");
    let good = policy_files(&root().join("stdlib"));
    let with = |name: &str, bytes: &[u8]| {
        let mut f = good.clone();
        f.push((name.to_string(), bytes.to_vec()));
        f
    };
    let check = |archive: &std::path::Path, says: &str| {
        let (code, out, err) = hegui(&[
            "check",
            "examples/s1-diabetes-trial",
            "--lang",
            "en",
            "--stdlib",
            archive.to_str().expect("path"),
        ]);
        assert_eq!(code, 2, "{archive:?}: {out}{err}");
        assert!(out.is_empty(), "no verdict: {out}");
        assert!(
            err.contains("std") && err.contains(says),
            "{archive:?} should say `{says}`: {err}"
        );
    };
    // Entries that would leave the archive's folder.
    tar_gz(
        &d.join("dotdot.tar.gz"),
        &with("../../evil.hegui", b"package evil\n"),
    );
    check(&d.join("dotdot.tar.gz"), "outside the archive");
    zip_of(
        &d.join("abs.zip"),
        &with("/etc/evil.hegui", b"package evil\n"),
    );
    check(&d.join("abs.zip"), "outside the archive");
    // The same entry twice.
    let twice = with(&good[0].0, &good[0].1);
    tar_gz(&d.join("twice.tar.gz"), &twice);
    check(&d.join("twice.tar.gz"), "occurs twice");
    // A link.
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(d.join("link.tar.gz")).expect("create"),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    tar.append_link(&mut h, "core/x.hegui", "/etc/passwd")
        .expect("link");
    tar.into_inner().expect("tar").finish().expect("gz");
    check(&d.join("link.tar.gz"), "link");
    // Not UTF-8, not an archive at all, damaged, empty of policy files.
    zip_of(
        &d.join("gbk.zip"),
        &with("core/gbk.hegui", &[0xc4, 0xe3, 0xba, 0xc3]),
    );
    check(&d.join("gbk.zip"), "not UTF-8");
    std::fs::write(d.join("junk.tar.gz"), b"this is no gzip stream").expect("write");
    check(&d.join("junk.tar.gz"), "damaged");
    std::fs::write(d.join("junk.zip"), b"PK\x03\x04 and then nothing").expect("write");
    check(&d.join("junk.zip"), "damaged");
    zip_of(
        &d.join("empty.zip"),
        &[("README.md".into(), b"no policy".to_vec())],
    );
    check(&d.join("empty.zip"), "no .hegui files");
    // A bomb: 80 MiB of zeros (80 KiB packed) besides the policy files.
    let bomb = d.join("bomb.tar.gz");
    {
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&bomb).expect("create"),
            flate2::Compression::fast(),
        );
        let mut tar = tar::Builder::new(gz);
        let mut h = tar::Header::new_gnu();
        let size = 80u64 << 20;
        h.set_path("zeros.bin").expect("name");
        h.set_size(size);
        h.set_cksum();
        tar.append(&h, std::io::Read::take(std::io::repeat(0), size))
            .expect("append");
        tar.into_inner().expect("tar").finish().expect("gz");
    }
    assert!(std::fs::metadata(&bomb).expect("bomb").len() < 1 << 20);
    check(&bomb, "unpacks to more than");
}

/// An archive that cannot be read is described in Chinese in the zh message:
/// the reader's (and the operating system's) English text is only in the en one.
#[test]
fn an_unreadable_archive_is_described_in_each_language() {
    let d = temp_dir("archive-zh");
    for name in ["std.zip", "std.tar.gz"] {
        let a = d.join(name);
        std::fs::write(&a, "garbage").expect("write");
        let a = a.to_string_lossy().into_owned();
        let run = |lang: &str| {
            let (code, out, err) =
                hegui(&["check", "examples/starter", "--stdlib", &a, "--lang", lang]);
            assert_eq!(code, 2, "{out}{err}");
            // The message without the archive's path, joined across wrapped lines.
            format!("{out}{err}")
                .replace(&a, "")
                .replace(['│', '\n'], "")
        };
        let zh = run("zh").replace(' ', "");
        assert!(zh.contains("归档已损坏或无法解压"), "{zh}");
        let latin = zh
            .split(|c: char| !c.is_ascii_alphabetic())
            .find(|w| w.len() > 2);
        assert_eq!(latin, None, "an English word in the zh message: {zh}");
        assert!(run("en").contains("damaged"), "{name}");
    }
}

//! The shared loader: the files it takes, the root rule, stdlib copies, and
//! incremental updates equal to a load from scratch.

use hegui_lang::Analysis;
use hegui_workspace::{list, load, root_of, Loaded, Walk};
use std::path::{Path, PathBuf};

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hegui-ws-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Rule ids and files of every diagnostic, sorted (what must not differ).
fn summary(a: &Analysis, l: &Loaded) -> Vec<(String, String, u32)> {
    let mut d: Vec<_> = l.errors.clone();
    d.extend(a.diagnostics().iter().cloned());
    let mut out: Vec<_> = l
        .relocate(d)
        .into_iter()
        .map(|d| (d.code, d.location.file, d.location.span.start))
        .collect();
    out.sort();
    out
}

#[test]
fn takes_hegui_json_and_yaml_files_and_skips_hidden_and_build_folders() {
    let d = temp("files");
    let src = repo().join("tests/data/decl");
    write(&d.join("a.hegui"), "");
    write(
        &d.join("b/s1.hegui.yaml"),
        &std::fs::read_to_string(src.join("yaml/s1.hegui.yaml")).expect("yaml"),
    );
    write(&d.join("c.hegui.json"), "{}");
    write(&d.join("notes.md"), "");
    write(&d.join(".git/x.hegui"), "");
    write(&d.join("target/y.hegui"), "");
    write(&d.join("node_modules/z.hegui"), "");
    let files = list(
        std::slice::from_ref(&d),
        &hegui_workspace::is_workspace_file,
        Walk::OneWorkspace,
    )
    .expect("list");
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&d)
                .expect("under")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["a.hegui", "b/s1.hegui.yaml", "c.hegui.json"]);
    let (a, l) = load(std::slice::from_ref(&d), None).expect("load");
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert!(a.entity("trial_export").is_some(), "the YAML flow joined");
}

#[test]
fn the_root_is_the_nearest_folder_with_hegui_toml_and_nested_workspaces_stay_apart() {
    let d = temp("root");
    write(&d.join("hegui.toml"), "");
    write(&d.join("a.hegui"), "party p { jurisdiction = CN-SH }\n");
    write(
        &d.join("sub/deep/b.hegui"),
        "party q { jurisdiction = CN-SH }\n",
    );
    write(&d.join("other/hegui.toml"), "");
    write(
        &d.join("other/c.hegui"),
        "party p { jurisdiction = CN-SH }\n",
    );
    assert_eq!(root_of(&d.join("sub/deep")), d);
    assert_eq!(root_of(&d.join("sub/deep/b.hegui")), d);
    assert_eq!(root_of(&d.join("other/c.hegui")), d.join("other"));
    let plain = temp("noroot");
    assert_eq!(
        root_of(&plain),
        plain,
        "without hegui.toml: the folder given"
    );
    // `other/` is a workspace of its own: its `p` is not a duplicate of ours.
    let (a, l) = load(std::slice::from_ref(&d), None).expect("load");
    let files = a.user_paths();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(!files.iter().any(|f| f.contains("other")));
    assert!(!summary(&a, &l)
        .iter()
        .any(|(c, _, _)| c == "duplicate-definition"));
}

#[test]
fn a_copy_of_the_stdlib_in_use_is_skipped() {
    let d = temp("copy");
    let (path, text) = hegui_lang::stdlib::FILES[0];
    write(&d.join("vendor").join(path), text);
    write(&d.join("own.hegui"), "");
    let (a, l) = load(std::slice::from_ref(&d), None).expect("load");
    assert_eq!(a.user_paths().len(), 1, "{:?}", a.user_paths());
    assert!(summary(&a, &l).is_empty(), "{:?}", summary(&a, &l));
    // A changed copy is the user's own file, and is loaded.
    write(
        &d.join("vendor").join(path),
        &format!("{text}\n// changed\n"),
    );
    let (a, _) = load(&[d], None).expect("load");
    assert_eq!(a.user_paths().len(), 2);
}

#[test]
fn unreadable_and_non_utf8_files_are_located_errors() {
    let d = temp("bytes");
    // 中文 in GBK.
    std::fs::write(d.join("gbk.hegui"), b"// \xd6\xd0\xce\xc4\n").expect("write");
    let (_, l) = load(std::slice::from_ref(&d), None).expect("load");
    assert_eq!(l.errors.len(), 1);
    let e = &l.errors[0];
    assert_eq!(e.code, "encoding");
    assert!(e.location.file.ends_with("gbk.hegui"));
    assert_eq!(e.location.span.start, 3);
    assert!(e
        .message(hegui_lang::diag::Lang::En)
        .contains("re-save the file as UTF-8"));
    assert!(e
        .message(hegui_lang::diag::Lang::Zh)
        .contains("另存为 UTF-8"));
    assert!(load(&[d.join("missing")], None).is_err());
}

#[test]
fn yaml_errors_point_at_their_line() {
    let d = temp("yaml");
    write(
        &d.join("b.hegui.yaml"),
        "parties:\n  - name: a\n    kind: \"x\n  - b: 1\n",
    );
    let (_, l) = load(&[d], None).expect("load");
    let e = &l.errors[0];
    assert_eq!(e.code, "syntax");
    let text = l.shown_text(&e.location.file).expect("original text");
    let line = text[..e.location.span.start as usize].matches('\n').count() + 1;
    assert_eq!(line, 3);
}

#[test]
fn editing_any_file_gives_what_a_fresh_load_gives() {
    let d = temp("incr");
    let src = repo().join("tests/data/decl");
    let yaml = std::fs::read_to_string(src.join("yaml/s1.hegui.yaml")).expect("yaml");
    write(&d.join("s1.hegui.yaml"), &yaml);
    write(&d.join("extra.hegui"), "");
    let mut a = Analysis::new();
    let mut l = Loaded::default();
    assert_eq!(l.load_folder(&mut a, &d), 2);
    let yaml_path = hegui_workspace_path(&d.join("s1.hegui.yaml"));
    let hegui_path = hegui_workspace_path(&d.join("extra.hegui"));
    // An edit in the YAML file, then a schema extension in a .hegui file that
    // changes how the YAML file is typed.
    let edited = yaml.replace("subjects: 3200", "subjects: \"900,000\"");
    l.set_text(&mut a, &yaml_path, &edited);
    let ext = "schema party {\n  nickname: string \"昵称\" \"Nickname\"\n}\n";
    l.set_text(&mut a, &hegui_path, ext);
    write(&d.join("s1.hegui.yaml"), &edited);
    write(&d.join("extra.hegui"), ext);
    let (fresh_a, fresh_l) = load(std::slice::from_ref(&d), None).expect("load");
    assert_eq!(summary(&a, &l), summary(&fresh_a, &fresh_l));
    assert!(summary(&a, &l).iter().any(|(c, _, _)| c == "type-mismatch"));
    // A file deleted on disk leaves the workspace.
    std::fs::remove_file(d.join("s1.hegui.yaml")).expect("rm");
    assert!(!l.read(&mut a, &d.join("s1.hegui.yaml")));
    assert!(a.entity("trial_export").is_none());
}

fn hegui_workspace_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

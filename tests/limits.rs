//! Limits of the binary not covered by `tests/cli.rs`: a file that cannot be
//! read after the folder was listed (a dangling symlink ending in `.hegui`).

mod common;
use common::*;

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_a_located_io_diagnostic() {
    let d = std::env::temp_dir().join(format!("hegui-limits-link-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    std::fs::write(
        d.join("ok.hegui"),
        "party a { jurisdiction = \"CN-SH\" kind = hospital }\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(d.join("gone.hegui.target"), d.join("gone.hegui")).expect("symlink");
    let dir = d.to_string_lossy().into_owned();
    let (code, fs) = findings(&[&dir]);
    assert_eq!(code, 2, "{fs:?}");
    let io: Vec<_> = fs.iter().filter(|f| f.rule == "io").collect();
    assert_eq!(io.len(), 1, "{fs:?}");
    assert_eq!(io[0].line, 1);
    let _ = std::fs::remove_dir_all(&d);
}

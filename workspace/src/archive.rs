//! A stdlib release shipped as one archive (`.tar.gz`, `.tgz` or `.zip`):
//! its `.hegui` files are read in memory, never unpacked to disk.
//!
//! An archive is untrusted input, so reading it is bounded: entry names that
//! leave the archive (`..`, absolute paths, drive letters), links and
//! special files, duplicate names and text that is not UTF-8 are refused,
//! and so are archives over [`MAX_ARCHIVE_BYTES`], over [`MAX_ENTRIES`]
//! entries or decompressing to more than [`MAX_UNPACKED_BYTES`] (a
//! "zip bomb"). Every refusal is a message naming the archive and the entry.
//!
//! Each file is keyed `ARCHIVE!/ENTRY`; the stdlib's hash is taken over the
//! paths below the folder they share (see `Analysis::stdlib_id`), so an
//! archive and the folder it was packed from name the same hash.

use hegui_lang::diag::Text;
use std::cell::Cell;
use std::io::Read;
use std::path::Path;

/// The largest archive file read.
pub const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;
/// The most entries (files, folders) an archive may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// The most bytes read out of an archive, all entries together: what a
/// stdlib needs many times over (the embedded one is under 1 MiB).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// Whether `path` names an archive hegui reads (by its name).
pub fn is_archive(path: &Path) -> bool {
    kind(path).is_some()
}

enum Kind {
    TarGz,
    Zip,
}

fn kind(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Some(Kind::TarGz)
    } else if name.ends_with(".zip") {
        Some(Kind::Zip)
    } else {
        None
    }
}

/// The `.hegui` files of the archive at `path` (keyed `ARCHIVE!/ENTRY`,
/// `ARCHIVE` as `key` writes it), in entry order.
pub fn read(path: &Path, key: &str) -> Result<Vec<(String, String)>, Text> {
    let cannot = |zh: String, en: String| {
        Text::new(
            format!("无法读取标准库归档 {}：{zh}", path.display()),
            format!("cannot read the stdlib archive {}: {en}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(io_zh(&e).into(), e.to_string()))?;
    let size = file
        .metadata()
        .map_err(|e| cannot(io_zh(&e).into(), e.to_string()))?
        .len();
    if size > MAX_ARCHIVE_BYTES {
        return Err(cannot(
            format!("文件有 {size} 字节，超过上限 {MAX_ARCHIVE_BYTES}"),
            format!("the file has {size} bytes, over the limit of {MAX_ARCHIVE_BYTES}"),
        ));
    }
    let budget = Budget::new(MAX_UNPACKED_BYTES);
    let mut out = Entries::default();
    let result = match kind(path) {
        Some(Kind::TarGz) => read_tar_gz(file, &budget, &mut out),
        Some(Kind::Zip) => read_zip(file, &budget, &mut out),
        None => Err(Refusal::new(
            "不是 .tar.gz、.tgz 或 .zip 文件".into(),
            "not a .tar.gz, .tgz or .zip file".into(),
        )),
    };
    match result {
        Ok(()) if out.files.is_empty() => Err(cannot(
            "没有 .hegui 文件".into(),
            "it holds no .hegui files".into(),
        )),
        Ok(()) => Ok(out
            .files
            .into_iter()
            .map(|(entry, text)| (format!("{key}!/{entry}"), text))
            .collect()),
        // Whatever the reader said, an exhausted budget is the cause.
        Err(_) if budget.exceeded.get() => Err(cannot(
            format!("解压后超过 {MAX_UNPACKED_BYTES} 字节（疑似压缩炸弹）"),
            format!("it unpacks to more than {MAX_UNPACKED_BYTES} bytes (a compression bomb?)"),
        )),
        Err(r) => Err(cannot(r.zh, r.en)),
    }
}

/// Why an archive was refused (without the archive's name).
struct Refusal {
    zh: String,
    en: String,
}

impl Refusal {
    fn new(zh: String, en: String) -> Refusal {
        Refusal { zh, en }
    }
    fn io(e: std::io::Error) -> Refusal {
        Refusal::new(
            format!("归档已损坏或无法解压（{}）", io_zh(&e)),
            format!("it is damaged or cannot be decompressed: {e}"),
        )
    }
}

/// The kind of an I/O error in Chinese: the operating system's own text is
/// English (or the locale's), so it goes into the English message only.
fn io_zh(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在",
        K::PermissionDenied => "没有读取权限",
        K::IsADirectory => "这是一个文件夹，不是归档文件",
        K::UnexpectedEof => "数据意外结束",
        K::InvalidData | K::InvalidInput => "数据无效",
        K::OutOfMemory => "内存不足",
        K::Interrupted | K::TimedOut => "读取被中断",
        _ => "读取时出错",
    }
}

/// The files read so far, and every entry name seen (duplicates are refused).
#[derive(Default)]
struct Entries {
    files: Vec<(String, String)>,
    seen: std::collections::BTreeSet<String>,
    count: usize,
}

impl Entries {
    /// Counts one entry and returns its checked name.
    fn admit(&mut self, raw: &[u8]) -> Result<String, Refusal> {
        self.count += 1;
        if self.count > MAX_ENTRIES {
            return Err(Refusal::new(
                format!("条目超过 {MAX_ENTRIES} 个"),
                format!("it has more than {MAX_ENTRIES} entries"),
            ));
        }
        let name = entry_name(raw)?;
        if !name.is_empty() && !self.seen.insert(name.clone()) {
            return Err(Refusal::new(
                format!("条目 {name} 出现了两次"),
                format!("the entry {name} occurs twice"),
            ));
        }
        Ok(name)
    }

    /// Reads the text of the file entry `name` from `r` (metered already).
    fn add(&mut self, name: String, r: impl Read) -> Result<(), Refusal> {
        let mut bytes = Vec::new();
        let limit = hegui_lang::syntax::limits::MAX_FILE_BYTES as u64;
        r.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(Refusal::io)?;
        if bytes.len() as u64 > limit {
            return Err(Refusal::new(
                format!("条目 {name} 超过 {limit} 字节"),
                format!("the entry {name} is over {limit} bytes"),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Refusal::new(
                format!("条目 {name} 不是 UTF-8 文本"),
                format!("the entry {name} is not UTF-8 text"),
            )
        })?;
        self.files.push((name, text));
        Ok(())
    }
}

/// An entry's name as a relative path of `/`-separated parts (`.` and empty
/// parts dropped; a folder's name may come out empty). A name that could
/// leave the archive's folder, or is not UTF-8, is refused.
fn entry_name(raw: &[u8]) -> Result<String, Refusal> {
    let refuse = |shown: &str| {
        Refusal::new(
            format!("条目名 {shown} 指向归档之外（绝对路径或 ..），已拒绝"),
            format!("the entry name {shown} points outside the archive (absolute or ..): refused"),
        )
    };
    let Ok(s) = std::str::from_utf8(raw) else {
        return Err(Refusal::new(
            "有条目名不是 UTF-8".into(),
            "an entry name is not UTF-8".into(),
        ));
    };
    let s = s.replace('\\', "/");
    if s.starts_with('/') || s.as_bytes().get(1) == Some(&b':') || s.contains('\0') {
        return Err(refuse(&s));
    }
    let mut parts = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(refuse(&s)),
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

fn is_policy_file(name: &str) -> bool {
    name.ends_with(".hegui")
}

fn read_tar_gz(file: std::fs::File, budget: &Budget, out: &mut Entries) -> Result<(), Refusal> {
    use tar::EntryType;
    // Every decompressed byte counts, those of skipped entries too.
    let gz = budget.wrap(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
        file,
    )));
    let mut archive = tar::Archive::new(gz);
    for entry in archive.entries().map_err(Refusal::io)? {
        let entry = entry.map_err(Refusal::io)?;
        let name = out.admit(&entry.path_bytes())?;
        match entry.header().entry_type() {
            EntryType::Regular | EntryType::Continuous => {
                if is_policy_file(&name) {
                    out.add(name, entry)?;
                }
            }
            EntryType::Directory | EntryType::XGlobalHeader | EntryType::XHeader => {}
            _ => {
                return Err(Refusal::new(
                    format!("条目 {name} 是链接或特殊文件，已拒绝"),
                    format!("the entry {name} is a link or a special file: refused"),
                ))
            }
        }
    }
    Ok(())
}

fn read_zip(file: std::fs::File, budget: &Budget, out: &mut Entries) -> Result<(), Refusal> {
    // The zip reader's text is English: the Chinese message describes it.
    let damaged = |e: zip::result::ZipError| {
        Refusal::new(
            "归档已损坏或无法解压".into(),
            format!("it is damaged or cannot be decompressed: {e}"),
        )
    };
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(damaged)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::new(
            format!("条目超过 {MAX_ENTRIES} 个"),
            format!("it has more than {MAX_ENTRIES} entries"),
        ));
    }
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(damaged)?;
        let name = out.admit(entry.name_raw())?;
        if entry.is_symlink() {
            return Err(Refusal::new(
                format!("条目 {name} 是链接，已拒绝"),
                format!("the entry {name} is a link: refused"),
            ));
        }
        if entry.is_file() && is_policy_file(&name) {
            out.add(name, budget.wrap(entry))?;
        }
    }
    Ok(())
}

/// How many more bytes may be read out of the archive; a read past it fails
/// and marks the budget exceeded (the readers above report their own error,
/// the mark says why).
struct Budget {
    left: Cell<u64>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn new(bytes: u64) -> Budget {
        Budget {
            left: Cell::new(bytes),
            exceeded: Cell::new(false),
        }
    }

    fn wrap<R: Read>(&self, inner: R) -> Metered<'_, R> {
        Metered {
            inner,
            budget: self,
        }
    }
}

struct Metered<'a, R> {
    inner: R,
    budget: &'a Budget,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let left = self.budget.left.get();
        if n as u64 > left {
            self.budget.exceeded.set(true);
            return Err(std::io::Error::other("the unpacked size is over its limit"));
        }
        self.budget.left.set(left - n as u64);
        Ok(n)
    }
}

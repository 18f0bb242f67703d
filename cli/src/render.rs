//! Terminal rendering of diagnostics with codespan-reporting: the snippet of
//! source under each label, the rule's citations, obligation and fixes as notes.
//! `lang` gives the data (`hegui_lang::diag::Diagnostic`); how it looks in a
//! terminal is the CLI's business.

use codespan_reporting::diagnostic as cd;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status};
use hegui_lang::syntax::ast::Span;
use std::collections::HashMap;

/// Files a renderer can show snippets of: path and text.
pub trait SourceLookup {
    fn text_of(&self, path: &str) -> Option<&str>;
}

pub fn to_string(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    lang: Lang,
    color: bool,
) -> String {
    let mut out: Vec<u8> = Vec::new();
    let _ = write(&mut out, diags, sources, lang, color);
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders `diags` into `out` one after the other: a check's output goes to
/// a buffered stdout as it is rendered, never held whole (at 100,000 flows it
/// is 200 MB of text).
pub fn write<'d, 's>(
    out: &mut dyn std::io::Write,
    diags: impl IntoIterator<Item = &'d Diagnostic>,
    sources: &'s dyn SourceLookup,
    lang: Lang,
    color: bool,
) -> std::io::Result<()> {
    let mut r = Renderer::new(sources, lang, color);
    for d in diags {
        r.write(out, d)?;
    }
    Ok(())
}

/// Renders diagnostics one at a time with one table of the files shown (each
/// file's lines indexed once), so that a caller can build each diagnostic
/// just before it is shown and drop it after.
pub struct Renderer<'s> {
    // The files' texts are borrowed from `sources`, not copied.
    files: SimpleFiles<String, &'s str>,
    ids: HashMap<String, Option<usize>>,
    sources: &'s dyn SourceLookup,
    lang: Lang,
    color: bool,
    config: term::Config,
}

impl<'s> Renderer<'s> {
    pub fn new(sources: &'s dyn SourceLookup, lang: Lang, color: bool) -> Renderer<'s> {
        Renderer {
            files: SimpleFiles::new(),
            ids: HashMap::new(),
            sources,
            lang,
            color,
            config: term::Config::default(),
        }
    }

    fn id_of(&mut self, path: &str) -> Option<usize> {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = self
            .sources
            .text_of(path)
            .map(|text| self.files.add(path.to_string(), text));
        self.ids.insert(path.to_string(), id);
        id
    }

    pub fn write(&mut self, out: &mut dyn std::io::Write, d: &Diagnostic) -> std::io::Result<()> {
        let (lang, color, sources) = (self.lang, self.color, self.sources);
        let sev = match d.severity {
            Severity::Error => cd::Severity::Error,
            Severity::Warning => cd::Severity::Warning,
            Severity::Info => cd::Severity::Note,
            Severity::Hint => cd::Severity::Help,
        };
        // A waived finding is shown, quietly: as help, its message marked.
        let (sev, message) = match (d.status, lang) {
            (Status::Waived, Lang::Zh) => (
                cd::Severity::Help,
                format!("[已豁免] {}", d.message(Lang::Zh)),
            ),
            (Status::Waived, Lang::En) => (
                cd::Severity::Help,
                format!("[waived] {}", d.message(Lang::En)),
            ),
            _ => (sev, d.message(lang).to_string()),
        };
        let mut cdiag = cd::Diagnostic::new(sev)
            .with_code(d.code.clone())
            .with_message(message);
        let mut labels = Vec::new();
        if let Some(id) = self.id_of(&d.location.file) {
            labels.push(cd::Label::primary(
                id,
                clamp(d.location.span, sources.text_of(&d.location.file)),
            ));
        }
        for l in &d.labels {
            if let Some(id) = self.id_of(&l.location.file) {
                labels.push(
                    cd::Label::secondary(
                        id,
                        clamp(l.location.span, sources.text_of(&l.location.file)),
                    )
                    .with_message(l.message.get(lang)),
                );
            }
        }
        let mut notes: Vec<String> = d.notes().map(|n| n.get(lang).to_string()).collect();
        for c in d.citations().iter() {
            notes.push(match lang {
                Lang::Zh => format!("依据：{}", c.zh),
                Lang::En => format!("cite: {}", c.en),
            });
        }
        if let Some(o) = &d.obligation {
            let due = o.due_text().unwrap_or_else(|| "—".into());
            notes.push(match lang {
                Lang::Zh => format!("义务：{}（截止 {}）", o.text.zh, due),
                Lang::En => format!("obligation: {} (due {})", o.text.en, due),
            });
        }
        for f in &d.fixes {
            notes.push(match lang {
                Lang::Zh => format!("修复：{}", f.title.zh),
                Lang::En => format!("fix: {}", f.title.en),
            });
        }
        cdiag = cdiag.with_labels(labels).with_notes(notes);
        if color {
            term::emit(
                &mut term::termcolor::Ansi::new(&mut *out),
                &self.config,
                &self.files,
                &cdiag,
            )
        } else {
            term::emit(
                &mut term::termcolor::NoColor::new(&mut *out),
                &self.config,
                &self.files,
                &cdiag,
            )
        }
        .map_err(|e| match e {
            codespan_reporting::files::Error::Io(e) => e,
            e => std::io::Error::other(e.to_string()),
        })
    }
}

/// Keeps a span inside its text and on character boundaries, so rendering never panics.
fn clamp(span: Span, text: Option<&str>) -> std::ops::Range<usize> {
    let Some(text) = text else { return 0..0 };
    let mut s = (span.start as usize).min(text.len());
    let mut e = (span.end as usize).min(text.len()).max(s);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

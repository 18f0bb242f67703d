//! Requests answered from the IDE layer, run on the analysis thread. An
//! unknown document or a position past its end gives an empty answer.

use crate::position::Lines;
use crate::worker::{Snapshot, View};
use hegui_lang::diag::{Edit, Location};
use hegui_lang::ide;
use hegui_lang::syntax::ast::Span;
use std::collections::HashMap;
use tower_lsp_server::ls_types as lsp;

/// The document's path and text, and the byte offset of `pos` if given.
fn locate(s: &View, uri: &lsp::Uri) -> Option<(String, std::sync::Arc<str>)> {
    let path = s.paths.path_of(uri);
    let text = s.analysis.text(&path)?;
    Some((path, text))
}

fn at(s: &View, p: &lsp::TextDocumentPositionParams) -> Option<(String, usize)> {
    let (path, text) = locate(s, &p.text_document.uri)?;
    let off = Lines::new(&text, s.enc).offset(p.position)?;
    Some((path, off as usize))
}

pub fn location(s: &View, l: &Location) -> Option<lsp::Location> {
    let text = s.analysis.text(&l.file)?;
    Some(lsp::Location {
        uri: s.paths.uri_of(s.analysis, &l.file)?,
        range: Lines::new(&text, s.enc).range(l.span),
    })
}

/// [`location`] of many, one line table and URI per file: references of a
/// large exporter are a thousand places in a few hundred files, and
/// indexing a file's lines once per place was most of the answer's time.
/// `locs` come grouped by file (as `references_of` gives them); a file
/// seen again later is indexed again, nothing worse.
fn locations<'l>(
    s: &View,
    locs: impl IntoIterator<Item = &'l Location>,
) -> Vec<Option<lsp::Location>> {
    let locs: Vec<&Location> = locs.into_iter().collect();
    let mut out = Vec::with_capacity(locs.len());
    for group in locs.chunk_by(|a, b| a.file == b.file) {
        let file = &group[0].file;
        let known = s
            .analysis
            .text(file)
            .and_then(|t| Some((s.paths.uri_of(s.analysis, file)?, t)));
        let Some((uri, text)) = known else {
            out.extend(group.iter().map(|_| None));
            continue;
        };
        let lines = Lines::new(&text, s.enc);
        out.extend(group.iter().map(|l| {
            Some(lsp::Location {
                uri: uri.clone(),
                range: lines.range(l.span),
            })
        }));
    }
    out
}

pub fn hover(s: &View, p: lsp::HoverParams) -> Option<lsp::Hover> {
    let (path, off) = at(s, &p.text_document_position_params)?;
    let h = ide::hover(s.analysis, &path, off, s.lang)?;
    let text = s.analysis.text(&path)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(Lines::new(&text, s.enc).range(h.span)),
    })
}

pub fn definition(s: &View, p: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
    let (path, off) = at(s, &p.text_document_position_params)?;
    let l = ide::goto_definition(s.analysis, &path, off)?;
    Some(lsp::GotoDefinitionResponse::Scalar(location(s, &l)?))
}

pub fn references(s: &View, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let (path, off) = at(s, &p.text_document_position)?;
    let with_decl = p.context.include_declaration;
    let refs = ide::references(s.analysis, &path, off, with_decl);
    Some(locations(s, &refs).into_iter().flatten().collect())
}

fn workspace_edit(s: &View, edits: &[Edit]) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    let placed = locations(s, edits.iter().map(|e| &e.location));
    for (e, l) in edits.iter().zip(placed) {
        if let Some(l) = l {
            changes.entry(l.uri).or_default().push(lsp::TextEdit {
                range: l.range,
                new_text: e.new_text.clone(),
            });
        }
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

pub fn rename(s: &View, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>, String> {
    let Some((path, off)) = at(s, &p.text_document_position) else {
        return Ok(None);
    };
    match ide::rename(s.analysis, &path, off, &p.new_name) {
        Ok(edits) => Ok(Some(workspace_edit(s, &edits))),
        Err(ide::RenameError::NothingToRename) => Ok(None),
        Err(ide::RenameError::InvalidName) => Err(format!("`{}` is not a valid name", p.new_name)),
        Err(ide::RenameError::InStdlib) => {
            Err("the name is used in the standard library, which is read-only".into())
        }
    }
}

pub fn completion(s: &View, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    use ide::CompletionKind as K;
    let (path, off) = at(s, &p.text_document_position)?;
    let items = ide::completions(s.analysis, &path, off, s.lang)
        .into_iter()
        .map(|c| lsp::CompletionItem {
            label: c.label,
            kind: Some(match c.kind {
                K::Keyword => lsp::CompletionItemKind::KEYWORD,
                K::Field => lsp::CompletionItemKind::FIELD,
                K::Member | K::Node => lsp::CompletionItemKind::ENUM_MEMBER,
                K::Entity => lsp::CompletionItemKind::VARIABLE,
                K::Rule => lsp::CompletionItemKind::REFERENCE,
                K::Kind => lsp::CompletionItemKind::CLASS,
                K::Fact => lsp::CompletionItemKind::PROPERTY,
            }),
            detail: c.detail,
            insert_text: c.insert,
            ..Default::default()
        })
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

fn symbol_kind(k: ide::SymbolKind) -> lsp::SymbolKind {
    use ide::SymbolKind as K;
    match k {
        K::Entity => lsp::SymbolKind::OBJECT,
        K::Schema => lsp::SymbolKind::STRUCT,
        K::Field => lsp::SymbolKind::FIELD,
        K::Enum => lsp::SymbolKind::ENUM,
        K::Member | K::Node => lsp::SymbolKind::ENUM_MEMBER,
        K::Tree => lsp::SymbolKind::NAMESPACE,
        K::Derive => lsp::SymbolKind::PROPERTY,
        K::Const => lsp::SymbolKind::CONSTANT,
        K::Rule => lsp::SymbolKind::FUNCTION,
        K::Test => lsp::SymbolKind::METHOD,
    }
}

#[allow(deprecated, reason = "DocumentSymbol::deprecated must be given")]
fn document_symbol(lines: &Lines, sym: ide::Symbol) -> lsp::DocumentSymbol {
    let range = lines.range(sym.span);
    let mut selection = lines.range(sym.name_span);
    if selection.start < range.start || selection.end > range.end {
        selection = range;
    }
    lsp::DocumentSymbol {
        name: sym.name,
        detail: sym.detail,
        kind: symbol_kind(sym.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: Some(
            sym.children
                .into_iter()
                .map(|c| document_symbol(lines, c))
                .collect(),
        ),
    }
}

pub fn document_symbols(s: &View, uri: &lsp::Uri) -> Option<lsp::DocumentSymbolResponse> {
    let (path, text) = locate(s, uri)?;
    let lines = Lines::new(&text, s.enc);
    let syms = ide::document_symbols(s.analysis, &path, s.lang)
        .into_iter()
        .map(|x| document_symbol(&lines, x))
        .collect();
    Some(lsp::DocumentSymbolResponse::Nested(syms))
}

/// The symbols of every workspace matching `query`.
pub fn workspace_symbols(roots: &[Snapshot], query: &str) -> Option<lsp::WorkspaceSymbolResponse> {
    let out = roots
        .iter()
        .flat_map(|r| root_symbols(&r.view(), query))
        .collect();
    Some(lsp::WorkspaceSymbolResponse::Flat(out))
}

#[allow(deprecated, reason = "SymbolInformation::deprecated must be given")]
fn root_symbols(s: &View, query: &str) -> Vec<lsp::SymbolInformation> {
    let found = ide::workspace_symbols(s.analysis, query, s.lang, 512);
    found
        .into_iter()
        .filter_map(|(path, sym)| {
            let location = location(
                s,
                &Location {
                    file: path.clone(),
                    span: sym.name_span,
                },
            )?;
            Some(lsp::SymbolInformation {
                name: sym.name,
                kind: symbol_kind(sym.kind),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(path),
            })
        })
        .collect()
}

pub fn folding(s: &View, uri: &lsp::Uri) -> Option<Vec<lsp::FoldingRange>> {
    let (path, text) = locate(s, uri)?;
    let lines = Lines::new(&text, s.enc);
    let out = ide::folding_ranges(s.analysis, &path)
        .into_iter()
        .map(|sp| lines.range(sp))
        .filter(|r| r.end.line > r.start.line)
        .map(|r| lsp::FoldingRange {
            start_line: r.start.line,
            end_line: r.end.line,
            ..Default::default()
        })
        .collect();
    Some(out)
}

pub fn inlay_hints(s: &View, p: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let (path, text) = locate(s, &p.text_document.uri)?;
    let lines = Lines::new(&text, s.enc);
    let start = lines.offset_clamped(p.range.start);
    let end = lines.offset_clamped(p.range.end);
    let out = ide::inlay_hints(s.analysis, &path, start, end, s.lang)
        .into_iter()
        .map(|h| lsp::InlayHint {
            position: lines.position(h.offset),
            label: lsp::InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: Some(lsp::InlayHintTooltip::String(h.tooltip)),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Some(out)
}

pub fn code_actions(s: &View, p: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let (path, text) = locate(s, &p.text_document.uri)?;
    let lines = Lines::new(&text, s.enc);
    let span = Span {
        start: lines.offset_clamped(p.range.start),
        end: lines.offset_clamped(p.range.end),
    };
    let out = ide::code_actions(s.analysis, &path, span)
        .into_iter()
        .map(|act| {
            let diagnostics = crate::diagnostics::to_lsp(
                s.analysis,
                s.paths,
                &act.diagnostics,
                &lines,
                s.enc,
                s.lang,
            );
            let diagnostics = (!diagnostics.is_empty()).then_some(diagnostics);
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: act.title.get(s.lang).to_string(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics,
                edit: Some(workspace_edit(s, &act.edits)),
                is_preferred: act.preferred.then_some(true),
                ..Default::default()
            })
        })
        .collect();
    Some(out)
}

/// The legend: token types in the order of `ide::TokenKind::ALL`.
pub fn token_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: vec![
            lsp::SemanticTokenType::VARIABLE,
            lsp::SemanticTokenType::TYPE,
            lsp::SemanticTokenType::PROPERTY,
            lsp::SemanticTokenType::ENUM_MEMBER,
            lsp::SemanticTokenType::FUNCTION,
            lsp::SemanticTokenType::VARIABLE,
        ],
        token_modifiers: vec![
            lsp::SemanticTokenModifier::DECLARATION,
            lsp::SemanticTokenModifier::READONLY,
        ],
    }
}

pub fn semantic_tokens(s: &View, uri: &lsp::Uri) -> Option<lsp::SemanticTokensResult> {
    let (path, text) = locate(s, uri)?;
    let lines = Lines::new(&text, s.enc);
    let mut data = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in ide::semantic_tokens(s.analysis, &path) {
        let r = lines.range(t.span);
        if r.start.line != r.end.line {
            continue;
        }
        let ty = ide::TokenKind::ALL
            .iter()
            .position(|k| *k == t.kind)
            .unwrap_or(0) as u32;
        let mut mods = u32::from(t.decl);
        if t.kind == ide::TokenKind::Const {
            mods |= 2;
        }
        let delta_line = r.start.line - line;
        let delta_start = if delta_line == 0 {
            r.start.character - col
        } else {
            r.start.character
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: r.end.character - r.start.character,
            token_type: ty,
            token_modifiers_bitset: mods,
        });
        line = r.start.line;
        col = r.start.character;
    }
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
        result_id: None,
        data,
    }))
}

/// The whole document, formatted (nothing when it does not parse).
pub fn formatting(s: &View, uri: &lsp::Uri) -> Option<Vec<lsp::TextEdit>> {
    let (path, text) = locate(s, uri)?;
    if s.analysis.is_stdlib(&path) {
        return None;
    }
    let formatted = hegui_lang::fmt::format(&path, &text).ok()?;
    if formatted == *text {
        return Some(Vec::new());
    }
    let lines = Lines::new(&text, s.enc);
    Some(vec![lsp::TextEdit {
        range: lines.range(Span::new(0, text.len())),
        new_text: formatted,
    }])
}

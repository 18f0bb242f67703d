//! Doc comments: the `///` block written above an item.

/// The `///` lines directly above `offset` (blank lines break the block).
pub fn doc_above(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let mut lines: Vec<&str> = Vec::new();
    // Skip the (possibly indented) start of the item's own line.
    let mut rest = match before.rfind('\n') {
        Some(i) => &before[..i],
        None => return None,
    };
    loop {
        let (head, line) = match rest.rfind('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => ("", rest),
        };
        let t = line.trim();
        if let Some(doc) = t.strip_prefix("///") {
            lines.push(doc.strip_prefix(' ').unwrap_or(doc));
        } else {
            break;
        }
        if head.is_empty() && !rest.contains('\n') {
            break;
        }
        rest = head;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

//! Counted nouns in English messages: "1 file", "2 files". Chinese counts
//! take a measure word and no plural, so only English needs this.

/// `n` with its noun: `one` when `n` is 1, `many` otherwise (also for 0).
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::count(1, "file", "files"), "1 file");
        assert_eq!(super::count(0, "file", "files"), "0 files");
        assert_eq!(super::count(2, "info", "infos"), "2 infos");
    }
}

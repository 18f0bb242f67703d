//! The row order of a group's tables, and what a finding asks of it: how many
//! distinct entities count in some rows of some of the tables, and the first
//! few by name, at a cost that does not grow with the rows (a big exporter's
//! tables hold most of its flows, and each of its findings asks).
//!
//! The tables of one plan set for one group that hold the same entity on
//! every row (the same filter and range field; only the values differ) share
//! one layout, so rows are compared by position: an entity counts in a set
//! of tables at a row if one of them gives the row a value.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

/// Blocks of the name-order tree below this size are scanned row by row.
const LEAF: usize = 32;

/// See the module's comment. Derived from the tables' rows: two layouts of
/// equal tables are equal.
#[derive(Debug, Default)]
pub struct Layout {
    ranked: OnceLock<Ranked>,
    /// Per set of tables (a bitmask of their slots), how many rows before
    /// row `i` count in one of them.
    any: Mutex<FxHashMap<u64, Arc<Vec<u32>>>>,
}

impl PartialEq for Layout {
    /// What it holds is computed from the rows, which the tables compare.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Layout {}

/// The rows' name order, built on first use.
#[derive(Debug)]
struct Ranked {
    /// `rank[i]`: row `i`'s place in name order.
    rank: Vec<u32>,
    /// `levels[l]`: the row indices, sorted by rank within each aligned block
    /// of `LEAF << l` rows (a merge-sort tree); the last level is one block.
    levels: Vec<Vec<u32>>,
}

/// Rows `lo..hi` and which of them count.
pub struct Part<'a> {
    pub lo: usize,
    pub hi: usize,
    pub counts: &'a dyn Fn(usize) -> bool,
}

impl Layout {
    fn ranked<'a>(&self, len: usize, name: impl Fn(usize) -> &'a str) -> &Ranked {
        self.ranked.get_or_init(|| {
            let mut order: Vec<u32> = (0..len as u32).collect();
            order.sort_by(|&a, &b| name(a as usize).cmp(name(b as usize)));
            let mut rank = vec![0u32; len];
            for (r, &i) in order.iter().enumerate() {
                rank[i as usize] = r as u32;
            }
            let mut level: Vec<u32> = (0..len as u32).collect();
            for block in level.chunks_mut(LEAF) {
                block.sort_by_key(|&i| rank[i as usize]);
            }
            let mut levels = vec![level];
            let mut size = LEAF;
            while size < len {
                let below = levels.last().map(Vec::as_slice).unwrap_or_default();
                let mut next = Vec::with_capacity(below.len());
                for pair in below.chunks(2 * size) {
                    let (a, b) = pair.split_at(size.min(pair.len()));
                    merge_by_rank(a, b, &rank, &mut next);
                }
                levels.push(next);
                size *= 2;
            }
            Ranked { rank, levels }
        })
    }

    /// How many of rows `lo..hi` count in one of the tables of `mask`
    /// (`counts` says whether a row does; `rows`: how many the tables have).
    pub fn count_any(
        &self,
        mask: u64,
        rows: usize,
        lo: usize,
        hi: usize,
        counts: impl Fn(usize) -> bool,
    ) -> usize {
        let prefix = {
            let Ok(mut kept) = self.any.lock() else {
                return (lo..hi).filter(|&i| counts(i)).count();
            };
            kept.entry(mask)
                .or_insert_with(|| {
                    let mut p = Vec::with_capacity(rows + 1);
                    let mut n = 0u32;
                    p.push(0);
                    for i in 0..rows {
                        n += u32::from(counts(i));
                        p.push(n);
                    }
                    Arc::new(p)
                })
                .clone()
        };
        (prefix[hi] - prefix[lo]) as usize
    }

    /// The first `k` rows in name order (`name`: row `i`'s entity, of `len`
    /// rows) among the rows of `parts` that count; the parts do not overlap.
    pub fn first_by_name<'a>(
        &self,
        len: usize,
        name: impl Fn(usize) -> &'a str,
        parts: &[Part],
        k: usize,
    ) -> Vec<usize> {
        if k == 0 || len == 0 {
            return Vec::new();
        }
        let ranked = self.ranked(len, name);
        let rank = &ranked.rank;
        // Whole blocks of the tree (sorted by rank), and rows scanned directly.
        let mut blocks: Vec<(&[u32], usize)> = Vec::new();
        let mut loose: Vec<(u32, usize)> = Vec::new();
        let top = ranked.levels.len() - 1;
        for (p, part) in parts.iter().enumerate() {
            let hi = part.hi.min(len);
            if part.lo >= hi {
                continue;
            }
            let mut stack = vec![(top, 0usize)];
            while let Some((level, b)) = stack.pop() {
                let size = LEAF << level;
                let (s, e) = (b * size, ((b + 1) * size).min(len));
                if e <= part.lo || s >= hi {
                    continue;
                }
                if part.lo <= s && e <= hi {
                    blocks.push((&ranked.levels[level][s..e], p));
                } else if level == 0 {
                    loose.extend(
                        (s.max(part.lo)..e.min(hi))
                            .filter(|&i| (part.counts)(i))
                            .map(|i| (rank[i], i)),
                    );
                } else {
                    stack.push((level - 1, 2 * b + 1));
                    stack.push((level - 1, 2 * b));
                }
            }
        }
        // The first k of the whole blocks, merged through a heap.
        let mut heap: BinaryHeap<Reverse<(u32, usize, usize)>> = blocks
            .iter()
            .enumerate()
            .map(|(n, (rows, _))| Reverse((rank[rows[0] as usize], n, 0)))
            .collect();
        let mut first: Vec<(u32, usize)> = Vec::with_capacity(k + loose.len());
        while let Some(Reverse((r, n, at))) = heap.pop() {
            let (rows, p) = blocks[n];
            let row = rows[at] as usize;
            if (parts[p].counts)(row) {
                first.push((r, row));
                if first.len() == k {
                    break;
                }
            }
            if let Some(&next) = rows.get(at + 1) {
                heap.push(Reverse((rank[next as usize], n, at + 1)));
            }
        }
        first.extend(loose);
        first.sort_unstable();
        first.truncate(k);
        first.into_iter().map(|(_, row)| row).collect()
    }
}

fn merge_by_rank(a: &[u32], b: &[u32], rank: &[u32], out: &mut Vec<u32>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if rank[a[i] as usize] <= rank[b[j] as usize] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against sorting every counting row of the parts: the first k by name.
    #[test]
    fn first_by_name_is_the_sorted_prefix_of_the_counting_rows() {
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for len in [1usize, 5, 31, 32, 33, 64, 100, 257, 1000] {
            let names: Vec<String> = (0..len).map(|_| format!("f{}", next(100_000))).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let zero: Vec<bool> = (0..len).map(|_| next(3) == 0).collect();
            let layout = Layout::default();
            for _ in 0..20 {
                let a = next(len + 1);
                let b = a + next(len + 1 - a);
                let c = b + next(len + 1 - b);
                let counts = |i: usize| !zero[i];
                let all = |_: usize| true;
                let parts = [
                    Part {
                        lo: a,
                        hi: b,
                        counts: &counts,
                    },
                    Part {
                        lo: b,
                        hi: c,
                        counts: &all,
                    },
                ];
                let k = 1 + next(12);
                let mut want: Vec<usize> = (a..b).filter(|&i| !zero[i]).chain(b..c).collect();
                want.sort_by(|&x, &y| names[x].cmp(names[y]).then(x.cmp(&y)));
                let got = layout.first_by_name(len, |i| names[i], &parts, k);
                let shown = |v: &[usize]| v.iter().map(|&i| names[i]).collect::<Vec<_>>();
                want.truncate(k);
                assert_eq!(shown(&got), shown(&want), "len {len}, {a}..{b}..{c}, k {k}");
            }
        }
    }
}

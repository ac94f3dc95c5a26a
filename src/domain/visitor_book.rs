//! Unique visitors per share and day, kept in the memory of the one process that writes
//! clicks.
//!
//! A click is a *unique* click when its visitor has no other counted (human) click on the
//! same share that day. Keeping that knowledge in a database table costs one random B-tree
//! write per click — on SQLite more than half of the click writer's work, because visitor
//! hashes are random and every batch dirties pages all over the table. On SQLite one
//! process owns the file, so the writer can keep the counts in memory instead and rebuild a
//! day from the stored clicks when it needs one it does not hold (after a restart, or when
//! an old journal is replayed). PostgreSQL installs may run several writers and keep the
//! table.
//!
//! The book changes only after a commit: a batch collects its [`Changes`] against the book,
//! the caller commits, then [`VisitorBook::apply`]s them. A batch that fails leaves the
//! book as it was — or, when the outcome of the commit is unknown, the caller
//! [`VisitorBook::forget`]s everything and the days are rebuilt from what was stored.

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;

/// A visitor hash as a number: the 32 hex digits written by [`super::visitor`] (128
/// bits); anything else — imported or hand-written rows — is hashed to 128 bits, so that
/// every stored visitor has exactly one key.
pub fn visitor_key(visitor: &str) -> u128 {
    if visitor.len() == 32 {
        if let Ok(key) = u128::from_str_radix(visitor, 16) {
            return key;
        }
    }
    let hash = blake3::hash(visitor.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    // Hex keys are all below 2^128 too; a collision between the two kinds is as likely as
    // one between two hashes.
    u128::from_be_bytes(bytes)
}

/// (share, visitor) within a day. The visitor is split in two `u64`s so that an entry
/// needs 8-byte alignment (24 bytes) rather than the 16 of a `u128` (32 bytes).
type Key = (i64, u64, u64);

fn key(share_id: i64, visitor: u128) -> Key {
    (share_id, (visitor >> 64) as u64, visitor as u64)
}

/// Human clicks per (share, visitor), for the days the writer holds. ≈ 40 bytes per
/// visitor and share: a million of them a day is ≈ 40 MB.
#[derive(Debug, Default)]
pub struct VisitorBook {
    days: HashMap<NaiveDate, HashMap<Key, u32>>,
}

impl VisitorBook {
    /// Whether the day is held (loaded, or started empty).
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.days.contains_key(&day)
    }

    /// Takes a day's human clicks per (share, visitor), replacing what was held for it.
    pub fn load(&mut self, day: NaiveDate, counts: impl IntoIterator<Item = (i64, u128, u32)>) {
        let counts = counts.into_iter();
        let mut held: HashMap<Key, u32> = HashMap::with_capacity(counts.size_hint().0);
        held.extend(
            counts
                .filter(|(_, _, n)| *n > 0)
                .map(|(share_id, visitor, n)| (key(share_id, visitor), n)),
        );
        self.days.insert(day, held);
    }

    /// Human clicks of the visitor on the share that day (0 for a day not held).
    pub fn count(&self, day: NaiveDate, share_id: i64, visitor: u128) -> u32 {
        self.days
            .get(&day)
            .and_then(|d| d.get(&key(share_id, visitor)))
            .copied()
            .unwrap_or(0)
    }

    /// Makes a committed batch's changes part of the book.
    pub fn apply(&mut self, changes: Changes) {
        for ((day, k), delta) in changes.delta {
            let Some(held) = self.days.get_mut(&day) else {
                continue; // the day was dropped meanwhile; it is rebuilt when needed
            };
            let now = i64::from(held.get(&k).copied().unwrap_or(0)) + delta;
            if now > 0 {
                held.insert(k, u32::try_from(now).unwrap_or(u32::MAX));
            } else {
                held.remove(&k);
            }
        }
    }

    /// Drops the days before `oldest` (they are rebuilt from the clicks if ever needed).
    pub fn keep_from(&mut self, oldest: NaiveDate) {
        self.days.retain(|day, _| *day >= oldest);
    }

    /// Drops everything: after a commit whose outcome is unknown, only the database knows.
    pub fn forget(&mut self) {
        self.days.clear();
    }

    /// The days held, in no order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.days.keys().copied()
    }

    /// (share, visitor) pairs held, over all days.
    pub fn len(&self) -> usize {
        self.days.values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A batch's changes to the book, not yet committed.
#[derive(Debug, Default)]
pub struct Changes {
    delta: HashMap<(NaiveDate, Key), i64>,
}

impl Changes {
    /// Counts `n` more human clicks of the visitor; true when they are the visitor's first
    /// on the share that day.
    pub fn add(
        &mut self,
        book: &VisitorBook,
        day: NaiveDate,
        share_id: i64,
        visitor: u128,
        n: u32,
    ) -> bool {
        let before = self.current(book, day, share_id, visitor);
        *self.delta.entry((day, key(share_id, visitor))).or_default() += i64::from(n);
        before == 0 && n > 0
    }

    /// Takes one human click of the visitor away (it turned out to be part of a burst);
    /// true when it was their last on the share that day, so they are no longer a unique
    /// visitor there.
    pub fn remove_one(
        &mut self,
        book: &VisitorBook,
        day: NaiveDate,
        share_id: i64,
        visitor: u128,
    ) -> bool {
        let before = self.current(book, day, share_id, visitor);
        if before == 0 {
            return false;
        }
        *self.delta.entry((day, key(share_id, visitor))).or_default() -= 1;
        before == 1
    }

    fn current(&self, book: &VisitorBook, day: NaiveDate, share_id: i64, visitor: u128) -> i64 {
        i64::from(book.count(day, share_id, visitor))
            + self
                .delta
                .get(&(day, key(share_id, visitor)))
                .copied()
                .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn hex_visitors_are_their_own_key() {
        assert_eq!(visitor_key("0000000000000000000000000000002a"), 42);
        assert_eq!(
            visitor_key("ffffffffffffffffffffffffffffffff"),
            u128::MAX,
            "all 128 bits"
        );
    }

    #[test]
    fn other_visitors_are_hashed_stably() {
        let a = visitor_key("imported-visitor-7");
        assert_eq!(a, visitor_key("imported-visitor-7"));
        assert_ne!(a, visitor_key("imported-visitor-8"));
        assert_ne!(visitor_key("xyz"), visitor_key("XYZ"));
        // 32 characters that are not hex are hashed, not refused.
        let odd = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
        assert_eq!(visitor_key(odd), visitor_key(odd));
    }

    #[test]
    fn the_first_click_of_a_visitor_is_new_and_later_ones_are_not() {
        let mut book = VisitorBook::default();
        book.load(day(23), []);
        let mut changes = Changes::default();
        assert!(changes.add(&book, day(23), 1, 7, 1));
        assert!(!changes.add(&book, day(23), 1, 7, 1), "same batch");
        assert!(changes.add(&book, day(23), 2, 7, 1), "another share");
        assert!(changes.add(&book, day(22), 1, 7, 1), "another day");
        book.apply(changes);
        assert_eq!(book.count(day(23), 1, 7), 2);
        let mut next = Changes::default();
        assert!(!next.add(&book, day(23), 1, 7, 1), "a later batch");
        assert!(next.add(&book, day(23), 1, 8, 3), "several clicks at once");
    }

    #[test]
    fn changes_count_only_once_applied() {
        let mut book = VisitorBook::default();
        book.load(day(23), [(1, 7, 2)]);
        let mut failed = Changes::default();
        assert!(failed.add(&book, day(23), 1, 9, 1));
        drop(failed); // the commit failed: nothing applied
        assert_eq!(book.count(day(23), 1, 9), 0);
        let mut retry = Changes::default();
        assert!(retry.add(&book, day(23), 1, 9, 1), "still new on the retry");
        assert!(
            !retry.add(&book, day(23), 1, 7, 1),
            "loaded visitors are known"
        );
    }

    #[test]
    fn removing_the_last_click_ends_the_unique_visit() {
        let mut book = VisitorBook::default();
        book.load(day(23), [(1, 7, 2), (1, 8, 1)]);
        let mut changes = Changes::default();
        assert!(!changes.remove_one(&book, day(23), 1, 7), "one of two");
        assert!(changes.remove_one(&book, day(23), 1, 7), "the last");
        assert!(
            !changes.remove_one(&book, day(23), 1, 7),
            "nothing left to remove"
        );
        assert!(changes.remove_one(&book, day(23), 1, 8));
        assert!(
            changes.add(&book, day(23), 1, 8, 1),
            "new again after removal"
        );
        book.apply(changes);
        assert_eq!(book.count(day(23), 1, 7), 0);
        assert_eq!(book.count(day(23), 1, 8), 1);
        assert_eq!(book.len(), 1, "zero counts are not kept");
    }

    #[test]
    fn loading_replaces_a_day_and_skips_zero_counts() {
        let mut book = VisitorBook::default();
        book.load(day(23), [(1, 7, 1)]);
        book.load(day(23), [(1, 8, 1), (1, 9, 0)]);
        assert_eq!(book.count(day(23), 1, 7), 0);
        assert_eq!(book.count(day(23), 1, 8), 1);
        assert_eq!(book.len(), 1);
    }

    #[test]
    fn old_days_are_dropped_and_forgetting_drops_all() {
        let mut book = VisitorBook::default();
        for d in [20, 21, 22, 23] {
            book.load(day(d), [(1, 7, 1)]);
        }
        book.keep_from(day(22));
        let mut held: Vec<_> = book.days().collect();
        held.sort();
        assert_eq!(held, vec![day(22), day(23)]);
        assert!(!book.holds(day(21)));
        book.forget();
        assert!(book.is_empty());
        assert!(!book.holds(day(23)));
    }

    #[test]
    fn changes_to_a_day_dropped_before_the_commit_are_ignored() {
        let mut book = VisitorBook::default();
        book.load(day(23), []);
        let mut changes = Changes::default();
        changes.add(&book, day(23), 1, 7, 1);
        book.forget();
        book.apply(changes);
        assert!(!book.holds(day(23)), "not resurrected half-empty");
    }
}

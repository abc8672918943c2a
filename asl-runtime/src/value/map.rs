//! [`Map`]: a JSON object's members, in insertion order, keyed by cheap [`Str`]s.
//!
//! Most objects a workflow handles are small (a handful of fields), so members sit in one
//! vector searched linearly: one allocation, no hashing. Past [`INDEXED_FROM`] members a hash
//! index (foldhash, a per-process seed) is kept beside the vector, as `indexmap` does.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::HashTable;

use super::{Str, Value};

/// From this many members on, lookups go through a hash index.
const INDEXED_FROM: usize = 9;

fn hash(key: &str) -> u64 {
    static SEED: OnceLock<foldhash::fast::RandomState> = OnceLock::new();
    SEED.get_or_init(Default::default).hash_one(key)
}

/// The members of a JSON object in the order they were inserted, as Jackson's
/// `LinkedHashMap` keeps them (AWS's field order).
///
/// Inserting a key that is present replaces its value in place; removing one shifts the
/// later members down, so the order of the others never changes. Equality ignores order, as
/// JSON object equality does.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Str, Value)>,
    /// Positions in `entries`, by key hash; only for maps of [`INDEXED_FROM`] members or more.
    index: Option<Box<HashTable<u32>>>,
}

impl Map {
    /// An empty object.
    #[inline]
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty object with room for `n` members.
    #[inline]
    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    /// The number of members.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[inline]
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            None => self.entries.iter().position(|(k, _)| k.as_str() == key),
            Some(ix) => ix
                .find(hash(key), |&i| self.entries[i as usize].0.as_str() == key)
                .map(|&i| i as usize),
        }
    }

    fn reindex(&mut self) {
        if self.entries.len() < INDEXED_FROM {
            self.index = None;
            return;
        }
        let mut ix = HashTable::with_capacity(self.entries.len());
        for (i, (k, _)) in self.entries.iter().enumerate() {
            ix.insert_unique(hash(k), i as u32, |&j| hash(&self.entries[j as usize].0));
        }
        self.index = Some(Box::new(ix));
    }

    /// The value of member `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The value of member `key`, to change.
    #[inline]
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Whether member `key` is present.
    #[inline]
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets member `key`, in place if present (keeping its position), else at the end.
    /// Returns the value it replaced.
    #[inline]
    pub fn insert(&mut self, key: impl Into<Str>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.push(key, value);
                None
            }
        }
    }

    /// Appends member `key`, which the caller knows is absent: generated code building an
    /// object whose keys the compiler saw are distinct. (A present key would be duplicated.)
    #[doc(hidden)]
    #[inline]
    pub fn push_absent(&mut self, key: Str, value: Value) {
        debug_assert!(!self.contains_key(&key), "duplicate key {key}");
        self.push(key, value);
    }

    /// Appends a member known to be absent.
    #[inline]
    fn push(&mut self, key: Str, value: Value) {
        let i = self.entries.len();
        let h = self.index.as_ref().map(|_| hash(&key));
        self.entries.push((key, value));
        match (&mut self.index, h) {
            (Some(ix), Some(h)) => {
                let entries = &self.entries;
                ix.insert_unique(h, i as u32, |&j| hash(&entries[j as usize].0));
            }
            _ if self.entries.len() >= INDEXED_FROM => self.reindex(),
            _ => {}
        }
    }

    /// Removes member `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, v) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(v)
    }

    /// The value of member `key`, inserted by `f` when absent.
    #[inline]
    pub fn get_or_insert_with(
        &mut self,
        key: impl Into<Str>,
        f: impl FnOnce() -> Value,
    ) -> &mut Value {
        let key = key.into();
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.push(key, f());
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Keeps only the members for which `f` is true.
    pub fn retain(&mut self, mut f: impl FnMut(&Str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v));
        if self.index.is_some() {
            self.reindex();
        }
    }

    /// The members in order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The members in order, values changeable.
    #[inline]
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    #[inline]
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    #[inline]
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, changeable.
    #[inline]
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The member at position `i`.
    #[inline]
    pub fn get_index(&self, i: usize) -> Option<(&Str, &Value)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }
}

/// The members of a [`Map`] in order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (Str, Value)>,
    fn(&'a (Str, Value)) -> (&'a Str, &'a Value),
>;

/// The members of a [`Map`] in order, values changeable.
pub type IterMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (Str, Value)>,
    fn(&'a mut (Str, Value)) -> (&'a Str, &'a mut Value),
>;

impl PartialEq for Map {
    /// Same members with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| v == w))
    }
}

impl Eq for Map {}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Str>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Map {
        let iter = iter.into_iter();
        let mut m = Map::with_capacity(iter.size_hint().0);
        m.extend(iter);
        m
    }
}

impl<K: Into<Str>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (Str, Value);
    type IntoIter = std::vec::IntoIter<(Str, Value)>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Str, &'a Value);
    type IntoIter = Iter<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Str, &'a mut Value);
    type IntoIter = IterMut<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    /// The member's value, or `null` when absent (as `serde_json`'s index does).
    #[inline]
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_maps_index_and_keep_order() {
        let mut m: Map = (0..40).map(|i| (format!("k{i}"), Value::from(i))).collect();
        assert!(m.index.is_some());
        assert_eq!(m.get("k33"), Some(&Value::from(33)));
        assert_eq!(m.insert("k5", Value::from(-5)), Some(Value::from(5)));
        assert_eq!(m.remove("k0"), Some(Value::from(0)));
        assert_eq!(m.get("k39"), Some(&Value::from(39)));
        assert_eq!(m.keys().next().map(Str::as_str), Some("k1"));
        assert_eq!(m.get("k5"), Some(&Value::from(-5)));
        m.retain(|k, _| k.len() == 2);
        assert_eq!(m.len(), 9);
        assert!(m.index.is_some());
        m.remove("k1");
        assert!(m.index.is_none(), "small again: linear");
        assert_eq!(m.get("k9"), Some(&Value::from(9)));
        assert!(!m.contains_key("k10"));
    }

    #[test]
    fn equality_ignores_order() {
        let a: Map = [("a", Value::from(1)), ("b", Value::from(2))]
            .into_iter()
            .collect();
        let b: Map = [("b", Value::from(2)), ("a", Value::from(1))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
    }
}

//! [`Map`]: a JSON object's members, in insertion order, keyed by cheap [`Str`]s.

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;

use indexmap::IndexMap;

use super::{Str, Value};

type Inner = IndexMap<Str, Value, foldhash::fast::RandomState>;

/// The members of a JSON object in the order they were inserted, as Jackson's
/// `LinkedHashMap` keeps them (AWS's field order), hashed with foldhash.
///
/// Inserting a key that is present replaces its value in place; removing one shifts the
/// later members down, so the order of the others never changes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Map(Inner);

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty object with room for `n` members.
    pub fn with_capacity(n: usize) -> Map {
        Map(Inner::with_capacity_and_hasher(n, Default::default()))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of member `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&Value>
    where
        Str: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(key)
    }

    /// The value of member `key`, to change.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut Value>
    where
        Str: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get_mut(key)
    }

    /// Whether member `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        Str: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.contains_key(key)
    }

    /// Sets member `key`, in place if present (keeping its position), else at the end.
    /// Returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<Str>, value: Value) -> Option<Value> {
        self.0.insert(key.into(), value)
    }

    /// Removes member `key`, keeping the order of the others.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        Str: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.shift_remove(key)
    }

    /// The value of member `key`, inserted by `f` when absent.
    pub fn get_or_insert_with(
        &mut self,
        key: impl Into<Str>,
        f: impl FnOnce() -> Value,
    ) -> &mut Value {
        self.0.entry(key.into()).or_insert_with(f)
    }

    /// Keeps only the members for which `f` is true.
    pub fn retain(&mut self, mut f: impl FnMut(&Str, &mut Value) -> bool) {
        self.0.retain(|k, v| f(k, v));
    }

    /// The members in order.
    pub fn iter(&self) -> indexmap::map::Iter<'_, Str, Value> {
        self.0.iter()
    }

    /// The members in order, values changeable.
    pub fn iter_mut(&mut self) -> indexmap::map::IterMut<'_, Str, Value> {
        self.0.iter_mut()
    }

    /// The keys in order.
    pub fn keys(&self) -> indexmap::map::Keys<'_, Str, Value> {
        self.0.keys()
    }

    /// The values in order.
    pub fn values(&self) -> indexmap::map::Values<'_, Str, Value> {
        self.0.values()
    }

    /// The values in order, changeable.
    pub fn values_mut(&mut self) -> indexmap::map::ValuesMut<'_, Str, Value> {
        self.0.values_mut()
    }

    /// The member at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&Str, &Value)> {
        self.0.get_index(i)
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
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
            self.0.insert(k.into(), v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (Str, Value);
    type IntoIter = indexmap::map::IntoIter<Str, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Str, &'a Value);
    type IntoIter = indexmap::map::Iter<'a, Str, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Str, &'a mut Value);
    type IntoIter = indexmap::map::IterMut<'a, Str, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    /// The member's value, or `null` when absent (as `serde_json`'s index does).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&Value::Null)
    }
}

//! The parent operator `%`, resolved at parse time as jsonata-js 2.0.6 does (`parser.js`:
//! `seekParent`, `pushAncestry`, `resolveAncestry` and their calls in `processAST`, then the
//! final `S0217` check).
//!
//! jsonata-js does this while it post-processes the raw tree; here the tree is already
//! post-processed (paths flattened), so this pass walks it in the order `processAST` would
//! visit the raw tree, and replays the same events:
//!
//! * every `%` gets a slot `{label, level: 1}`, numbered in that order;
//! * a node collects the unresolved slots of some of its children (its `seekingParent`
//!   list): binary operands, array items, object keys and values, call arguments (not the
//!   procedure), condition parts, the bound value of `:=`, block expressions, the operand of
//!   unary minus, sort terms (onto the sort step) and predicates (onto the filtered step) — but
//!   not lambda bodies, transforms, `~>` operands or group-by pairs;
//! * each time a path gets a step (a `.` or an order-by), the slots of the new step are sought
//!   in the steps before it (a run of steps with `@` counts as one): a `%` step raises the
//!   level, a name or wildcard lowers it and, at zero, becomes the slot's ancestor; a block is
//!   searched through its last expression and a path from its last step; anything else is
//!   `S0217`. A slot still seeking after the first step is the path's;
//! * a predicate seeks its level-1 slots in the step it filters and lowers the others;
//! * an expression that is a `%`, or still has a `seekingParent` list (even one whose slots
//!   have all resolved), at the top is `S0217`.
//!
//! jsonata-js shares its lists between nodes (a node that had none takes its first child's
//! list itself, and later additions go to both); the lists here live in an arena and are
//! shared the same way.
//!
//! The Rust tree differs from jsonata-js's in ways this pass undoes:
//! * a group-by on a path wraps the whole path, steps written after it included: the pairs are
//!   visited where they were written, found by position;
//! * `@` on an expression that is not a path makes a one-step path here, where jsonata-js
//!   keeps the expression itself (a path only once `.`, `#` or `^` makes it one): such a path
//!   stands for its step;
//! * predicates on a non-path are an [`ExprKind::Predicate`] node, and in a path the stages of
//!   the step; a step's expression may be wrapped in [`ExprKind::Group`] / `Predicate`, and
//!   the step then stands for the node inside;
//! * a string literal step is a name in the final tree, where jsonata-js keeps it a `string`
//!   node (which no `%` can climb out of) until a `.` joins it: the source text tells.
//!
//! It is the only user of the labels: the parser leaves them zero.

use std::borrow::Cow;

use super::{Expr, ExprKind, Pair, Stage, Step};

/// Where jsonata-js throws `S0217`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fault {
    /// Offset of the node at fault (the whole expression, for the final check).
    pub pos: usize,
    /// The jsonata-js type of that node (`variable`, `function`, `path`, `parent`, …), which
    /// jsonata-js reports as the error's token.
    pub token: &'static str,
}

type Res<T> = Result<T, Fault>;

/// Resolves the `%` of `expr`: sets the labels of [`ExprKind::Parent`], [`Step::ancestor`] and
/// the `tuple` flags. `expr` must come straight from the parser (its labels all zero).
pub(crate) fn resolve(expr: &mut Expr, src: &str) -> Res<()> {
    let mut pass = Pass {
        src: src.as_bytes(),
        slots: Vec::new(),
        lists: Vec::new(),
        loose: Vec::new(),
    };
    let top = pass.node(expr, None)?;
    if top.slot.is_some() || top.seeking.is_some() {
        return Err(Fault {
            pos: expr.pos,
            token: top.ty,
        });
    }
    pass.relabel(expr);
    Ok(())
}

/// A jsonata-js slot: the label, and how many steps up the `%` still has to go. Its index in
/// [`Pass::slots`] is the slot's `index` (and its initial label).
struct Slot {
    label: u32,
    level: i64,
}

/// What jsonata-js knows of a processed node.
#[derive(Clone, Copy)]
struct Info {
    /// `seekingParent`: a list of [`Pass::lists`].
    seeking: Option<usize>,
    /// `slot`: the node is a `parent` node.
    slot: Option<u32>,
    /// `type`.
    ty: &'static str,
}

impl Info {
    fn of(ty: &'static str) -> Info {
        Info {
            seeking: None,
            slot: None,
            ty,
        }
    }
}

/// The step a node is the expression of (jsonata-js: the step is the node itself).
struct Holder<'a> {
    tuple: &'a mut bool,
    ancestor: &'a mut Option<u32>,
    /// The step is a string literal that no `.` has made a name yet (a name here).
    string: bool,
}

impl Holder<'_> {
    fn of(s: &mut Step, string: bool) -> (&mut Expr, Holder<'_>) {
        let Step {
            expr,
            tuple,
            ancestor,
            ..
        } = s;
        (
            expr,
            Holder {
                tuple,
                ancestor,
                string,
            },
        )
    }

    fn reborrow(&mut self) -> Holder<'_> {
        Holder {
            tuple: self.tuple,
            ancestor: self.ancestor,
            string: self.string,
        }
    }
}

struct Pass<'s> {
    /// The expression text.
    src: &'s [u8],
    slots: Vec<Slot>,
    lists: Vec<Vec<u32>>,
    /// Ancestors of wildcards that are no step of a path (`(*)`, `*[…]` on their own): by
    /// address, only to share labels as jsonata-js does (nothing evaluates them).
    loose: Vec<(*const Expr, u32)>,
}

/// The elements of a list of the tree, without copying an empty borrowed one.
fn items<'a, T: Clone>(c: &'a mut Cow<'static, [T]>) -> &'a mut [T] {
    if c.is_empty() { &mut [] } else { c.to_mut() }
}

fn first<'a>(c: &'a mut Cow<'static, [Expr]>) -> Option<&'a mut Expr> {
    items(c).first_mut()
}

/// `#$i` was applied to the step.
fn has_index(s: &Step) -> bool {
    s.index.is_some() || s.stages.iter().any(|st| matches!(st, Stage::Index { .. }))
}

/// The first step was a jsonata-js path before a second step joined it: a name, or an
/// expression `#` was applied to. (A string literal as first step becomes a name only when
/// the second step joins.)
fn first_is_path(steps: &[Step], src: &[u8]) -> bool {
    steps.first().is_some_and(|s| {
        matches!(s.expr.kind, ExprKind::Name(_)) && !was_string(&s.expr, src) || has_index(s)
    })
}

/// A one-step path that jsonata-js keeps as the step's own node (`%@$v`, `$x@$v`): the
/// parser only makes one-step paths of names and of `@` / `#` applied to other expressions,
/// and names in a one-step path were never string literals.
pub(super) fn stands_for_step(steps: &[Step]) -> bool {
    steps.len() == 1 && !matches!(steps[0].expr.kind, ExprKind::Name(_)) && !has_index(&steps[0])
}

/// A name step written as a string literal (`a."b c"`, also with predicates or group-by):
/// jsonata-js keeps it a `string` node until a `.` joins the path it is in.
fn was_string(e: &Expr, src: &[u8]) -> bool {
    match &e.kind {
        ExprKind::Group { expr, .. } | ExprKind::Predicate { expr, .. } => {
            expr.first().is_some_and(|e| was_string(e, src))
        }
        ExprKind::Name(_) => matches!(src.get(e.pos), Some(b'"' | b'\'')),
        _ => false,
    }
}

/// The step binds a focus variable (jsonata-js tests `step.focus` for truth: not `@$`).
fn has_focus(s: &Step) -> bool {
    s.focus.as_deref().is_some_and(|f| !f.is_empty())
}

fn stage_pos(st: &Stage) -> usize {
    match st {
        Stage::Filter(e) => e.pos,
        Stage::Index { pos, .. } => *pos,
    }
}

/// The jsonata-js type of a node.
pub(super) fn type_name(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::String(_) => "string",
        ExprKind::Number(_) => "number",
        ExprKind::Bool(_) | ExprKind::Null => "value",
        ExprKind::Regex { .. } => "regex",
        ExprKind::Variable(_) => "variable",
        ExprKind::Name(_) => "name",
        ExprKind::Wildcard => "wildcard",
        ExprKind::Descendant => "descendant",
        ExprKind::Parent { .. } => "parent",
        ExprKind::Placeholder => "operator",
        ExprKind::Path { steps, .. } if stands_for_step(steps) => type_name(&steps[0].expr.kind),
        ExprKind::Path { .. } => "path",
        ExprKind::Predicate { expr, .. } | ExprKind::Group { expr, .. } => {
            expr.first().map_or("path", |e| type_name(&e.kind))
        }
        ExprKind::Sort { .. } => "sort",
        ExprKind::Binary { .. } => "binary",
        ExprKind::Negate(_) | ExprKind::Array { .. } | ExprKind::Object(_) => "unary",
        ExprKind::Block { .. } => "block",
        ExprKind::Bind { .. } => "bind",
        ExprKind::Condition { .. } | ExprKind::Default { .. } => "condition",
        ExprKind::Apply { .. } => "apply",
        ExprKind::Call { partial: true, .. } => "partial",
        ExprKind::Call { .. } => "function",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Transform { .. } => "transform",
    }
}

impl Pass<'_> {
    fn level(&self, slot: u32) -> i64 {
        self.slots[slot as usize].level
    }

    fn level_mut(&mut self, slot: u32) -> &mut i64 {
        &mut self.slots[slot as usize].level
    }

    /// jsonata-js `pushAncestry(result, value)`.
    fn push(&mut self, result: &mut Option<usize>, value: Info) {
        if value.seeking.is_none() && value.slot.is_none() {
            return;
        }
        let list = value.seeking.unwrap_or_else(|| {
            self.lists.push(Vec::new());
            self.lists.len() - 1
        });
        if let Some(slot) = value.slot {
            self.lists[list].push(slot);
        }
        match *result {
            None => *result = Some(list),
            Some(r) => {
                let more = self.lists[list].clone();
                self.lists[r].extend(more);
            }
        }
    }

    /// The slot reached level 0 at a name or wildcard: it becomes the node's ancestor, taking
    /// the label of the ancestor the node already has (jsonata-js's relabelling).
    fn attach(&mut self, ancestor: &mut Option<u32>, slot: u32) {
        if let Some(old) = *ancestor {
            self.slots[slot as usize].label = self.slots[old as usize].label;
        }
        *ancestor = Some(slot);
    }

    /// jsonata-js `processAST` of one node: visits it in jsonata-js's order and returns what
    /// jsonata-js would know of the result. `holder`: the node is the expression of that step
    /// (which, when the node is grouped or filtered, stands for the node inside).
    fn node(&mut self, e: &mut Expr, mut holder: Option<Holder<'_>>) -> Res<Info> {
        let pos = e.pos;
        let ty = type_name(&e.kind);
        let mut info = Info::of(ty);
        match &mut e.kind {
            ExprKind::String(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Regex { .. }
            | ExprKind::Variable(_)
            | ExprKind::Name(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Placeholder => {}
            ExprKind::Parent { label } => {
                let id = self.slots.len() as u32;
                self.slots.push(Slot {
                    label: id,
                    level: 1,
                });
                // the slot for now; `relabel` puts the final label
                *label = id;
                info.slot = Some(id);
            }
            ExprKind::Path { steps, .. } => return self.path(items(steps), None),
            ExprKind::Group { expr, pairs } => {
                let Some(inner) = first(expr) else {
                    return Ok(info);
                };
                if let ExprKind::Path { steps, .. } = &mut inner.kind {
                    return self.path(items(steps), Some((pos, items(pairs))));
                }
                info = self.node(inner, holder)?;
                self.pairs(items(pairs))?;
            }
            ExprKind::Predicate { expr, filters, .. } => {
                let Some(inner) = first(expr) else {
                    return Ok(info);
                };
                info = self.node(inner, holder.as_mut().map(Holder::reborrow))?;
                for f in items(filters) {
                    let h = holder.as_mut().map(Holder::reborrow);
                    self.filter(f, inner, h, &mut info.seeking)?;
                }
            }
            ExprKind::Sort { terms } => {
                for t in items(terms) {
                    let v = self.node(&mut t.expr, None)?;
                    self.push(&mut info.seeking, v);
                }
            }
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Default { lhs, rhs, .. } => {
                let l = match first(lhs) {
                    Some(x) => self.node(x, None)?,
                    None => Info::of("value"),
                };
                let r = match first(rhs) {
                    Some(x) => self.node(x, None)?,
                    None => Info::of("value"),
                };
                self.push(&mut info.seeking, l);
                self.push(&mut info.seeking, r);
            }
            ExprKind::Negate(x) | ExprKind::Bind { value: x, .. } => {
                for x in items(x) {
                    let v = self.node(x, None)?;
                    self.push(&mut info.seeking, v);
                }
            }
            ExprKind::Array { items: xs, .. } | ExprKind::Block { exprs: xs, .. } => {
                for x in items(xs) {
                    let v = self.node(x, None)?;
                    self.push(&mut info.seeking, v);
                }
            }
            ExprKind::Object(pairs) => {
                for p in items(pairs) {
                    let k = self.node(&mut p.key, None)?;
                    self.push(&mut info.seeking, k);
                    let v = self.node(&mut p.value, None)?;
                    self.push(&mut info.seeking, v);
                }
            }
            ExprKind::Condition {
                cond,
                then,
                otherwise,
            } => {
                for part in [cond, then, otherwise] {
                    for x in items(part) {
                        let v = self.node(x, None)?;
                        self.push(&mut info.seeking, v);
                    }
                }
            }
            ExprKind::Call {
                procedure, args, ..
            } => {
                for a in items(args) {
                    let v = self.node(a, None)?;
                    self.push(&mut info.seeking, v);
                }
                for p in items(procedure) {
                    self.node(p, None)?;
                }
            }
            ExprKind::Apply { lhs, rhs } => {
                for x in items(lhs).iter_mut().chain(items(rhs)) {
                    self.node(x, None)?;
                }
            }
            ExprKind::Lambda { body, .. } => {
                for x in items(body) {
                    self.node(x, None)?;
                }
            }
            ExprKind::Transform {
                pattern,
                update,
                delete,
            } => {
                for part in [pattern, update, delete] {
                    for x in items(part) {
                        self.node(x, None)?;
                    }
                }
            }
        }
        Ok(info)
    }

    /// The pairs of a group-by: visited, not collected.
    fn pairs(&mut self, pairs: &mut [Pair]) -> Res<()> {
        for p in pairs {
            self.node(&mut p.key, None)?;
            self.node(&mut p.value, None)?;
        }
        Ok(())
    }

    /// Visits the group-by pairs of the path if they were written before `pos`.
    fn group_before(&mut self, group: &mut Option<(usize, &mut [Pair])>, pos: usize) -> Res<()> {
        if group.as_ref().is_some_and(|(at, _)| pos > *at)
            && let Some((_, pairs)) = group.take()
        {
            self.pairs(pairs)?;
        }
        Ok(())
    }

    /// A predicate `[pred]` on `target` (the expression of the step `holder`, or a node that
    /// is no step), whose collected slots are `seeking`.
    fn filter(
        &mut self,
        pred: &mut Expr,
        target: &mut Expr,
        mut holder: Option<Holder<'_>>,
        seeking: &mut Option<usize>,
    ) -> Res<()> {
        let p = self.node(pred, None)?;
        let Some(list) = p.seeking else {
            return Ok(());
        };
        for i in 0..self.lists[list].len() {
            let slot = self.lists[list][i];
            if self.level(slot) == 1 {
                let h = holder.as_mut().map(Holder::reborrow);
                self.seek(target, h, slot)?;
            } else {
                *self.level_mut(slot) -= 1;
            }
        }
        self.push(seeking, p);
        Ok(())
    }

    /// The predicates of step `s` from the `from`-th, up to the first written after `until`
    /// (a group-by's offset). `string`: the step is a string literal still. Returns how far
    /// it got.
    fn stages(
        &mut self,
        s: &mut Step,
        from: usize,
        until: usize,
        mut group: Option<&mut Option<(usize, &mut [Pair])>>,
        string: bool,
        seeking: &mut Option<usize>,
    ) -> Res<usize> {
        let Step {
            expr,
            stages,
            tuple,
            ancestor,
            ..
        } = s;
        let stages = items(stages);
        let mut at = from;
        while at < stages.len() {
            let pos = stage_pos(&stages[at]);
            if pos > until {
                break;
            }
            if let Some(g) = group.as_mut() {
                self.group_before(g, pos)?;
            }
            if let Stage::Filter(f) = &mut stages[at] {
                let holder = Holder {
                    tuple: &mut *tuple,
                    ancestor: &mut *ancestor,
                    string,
                };
                self.filter(f, expr, Some(holder), seeking)?;
            }
            at += 1;
        }
        Ok(at)
    }

    /// The steps of a path (grouped by the pairs `group` written at the given offset), in
    /// jsonata-js's order: each step, its predicates, and the resolution of its slots against
    /// the steps before it.
    fn path(&mut self, steps: &mut [Step], mut group: Option<(usize, &mut [Pair])>) -> Res<Info> {
        let first_path = first_is_path(steps, self.src);
        let mut seeking = None;
        let mut first_info = Info::of("path");
        // how many steps a `.` has joined: string literals among them are names from then on
        let mut joined = 0;
        for i in 0..steps.len() {
            self.group_before(&mut group, steps[i].expr.pos)?;
            let group_at = group.as_ref().map_or(usize::MAX, |(at, _)| *at);
            let sort = matches!(steps[i].expr.kind, ExprKind::Sort { .. });
            if i == 1
                && !first_path
                && !sort
                && let Some(slot) = first_info.slot
            {
                // `.` makes a path of a `%`: the path seeks its parent
                self.lists.push(vec![slot]);
                seeking = Some(self.lists.len() - 1);
            }
            let string = was_string(&steps[i].expr, self.src);
            let (expr, holder) = Holder::of(&mut steps[i], string);
            let mut info = self.node(expr, Some(holder))?;
            // the predicates written with the step come before it joins the path; those
            // written after a group-by, or on an order-by step, come after
            let done = if sort {
                0
            } else {
                self.stages(&mut steps[i], 0, group_at, None, string, &mut info.seeking)?
            };
            if i > 0 {
                if !sort {
                    joined = i + 1;
                }
                self.resolve_last(&mut steps[..=i], info, &mut seeking, joined)?;
            }
            let string = string && joined <= i;
            let g = Some(&mut group);
            self.stages(
                &mut steps[i],
                done,
                usize::MAX,
                g,
                string,
                &mut info.seeking,
            )?;
            if i == 0 {
                first_info = info;
            }
        }
        self.group_before(&mut group, usize::MAX)?;
        if stands_for_step(steps) {
            return Ok(first_info);
        }
        Ok(Info {
            seeking,
            slot: None,
            ty: "path",
        })
    }

    /// jsonata-js `resolveAncestry`: the slots of the last of `steps` (described by `last`)
    /// are sought in the steps before it; those that go past the first step are the path's.
    /// The first `joined` steps have been joined by a `.`.
    fn resolve_last(
        &mut self,
        steps: &mut [Step],
        last: Info,
        path_seeking: &mut Option<usize>,
        joined: usize,
    ) -> Res<()> {
        let slots = match last.seeking {
            Some(list) => {
                if let Some(slot) = last.slot {
                    self.lists[list].push(slot);
                }
                self.lists[list].clone()
            }
            None => last.slot.into_iter().collect(),
        };
        for slot in slots {
            let mut index = steps.len() as isize - 2;
            while self.level(slot) > 0 {
                if index < 0 {
                    match *path_seeking {
                        Some(list) => self.lists[list].push(slot),
                        None => {
                            self.lists.push(vec![slot]);
                            *path_seeking = Some(self.lists.len() - 1);
                        }
                    }
                    break;
                }
                let mut step = index as usize;
                index -= 1;
                // contiguous steps that bind the focus count as one
                while index >= 0 && has_focus(&steps[step]) && has_focus(&steps[index as usize]) {
                    step = index as usize;
                    index -= 1;
                }
                let string = step >= joined && was_string(&steps[step].expr, self.src);
                let (expr, holder) = Holder::of(&mut steps[step], string);
                self.seek(expr, Some(holder), slot)?;
            }
        }
        Ok(())
    }

    /// jsonata-js `seekParent(node, slot)`: `e` is the node, or the expression of the step
    /// `holder`.
    fn seek(&mut self, e: &mut Expr, holder: Option<Holder<'_>>, slot: u32) -> Res<()> {
        let addr = e as *const Expr;
        match &mut e.kind {
            // the node with its predicates or grouping
            ExprKind::Group { expr, .. } | ExprKind::Predicate { expr, .. } => match first(expr) {
                Some(inner) => self.seek(inner, holder, slot),
                None => Ok(()),
            },
            ExprKind::Name(_) if holder.as_ref().is_some_and(|h| h.string) => Err(Fault {
                pos: e.pos,
                token: "string",
            }),
            ExprKind::Name(_) | ExprKind::Wildcard => {
                *self.level_mut(slot) -= 1;
                if self.level(slot) == 0 {
                    match holder {
                        Some(h) => {
                            self.attach(h.ancestor, slot);
                            *h.tuple = true;
                        }
                        None => {
                            let at = self.loose.iter().position(|(a, _)| *a == addr);
                            let mut ancestor = at.map(|i| self.loose[i].1);
                            self.attach(&mut ancestor, slot);
                            match at {
                                Some(i) => self.loose[i].1 = slot,
                                None => self.loose.push((addr, slot)),
                            }
                        }
                    }
                }
                Ok(())
            }
            ExprKind::Parent { .. } => {
                *self.level_mut(slot) += 1;
                Ok(())
            }
            ExprKind::Block { exprs, tuple, .. } => {
                if let Some(last) = items(exprs).last_mut() {
                    *tuple = true;
                    if let Some(h) = holder {
                        *h.tuple = true;
                    }
                    self.seek(last, None, slot)?;
                }
                Ok(())
            }
            ExprKind::Path { steps, tuple, .. } => {
                // a path in a block or predicate has been joined in full
                let steps = items(steps);
                if stands_for_step(steps) {
                    let (expr, holder) = Holder::of(&mut steps[0], false);
                    return self.seek(expr, Some(holder), slot);
                }
                *tuple = true;
                let mut index = steps.len();
                while index > 0 {
                    index -= 1;
                    let (expr, holder) = Holder::of(&mut steps[index], false);
                    self.seek(expr, Some(holder), slot)?;
                    if self.level(slot) <= 0 {
                        break;
                    }
                }
                Ok(())
            }
            kind => Err(Fault {
                pos: e.pos,
                token: type_name(kind),
            }),
        }
    }

    /// Replaces the slot numbers left in the tree by the slots' final labels.
    fn relabel(&self, e: &mut Expr) {
        let label = |slot: u32| self.slots.get(slot as usize).map_or(slot, |s| s.label);
        match &mut e.kind {
            ExprKind::String(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Regex { .. }
            | ExprKind::Variable(_)
            | ExprKind::Name(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Placeholder => {}
            ExprKind::Parent { label: l } => *l = label(*l),
            ExprKind::Path { steps, .. } => {
                for s in items(steps) {
                    if let Some(a) = &mut s.ancestor {
                        *a = label(*a);
                    }
                    self.relabel(&mut s.expr);
                    for st in items(&mut s.stages) {
                        if let Stage::Filter(f) = st {
                            self.relabel(f);
                        }
                    }
                }
            }
            ExprKind::Predicate { expr, filters, .. } => {
                for x in items(expr).iter_mut().chain(items(filters)) {
                    self.relabel(x);
                }
            }
            ExprKind::Group { expr, pairs } => {
                for x in items(expr) {
                    self.relabel(x);
                }
                for p in items(pairs) {
                    self.relabel(&mut p.key);
                    self.relabel(&mut p.value);
                }
            }
            ExprKind::Object(pairs) => {
                for p in items(pairs) {
                    self.relabel(&mut p.key);
                    self.relabel(&mut p.value);
                }
            }
            ExprKind::Sort { terms } => {
                for t in items(terms) {
                    self.relabel(&mut t.expr);
                }
            }
            ExprKind::Binary { lhs, rhs, .. }
            | ExprKind::Default { lhs, rhs, .. }
            | ExprKind::Apply { lhs, rhs } => {
                for x in items(lhs).iter_mut().chain(items(rhs)) {
                    self.relabel(x);
                }
            }
            ExprKind::Negate(xs)
            | ExprKind::Bind { value: xs, .. }
            | ExprKind::Array { items: xs, .. }
            | ExprKind::Block { exprs: xs, .. }
            | ExprKind::Lambda { body: xs, .. } => {
                for x in items(xs) {
                    self.relabel(x);
                }
            }
            ExprKind::Condition {
                cond: a,
                then: b,
                otherwise: c,
            }
            | ExprKind::Transform {
                pattern: a,
                update: b,
                delete: c,
            } => {
                for part in [a, b, c] {
                    for x in items(part) {
                        self.relabel(x);
                    }
                }
            }
            ExprKind::Call {
                procedure, args, ..
            } => {
                for x in items(procedure).iter_mut().chain(items(args)) {
                    self.relabel(x);
                }
            }
        }
    }
}

//! Columns declared once. A [`Listing`] is a result's rows and its
//! [`Field`]s: each field is one column's machine key, its heading in both
//! languages, its kind and the getter of its value. Every format is made
//! from that one declaration (CSV streamed from the getters; the table,
//! markdown and workbook from its [`Sheet`]; JSON objects from its keys),
//! so a column cannot be added to one format and forgotten in another, nor
//! shift the cells after it.

use super::{Cell, Column, Kind, RowSink, Rows, Sheet};
use crate::lang::{Lang, Words};
use serde_json::{Map, json};
use std::borrow::Cow;

/// One cell as a getter gives it; text is borrowed where it can be, so a
/// million rows stream without an allocation per cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Empty,
    Int(usize),
    /// A signed count, such as a rank change.
    Signed(i64),
    Num(f64),
    Text(Cow<'a, str>),
}

impl<'a> Value<'a> {
    pub fn num(x: Option<f64>) -> Value<'a> {
        x.map_or(Value::Empty, Value::Num)
    }

    pub fn int(x: Option<usize>) -> Value<'a> {
        x.map_or(Value::Empty, Value::Int)
    }

    pub fn signed(x: Option<i64>) -> Value<'a> {
        x.map_or(Value::Empty, Value::Signed)
    }

    pub fn text(s: Option<&'a str>) -> Value<'a> {
        s.map_or(Value::Empty, |s| Value::Text(Cow::Borrowed(s)))
    }

    pub fn str(s: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(s))
    }

    pub fn owned(s: String) -> Value<'a> {
        Value::Text(Cow::Owned(s))
    }

    fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    /// The value held as a sheet's cell.
    pub fn into_cell(self) -> Cell {
        match self {
            Value::Empty => Cell::Empty,
            Value::Int(v) => Cell::Int(v),
            Value::Signed(v) => Cell::Signed(v),
            Value::Num(v) => Cell::Num(v),
            Value::Text(s) => Cell::Text(s.into_owned()),
        }
    }

    /// The value in JSON: empty is `null` (as is a number JSON cannot hold).
    pub fn json(&self) -> serde_json::Value {
        match self {
            Value::Empty => serde_json::Value::Null,
            Value::Int(v) => json!(v),
            Value::Signed(v) => json!(v),
            Value::Num(v) => json!(v),
            Value::Text(s) => json!(s),
        }
    }

    fn write(&self, out: &mut impl RowSink) {
        match self {
            Value::Empty => out.empty(),
            Value::Int(v) => out.int(*v),
            Value::Signed(v) => out.signed(*v),
            Value::Num(v) => out.num(*v),
            Value::Text(s) => out.text(s),
        }
    }
}

/// Where a field's value goes in its row's JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonSlot {
    /// Under the column's key.
    Key,
    /// Under the column's key inside the object of this name.
    In(&'static str),
    /// Appended, unless empty, to the array of this name.
    Item(&'static str),
}

type Getter<'a, K> = Box<dyn Fn(K) -> Value<'a> + Send + Sync + 'a>;

/// One column, declared once: key, heading in both languages, kind, getter.
pub struct Field<'a, K> {
    pub column: Column,
    /// Shown by the sheet formats (CSV, table, markdown, workbook); a field
    /// that is not is in the JSON objects only.
    shown: bool,
    json: JsonSlot,
    get: Getter<'a, K>,
}

impl<'a, K> Field<'a, K> {
    pub fn new(
        key: impl Into<String>,
        title: impl Into<Words>,
        kind: Kind,
        get: impl Fn(K) -> Value<'a> + Send + Sync + 'a,
    ) -> Field<'a, K> {
        Field {
            column: Column::new(key, title, kind),
            shown: true,
            json: JsonSlot::Key,
            get: Box::new(get),
        }
    }

    /// Shown by the sheet formats only when `shown`; always in JSON.
    pub fn shown_if(mut self, shown: bool) -> Field<'a, K> {
        self.shown = shown;
        self
    }

    /// Left out of a terminal table too narrow for it before the columns
    /// of lower `rank` (0: always shown; see [`super::table::fitted`]).
    pub fn fit(mut self, rank: u8) -> Field<'a, K> {
        self.column.fit = rank;
        self
    }

    /// Placed in its row's JSON object at `slot`.
    pub fn json(mut self, slot: JsonSlot) -> Field<'a, K> {
        self.json = slot;
        self
    }
}

type Warm<'a, K> = Box<dyn Fn(&[K]) + Send + Sync + 'a>;

/// A result's rows (keys such as unit indices) and the fields of each.
pub struct Listing<'a, K: Copy> {
    pub lang: Lang,
    fields: Vec<Field<'a, K>>,
    rows: Cow<'a, [K]>,
    warm: Option<Warm<'a, K>>,
    /// The order of the keys of a row's JSON object, where the SPEC gives
    /// one that differs from the columns' (keys not named keep theirs).
    json_order: &'static [&'static str],
    /// Objects a row's JSON always has, even when no field goes in them.
    json_objects: &'static [&'static str],
}

impl<'a, K: Copy + Send + Sync> Listing<'a, K> {
    pub fn new(lang: Lang, rows: impl Into<Cow<'a, [K]>>) -> Listing<'a, K> {
        Listing {
            lang,
            fields: Vec::new(),
            rows: rows.into(),
            warm: None,
            json_order: &[],
            json_objects: &[],
        }
    }

    pub fn push(&mut self, field: Field<'a, K>) {
        self.fields.push(field);
    }

    /// Touches what rows will read ahead of formatting them (see [`Rows::warm`]).
    pub fn warm_with(&mut self, warm: impl Fn(&[K]) + Send + Sync + 'a) {
        self.warm = Some(Box::new(warm));
    }

    pub fn order_json(&mut self, keys: &'static [&'static str]) {
        self.json_order = keys;
    }

    /// Gives every row's JSON object these (nested) objects, empty when no
    /// field goes in them (a rubric without linkages has `"linkages": {}`).
    pub fn always_json_objects(&mut self, names: &'static [&'static str]) {
        self.json_objects = names;
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn shown(&self) -> impl Iterator<Item = &Field<'a, K>> {
        self.fields.iter().filter(|f| f.shown)
    }

    /// The shown columns.
    pub fn columns(&self) -> Vec<Column> {
        self.shown().map(|f| f.column.clone()).collect()
    }

    /// The shown columns and every row as cells.
    pub fn sheet(&self) -> Sheet {
        let rows = self
            .rows
            .iter()
            .map(|&k| self.shown().map(|f| (f.get)(k).into_cell()).collect())
            .collect();
        Sheet {
            lang: self.lang,
            columns: self.columns(),
            rows,
        }
    }

    /// The shown columns and the rows at `positions` (indices into the
    /// rows, in the order given; out-of-range ones left out) as cells: a
    /// part of a long listing without making every row's cells.
    pub fn sheet_of(&self, positions: &[usize]) -> Sheet {
        let rows = positions
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|&k| self.shown().map(|f| (f.get)(k).into_cell()).collect())
            .collect();
        Sheet {
            lang: self.lang,
            columns: self.columns(),
            rows,
        }
    }

    /// Row `i` as a JSON object: every field at its slot.
    pub fn json_object(&self, i: usize) -> serde_json::Value {
        let mut object = Map::new();
        let Some(&k) = self.rows.get(i) else {
            return serde_json::Value::Object(object);
        };
        for field in &self.fields {
            let value = (field.get)(k);
            let key = &field.column.key;
            match field.json {
                JsonSlot::Key => {
                    object.insert(key.clone(), value.json());
                }
                JsonSlot::In(name) => {
                    let entry = object.entry(name).or_insert_with(|| json!({}));
                    if let Some(inner) = entry.as_object_mut() {
                        inner.insert(key.clone(), value.json());
                    }
                }
                JsonSlot::Item(name) => {
                    let entry = object.entry(name).or_insert_with(|| json!([]));
                    if let Some(items) = entry.as_array_mut().filter(|_| !value.is_empty()) {
                        items.push(value.json());
                    }
                }
            }
        }
        for name in self.json_objects {
            object.entry(*name).or_insert_with(|| json!({}));
        }
        if !self.json_order.is_empty() {
            object = ordered(object, self.json_order);
        }
        serde_json::Value::Object(object)
    }

    /// Every row as a JSON object.
    pub fn json_objects(&self) -> Vec<serde_json::Value> {
        (0..self.len()).map(|i| self.json_object(i)).collect()
    }
}

/// `object`'s keys in the order `keys` names them, the others after them.
fn ordered(mut object: Map<String, serde_json::Value>, keys: &[&str]) -> Map<String, serde_json::Value> {
    let mut out = Map::new();
    for key in keys {
        if let Some(value) = object.shift_remove(*key) {
            out.insert((*key).to_string(), value);
        }
    }
    out.extend(object);
    out
}

impl<K: Copy + Send + Sync> Rows for Listing<'_, K> {
    fn count(&self) -> usize {
        self.rows.len()
    }

    fn row_into(&self, i: usize, out: &mut impl RowSink) {
        let Some(&k) = self.rows.get(i) else { return };
        for field in self.shown() {
            (field.get)(k).write(out);
        }
    }

    fn warm(&self, rows: std::ops::Range<usize>) {
        if let (Some(warm), Some(keys)) = (&self.warm, self.rows.get(rows)) {
            warm(keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing<'a>(names: &'a [&'a str]) -> Listing<'a, usize> {
        let mut l = Listing::new(Lang::Zh, (0..names.len()).collect::<Vec<_>>());
        l.push(Field::new("name", Words::new("name", "名称"), Kind::Text, |i| {
            Value::text(names.get(i).copied())
        }));
        l.push(Field::new("hidden", "hidden", Kind::Int, Value::Int).shown_if(false));
        l.push(Field::new("a", "a", Kind::Int, |i| Value::Int(i * 10)).json(JsonSlot::In("parts")));
        l.push(
            Field::new("first", "first", Kind::Text, |i| Value::text((i == 0).then_some("x")))
                .json(JsonSlot::Item("list")),
        );
        l
    }

    #[test]
    fn every_format_follows_the_one_declaration() {
        let names = ["甲", "乙"];
        let l = listing(&names);
        let sheet = l.sheet();
        let keys: Vec<&str> = sheet.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["name", "a", "first"]);
        assert_eq!(sheet.title(&sheet.columns[0]), "名称");
        assert_eq!(sheet.rows[1], [Cell::Text("乙".into()), Cell::Int(10), Cell::Empty]);
        let mut streamed = Vec::new();
        l.row_into(1, &mut streamed);
        assert_eq!(streamed, sheet.rows[1]);
        assert_eq!(
            l.json_object(0).to_string(),
            r#"{"name":"甲","hidden":0,"parts":{"a":0},"list":["x"]}"#
        );
        assert_eq!(
            l.json_object(1).to_string(),
            r#"{"name":"乙","hidden":1,"parts":{"a":10},"list":[]}"#
        );
    }

    #[test]
    fn json_keys_follow_the_given_order() {
        let names = ["甲"];
        let mut l = listing(&names);
        l.order_json(&["list", "empty", "name"]);
        l.always_json_objects(&["parts", "empty"]);
        assert_eq!(
            l.json_object(0).to_string(),
            r#"{"list":["x"],"empty":{},"name":"甲","hidden":0,"parts":{"a":0}}"#
        );
    }
}

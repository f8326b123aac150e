//! Output formats. A scored table is first laid out as a [`Sheet`] (columns
//! and typed cells, the CSV layout of SPEC.md); each format is then a pure
//! function of that sheet (CSV, markdown, table) or of the scored table
//! itself (JSON, whose shape is nested).

pub mod csv;
pub mod diff;
pub mod explain;
pub mod json;
pub mod markdown;
pub mod sensitivity;
pub mod summary;
pub mod table;
pub mod xlsx;

use crate::engine::{COORDINATION_GRADES, Scored};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned table for people (default on a terminal).
    Table,
    /// Comma-separated values, numbers lossless (default when piped).
    Csv,
    /// One JSON document with inputs, rubric, weights and units.
    Json,
    /// One JSON object per unit and line.
    Jsonl,
    /// A markdown table for reports.
    Markdown,
    /// An Excel workbook (only with --output FILE.xlsx).
    #[value(skip)]
    Xlsx,
}

impl Format {
    /// The format for `--output FILE` when `--format` is not given.
    pub fn from_extension(path: &str) -> Option<Format> {
        let ext = std::path::Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Table),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// What a cell holds; each format renders it in its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Int(usize),
    /// A signed count, such as a rank change.
    Signed(i64),
    Num(f64),
    Text(String),
}

/// How people read a column's numbers (machine formats ignore this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// A 0..scale score: two decimals.
    Score,
    /// A 0..1 share: a percentage.
    Share,
    /// A 0..1 index such as coupling: three decimals.
    Index,
    /// A value already in percent (obstacle degree): two decimals and `%`.
    Percent,
    /// A value as the data gave it: shortest exact form.
    Raw,
    /// A change of a score: two decimals with its sign.
    Change,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// Machine name (CSV header).
    pub key: String,
    /// Human heading (table and markdown).
    pub title: String,
    pub kind: Kind,
}

impl Column {
    pub fn new(key: &str, title: impl Into<String>, kind: Kind) -> Column {
        Column {
            key: key.into(),
            title: title.into(),
            kind,
        }
    }
}

/// A rectangular layout: columns and rows of cells.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Cell {
    /// The cell as people read it.
    pub fn human(&self, kind: Kind) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Signed(i) => format!("{i:+}"),
            Cell::Text(t) => t.clone(),
            Cell::Num(x) => match kind {
                Kind::Share => format!("{}%", crate::util::rounded(x * 100.0, 1)),
                Kind::Index => crate::util::rounded(*x, 3),
                Kind::Percent => format!("{}%", crate::util::rounded(*x, 2)),
                Kind::Raw => crate::util::lossless(*x),
                Kind::Change => crate::util::signed(*x, 2),
                _ => crate::util::rounded(*x, 2),
            },
        }
    }
}

/// Where a row's cells go as they are made: a `Vec<Cell>` for the formats
/// that hold a sheet, bytes for streamed CSV (so a million rows are written
/// without an allocation per cell).
pub trait RowSink {
    fn empty(&mut self);
    fn int(&mut self, v: usize);
    fn signed(&mut self, v: i64);
    fn num(&mut self, v: f64);
    fn text(&mut self, s: &str);

    fn cell(&mut self, cell: &Cell) {
        match cell {
            Cell::Empty => self.empty(),
            Cell::Int(v) => self.int(*v),
            Cell::Signed(v) => self.signed(*v),
            Cell::Num(v) => self.num(*v),
            Cell::Text(s) => self.text(s),
        }
    }

    fn opt_int(&mut self, v: Option<usize>) {
        match v {
            Some(v) => self.int(v),
            None => self.empty(),
        }
    }

    fn opt_num(&mut self, v: Option<f64>) {
        match v {
            Some(v) => self.num(v),
            None => self.empty(),
        }
    }

    fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.empty(),
        }
    }
}

impl RowSink for Vec<Cell> {
    fn empty(&mut self) {
        self.push(Cell::Empty);
    }
    fn int(&mut self, v: usize) {
        self.push(Cell::Int(v));
    }
    fn signed(&mut self, v: i64) {
        self.push(Cell::Signed(v));
    }
    fn num(&mut self, v: f64) {
        self.push(Cell::Num(v));
    }
    fn text(&mut self, s: &str) {
        self.push(Cell::Text(s.to_string()));
    }
}

/// Rows made on demand, so a long output streams instead of being held as
/// cells.
pub trait Rows: Sync {
    fn count(&self) -> usize;

    /// Row `i`'s cells, into `out`.
    fn row_into(&self, i: usize, out: &mut impl RowSink);

    /// Touches what rows `rows` will read, ahead of formatting them. Rows in
    /// rank order read the per-unit arrays at random: a tight loop of
    /// independent loads has many cache misses in flight at once, where the
    /// formatting loop would wait for them one by one.
    fn warm(&self, _rows: std::ops::Range<usize>) {}
}

impl Rows for Sheet {
    fn count(&self) -> usize {
        self.rows.len()
    }

    fn row_into(&self, i: usize, out: &mut impl RowSink) {
        for cell in self.rows.get(i).into_iter().flatten() {
            out.cell(cell);
        }
    }
}

/// Which optional column groups a ranking shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Detail {
    pub linkages: bool,
    pub indicators: bool,
    pub obstacles: bool,
}

/// The ids of the (up to) three indicators with the largest positive
/// obstacle degree for unit `u`, largest first (ties in rubric order).
pub fn top_obstacles(scored: &Scored, u: usize) -> Vec<usize> {
    let degrees = crate::engine::obstacles(scored, u);
    let mut ranked: Vec<(usize, f64)> = degrees
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.filter(|&o| o > 0.0).map(|o| (i, o)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(3).map(|(i, _)| i).collect()
}

/// The ranking in the CSV layout of SPEC.md "Command line": `rank, id,
/// label?, group?, group_rank?, score, coverage?, grade?`, dimensions,
/// coupling columns, then linkages, indicators and obstacles on request.
/// Rows are made one at a time, so a million units stream to CSV without
/// being held as cells.
pub struct Ranking<'a> {
    scored: &'a Scored<'a>,
    detail: Detail,
    pub columns: Vec<Column>,
    /// Units shown, in rank order.
    units: &'a [usize],
}

impl<'a> Ranking<'a> {
    pub fn new(scored: &'a Scored<'a>, detail: Detail, top: Option<usize>) -> Ranking<'a> {
        let r = scored.rubric;
        let zh = r.is_chinese();
        let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
        let mut columns = vec![
            Column {
                key: "rank".into(),
                title: t("rank", "排名"),
                kind: Kind::Int,
            },
            Column {
                key: "id".into(),
                title: r.id_column.clone(),
                kind: Kind::Text,
            },
        ];
        if let Some(label) = &r.label_column {
            columns.push(Column {
                key: "label".into(),
                title: label.clone(),
                kind: Kind::Text,
            });
        }
        if let Some(group) = &r.group_column {
            columns.push(Column {
                key: "group".into(),
                title: group.clone(),
                kind: Kind::Text,
            });
            columns.push(Column {
                key: "group_rank".into(),
                title: t("group rank", "组内排名"),
                kind: Kind::Int,
            });
        }
        columns.push(Column {
            key: "score".into(),
            title: t("score", "总分"),
            kind: Kind::Score,
        });
        let coverage = r.missing != crate::rubric::MissingPolicy::Error;
        if coverage {
            columns.push(Column {
                key: "coverage".into(),
                title: t("coverage", "数据完整率"),
                kind: Kind::Share,
            });
        }
        let grades = !r.grades.is_empty();
        if grades {
            columns.push(Column {
                key: "grade".into(),
                title: t("grade", "等级"),
                kind: Kind::Text,
            });
        }
        for d in &r.dimensions {
            columns.push(Column {
                key: d.id.clone(),
                title: d.name.clone(),
                kind: Kind::Score,
            });
        }
        if r.coupling.is_some() {
            columns.push(Column {
                key: "coupling".into(),
                title: t("coupling", "耦合度"),
                kind: Kind::Index,
            });
            columns.push(Column {
                key: "coordination".into(),
                title: t("coordination", "耦合协调度"),
                kind: Kind::Index,
            });
            columns.push(Column {
                key: "coordination_grade".into(),
                title: t("coordination grade", "协调等级"),
                kind: Kind::Text,
            });
        }
        if detail.linkages {
            for l in &r.linkages {
                columns.push(Column {
                    key: l.id.clone(),
                    title: l.name.clone(),
                    kind: Kind::Score,
                });
            }
        }
        if detail.indicators {
            for i in &r.indicators {
                columns.push(Column {
                    key: i.id.clone(),
                    title: i.name.clone(),
                    kind: Kind::Score,
                });
            }
        }

        if detail.obstacles {
            for k in 1..=3 {
                columns.push(Column {
                    key: format!("obstacle_{k}"),
                    title: format!("{}{k}", t("obstacle ", "障碍因子")),
                    kind: Kind::Text,
                });
            }
        }

        let count = top.map_or(scored.order.len(), |n| n.min(scored.order.len()));
        Ranking {
            scored,
            detail,
            columns,
            units: &scored.order[..count],
        }
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The cells of row `i` (the unit ranked `i`-th).
    pub fn row(&self, i: usize) -> Vec<Cell> {
        let mut row = Vec::with_capacity(self.columns.len());
        self.row_into(i, &mut row);
        row
    }
}

impl Rows for Ranking<'_> {
    fn count(&self) -> usize {
        self.units.len()
    }

    fn warm(&self, rows: std::ops::Range<usize>) {
        let units = self.units.get(rows).unwrap_or_default();
        std::hint::black_box(units.iter().fold(0, |acc, &u| acc ^ self.scored.touch(u)));
    }

    fn row_into(&self, i: usize, out: &mut impl RowSink) {
        let (scored, detail) = (self.scored, self.detail);
        let r = scored.rubric;
        let table = scored.table;
        let Some(&u) = self.units.get(i) else { return };
        let scaled = |x: Option<f64>| x.map(|v| v * r.scale);
        out.opt_int(scored.rank(u));
        out.text(table.id(u));
        if r.label_column.is_some() {
            out.text(table.label(u).unwrap_or_default());
        }
        if r.group_column.is_some() {
            out.text(table.group(u).unwrap_or_default());
            out.opt_int(scored.group_rank(u));
        }
        out.opt_num(scaled(scored.score(u)));
        if r.missing != crate::rubric::MissingPolicy::Error {
            out.num(scored.coverage(u));
        }
        if !r.grades.is_empty() {
            out.opt_text(scored.grade(u).map(|g| r.grades[g].name.as_str()));
        }
        for d in 0..r.dimensions.len() {
            out.opt_num(scaled(scored.dimension(u, d)));
        }
        if r.coupling.is_some() {
            match scored.coupling(u) {
                Some(c) => {
                    out.num(c.coupling);
                    out.num(c.coordination);
                    out.text(COORDINATION_GRADES[c.band]);
                }
                None => (0..3).for_each(|_| out.empty()),
            }
        }
        if detail.linkages {
            for l in 0..r.linkages.len() {
                out.opt_num(scaled(scored.linkage(u, l)));
            }
        }
        if detail.indicators {
            for i in 0..r.indicators.len() {
                out.opt_num(scaled(scored.z(i, u)));
            }
        }
        if detail.obstacles {
            let top = top_obstacles(scored, u);
            for k in 0..3 {
                out.opt_text(top.get(k).map(|&i| r.indicators[i].id.as_str()));
            }
        }
    }
}

/// The ranking as a sheet of cells (for the human formats and Excel).
pub fn ranking_sheet(scored: &Scored, detail: Detail, top: Option<usize>) -> Sheet {
    let ranking = Ranking::new(scored, detail, top);
    let rows = (0..ranking.len()).map(|i| ranking.row(i)).collect();
    Sheet {
        columns: ranking.columns,
        rows,
    }
}

/// `level, id, parent, weight, global_weight`: dimensions, then indicators.
pub fn weights_sheet(rubric: &crate::rubric::Rubric, w: &crate::engine::Weights) -> Sheet {
    let col = |key: &str, kind| Column {
        key: key.into(),
        title: key.into(),
        kind,
    };
    let columns = vec![
        col("level", Kind::Text),
        col("id", Kind::Text),
        col("parent", Kind::Text),
        col("weight", Kind::Index),
        col("global_weight", Kind::Index),
    ];
    let mut rows = Vec::new();
    for (d, dim) in rubric.dimensions.iter().enumerate() {
        rows.push(vec![
            Cell::Text("dimension".into()),
            Cell::Text(dim.id.clone()),
            Cell::Empty,
            Cell::Num(w.dimension[d]),
            Cell::Num(w.dimension[d]),
        ]);
    }
    for (i, ind) in rubric.indicators.iter().enumerate() {
        rows.push(vec![
            Cell::Text("indicator".into()),
            Cell::Text(ind.id.clone()),
            Cell::Text(rubric.dimensions[ind.dimension].id.clone()),
            Cell::Num(w.indicator[i]),
            Cell::Num(w.global[i]),
        ]);
    }
    Sheet { columns, rows }
}

/// The rubric's indicators as a table (the `rubric` sheet of a workbook).
pub fn rubric_sheet(rubric: &crate::rubric::Rubric) -> Sheet {
    let col = |key: &str, kind| Column {
        key: key.into(),
        title: key.into(),
        kind,
    };
    let columns = vec![
        col("id", Kind::Text),
        col("column", Kind::Text),
        col("name", Kind::Text),
        col("unit", Kind::Text),
        col("dimension", Kind::Text),
        col("linkage", Kind::Text),
        col("weight", Kind::Raw),
        col("direction", Kind::Text),
        col("transform", Kind::Text),
        col("normalize", Kind::Text),
        col("goalpost_low", Kind::Raw),
        col("goalpost_high", Kind::Raw),
        col("note", Kind::Text),
    ];
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = rubric
        .indicators
        .iter()
        .map(|i| {
            vec![
                text(&i.id),
                text(&i.column),
                text(&i.name),
                text(&i.unit),
                text(&rubric.dimensions[i.dimension].id),
                i.linkage.map_or(Cell::Empty, |l| text(&rubric.linkages[l].id)),
                Cell::Num(i.raw_weight),
                text(if i.direction == crate::rubric::Direction::Lower {
                    "lower"
                } else {
                    "higher"
                }),
                text(i.transform.as_str()),
                text(i.normalize.as_str()),
                i.goalposts.map_or(Cell::Empty, |g| Cell::Num(g.0)),
                i.goalposts.map_or(Cell::Empty, |g| Cell::Num(g.1)),
                i.note.as_deref().map_or(Cell::Empty, text),
            ]
        })
        .collect();
    Sheet { columns, rows }
}

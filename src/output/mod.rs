//! Output formats. A scored table is first laid out as a [`Sheet`] (columns
//! and typed cells, the CSV layout of SPEC.md); each format is then a pure
//! function of that sheet (CSV, markdown, table) or of the scored table
//! itself (JSON, whose shape is nested).

pub mod blocks;
pub mod csv;
pub mod diff;
pub mod disparity;
pub mod dynamics;
pub mod explain;
pub mod json;
pub mod listing;
pub mod markdown;
pub mod panel;
pub mod ranking;
pub mod sensitivity;
pub mod spatial;
pub mod summary;
pub mod table;
pub mod template;
pub mod weights;
pub mod xlsx;

pub use listing::{Field, JsonSlot, Listing, Value};
pub use ranking::{Detail, RankingView, top_obstacles};
pub use table::Layout;

use crate::lang::{Lang, Words};

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

/// What heads the columns of a CSV or a workbook (`--headers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Headers {
    /// The titles people read, in the rubric's language (as the table shows them).
    Names,
    /// The machine ids (rank, score, the dimension ids…), as scripts read them.
    Ids,
}

/// Whether a CSV starts with a UTF-8 byte order mark (`--bom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Bom {
    /// In a CSV written to a file (`--output FILE`), which Excel opens as
    /// UTF-8 only with it; not on standard output, a pipe or a device.
    Auto,
    /// In every CSV, standard output included.
    Always,
    /// In none.
    Never,
}

/// How a result is written, beyond its format: made once from the output
/// flags (see `commands::output_options`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The CSV header and the workbook's header row.
    pub headers: Headers,
    /// A CSV starts with a UTF-8 BOM.
    pub bom: bool,
    /// How wide the table format may be.
    pub layout: Layout,
}

impl Options {
    /// The defaults for `format`: names in a workbook, ids in CSV; a BOM
    /// when the CSV goes to a file (`to_file`).
    pub fn new(format: Format, headers: Option<Headers>, bom: Bom, to_file: bool) -> Options {
        let headers = headers.unwrap_or(if format == Format::Xlsx {
            Headers::Names
        } else {
            Headers::Ids
        });
        let bom = format == Format::Csv
            && match bom {
                Bom::Auto => to_file,
                Bom::Always => true,
                Bom::Never => false,
            };
        Options {
            headers,
            bom,
            layout: Layout::default(),
        }
    }
}

impl Default for Options {
    /// Machine headers, no BOM: CSV as SPEC.md shows it; tables fitted
    /// to the width used when the terminal's is unknown.
    fn default() -> Options {
        Options {
            headers: Headers::Ids,
            bom: false,
            layout: Layout::default(),
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
    /// Machine name (CSV header, JSON key, workbook header).
    pub key: String,
    /// Human heading (table and markdown), in both languages.
    pub title: Words,
    pub kind: Kind,
    /// When the terminal table does not fit: 0 always shown, else left out
    /// before the columns of lower ranks (see [`table::fitted`]).
    pub fit: u8,
}

impl Column {
    pub fn new(key: impl Into<String>, title: impl Into<Words>, kind: Kind) -> Column {
        Column {
            key: key.into(),
            title: title.into(),
            kind,
            fit: 0,
        }
    }
}

/// A rectangular layout: columns and rows of cells, and the language its
/// headings are read in.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub lang: Lang,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A column's heading in the sheet's language.
    pub fn title<'c>(&self, column: &'c Column) -> &'c str {
        column.title.get(self.lang)
    }

    /// The header row `headers` asks for: titles or machine ids.
    pub fn header(&self, headers: Headers) -> Vec<String> {
        header(&self.columns, self.lang, headers)
    }
}

/// The header of `columns` that `headers` asks for, titles in `lang`.
pub fn header(columns: &[Column], lang: Lang, headers: Headers) -> Vec<String> {
    columns
        .iter()
        .map(|c| match headers {
            Headers::Names => c.title.get(lang).to_string(),
            Headers::Ids => c.key.clone(),
        })
        .collect()
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

/// One result as every format shows it. A view declares its rows once
/// (a [`Listing`]); [`render`] makes each format from it, so the choice of
/// format is made in one place for every command.
pub trait View<'a>: 'a {
    type Key: Copy + Send + Sync + 'a;

    /// The rows: CSV (streamed), JSON Lines, the first workbook sheet and,
    /// by default, markdown and the terminal table.
    fn listing(&self) -> &Listing<'a, Self::Key>;

    /// The `json` document.
    fn json(&self) -> serde_json::Value;

    /// What people read on a terminal (`table`), its tables within `layout`.
    fn text(&self, layout: Layout) -> String {
        let mut out = table::fitted(&self.listing().sheet(), layout);
        out.push('\n');
        out
    }

    /// The `markdown` table's sheet.
    fn people(&self) -> Sheet {
        self.listing().sheet()
    }

    /// The `markdown` document: by default the table of [`View::people`].
    fn markdown(&self) -> String {
        markdown::render(&self.people())
    }

    /// The sheets of an `xlsx` workbook, by name.
    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![("sheet".into(), self.listing().sheet())]
    }
}

/// A view in one format, ready to be written: CSV streams from the view's
/// getters (a national ranking is a million rows), the other formats are
/// made whole first (so a failure leaves nothing written).
pub enum Rendered<'v, V> {
    Csv(&'v V, Options),
    Bytes(Vec<u8>),
}

impl<'a, V: View<'a>> Rendered<'_, V> {
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self {
            Rendered::Csv(view, options) => {
                let listing = view.listing();
                if options.bom {
                    out.write_all(csv::BOM)?;
                }
                let header = header(&listing.columns(), listing.lang, options.headers);
                csv::write(&header, listing, out)
            }
            Rendered::Bytes(bytes) => out.write_all(bytes),
        }
    }
}

/// `view` in `format`, written as `options` say: the one place a format is
/// chosen.
pub fn render<'v, 'a, V: View<'a>>(view: &'v V, format: Format, options: Options) -> crate::Result<Rendered<'v, V>> {
    Ok(Rendered::Bytes(match format {
        Format::Csv => return Ok(Rendered::Csv(view, options)),
        Format::Table => view.text(options.layout).into_bytes(),
        Format::Markdown => view.markdown().into_bytes(),
        Format::Json => json::pretty(&view.json()).into_bytes(),
        Format::Jsonl => json::lines(&view.listing().json_objects()).into_bytes(),
        Format::Xlsx => {
            let sheets = view.workbook();
            let named: Vec<(&str, &Sheet)> = sheets.iter().map(|(name, sheet)| (name.as_str(), sheet)).collect();
            xlsx::workbook(&named, options.headers)?
        }
    }))
}

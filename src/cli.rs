//! The command line (SPEC "Command line"). Each flag carries its own help.

use crate::files::{Destination, Source};
use crate::input::Encoding;
use crate::output::{Bom, Format, Headers};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Score and rank villages on how well poverty-alleviation gains carry over
/// into rural revitalization (巩固拓展脱贫攻坚成果同乡村振兴有效衔接).
#[derive(Debug, Parser)]
#[command(name = "linkscore", version, about, propagate_version = true)]
#[command(
    after_help = "Start with `linkscore init` to get a rubric and sample data, then `linkscore score villages.csv --rubric linkage.toml`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score and rank the units in one or more data files.
    Score(ScoreArgs),
    /// Validate a rubric, and data against it; exit 1 on any problem.
    Check(CheckArgs),
    /// Show the weights actually used, per dimension and indicator.
    Weights(WeightsArgs),
    /// Compare two years: who moved, by how much, and between which grades.
    Diff(DiffArgs),
    /// Explain one unit's score, indicator by indicator, with obstacle degrees.
    Explain(ExplainArgs),
    /// Write the built-in rubric (linkage.toml) and sample data (villages.csv) into DIR.
    Init(InitArgs),
    /// Write a blank data-collection form (.xlsx or .csv) for a rubric.
    Template(TemplateArgs),
    /// Write a self-contained HTML report with charts (opens offline, e.g. from a USB stick).
    Report(ReportArgs),
    /// How robust each rank is: re-score many times with varied weights (and methods).
    Sensitivity(SensitivityArgs),
    /// Score several periods on one pooled scale (a panel: 2023=a.csv 2024=b.csv, or a long table).
    Panel(PanelArgs),
    /// Regional disparity per period: Dagum's Gini decomposition, Theil T and L, CV, by group.
    Disparity(DisparityArgs),
    /// How the distribution moves over the periods: kernel density, Markov transitions, σ- and β-convergence.
    Dynamics(DynamicsArgs),
    /// Whether neighbouring units have similar values: global Moran's I and local Moran (LISA) per period.
    Spatial(SpatialArgs),
}

#[derive(Debug, Args)]
pub struct RubricArg {
    /// The rubric (TOML). Left out: the built-in linkage rubric.
    #[arg(long, short = 'r', value_name = "FILE")]
    pub rubric: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Force the data files' text encoding (default: UTF-8, else GB18030/GBK, detected).
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<Encoding>,
    /// The 1-based row that holds the column names (rows above it are titles).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
    /// The sheet of an Excel workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl ReadArgs {
    pub fn options(&self) -> crate::input::ReadOptions {
        crate::input::ReadOptions {
            encoding: self.encoding,
            header_row: self.header_row.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            sheet: self.sheet.clone(),
            skip_checksums: false,
            period: None,
            group_from_flag: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct StrictArg {
    /// Treat implausible cells (a share written as a fraction, a unit off by a power of ten) as errors: exit 1, nothing written.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format (default: table on a terminal, else csv; with --output, from its extension: .csv, .json, .jsonl, .md, .txt, or .xlsx for an Excel workbook).
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to FILE instead of standard output (nothing is written if the run fails).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<String>,
    /// Show every column of the table format; without it the table fits the terminal's width (or $COLUMNS, or 100 columns), leaving out the columns named under it.
    #[arg(long)]
    pub wide: bool,
    /// The header of CSV and xlsx output: the column names people read (in the rubric's language) or the machine ids [default: names in xlsx, ids in CSV].
    #[arg(long, value_enum, value_name = "HEADERS")]
    pub headers: Option<Headers>,
    /// Start CSV with a UTF-8 byte order mark, so that Excel opens its Chinese as Chinese (auto: when written to a file with --output, not to standard output or a pipe).
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub bom: Bom,
}

#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Write the parameters this run took from the data (statistics, objective weights) to FILE as TOML.
    #[arg(long, value_name = "FILE")]
    pub freeze: Option<String>,
    /// Score with parameters frozen earlier by --freeze instead of taking them from this data (a frozen base year).
    #[arg(long, value_name = "FILE")]
    pub params: Option<String>,
}

/// A normalization `sensitivity` may draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NormalizeArg {
    Goalpost,
    Minmax,
    Zscore,
    Rank,
}

impl NormalizeArg {
    pub fn normalize(self) -> crate::rubric::Normalize {
        use crate::rubric::Normalize;
        match self {
            NormalizeArg::Goalpost => Normalize::Goalpost,
            NormalizeArg::Minmax => Normalize::Minmax,
            NormalizeArg::Zscore => Normalize::Zscore,
            NormalizeArg::Rank => Normalize::Rank,
        }
    }
}

/// A top-level aggregation `sensitivity` may draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AggregateArg {
    Arithmetic,
    Geometric,
}

/// What an uncertainty analysis varies (`sensitivity`, `diff --uncertainty`).
#[derive(Debug, Args)]
pub struct VaryArgs {
    /// Seed of the random draws: the same seed gives the same output at any thread count [default: 1].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Multiply every dimension and indicator weight by its own factor drawn from [1 − W, 1 + W] (0 ≤ W < 1) [default: 0.25].
    #[arg(long, value_name = "W", allow_negative_numbers = true)]
    pub weights: Option<f64>,
    /// Normalizations to draw from, one per run for every indicator (e.g. minmax,rank) [default: the rubric's].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub normalize: Vec<NormalizeArg>,
    /// Top-level aggregations to draw from (arithmetic,geometric) [default: the rubric's].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub aggregate: Vec<AggregateArg>,
}

impl VaryArgs {
    /// The settings for `runs` runs; defaults where a flag is absent.
    pub fn settings(&self, runs: usize) -> crate::sensitivity::Settings {
        let defaults = crate::sensitivity::Settings::default();
        let mut normalize: Vec<_> = Vec::new();
        for n in self.normalize.iter().map(|n| n.normalize()) {
            if !normalize.contains(&n) {
                normalize.push(n);
            }
        }
        let mut aggregate = Vec::new();
        for a in &self.aggregate {
            let a = match a {
                AggregateArg::Arithmetic => crate::rubric::Aggregate::Arithmetic,
                AggregateArg::Geometric => crate::rubric::Aggregate::Geometric,
            };
            if !aggregate.contains(&a) {
                aggregate.push(a);
            }
        }
        crate::sensitivity::Settings {
            runs,
            seed: self.seed.unwrap_or(defaults.seed),
            weights: self.weights.unwrap_or(defaults.weights),
            normalize,
            aggregate,
        }
    }

    /// Whether any flag was given.
    pub fn any(&self) -> bool {
        self.seed.is_some() || self.weights.is_some() || !self.normalize.is_empty() || !self.aggregate.is_empty()
    }
}

/// Extra column groups for `score --detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetailPart {
    /// One column per dimension (always shown).
    Dimensions,
    /// One column per linkage (衔接).
    Linkages,
    /// One column per indicator: its normalized value × scale.
    Indicators,
    /// obstacle_1 … obstacle_3: the indicators holding each unit back most.
    Obstacles,
}

/// The ranking's optional column groups (`score`, `panel`).
#[derive(Debug, Args)]
pub struct DetailArg {
    /// Extra columns: linkages, indicators, obstacles (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub detail: Vec<DetailPart>,
}

impl DetailArg {
    /// The column groups asked for.
    pub fn detail(&self) -> crate::output::Detail {
        crate::output::Detail {
            linkages: self.detail.contains(&DetailPart::Linkages),
            indicators: self.detail.contains(&DetailPart::Indicators),
            obstacles: self.detail.contains(&DetailPart::Obstacles),
        }
    }
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Data files (CSV, or Excel .xlsx/.xls/.ods workbooks; - reads standard input). Several are scored as one table.
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Show only the N best-ranked units.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    #[command(flatten)]
    pub detail: DetailArg,
    #[command(flatten)]
    pub params: ParamsArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

/// The data of a command that reads a panel, and how its periods are scaled.
#[derive(Debug, Args)]
pub struct PanelData {
    /// The periods: LABEL=PATH each (2023=villages-2023.csv; a plain path is labelled by its file name), or one long table with a period column (--period, or the rubric's `period`). CSV or Excel workbooks.
    #[arg(required = true, value_name = "PANEL")]
    pub data: Vec<String>,
    /// The column that names each row's period in a long table (default: the rubric's `period`).
    #[arg(long, value_name = "COLUMN")]
    pub period: Option<String>,
    /// Fit each period alone instead of all on one pooled scale (scores then do not compare across periods).
    #[arg(long)]
    pub per_period: bool,
}

#[derive(Debug, Args)]
pub struct PanelArgs {
    #[command(flatten)]
    pub panel: PanelData,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub detail: DetailArg,
    #[command(flatten)]
    pub params: ParamsArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

/// What every analysis of a panel reads and how it scores it (`disparity`, `dynamics`).
#[derive(Debug, Args)]
pub struct AnalysisArgs {
    #[command(flatten)]
    pub panel: PanelData,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Analyse one dimension's values (its id) instead of the overall score.
    #[arg(long, value_name = "DIMENSION")]
    pub of: Option<String>,
    /// Score with parameters frozen earlier by --freeze instead of fitting them on the panel.
    #[arg(long, value_name = "FILE", conflicts_with = "per_period")]
    pub params: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

#[derive(Debug, Args)]
pub struct DisparityArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The column whose values form the groups (default: the rubric's `group`; without either, overall figures only).
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
}

/// A part of `dynamics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartArg {
    /// Gaussian kernel density per period (Silverman's bandwidth): `period, x, density`.
    Density,
    /// Transitions between classes of consecutive periods, and the steady state.
    Markov,
    /// σ-convergence: n, mean, sd, CV and sd of ln y per period.
    Sigma,
    /// Absolute β-convergence: growth regressed on the initial level (OLS).
    Beta,
}

impl PartArg {
    pub fn part(self) -> crate::dynamics::Part {
        use crate::dynamics::Part;
        match self {
            PartArg::Density => Part::Density,
            PartArg::Markov => Part::Markov,
            PartArg::Sigma => Part::Sigma,
            PartArg::Beta => Part::Beta,
        }
    }
}

#[derive(Debug, Args)]
pub struct DynamicsArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The part CSV, JSON Lines and markdown show (the table, JSON and workbooks show every part) [default: sigma].
    #[arg(long, value_enum, value_name = "PART")]
    pub part: Option<PartArg>,
    /// Where each kernel density is evaluated: this many equally spaced points.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub points: u64,
    /// Markov classes: K pooled quantile classes of all unit-periods.
    #[arg(long, value_name = "K", default_value_t = 4, value_parser = clap::value_parser!(u64).range(2..=100), conflicts_with = "cuts")]
    pub classes: u64,
    /// Markov class boundaries in the units of the score (strictly increasing), instead of quantiles: e.g. 60,70,80.
    #[arg(long, value_name = "LIST", value_delimiter = ',', allow_negative_numbers = true)]
    pub cuts: Vec<f64>,
    /// Also estimate β per group of this column (club convergence; a unit's group is its first period's).
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
}

/// How `spatial` finds neighbours by polygon contiguity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Contiguity {
    /// Polygons sharing at least one vertex.
    Queen,
    /// Polygons sharing an edge (two consecutive vertices).
    Rook,
}

/// How `spatial` weights the neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransformArg {
    /// Each unit's weights sum to 1.
    Row,
    /// Every neighbour weighs 1.
    Binary,
}

#[derive(Debug, Args)]
pub struct SpatialArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// The neighbours: a GAL file (.gal), a CSV edge list (.csv: id,neighbour[,weight]) or GeoJSON polygons (.geojson/.json).
    #[arg(
        long,
        value_name = "SOURCE",
        required_unless_present = "coords",
        conflicts_with = "coords"
    )]
    pub neighbours: Option<String>,
    /// Neighbours from coordinates instead: the data's longitude and latitude columns (degrees), e.g. --coords 经度,纬度.
    #[arg(long, value_name = "LON,LAT", value_delimiter = ',', num_args = 1)]
    pub coords: Vec<String>,
    /// With --coords: each unit's K nearest units (great-circle distance).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=1000), conflicts_with = "distance")]
    pub knn: Option<u64>,
    /// With --coords: every unit within this many kilometres.
    #[arg(long, value_name = "KM")]
    pub distance: Option<f64>,
    /// With a CSV edge list: add the reverse of each pair that lacks one.
    #[arg(long)]
    pub symmetric: bool,
    /// With GeoJSON: the property holding the unit id [default: the property `id`, else the feature's id].
    #[arg(long, value_name = "PROPERTY")]
    pub key: Option<String>,
    /// With GeoJSON: queen (a shared vertex) or rook (a shared edge) contiguity.
    #[arg(long, value_enum, value_name = "RULE", default_value = "queen")]
    pub contiguity: Contiguity,
    /// Row-standardized weights (each row sums to 1) or binary ones.
    #[arg(long, value_enum, value_name = "HOW", default_value = "row")]
    pub transform: TransformArg,
    /// Random permutations for the pseudo p-values (0: none).
    #[arg(long, value_name = "R", default_value_t = 999, value_parser = clap::value_parser!(u64).range(0..=99_999))]
    pub permutations: u64,
    /// Seed of the permutations: the same seed gives the same output at any thread count.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// A unit is in a cluster (HH, LL, HL, LH) when its pseudo p-value is at most this.
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub alpha: f64,
    /// Write one row of global figures per period instead of one row per unit.
    #[arg(long)]
    pub global: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Data files (CSV or workbooks) to validate against the rubric (optional); a panel's periods as LABEL=PATH, or a long table with --period.
    #[arg(value_name = "DATA")]
    pub data: Vec<String>,
    /// The column that names each row's period in a long panel table (default: the rubric's `period`).
    #[arg(long, value_name = "COLUMN")]
    pub period: Option<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

#[derive(Debug, Args)]
pub struct WeightsArgs {
    /// Data files, CSV or workbooks (needed when the weights come from the data: entropy, critic, combined).
    #[arg(value_name = "DATA")]
    pub data: Vec<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write into (created if missing).
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: String,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier year's data (CSV, or an .xlsx/.xls/.ods workbook).
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The later year's data (CSV, or an .xlsx/.xls/.ods workbook).
    #[arg(value_name = "NEW")]
    pub new: String,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    /// How many risers and fallers the summary names.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Score each year alone even when the rubric takes statistics or weights from the data.
    #[arg(long, conflicts_with = "params")]
    pub no_pool: bool,
    /// Re-score the new year RUNS times (as `sensitivity` does) and mark each rank change as beyond or within its rank interval.
    #[arg(long, value_name = "RUNS", value_parser = clap::value_parser!(u64).range(1..))]
    pub uncertainty: Option<u64>,
    #[command(flatten)]
    pub vary: VaryArgs,
    #[command(flatten)]
    pub params: ParamsArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Data files (CSV, or Excel .xlsx/.xls/.ods workbooks; - reads standard input).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    /// The unit to explain: its id, or its label (村名) when no other unit has that label.
    #[arg(long, short = 'u', value_name = "ID|LABEL")]
    pub unit: String,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    pub rubric: RubricArg,
    /// The form to write: .xlsx (with an explanation sheet and number-only cells) or .csv.
    #[arg(long, short = 'o', value_name = "FORM", required = true)]
    pub output: String,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Data files (CSV, or Excel .xlsx/.xls/.ods workbooks; - reads standard input). Several are scored as one table; a panel (LABEL=PATH per period, or a long table with --period) adds the trend and disparity sections and reports on its last period.
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,
    /// The column that names each row's period in a long panel table (default: the rubric's `period`).
    #[arg(long, value_name = "COLUMN")]
    pub period: Option<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    /// The report to write: an .html (or .htm) file.
    #[arg(long, short = 'o', value_name = "FILE", required = true)]
    pub output: String,
    /// The previous year's data: adds rank changes and the biggest movers.
    #[arg(long, value_name = "OLD")]
    pub previous: Option<String>,
    /// Also draw this unit's dimension profile (repeatable): its id, or a label no other unit has.
    #[arg(long, short = 'u', value_name = "ID|LABEL")]
    pub unit: Vec<String>,
    /// The report's title (default: the rubric's name).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// How many risers and fallers the changes section names.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Re-score RUNS times (as `sensitivity` does): each unit's rank interval in the ranking, and which moves go beyond it.
    #[arg(long, value_name = "RUNS", value_parser = clap::value_parser!(u64).range(1..))]
    pub uncertainty: Option<u64>,
    /// Draw a map of the scores (by grade, or by quintile without grades) from the units' polygons in a GeoJSON file (Polygons and MultiPolygons, lon/lat degrees).
    #[arg(long, value_name = "FILE.geojson")]
    pub map: Option<String>,
    /// The property of the GeoJSON features (--map, or --neighbours FILE.geojson) that holds the units' ids (default: `id`, else the feature's own `id`).
    #[arg(long, value_name = "PROPERTY")]
    pub key: Option<String>,
    /// Add a section on spatial autocorrelation (Moran's I, LISA clusters; with --map a cluster map) with these neighbours: a GAL file, a CSV edge list or GeoJSON polygons (queen contiguity).
    #[arg(long, value_name = "SOURCE")]
    pub neighbours: Option<String>,
    #[command(flatten)]
    pub vary: VaryArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub strict: StrictArg,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Data files (CSV, or Excel .xlsx/.xls/.ods workbooks; - reads standard input).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,
    #[command(flatten)]
    pub rubric: RubricArg,
    #[command(flatten)]
    pub output: OutputArgs,
    /// How many times to re-score.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    #[command(flatten)]
    pub vary: VaryArgs,
    /// The summary's band: the share of units whose rank interval stays within ±N places.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub within: u32,
    /// Show only the first N units (in nominal rank order).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
}

impl Command {
    /// The files this run reads: none of them may be one of its
    /// [`destinations`](Command::destinations) (SPEC "Writing files").
    pub fn sources(&self) -> Vec<Source<'_>> {
        fn data(paths: &[String]) -> Vec<Source<'_>> {
            paths
                .iter()
                .map(|p| Source {
                    what: "the data file",
                    path: p,
                })
                .collect()
        }
        fn rubric(arg: &RubricArg) -> Option<Source<'_>> {
            arg.rubric.as_deref().map(|p| Source {
                what: "the rubric",
                path: p,
            })
        }
        fn panel(arg: &PanelData) -> Vec<Source<'_>> {
            arg.data
                .iter()
                .map(|a| Source {
                    what: "the data file",
                    path: crate::panel::Source::split(a).1,
                })
                .collect()
        }
        fn analysis(a: &AnalysisArgs) -> (Vec<Source<'_>>, Vec<Option<Source<'_>>>) {
            let params = a.params.as_deref().map(|p| Source {
                what: "the params file",
                path: p,
            });
            (panel(&a.panel), vec![rubric(&a.rubric), params])
        }
        fn params(arg: &ParamsArgs) -> Option<Source<'_>> {
            arg.params.as_deref().map(|p| Source {
                what: "the params file",
                path: p,
            })
        }
        let (mut sources, extra) = match self {
            Command::Score(a) => (data(&a.data), vec![rubric(&a.rubric), params(&a.params)]),
            Command::Check(a) => (data(&a.data), vec![rubric(&a.rubric)]),
            Command::Weights(a) => (data(&a.data), vec![rubric(&a.rubric)]),
            Command::Diff(a) => (
                vec![
                    Source {
                        what: "the data file",
                        path: &a.old,
                    },
                    Source {
                        what: "the data file",
                        path: &a.new,
                    },
                ],
                vec![rubric(&a.rubric), params(&a.params)],
            ),
            Command::Explain(a) => (data(&a.data), vec![rubric(&a.rubric)]),
            Command::Init(_) => (Vec::new(), Vec::new()),
            Command::Template(a) => (Vec::new(), vec![rubric(&a.rubric)]),
            Command::Report(a) => (
                a.data
                    .iter()
                    .map(|d| Source {
                        what: "the data file",
                        path: crate::panel::Source::split(d).1,
                    })
                    .collect(),
                vec![
                    rubric(&a.rubric),
                    a.previous.as_deref().map(|p| Source {
                        what: "the previous year's data",
                        path: p,
                    }),
                    a.neighbours.as_deref().map(|p| Source {
                        what: "the neighbours file",
                        path: p,
                    }),
                    a.map.as_deref().map(|p| Source {
                        what: "the map",
                        path: p,
                    }),
                ],
            ),
            Command::Sensitivity(a) => (data(&a.data), vec![rubric(&a.rubric)]),
            Command::Panel(a) => (panel(&a.panel), vec![rubric(&a.rubric), params(&a.params)]),
            Command::Dynamics(a) => analysis(&a.analysis),
            Command::Disparity(a) => analysis(&a.analysis),
            Command::Spatial(a) => {
                let (data, mut others) = analysis(&a.analysis);
                others.push(a.neighbours.as_deref().map(|p| Source {
                    what: "the neighbours file",
                    path: p,
                }));
                (data, others)
            }
        };
        sources.extend(extra.into_iter().flatten());
        sources
    }

    /// The files this run writes, by the flag that names them.
    pub fn destinations(&self) -> Vec<Destination<'_>> {
        fn output(arg: &OutputArgs) -> Option<Destination<'_>> {
            arg.output.as_deref().map(|p| Destination {
                flag: "--output",
                path: p,
            })
        }
        fn freeze(arg: &ParamsArgs) -> Option<Destination<'_>> {
            arg.freeze.as_deref().map(|p| Destination {
                flag: "--freeze",
                path: p,
            })
        }
        let named = match self {
            Command::Score(a) => vec![output(&a.output), freeze(&a.params)],
            Command::Diff(a) => vec![output(&a.output), freeze(&a.params)],
            Command::Weights(a) => vec![output(&a.output)],
            Command::Explain(a) => vec![output(&a.output)],
            Command::Sensitivity(a) => vec![output(&a.output)],
            Command::Panel(a) => vec![output(&a.output), freeze(&a.params)],
            Command::Disparity(a) => vec![output(&a.analysis.output)],
            Command::Dynamics(a) => vec![output(&a.analysis.output)],
            Command::Spatial(a) => vec![output(&a.analysis.output)],
            Command::Template(a) => vec![Some(Destination {
                flag: "--output",
                path: &a.output,
            })],
            Command::Report(a) => vec![Some(Destination {
                flag: "--output",
                path: &a.output,
            })],
            Command::Check(_) | Command::Init(_) => Vec::new(),
        };
        named.into_iter().flatten().collect()
    }
}

//! `linkscore template --rubric FILE -o FORM`: the blank form a county office
//! sends out, with exactly the columns the rubric reads.

use crate::cli::TemplateArgs;
use crate::error::{Error, Result};
use crate::output::{Cell, Column, Kind, Sheet};
use crate::rubric::{Direction, Rubric};
use rust_xlsxwriter::{DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Workbook, XlsxError};

pub fn run(args: &TemplateArgs) -> Result<()> {
    let ext = std::path::Path::new(&args.output)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rubric = super::load_rubric(&args.rubric)?;
    let content = match ext.as_str() {
        "xlsx" => xlsx(&rubric)?,
        "csv" => csv(&rubric),
        _ => {
            return Err(
                Error::usage(format!("the form must be .xlsx or .csv, not `{}`", args.output))
                    .help("e.g. -o 填报模板.xlsx"),
            );
        }
    };
    super::emit(&content, Some(&args.output))?;
    let rubric_arg = if rubric.source.builtin {
        String::new()
    } else {
        format!(" --rubric {}", rubric.source.path)
    };
    eprintln!(
        "wrote {} with {} indicator columns; check returned data with `linkscore check{rubric_arg} FILE`",
        args.output,
        rubric.indicators.len(),
    );
    Ok(())
}

/// The header: id, label, group, then one column per indicator (its `column`).
fn header(rubric: &Rubric) -> Vec<String> {
    let mut h = vec![rubric.id_column.clone()];
    h.extend(rubric.label_column.clone());
    h.extend(rubric.group_column.clone());
    let mut seen = std::collections::HashSet::new();
    for ind in &rubric.indicators {
        // Two indicators may read one column; the form asks for it once.
        if seen.insert(ind.column.clone()) {
            h.push(ind.column.clone());
        }
    }
    h
}

/// A CSV form: the header row, with a BOM so Excel opens it as UTF-8.
fn csv(rubric: &Rubric) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = writer.write_record(header(rubric));
    writer.into_inner().unwrap_or_default()
}

/// The second sheet: what each indicator is and how it is scored.
fn explanation(rubric: &Rubric) -> Sheet {
    let zh = rubric.is_chinese();
    let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    let keys = [
        ("column", "列名"),
        ("name", "指标"),
        ("unit", "单位"),
        ("direction", "方向"),
        ("goalpost_low", "下限"),
        ("goalpost_high", "上限"),
        ("dimension", "维度"),
        ("linkage", "衔接"),
        ("note", "说明"),
    ];
    let columns = keys
        .iter()
        .map(|(en, cn)| Column {
            key: t(en, cn),
            title: t(en, cn),
            kind: Kind::Text,
        })
        .collect();
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = rubric
        .indicators
        .iter()
        .map(|i| {
            let direction = match (i.direction, zh) {
                (Direction::Higher, true) => "越高越好",
                (Direction::Lower, true) => "越低越好",
                (Direction::Higher, false) => "higher is better",
                (Direction::Lower, false) => "lower is better",
            };
            vec![
                text(&i.column),
                text(&i.name),
                text(&i.unit),
                text(direction),
                i.goalposts.map_or(Cell::Empty, |g| Cell::Num(g.0)),
                i.goalposts.map_or(Cell::Empty, |g| Cell::Num(g.1)),
                text(&rubric.dimensions[i.dimension].name),
                i.linkage.map_or(Cell::Empty, |l| text(&rubric.linkages[l].name)),
                i.note.as_deref().map_or(Cell::Empty, text),
            ]
        })
        .collect();
    Sheet { columns, rows }
}

/// An Excel form: the data sheet first (so `score` reads it by default),
/// its indicator columns accepting only numbers, then the explanation sheet.
fn xlsx(rubric: &Rubric) -> Result<Vec<u8>> {
    let zh = rubric.is_chinese();
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        book.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?));
        let header = header(rubric);
        let form = book.add_worksheet();
        form.set_name(if zh { "填报表" } else { "data" })?;
        let empty = Sheet {
            columns: Vec::new(),
            rows: Vec::new(),
        };
        crate::output::xlsx::fill(form, &empty, &header)?;
        let first_indicator =
            1 + usize::from(rubric.label_column.is_some()) + usize::from(rubric.group_column.is_some());
        for (c, name) in header.iter().enumerate().skip(first_indicator) {
            let Some(ind) = rubric.indicators.iter().find(|i| &i.column == name) else {
                continue;
            };
            let mut prompt = ind.name.clone();
            if !ind.unit.is_empty() {
                prompt.push_str(&format!(" ({})", ind.unit));
            }
            if let Some((lo, hi)) = ind.goalposts {
                let label = if zh { "；目标区间" } else { "; goalposts" };
                prompt.push_str(&format!("{label} {lo} – {hi}"));
            }
            let prompt: String = prompt.chars().take(250).collect();
            let validation = DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(-1e300, 1e300))
                .set_input_message(prompt)?
                .set_error_message(if zh {
                    "请填写数字；没有数据请留空。"
                } else {
                    "Enter a number; leave the cell empty when there is no value."
                })?;
            form.add_data_validation(1, c as u16, 1_048_575, c as u16, &validation)?;
        }
        let sheet = explanation(rubric);
        let notes = book.add_worksheet();
        notes.set_name(if zh { "指标说明" } else { "indicators" })?;
        let titles: Vec<String> = sheet.columns.iter().map(|c| c.title.clone()).collect();
        crate::output::xlsx::fill(notes, &sheet, &titles)?;
        book.save_to_buffer()
    };
    build().map_err(|e| Error::file(format!("cannot build the Excel form: {e}")))
}

//! The blank form of `template` (SPEC "Command line": `template`): exactly the columns the
//! rubric reads, as CSV with a BOM or as a workbook whose indicator columns
//! accept only numbers, followed by a sheet that explains each indicator.

use crate::error::{Error, Result};
use crate::lang::Words;
use crate::output::{Kind, Sheet};
use crate::rubric::{Direction, Rubric};
use rust_xlsxwriter::{DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Workbook, XlsxError};

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
pub fn csv(rubric: &Rubric) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = writer.write_record(header(rubric));
    writer.into_inner().unwrap_or_default()
}

/// The second sheet: what each indicator is and how it is scored. Its
/// header is in the rubric's language (it is read by people filling the
/// form, not by a program).
fn explanation<'r>(rubric: &'r Rubric) -> Sheet {
    use crate::output::{Field, Listing, Value};
    type Get<'r> = Box<dyn Fn(usize) -> Value<'r> + Send + Sync + 'r>;
    let lang = rubric.lang();
    let mut l = Listing::new(lang, (0..rubric.indicators.len()).collect::<Vec<_>>());
    let ind = move |i: usize| rubric.indicators.get(i);
    let mut push = |en: &str, zh: &str, get: Get<'r>| {
        l.push(Field::new(lang.pick(en, zh), Words::new(en, zh), Kind::Text, get));
    };
    push(
        "column",
        "列名",
        Box::new(move |i| Value::text(ind(i).map(|i| i.column.as_str()))),
    );
    push(
        "name",
        "指标",
        Box::new(move |i| Value::text(ind(i).map(|i| i.name.as_str()))),
    );
    push(
        "unit",
        "单位",
        Box::new(move |i| Value::text(ind(i).map(|i| i.unit.as_str()))),
    );
    let direction = move |i: usize| {
        Value::text(ind(i).map(|i| match i.direction {
            Direction::Higher => lang.pick("higher is better", "越高越好"),
            Direction::Lower => lang.pick("lower is better", "越低越好"),
        }))
    };
    push("direction", "方向", Box::new(direction));
    let goalposts = move |i: usize| ind(i).and_then(|i| i.goalposts);
    push(
        "goalpost_low",
        "下限",
        Box::new(move |i| Value::num(goalposts(i).map(|g| g.0))),
    );
    push(
        "goalpost_high",
        "上限",
        Box::new(move |i| Value::num(goalposts(i).map(|g| g.1))),
    );
    let dimension = move |i: usize| {
        Value::text(
            ind(i)
                .and_then(|i| rubric.dimensions.get(i.dimension))
                .map(|d| d.name.as_str()),
        )
    };
    push("dimension", "维度", Box::new(dimension));
    let linkage = move |i: usize| {
        let link = ind(i).and_then(|i| i.linkage).and_then(|k| rubric.linkages.get(k));
        Value::text(link.map(|k| k.name.as_str()))
    };
    push("linkage", "衔接", Box::new(linkage));
    push(
        "note",
        "说明",
        Box::new(move |i| Value::text(ind(i).and_then(|i| i.note.as_deref()))),
    );
    l.sheet()
}

/// An Excel form: the data sheet first (so `score` reads it by default),
/// its indicator columns accepting only numbers, then the explanation sheet.
pub fn xlsx(rubric: &Rubric) -> Result<Vec<u8>> {
    let lang = rubric.lang();
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        book.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?));
        let header = header(rubric);
        let form = book.add_worksheet();
        form.set_name(lang.pick("data", "填报表"))?;
        let empty = Sheet {
            lang: rubric.lang(),
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
                let label = lang.pick("; goalposts", "；目标区间");
                prompt.push_str(&format!("{label} {lo} – {hi}"));
            }
            let prompt: String = prompt.chars().take(250).collect();
            let validation = DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(-1e300, 1e300))
                .set_input_message(prompt)?
                .set_error_message(lang.pick(
                    "Enter a number; leave the cell empty when there is no value.",
                    "请填写数字；没有数据请留空。",
                ))?;
            form.add_data_validation(1, c as u16, 1_048_575, c as u16, &validation)?;
        }
        let sheet = explanation(rubric);
        let notes = book.add_worksheet();
        notes.set_name(lang.pick("indicators", "指标说明"))?;
        let titles: Vec<String> = sheet.columns.iter().map(|c| sheet.title(c).to_string()).collect();
        crate::output::xlsx::fill(notes, &sheet, &titles)?;
        book.save_to_buffer()
    };
    build().map_err(|e| Error::file(format!("cannot build the Excel form: {e}")))
}

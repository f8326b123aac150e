use super::*;

fn source(arg: &str) -> (String, String, bool) {
    let s = Source::parse(arg);
    (s.label, s.path, s.labelled)
}

#[test]
fn labels_come_before_the_first_equals_sign_unless_a_path_is_there() {
    let own = |l: &str, p: &str, labelled| (l.to_string(), p.to_string(), labelled);
    assert_eq!(source("2021=a.csv"), own("2021", "a.csv", true));
    assert_eq!(source("2021=dir/a=b.csv"), own("2021", "dir/a=b.csv", true));
    // Text with a `/` before the `=` is a path.
    assert_eq!(source("dir/x=1.csv"), own("x=1", "dir/x=1.csv", false));
    // An empty label: the whole argument is the path.
    assert_eq!(source("=a.csv"), own("=a", "=a.csv", false));
    assert_eq!(
        source("data/villages-2023.csv"),
        own("villages-2023", "data/villages-2023.csv", false)
    );
    assert_eq!(source("book.xlsx"), own("book", "book.xlsx", false));
    assert_eq!(source("-"), own("stdin", "-", false));
}

#[test]
fn decimal_labels_are_numbers_and_others_are_not() {
    assert_eq!(decimal("2021"), Some(2021.0));
    assert_eq!(decimal("2021.5"), Some(2021.5));
    assert_eq!(decimal("-3"), Some(-3.0));
    for not in ["2021年", "", ".5", "5.", "1e3", "2021 ", "+1", "1.2.3", "一"] {
        assert_eq!(decimal(not), None, "{not}");
    }
}

fn periods(labels: &[&str]) -> Vec<Period> {
    labels
        .iter()
        .map(|l| Period {
            label: l.to_string(),
            table: Table::default(),
        })
        .collect()
}

fn ordered(labels: &[&str]) -> Vec<String> {
    let mut p = periods(labels);
    order(&mut p);
    p.into_iter().map(|p| p.label).collect()
}

#[test]
fn periods_are_ordered_as_numbers_only_when_all_are_numbers() {
    assert_eq!(
        ordered(&["2023", "2021", "2022.5", "2022"]),
        ["2021", "2022", "2022.5", "2023"]
    );
    // 10 after 9 as numbers, not as text.
    assert_eq!(ordered(&["10", "9"]), ["9", "10"]);
    // One label that is not a number: the order given.
    assert_eq!(ordered(&["2023", "2021年", "2022"]), ["2023", "2021年", "2022"]);
    assert_eq!(ordered(&["b", "a"]), ["b", "a"]);
}

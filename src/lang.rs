//! The language of what people read: English, or Chinese when the rubric
//! is written in Chinese (SPEC "Command line": the table "speaks the
//! rubric's language"). Every bilingual word of the outputs is chosen here,
//! by [`Lang::pick`] or as [`Words`] that hold both; machine names (CSV
//! headers, JSON keys) are never translated.

/// The language of headings and sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Chinese when `texts` (a rubric's name and dimension names) hold a
    /// CJK ideograph, English otherwise.
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Lang {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        if texts.into_iter().any(cjk) { Lang::Zh } else { Lang::En }
    }

    /// The English or the Chinese of two.
    pub fn pick<T>(self, en: T, zh: T) -> T {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    pub fn is_chinese(self) -> bool {
        self == Lang::Zh
    }
}

/// A text in both languages, such as a column's heading. Text from the
/// rubric or the data (a dimension's name) is the same in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub en: String,
    pub zh: String,
}

impl Words {
    pub fn new(en: &str, zh: &str) -> Words {
        Words {
            en: en.to_string(),
            zh: zh.to_string(),
        }
    }

    /// The same text in both languages.
    pub fn same(text: impl Into<String>) -> Words {
        let text = text.into();
        Words {
            en: text.clone(),
            zh: text,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }
}

impl From<&str> for Words {
    fn from(text: &str) -> Words {
        Words::same(text)
    }
}

impl From<String> for Words {
    fn from(text: String) -> Words {
        Words::same(text)
    }
}

impl From<&String> for Words {
    fn from(text: &String) -> Words {
        Words::same(text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_when_any_text_has_an_ideograph() {
        assert_eq!(Lang::of(["linkage", "产业兴旺"]), Lang::Zh);
        assert_eq!(Lang::of(["linkage", "industry"]), Lang::En);
        // Full-width punctuation alone is not Chinese text.
        assert_eq!(Lang::of(["（）"]), Lang::En);
        assert_eq!(Words::new("rank", "排名").get(Lang::Zh), "排名");
        assert_eq!(Words::same("id").get(Lang::Zh), "id");
    }
}

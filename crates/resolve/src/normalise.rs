//! Text normalisation for comparing what forces write: names (case, punctuation, diacritics,
//! titles), phonetic codes, first lines of addresses (common abbreviations, flat numbers),
//! line brands and area names.
//!
//! Every function here is pure and total: it turns any text into a comparable form and never
//! fails. Deciding what counts as agreement is `compare`'s job, not this module's.

use rphonetic::DoubleMetaphone;

/// Lowercase ASCII words: diacritics transliterated (`Siân` → `sian`), apostrophes dropped
/// (`O'Brien` → `obrien`), every other non-alphanumeric character a separator.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch == '\'' || ch == '`' {
            // Apostrophes join: "O'Brien", "D'Souza".
        } else {
            pending_space = true;
        }
    }
    out
}

/// Honorifics that are not part of a name.
const TITLES: &[&str] = &["mr", "mrs", "miss", "ms", "mx", "dr", "master", "sir"];

/// The words of a name, without titles or digits.
pub fn name_tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|t| !t.is_empty() && !TITLES.contains(t) && !t.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// A name with its spaces removed, so that `Mc Donald` and `McDonald` agree.
pub fn name_compact(text: &str) -> String {
    name_tokens(text).concat()
}

/// The Double Metaphone codes (primary, alternate) of a normalised name; empty for an empty
/// name.
pub fn phonetic(name: &str) -> (String, String) {
    if name.is_empty() {
        return (String::new(), String::new());
    }
    let result = DoubleMetaphone::default().double_metaphone(name);
    (result.primary(), result.alternate())
}

/// Abbreviations of street words and their full forms.
const STREET_WORDS: &[(&str, &str)] = &[
    ("rd", "road"),
    ("st", "street"),
    ("str", "street"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("cres", "crescent"),
    ("cresc", "crescent"),
    ("cl", "close"),
    ("dr", "drive"),
    ("gdns", "gardens"),
    ("gdn", "gardens"),
    ("terr", "terrace"),
    ("ter", "terrace"),
    ("tce", "terrace"),
    ("ln", "lane"),
    ("pl", "place"),
    ("ct", "court"),
    ("crt", "court"),
    ("sq", "square"),
    ("gr", "grove"),
    ("gro", "grove"),
    ("pk", "park"),
    ("pde", "parade"),
    ("hse", "house"),
    ("ho", "house"),
    ("hts", "heights"),
    ("mt", "mount"),
    ("wy", "way"),
    ("bldgs", "buildings"),
    ("est", "estate"),
    ("apt", "flat"),
    ("apartment", "flat"),
    ("flt", "flat"),
    ("fl", "flat"),
    ("no", ""),
    ("n", "north"),
    ("s", "south"),
    ("e", "east"),
    ("w", "west"),
];

/// The first line of an address, normalised for comparison, and the numbers in it (house and
/// flat numbers, which must agree for two first lines to be the same place).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AddressLine {
    /// Lowercase words with abbreviations expanded, e.g. `flat 3 12 high street`.
    pub text: String,
    /// The number tokens in order, e.g. `["3", "12"]`.
    pub numbers: Vec<String>,
}

/// Normalises the first line of a free-text address: the comma-separated parts up to and
/// including the first that holds a house number (`Flat 3, 12 High St, Leeds` →
/// `flat 3 12 high street`), abbreviations expanded (`St` → `street`, `Rd` → `road`), and a
/// Scottish-style `3/12` or `3/` read as flat 3.
pub fn address_line(text: &str) -> AddressLine {
    let mut words: Vec<String> = Vec::new();
    if is_no_address(text) {
        return AddressLine::default();
    }
    for part in text.split([',', '\n', ';']) {
        let part_words = address_words(part);
        if part_words.is_empty() {
            continue;
        }
        let has_number = part_words
            .iter()
            .any(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()));
        let only_flat = part_words.first().is_some_and(|w| w == "flat") && part_words.len() <= 2;
        words.extend(part_words);
        if has_number && !only_flat {
            break;
        }
    }
    let numbers = words
        .iter()
        .filter(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        .cloned()
        .collect();
    AddressLine {
        text: words.join(" "),
        numbers,
    }
}

/// What forces write when there is no address: `NFA`, `No fixed abode`, `unknown`...
const NO_ADDRESS: &[&str] = &[
    "nfa",
    "no fixed abode",
    "fixed abode",
    "no fixed address",
    "na",
    "n a",
    "none",
    "unknown",
    "not known",
    "nk",
    "homeless",
    "tbc",
    "no address",
];

/// Whether an address text says there is no address.
pub fn is_no_address(text: &str) -> bool {
    let folded = fold(text);
    NO_ADDRESS.contains(&folded.as_str())
}

/// A whole free-text address normalised (every part, abbreviations expanded), for matching
/// places whose postcode is not known: `25 Princes Rd, Bristol` → `25 princes road bristol`.
pub fn address_full(text: &str) -> String {
    if is_no_address(text) {
        return String::new();
    }
    text.split([',', '\n', ';'])
        .flat_map(address_words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of one comma-separated part of an address.
fn address_words(part: &str) -> Vec<String> {
    // "3/12 High St" and "3/ 12 High St": flat 3 of number 12.
    let mut spaced = String::with_capacity(part.len() + 8);
    let chars: Vec<char> = part.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch == '/' && i > 0 && chars[i - 1].is_ascii_digit() {
            // Move the flat number behind the word "flat".
            let start = spaced
                .rfind(|c: char| !c.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let number: String = spaced[start..].to_owned();
            spaced.truncate(start);
            spaced.push_str(" flat ");
            spaced.push_str(&number);
            spaced.push(' ');
        } else {
            spaced.push(ch);
        }
    }
    let folded = fold(&spaced);
    let raw: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out = Vec::with_capacity(raw.len());
    for (i, word) in raw.iter().enumerate() {
        // "St" before a name is "Saint" ("St Johns Road"); after one it is "Street".
        if *word == "st" && i + 1 < raw.len() && !raw[i + 1].bytes().all(|b| b.is_ascii_digit()) {
            out.push("saint".to_owned());
            continue;
        }
        // A compass letter only abbreviates when it stands alone before or after a street word.
        if word.len() == 1
            && !word.bytes().all(|b| b.is_ascii_digit())
            && !(i > 0 && i + 1 == raw.len())
        {
            out.push((*word).to_owned());
            continue;
        }
        // "F22": flat 22.
        if word.len() > 1 && word.starts_with('f') && word[1..].bytes().all(|b| b.is_ascii_digit())
        {
            out.push("flat".to_owned());
            out.push(word[1..].to_owned());
            continue;
        }
        match STREET_WORDS.iter().find(|(short, _)| short == word) {
            Some((_, "")) => {}
            Some((_, full)) => out.push((*full).to_owned()),
            None => out.push((*word).to_owned()),
        }
    }
    out
}

/// Generic words that brands carry or drop at will ("the", "line").
const BRAND_NOISE: &[&str] = &["the", "line", "lines"];

/// A line's brand made comparable: lowercase letters and digits without spaces or
/// punctuation, and without a trailing "line", so that `J-Line`, `J Line`, `JLINE` and `j`
/// agree, as do `YOYO LINE` and `Yoyo`.
pub fn brand(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !BRAND_NOISE.contains(w))
        .collect();
    let mut compact = if kept.is_empty() {
        words.concat()
    } else {
        kept.concat()
    };
    // "JLINE" written as one word; longer words ending in "line" ("Caroline") are names.
    if kept.len() == 1 && (5..=7).contains(&compact.len()) && compact.ends_with("line") {
        compact.truncate(compact.len() - 4);
    }
    compact
}

/// An area or town name made comparable (`Weston-super-Mare` → `westonsupermare`).
pub fn area(text: &str) -> String {
    fold(text).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl Fn(&str) -> String, input: &str, expect: &str) {
        assert_eq!(f(input), expect, "input {input:?}");
    }

    #[test]
    fn names() {
        check(fold, "  Siân  O'Brien-Smith ", "sian obrien smith");
        check(fold, "ZOË", "zoe");
        check(|t| name_tokens(t).join("|"), "Mr John  Paul", "john|paul");
        check(name_compact, "Mc Donald", "mcdonald");
        check(name_compact, "McDONALD", "mcdonald");
    }

    #[test]
    fn phonetic_codes() {
        assert_eq!(phonetic("smith").0, phonetic("smyth").0);
        assert_eq!(phonetic("mohammed").0, phonetic("muhammad").0);
        assert_ne!(phonetic("smith").0, phonetic("jones").0);
        assert_eq!(phonetic(""), (String::new(), String::new()));
    }

    #[test]
    fn address_lines() {
        let line = |t: &str| address_line(t).text;
        check(
            line,
            "Flat 1, 134 Manor Gardens, Coventry",
            "flat 1 134 manor gardens",
        );
        check(
            line,
            "Flat 1 134 Manor Gdns, Coventry",
            "flat 1 134 manor gardens",
        );
        check(line, "3/12 High St, Leeds", "flat 3 12 high street");
        check(line, "Apt 3, 12 High Street", "flat 3 12 high street");
        check(line, "12 St Johns Rd", "12 saint johns road");
        check(
            line,
            "Weston-super-Mare railway station, 141 MARKET TERRACE",
            "weston super mare railway station 141 market terrace",
        );
        check(
            line,
            "Willow Lodge, 143 Jubilee Terr",
            "willow lodge 143 jubilee terrace",
        );
        check(line, "F22 116 Princes Lane", "flat 22 116 princes lane");
        check(line, "NFA", "");
        check(line, "No Fixed Abode", "");
        assert_eq!(address_line("Flat 3, 12 High St").numbers, vec!["3", "12"]);
    }

    #[test]
    fn brands() {
        for writing in ["J-Line", "J Line", "JLINE", "j line", "The J Line"] {
            check(brand, writing, "j");
        }
        check(brand, "YOYO LINE", "yoyo");
        check(brand, "Tony 2", "tony2");
        check(brand, "Line", "line");
        check(area, "Weston-super-Mare", "westonsupermare");
    }
}

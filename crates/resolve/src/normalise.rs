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
    // Borrowed when the text is ASCII already (nearly always): no copy before the one made.
    let ascii = deunicode::deunicode_with_tofu_cow(text, TOFU);
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

/// What a character without an ASCII transliteration becomes (`deunicode`'s own choice).
const TOFU: &str = "[?]";

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

/// Jaro–Winkler similarity, equal to `strsim::jaro_winkler` but without allocating for ASCII
/// texts of up to 64 bytes (every normalised name and address word): comparisons run it
/// millions of times.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if !a.is_ascii() || !b.is_ascii() || a.len() > 64 || b.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    jaro_winkler_ascii(a.as_bytes(), b.as_bytes())
}

/// [`jaro_winkler`] of two ASCII texts given as bytes (the caller vouches they are ASCII, as
/// normalised names are); texts over 64 bytes fall back to `strsim`.
pub fn jaro_winkler_ascii(x: &[u8], y: &[u8]) -> f64 {
    if x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(&String::from_utf8_lossy(x), &String::from_utf8_lossy(y));
    }
    let sim = jaro_ascii(x, y);
    if sim > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Whether the Jaro–Winkler similarity of `a` and `b` reaches `threshold`; quicker than
/// computing it when most pairs are far apart: the characters of `a` that `b` does not hold
/// at all cannot match, which bounds the similarity from above.
pub fn similar(a: &str, b: &str, threshold: f64) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_empty() || y.is_empty() {
        return jaro_winkler(a, b) >= threshold;
    }
    let mask = |bytes: &[u8]| bytes.iter().fold(0u128, |m, &c| m | (1u128 << (c & 0x7f)));
    let (mx, my) = (mask(x), mask(y));
    let possible = |bytes: &[u8], other: u128| {
        bytes
            .iter()
            .filter(|&&c| other & (1u128 << (c & 0x7f)) != 0)
            .count()
    };
    let m = possible(x, my).min(possible(y, mx)) as f64;
    let jaro_bound = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
    // The Winkler boost adds at most 0.4 of what Jaro lacks.
    if jaro_bound + 0.4 * (1.0 - jaro_bound) < threshold {
        return false;
    }
    jaro_winkler(a, b) >= threshold
}

/// A sketch of a word for telling most pairs apart without reading them: which letters a–z
/// it holds (with one bit for any digit and one for anything else), its length and 28 bits of
/// its hash. Equal words have equal sketches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sketch(u64);

impl Sketch {
    /// The sketch of `word` (the zero sketch stands for no word).
    pub fn of(word: &str) -> Sketch {
        let mut mask = 0u64;
        for b in word.bytes() {
            mask |= match b {
                b'a'..=b'z' => 1 << (b - b'a'),
                b'A'..=b'Z' => 1 << (b - b'A'),
                b'0'..=b'9' => 1 << 26,
                _ => 1 << 27,
            };
        }
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(word, &mut hasher);
        let hash = std::hash::Hasher::finish(&hasher) >> 36;
        Sketch(mask | (word.len().min(255) as u64) << 28 | hash << 36)
    }

    /// The word's length (255 for longer words).
    pub fn len(self) -> usize {
        ((self.0 >> 28) & 0xff) as usize
    }

    /// Whether the word is empty (or there is none).
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether the word holds a digit.
    pub fn has_digit(self) -> bool {
        self.0 & (1 << 26) != 0
    }

    /// An upper bound of the Jaro–Winkler similarity of the two words sketched: a character
    /// the other word lacks cannot match, and each letter one word holds that the other
    /// lacks stands for at least one such character.
    pub fn similarity_bound(self, other: Sketch) -> f64 {
        let (lx, ly) = (self.len(), other.len());
        if lx == 0 || ly == 0 || lx >= 255 || ly >= 255 {
            return 1.0;
        }
        let (mx, my) = (self.0 & 0x0fff_ffff, other.0 & 0x0fff_ffff);
        let ux = (mx & !my).count_ones() as usize;
        let uy = (my & !mx).count_ones() as usize;
        let m = lx.saturating_sub(ux).min(ly.saturating_sub(uy)) as f64;
        if m == 0.0 {
            return 0.0;
        }
        let jaro = (m / lx as f64 + m / ly as f64 + 1.0) / 3.0;
        jaro + 0.4 * (1.0 - jaro)
    }
}

/// How many characters one text has that the other lacks (the larger side): a lower bound of
/// their edit distance, with or without transpositions.
pub fn bag_distance(a: &str, b: &str) -> usize {
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[usize::from(c & 0x7f)] += 1;
    }
    for c in b.bytes() {
        counts[usize::from(c & 0x7f)] -= 1;
    }
    let (more, fewer) = counts.iter().fold((0, 0), |(p, n), &c| {
        if c > 0 {
            (p + c as usize, n)
        } else {
            (p, n + (-c) as usize)
        }
    });
    more.max(fewer)
}

/// Jaro similarity of two ASCII byte strings of at most 64 bytes (strsim's algorithm, with
/// bit sets for the matched flags).
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return 1.0;
    } else if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(search_range);
        let hi = b_len.min(i + search_range + 1);
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if b_flags & (1 << j) == 0 && cb == ca {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1 << i) != 0 {
            while b_flags & (1 << j) == 0 {
                j += 1;
            }
            transpositions += usize::from(ca != b[j]);
            j += 1;
        }
    }
    let m = matches as f64;
    (m / a_len as f64 + m / b_len as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
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
/// Scottish-style `3/12` or `3/` read as flat 3. A last part of digits only is a postcode or
/// zip code of another country, never a house number, and is not part of the first line.
pub fn address_line(text: &str) -> AddressLine {
    address_split(text).0
}

/// The words of an address after its first line (district, town, county, a foreign postcode),
/// sorted and without repeats: `12 High St, Headingley, Leeds` → `headingley`, `leeds`.
pub fn address_locality(text: &str) -> Vec<String> {
    address_parts(text).1
}

/// [`address_line`] and [`address_locality`] of one address, split once.
pub fn address_parts(text: &str) -> (AddressLine, Vec<String>) {
    let (line, mut words) = address_split(text);
    words.sort();
    words.dedup();
    (line, words)
}

/// The first line and the words of the rest.
fn address_split(text: &str) -> (AddressLine, Vec<String>) {
    let mut words: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    if is_no_address(text) {
        return (AddressLine::default(), rest);
    }
    let parts: Vec<Vec<String>> = text
        .split([',', '\n', ';'])
        .map(address_words)
        .filter(|w| !w.is_empty())
        .collect();
    let n_parts = parts.len();
    let mut first_done = false;
    for (i, part_words) in parts.into_iter().enumerate() {
        if first_done {
            rest.extend(part_words);
            continue;
        }
        let only_digits =
            part_words.len() == 1 && part_words[0].bytes().all(|b| b.is_ascii_digit());
        if i + 1 == n_parts && only_digits && !words.is_empty() {
            rest.extend(part_words);
            break;
        }
        let has_number = part_words
            .iter()
            .any(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()));
        let only_flat = part_words.first().is_some_and(|w| w == "flat") && part_words.len() <= 2;
        words.extend(part_words);
        if has_number && !only_flat {
            first_done = true;
        }
    }
    let numbers = words
        .iter()
        .filter(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        .cloned()
        .collect();
    (
        AddressLine {
            text: words.join(" "),
            numbers,
        },
        rest,
    )
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

/// An identifier of any scheme made comparable: upper-case ASCII letters and digits only, so
/// that `ab 12-345` and `AB12345` agree.
pub fn identifier(text: &str) -> String {
    deunicode::deunicode_with_tofu_cow(text, TOFU)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
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
        check(
            line,
            "studley street, rose vale, 4869",
            "studley street rose vale",
        );
        check(line, "37, white lodge, 4869", "37");
        assert_eq!(
            address_locality("37 Sanford Pl, White Lodge, Ringwood, SA, 5047"),
            vec!["5047", "lodge", "ringwood", "sa", "white"]
        );
        assert_eq!(
            address_locality("studley st, rose vale, 4869"),
            vec!["4869"]
        );
        assert!(address_locality("12 High St").is_empty());
        check(line, "No Fixed Abode", "");
        assert_eq!(address_line("Flat 3, 12 High St").numbers, vec!["3", "12"]);
    }

    #[test]
    fn jaro_winkler_equals_strsim() {
        let words = [
            "",
            "a",
            "smith",
            "smyth",
            "martha",
            "marhta",
            "dixon",
            "dicksonx",
            "jonathan",
            "johnathon",
            "warregocircuit",
            "warrego",
            "crescent",
            "cresent",
            "abcdefghij",
        ];
        for x in words {
            for y in words {
                assert_eq!(jaro_winkler(x, y), strsim::jaro_winkler(x, y), "{x} {y}");
            }
        }
        assert_eq!(
            jaro_winkler("siân", "sian"),
            strsim::jaro_winkler("siân", "sian")
        );
        for x in words {
            for y in words {
                for t in [0.8, 0.88, 0.9, 0.92] {
                    assert_eq!(similar(x, y, t), jaro_winkler(x, y) >= t, "{x} {y} {t}");
                }
                assert!(bag_distance(x, y) <= strsim::osa_distance(x, y), "{x} {y}");
                let bound = Sketch::of(x).similarity_bound(Sketch::of(y));
                assert!(bound + 1e-12 >= jaro_winkler(x, y), "{x} {y}");
            }
        }
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

//! Names: the pools people, street aliases and line brands are drawn from, and the
//! ways a force gets a name wrong.
//!
//! The pools are deliberately small and skewed (common surnames are common), so
//! different real people share names as they do in life. The variation functions
//! produce what analysts actually see: typos, dropped or doubled letters, phonetic
//! spellings, nicknames, lost diacritics, brand names spelt three ways. This module
//! decides nothing about *who* gets which name; that is `people.rs`.

use crate::rng::{WorldRng, chance, pick, weighted};
use rand::RngExt as _;

/// Male forenames, most common first.
pub(crate) const MALE: &[&str] = &[
    "Daniel",
    "Jordan",
    "Kyle",
    "Tyler",
    "Mohammed",
    "Reece",
    "Callum",
    "Liam",
    "Connor",
    "Bradley",
    "Ryan",
    "Aaron",
    "Jamal",
    "Marcus",
    "Andre",
    "Kofi",
    "Kai",
    "Leon",
    "Mason",
    "Harvey",
    "Ethan",
    "Lewis",
    "Nathan",
    "Joshua",
    "Robert",
    "Anthony",
    "Michael",
    "Christopher",
    "Thomas",
    "William",
    "James",
    "Jack",
    "Samuel",
    "Benjamin",
    "Abdullahi",
    "Mustafa",
    "Omar",
    "Yusuf",
    "Ibrahim",
    "Adam",
    "Dylan",
    "Kieran",
    "Shane",
    "Dean",
    "Wayne",
    "Lee",
    "Craig",
    "Darren",
    "Paul",
    "Stephen",
    "Steven",
    "Gary",
    "Terence",
    "Zain",
    "Ricardo",
    "Tariq",
    "Hassan",
    "Ali",
    "Bilal",
    "Emmanuel",
    "Jayden",
    "Tyrone",
    "Kwame",
    "Richard",
    "Alexander",
    "Jonathan",
    "Matthew",
    "Andrew",
    "Rhys",
    "Owain",
    "Dafydd",
    "Seán",
    "Ciarán",
    "Jakub",
    "Mateusz",
    "Luca",
    "Elijah",
    "Isaac",
    "Malachi",
    "Josiah",
];

/// Female forenames, most common first.
pub(crate) const FEMALE: &[&str] = &[
    "Chloe",
    "Jade",
    "Shannon",
    "Courtney",
    "Chantelle",
    "Kayleigh",
    "Jessica",
    "Amy",
    "Megan",
    "Leah",
    "Aaliyah",
    "Amira",
    "Fatima",
    "Zoë",
    "Siân",
    "Niamh",
    "Sinéad",
    "Tiana",
    "Shanice",
    "Demi",
    "Paige",
    "Ellie",
    "Sophie",
    "Lauren",
    "Rebecca",
    "Katie",
    "Sarah",
    "Lisa",
    "Tracey",
    "Donna",
    "Michelle",
    "Nicola",
    "Joanne",
    "Karen",
    "Julie",
    "Kerry",
    "Elizabeth",
    "Jennifer",
    "Katherine",
    "Bethan",
    "Ffion",
    "Precious",
    "Blessing",
    "Aisha",
    "Maryam",
    "Chelsea",
];

/// Names for people who record their gender as other (deliberately unisex).
pub(crate) const UNISEX: &[&str] = &[
    "Alex", "Jordan", "Charlie", "Sam", "Jamie", "Rowan", "Kai", "Robin",
];

/// Surnames with rough frequency weights: a few very common names make
/// collisions between different people realistic.
pub(crate) const SURNAMES: &[(&str, u32)] = &[
    ("Smith", 40),
    ("Jones", 30),
    ("Williams", 25),
    ("Brown", 22),
    ("Taylor", 20),
    ("Davies", 18),
    ("Evans", 14),
    ("Wilson", 14),
    ("Thomas", 13),
    ("Johnson", 13),
    ("Roberts", 12),
    ("Robinson", 10),
    ("Thompson", 10),
    ("Wright", 9),
    ("Walker", 9),
    ("White", 9),
    ("Edwards", 8),
    ("Hughes", 8),
    ("Green", 8),
    ("Hall", 8),
    ("Lewis", 8),
    ("Harris", 8),
    ("Clarke", 8),
    ("Patel", 10),
    ("Jackson", 7),
    ("Wood", 6),
    ("Turner", 6),
    ("Martin", 6),
    ("Cooper", 6),
    ("Hill", 6),
    ("Ward", 6),
    ("Morris", 6),
    ("Moore", 6),
    ("Clark", 5),
    ("Lee", 5),
    ("King", 5),
    ("Baker", 5),
    ("Harrison", 5),
    ("Morgan", 5),
    ("Allen", 5),
    ("James", 5),
    ("Scott", 5),
    ("Phillips", 4),
    ("Watson", 4),
    ("Davis", 4),
    ("Parker", 4),
    ("Price", 4),
    ("Bennett", 4),
    ("Young", 4),
    ("Griffiths", 4),
    ("Mitchell", 4),
    ("Kelly", 4),
    ("Cook", 4),
    ("Carter", 4),
    ("Richardson", 4),
    ("Bailey", 4),
    ("Collins", 4),
    ("Bell", 4),
    ("Shaw", 4),
    ("Murphy", 4),
    ("Miller", 4),
    ("Cox", 3),
    ("Richards", 3),
    ("Khan", 8),
    ("Ali", 6),
    ("Ahmed", 6),
    ("Hussain", 6),
    ("Begum", 4),
    ("Mohamed", 4),
    ("Osei", 3),
    ("Mensah", 3),
    ("Okafor", 3),
    ("Adeyemi", 3),
    ("Campbell", 4),
    ("Francis", 3),
    ("Grant", 3),
    ("Reid", 3),
    ("McDonald", 3),
    ("O'Brien", 3),
    ("O'Connor", 3),
    ("McCarthy", 2),
    ("Gallagher", 2),
    ("Doherty", 2),
    ("Kowalski", 2),
    ("Nowak", 2),
    ("Öztürk", 2),
    ("Yılmaz", 1),
    ("Núñez", 1),
    ("Mac Giolla", 1),
    ("Okonkwo", 2),
    ("Boateng", 2),
    ("Asante", 2),
    ("Warsame", 2),
    ("Farah", 2),
    ("Hassan", 2),
];

/// Street names and nicknames, the way forces record them in `aliases`.
pub(crate) const STREET_ALIASES: &[&str] = &[
    "Smokey", "Tiny", "Lil J", "Bugz", "Skengz", "K-Dot", "Ghost", "Snoop", "Blade", "Trigga",
    "Dotz", "Zizzy", "Mad Max", "Rocko", "Sparks", "Kash", "Deezy", "T-Bone", "Mini", "Youngz",
    "Stackz", "Rizla", "Nitro", "Scrappy", "Diesel", "Pepsi", "Shadow", "Razor", "Chunks", "Bandz",
    "Dubz", "Bossman", "Lil Man", "Bigz", "Skinny", "Reds", "Blue", "Ace", "Fizz", "Flash", "Kobe",
    "Rambo", "Juice", "Chino", "Murda", "Splash", "Tekky", "Yung D", "Zeus", "Loski", "Ty", "MK",
    "JB", "Bruv", "Curly", "Gucci", "Prada", "Sosa", "Menace",
];

/// County line brand names: the name a line trades under.
pub(crate) const BRANDS: &[&str] = &[
    "Tony", "Bando", "J-Line", "Smurf", "Deano", "Benz", "Gucci", "Nike", "Kenzo", "Ace", "Bosh",
    "Dutch", "Frosty", "Ghost", "Hotline", "Jay", "K-Line", "Lucky", "Max", "Moby", "Nando",
    "Oreo", "Pablo", "Quik", "Rambo", "Rico", "Silver", "Snowy", "Sonic", "Tiger", "Turbo",
    "Vinnie", "Woody", "Zed", "Banksy", "Charlie", "Cola", "Decks", "Eddie", "Fresh", "Gizmo",
    "Henny", "Ice", "Jacko", "Kitkat", "Lemon", "Mac", "Nemo", "Ozzy", "Pringle", "Rocky",
    "Scooby", "Taz", "Vegas", "Wizz", "X-Line", "Bugsy", "Cheddar", "Dee", "Fizzy", "Grizzly",
    "Hulk", "Indigo", "Joker", "Kane", "Lenny", "Milo", "Niko", "Papa", "Robbo", "Shrek", "Trap",
    "Ushy", "Vibes", "Wolfie", "Yoyo", "Ziggy", "Bruno", "Coco", "Diamond", "Elvis", "Flex", "Gaz",
    "Harry", "Izzy", "Jimbo", "Kev", "Lewy", "Manny", "Nitro",
];

/// Nicknames and short forms of a forename (empty when it has none).
pub(crate) fn nicknames(forename: &str) -> &'static [&'static str] {
    match forename {
        "Mohammed" => &["Mo", "Moe"],
        "Robert" => &["Bob", "Rob", "Robbie"],
        "Anthony" => &["Tony", "Ant"],
        "Michael" => &["Mike", "Mikey"],
        "Christopher" => &["Chris"],
        "Thomas" => &["Tom", "Tommy"],
        "William" => &["Will", "Billy", "Bill"],
        "James" => &["Jim", "Jimmy", "Jamie"],
        "Daniel" => &["Dan", "Danny"],
        "Joshua" => &["Josh"],
        "Samuel" => &["Sam", "Sammy"],
        "Benjamin" => &["Ben", "Benji"],
        "Nathan" => &["Nate"],
        "Stephen" | "Steven" => &["Steve"],
        "Terence" => &["Terry", "Tel"],
        "Richard" => &["Rich", "Ricky"],
        "Alexander" => &["Alex", "Xander"],
        "Jonathan" => &["Jon", "Jonny"],
        "Matthew" => &["Matt"],
        "Andrew" => &["Andy", "Drew"],
        "Abdullahi" => &["Abdi"],
        "Ibrahim" => &["Ibby"],
        "Kieran" => &["Kez"],
        "Rebecca" => &["Becky", "Becca"],
        "Jessica" => &["Jess"],
        "Nicola" => &["Nicky"],
        "Katherine" => &["Kate", "Katie", "Kath"],
        "Elizabeth" => &["Liz", "Beth", "Lizzie"],
        "Jennifer" => &["Jen", "Jenny"],
        "Samantha" => &["Sam"],
        "Ricardo" => &["Rico"],
        "Emmanuel" => &["Manny"],
        "Malachi" => &["Kai"],
        _ => &[],
    }
}

/// Spellings of the same name that sound alike.
fn phonetic(name: &str) -> &'static [&'static str] {
    match name {
        "Mohammed" => &["Mohammad", "Muhammad", "Mohamed", "Mohammod"],
        "Mohamed" => &["Mohammed", "Mohamud"],
        "Stephen" => &["Steven"],
        "Steven" => &["Stephen"],
        "Jayden" => &["Jaden", "Jaiden", "Jaydon"],
        "Aaliyah" => &["Aliyah", "Aaliya"],
        "Reece" => &["Rhys", "Reese"],
        "Rhys" => &["Reece"],
        "Connor" => &["Conor"],
        "Callum" => &["Calum"],
        "Shannon" => &["Shanon"],
        "Chantelle" => &["Shantelle", "Chantel"],
        "Kayleigh" => &["Kayley", "Kaylee"],
        "Jamal" => &["Jamaal"],
        "Tyrone" => &["Tyron"],
        "Abdullahi" => &["Abdulahi", "Abdullah"],
        "Yusuf" => &["Yousef", "Yusef"],
        "Kofi" => &["Coffie"],
        "Seán" => &["Sean", "Shaun", "Shawn"],
        "Ciarán" => &["Ciaran", "Kieran"],
        "Thompson" => &["Thomson"],
        "Davies" => &["Davis"],
        "Clarke" => &["Clark"],
        "O'Brien" => &["OBrien", "O Brien", "O'Bryan"],
        "O'Connor" => &["OConnor", "O Connor", "O'Conner"],
        "McDonald" => &["MacDonald", "Mcdonald"],
        "Hussain" => &["Hussein", "Husain"],
        "Ahmed" => &["Ahmad", "Ahmet"],
        "Okafor" => &["Okafur"],
        "Adeyemi" => &["Adeyemmi"],
        "Öztürk" => &["Ozturk", "Oeztuerk"],
        "Yılmaz" => &["Yilmaz"],
        "Núñez" => &["Nunez"],
        "Kowalski" => &["Kowalsky"],
        "Nowak" => &["Novak"],
        "Griffiths" => &["Griffith"],
        "Phillips" => &["Philips"],
        "Mitchell" => &["Mitchel"],
        "Warsame" => &["Warsami"],
        "Boateng" => &["Boatang"],
        "Mac Giolla" => &["MacGiolla", "McGiolla"],
        _ => &[],
    }
}

/// The name without diacritics, as a keyboard without them types it.
pub(crate) fn strip_diacritics(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'Ö' => 'O',
            'Ü' => 'U',
            'ş' => 's',
            other => other,
        })
        .collect()
}

/// A plausible misspelling of `name`, never equal to it and never empty.
pub(crate) fn misspell(rng: &mut WorldRng, name: &str) -> String {
    let alternatives = phonetic(name);
    if !alternatives.is_empty() && chance(rng, 0.6) {
        return (*pick(rng, alternatives)).to_string();
    }
    let stripped = strip_diacritics(name);
    if stripped != name && chance(rng, 0.7) {
        return stripped;
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 3 {
        return format!("{name}{}", chars[chars.len() - 1]);
    }
    for _ in 0..8 {
        let mut out = chars.clone();
        let i = rng.random_range(1..chars.len());
        match weighted(rng, &[(0u8, 30), (1, 25), (2, 25), (3, 20)]) {
            // A dropped letter.
            0 => {
                out.remove(i);
            }
            // A doubled letter.
            1 => out.insert(i, chars[i]),
            // Two neighbouring letters swapped.
            2 if i + 1 < chars.len() => out.swap(i, i + 1),
            2 => out.swap(i - 1, i),
            // A vowel typed as another vowel.
            _ => {
                if let Some(j) = (1..chars.len()).find(|&j| "aeiou".contains(chars[j]) && j >= i) {
                    let vowels = ['a', 'e', 'i', 'o', 'u'];
                    out[j] =
                        vowels[(vowels.iter().position(|v| *v == chars[j]).unwrap_or(0) + 1) % 5];
                } else {
                    out.remove(i);
                }
            }
        }
        let candidate: String = out.into_iter().collect();
        if candidate != name && !candidate.is_empty() {
            return candidate;
        }
    }
    format!("{name}e")
}

/// How a force writes a line's brand: case, hyphen and "line" suffix vary, and now
/// and then it is misspelt.
pub(crate) fn brand_variant(rng: &mut WorldRng, brand: &str) -> String {
    let base = brand.to_string();
    match weighted(
        rng,
        &[
            (0u8, 40),
            (1, 12),
            (2, 10),
            (3, 10),
            (4, 10),
            (5, 8),
            (6, 6),
            (7, 4),
        ],
    ) {
        0 => base,
        1 => base.to_uppercase(),
        2 => base.replace('-', " "),
        3 => base.replace('-', "").to_uppercase(),
        4 if !base.to_lowercase().contains("line") => format!("{base} Line"),
        4 => base.replace('-', " ").to_lowercase(),
        5 if !base.to_lowercase().contains("line") => format!("{} LINE", base.to_uppercase()),
        5 => base.replace('-', ""),
        6 => base.to_lowercase(),
        _ => misspell(rng, &base),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rng_for;

    #[test]
    fn misspellings_differ_and_are_not_empty() {
        let mut rng = rng_for(1, "names", 0, 0);
        for name in MALE
            .iter()
            .chain(FEMALE)
            .chain(SURNAMES.iter().map(|(s, _)| s))
        {
            for _ in 0..5 {
                let m = misspell(&mut rng, name);
                assert_ne!(&m, name);
                assert!(!m.is_empty());
            }
        }
        assert_eq!(strip_diacritics("Zoë Öztürk"), "Zoe Ozturk");
    }
}

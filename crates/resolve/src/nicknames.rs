//! A built-in table of common English given names and their familiar forms (Robert, Bob,
//! Rob, Bobby...), with other spellings of the same name (Mohammed, Muhammad...), so that
//! `Bill Jones` and `William Jones` can be recognised as one person.
//!
//! The table is deliberately small and conservative: a pair of names is equivalent only when
//! both appear in one group. It does not guess from spelling; fuzzy spelling is `compare`'s
//! job. The table is hand-written because no maintained crate provides one.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// Groups of equivalent given names, the formal name first.
const GROUPS: &[&[&str]] = &[
    &["robert", "bob", "rob", "bobby", "robbie", "robby", "bert"],
    &[
        "william", "bill", "will", "liam", "billy", "willie", "willy", "wills",
    ],
    &[
        "mohammed", "mohammad", "muhammad", "muhammed", "mohamed", "mohamad", "mo", "moe", "mohd",
        "mahomed",
    ],
    &["anthony", "tony", "ant", "antony"],
    &["daniel", "dan", "danny", "dani"],
    &["joseph", "joe", "joey", "jo"],
    &[
        "michael", "mike", "mikey", "mick", "mickey", "micky", "mikel",
    ],
    &["james", "jim", "jimmy", "jamie", "jimmie", "jem"],
    &["thomas", "tom", "tommy", "thom", "tommie"],
    &["christopher", "chris", "kit", "topher", "kris", "christy"],
    &["jonathan", "jon", "jonny", "johnny", "jonty", "nathan"],
    &[
        "john", "johnny", "jack", "jon", "jonny", "johnnie", "ian", "sean", "shaun", "shawn",
    ],
    &[
        "alexander",
        "alex",
        "alec",
        "sandy",
        "xander",
        "alexandre",
        "alessandro",
    ],
    &["alexandra", "alex", "alexa", "lexi", "sandra", "sandy"],
    &["benjamin", "ben", "benny", "benji", "benjy"],
    &["samuel", "sam", "sammy"],
    &["samantha", "sam", "sammy", "sammie"],
    &["joshua", "josh"],
    &["nathaniel", "nathan", "nate", "nat", "nathanael"],
    &["kieran", "kiernan", "kieron", "kieren", "ciaran", "keiran"],
    &["richard", "rich", "rick", "ricky", "dick", "richie", "rico"],
    &["edward", "ed", "eddie", "eddy", "ted", "teddy", "ned"],
    &["charles", "charlie", "chas", "chuck", "chaz"],
    &["david", "dave", "davey", "davy", "dai"],
    &["stephen", "steven", "steve", "stevie", "stefan"],
    &["matthew", "matt", "matty", "mat"],
    &["andrew", "andy", "drew", "andre"],
    &["nicholas", "nick", "nicky", "nico", "nicolas"],
    &["patrick", "pat", "paddy", "patsy"],
    &["peter", "pete"],
    &["timothy", "tim", "timmy"],
    &["zachary", "zach", "zack", "zak", "zac"],
    &["jacob", "jake", "jakey"],
    &["isaac", "ike", "zac"],
    &["frederick", "fred", "freddie", "freddy", "fredrick"],
    &["harold", "harry", "hal"],
    &["henry", "harry", "hank", "hal"],
    &["gregory", "greg", "gregg"],
    &["kenneth", "ken", "kenny"],
    &["lawrence", "laurence", "larry", "laurie", "lol"],
    &["leonard", "leo", "len", "lenny", "leon"],
    &["raymond", "ray"],
    &["ronald", "ron", "ronnie"],
    &["donald", "don", "donny", "donnie"],
    &["douglas", "doug", "dougie"],
    &["gerald", "gerry", "jerry", "ged"],
    &["jeremy", "jerry", "jez"],
    &["terence", "terrance", "terry", "tel"],
    &["vincent", "vince", "vinny", "vinnie"],
    &["philip", "phillip", "phil", "pip"],
    &["oliver", "ollie", "olly", "ol"],
    &["callum", "calum", "cal"],
    &["cameron", "cam"],
    &["connor", "conor", "con"],
    &["dominic", "dom", "dominik"],
    &["elliot", "elliott", "eli"],
    &["ethan", "eth"],
    &["frankie", "frank", "francis", "franky"],
    &["gabriel", "gabe", "gabby"],
    &["jayden", "jaden", "jaydon", "jay"],
    &["jordan", "jordon", "jord"],
    &["joel", "jo"],
    &["kyle", "ky"],
    &["lewis", "louis", "lou", "luis"],
    &["luke", "lucas", "luca", "luc"],
    &["marcus", "marc", "mark", "markus", "marco"],
    &["maxwell", "max", "maximilian", "maxim"],
    &["mitchell", "mitch"],
    &["reginald", "reg", "reggie"],
    &["theodore", "theo", "ted", "teddy"],
    &["tyrone", "ty"],
    &["tyler", "ty"],
    &["abdullah", "abdallah", "abdulla"],
    &["ahmed", "ahmad", "ahmet"],
    &["hussein", "hussain", "husain", "hossein"],
    &["yusuf", "yousef", "youssef", "yousuf", "joseph"],
    &["ibrahim", "ebrahim", "abraham", "abe"],
    &["omar", "umar", "omer"],
    &["osman", "usman", "uthman", "othman"],
    &["ali", "aly"],
    &["deshawn", "dashawn", "deshaun"],
    &["kwame", "kwamey"],
    &[
        "elizabeth",
        "liz",
        "lizzie",
        "lizzy",
        "beth",
        "betty",
        "eliza",
        "libby",
        "bess",
        "elisabeth",
    ],
    &["margaret", "maggie", "meg", "peggy", "marge", "megan"],
    &[
        "catherine",
        "katherine",
        "kathryn",
        "cathy",
        "kathy",
        "kate",
        "katie",
        "kat",
        "cat",
        "kay",
    ],
    &["jennifer", "jen", "jenny", "jenna"],
    &["jessica", "jess", "jessie"],
    &["rebecca", "becky", "becca", "bex"],
    &["victoria", "vicky", "vicki", "tori", "vic"],
    &["deborah", "debra", "debbie", "deb"],
    &["susan", "sue", "susie", "suzanne", "suzy"],
    &["patricia", "pat", "patty", "trish", "tricia"],
    &["natalie", "nat", "natalia", "nathalie"],
    &["nicola", "nicole", "nikki", "nicky", "niki"],
    &["charlotte", "charlie", "lottie", "lotte"],
    &["abigail", "abbie", "abby", "gail"],
    &["amelia", "amy", "millie", "mia"],
    &["emily", "em", "emmy", "millie"],
    &["emma", "em", "emmy"],
    &["olivia", "liv", "livvy", "olive"],
    &["sophie", "sophia", "soph"],
    &["jasmine", "jas", "jazz", "yasmin", "yasmine", "jasmin"],
    &["shannon", "shanon", "shan"],
    &["chantelle", "chantel", "shantelle"],
    &["kayleigh", "kayley", "kaylee", "kayla", "kaley"],
    &["leah", "lea", "lia"],
    &["lauren", "laura", "loz"],
    &["danielle", "dani", "dannii"],
    &["stephanie", "steph", "stef"],
    &["georgina", "georgia", "george", "gina"],
    &[
        "christina",
        "christine",
        "chris",
        "tina",
        "kirsty",
        "kristina",
    ],
    &["alexis", "lexi", "alex"],
    &["mary", "molly", "polly", "mae", "may"],
    &["ann", "anne", "anna", "annie", "hannah"],
    &[
        "ellie", "ella", "eleanor", "elle", "nell", "nellie", "ellen",
    ],
    &["grace", "gracie"],
    &["isabella", "isabel", "isabelle", "izzy", "bella", "issy"],
    &["fatima", "fatimah", "fatema"],
    &["aisha", "ayesha", "aysha", "aishah"],
    &["zainab", "zaynab", "zeinab"],
];

/// The groups each name belongs to.
fn index() -> &'static FxHashMap<&'static str, Vec<u16>> {
    static INDEX: OnceLock<FxHashMap<&'static str, Vec<u16>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: FxHashMap<&'static str, Vec<u16>> = FxHashMap::default();
        for (group, names) in GROUPS.iter().enumerate() {
            for name in names.iter() {
                map.entry(name).or_default().push(group as u16);
            }
        }
        map
    })
}

/// The nickname groups of a normalised given name (empty when the table does not know it).
pub fn groups(name: &str) -> &'static [u16] {
    index().get(name).map_or(&[], Vec::as_slice)
}

/// Whether two normalised given names are forms of one name according to the table.
pub fn equivalent(a: &str, b: &str) -> bool {
    let (ga, gb) = (groups(a), groups(b));
    ga.iter().any(|g| gb.contains(g))
}

/// The formal name of the first group `name` belongs to, for blocking: `bob` → `robert`.
pub fn canonical(name: &str) -> &str {
    match groups(name).first() {
        Some(&g) => GROUPS[usize::from(g)][0],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalences() {
        let cases = [
            ("bob", "robert", true),
            ("bobby", "rob", true),
            ("bill", "liam", true),
            ("mo", "muhammad", true),
            ("tony", "anthony", true),
            ("kiernan", "kieran", true),
            ("jimmy", "jamie", true),
            ("robert", "william", false),
            ("unknownname", "unknownname", false),
        ];
        for (a, b, expect) in cases {
            assert_eq!(equivalent(a, b), expect, "{a} ~ {b}");
        }
        assert_eq!(canonical("bob"), "robert");
        assert_eq!(canonical("zebedee"), "zebedee");
    }
}

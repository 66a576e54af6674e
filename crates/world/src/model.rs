//! What the synthetic world really is: people, lines, numbers, places, vehicles and
//! incidents, with the spec's enumerations.
//!
//! These types hold the truth. How a force *sees* the truth (partial, misspelt,
//! late) lives in `plan.rs` and `views.rs`; how it is written lives in the writers.
//! The enumerations carry the exact tokens of `matrix-v1.md` and nothing else.

use crate::addresses::Address;
use crate::calendar::Day;
use crate::geography::Place;

/// Declares a spec enumeration with its tokens and the list of all values.
macro_rules! spec_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $token:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in spec order.
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The token written in returns.
            pub(crate) fn token(self) -> &'static str {
                match self { $($name::$variant => $token),+ }
            }
        }
    };
}

spec_enum! {
    /// A person's part in a line (`nominals.role`).
    Role {
        /// The controlling mind.
        Controller => "controller",
        /// Holds the deal line handset.
        LineHolder => "line_holder",
        /// Carries drugs and cash.
        Runner => "runner",
        /// Drives runners and stock.
        Driver => "driver",
        /// Keeps the stock.
        StashHolder => "stash_holder",
        /// Occupant of a cuckooed home.
        CuckooedOccupant => "cuckooed_occupant",
        /// Buys from the line.
        Customer => "customer",
        /// Otherwise linked.
        Associate => "associate",
        /// Role not known to the force.
        Unknown => "unknown",
    }
}

spec_enum! {
    /// `nominals.gender`.
    Gender {
        /// Male.
        Male => "male",
        /// Female.
        Female => "female",
        /// Other.
        Other => "other",
    }
}

spec_enum! {
    /// Vulnerability tokens of `nominals.vulnerabilities` (and the truth's factors).
    Vuln {
        /// In local authority care.
        LookedAfter => "looked_after",
        /// Left care.
        CareLeaver => "care_leaver",
        /// Goes missing (counted).
        MissingEpisodes => "missing_episodes",
        /// Excluded from school (counted).
        SchoolExclusions => "school_exclusions",
        /// An exclusion over three days.
        ExcludedLong => "excluded_long",
        /// Mental health needs.
        MentalHealth => "mental_health",
        /// Learning disability.
        LearningDisability => "learning_disability",
        /// Physical disability.
        PhysicalDisability => "physical_disability",
        /// Substance dependency.
        SubstanceDependency => "substance_dependency",
        /// Held by a drug debt.
        DebtBondage => "debt_bondage",
        /// Their home has been taken over.
        Cuckooed => "cuckooed",
        /// Homeless.
        Homeless => "homeless",
        /// Sex work.
        SexWork => "sex_work",
        /// Exploited before.
        PreviousExploitation => "previous_exploitation",
        /// Referred to the NRM.
        NrmReferral => "nrm_referral",
        /// Adverse childhood experiences.
        AdverseChildhoodExperiences => "adverse_childhood_experiences",
        /// Moved out of area by a local authority.
        MovedByLocalAuthority => "moved_by_local_authority",
        /// Victim of violence.
        VictimOfViolence => "victim_of_violence",
        /// Carries a weapon.
        CarryingWeapon => "carrying_weapon",
        /// Associates with a gang.
        GangAssociation => "gang_association",
    }
}

impl Vuln {
    /// Whether the token is written with a count (`missing_episodes:3`).
    pub(crate) fn counted(self) -> bool {
        matches!(self, Vuln::MissingEpisodes | Vuln::SchoolExclusions)
    }
}

spec_enum! {
    /// `lines.drugs`.
    Drug {
        /// Crack cocaine.
        Crack => "crack",
        /// Heroin.
        Heroin => "heroin",
        /// Powder cocaine.
        Cocaine => "cocaine",
        /// Cannabis.
        Cannabis => "cannabis",
        /// Ketamine.
        Ketamine => "ketamine",
        /// MDMA.
        Mdma => "mdma",
        /// Synthetic cannabinoids.
        Spice => "spice",
        /// Anything else.
        Other => "other",
    }
}

spec_enum! {
    /// `lines.status`.
    Status {
        /// Resources deployed against it.
        ActiveInvestigation => "active_investigation",
        /// Intelligence only.
        PassiveIntelligence => "passive_intelligence",
        /// Disrupted.
        Disrupted => "disrupted",
        /// Closed.
        Closed => "closed",
    }
}

spec_enum! {
    /// `lines.violence`.
    Violence {
        /// None known.
        None => "none",
        /// Threats.
        Threats => "threats",
        /// Weapons seen or used.
        Weapons => "weapons",
        /// Serious violence.
        Serious => "serious_violence",
    }
}

spec_enum! {
    /// `lines.weapons`.
    Weapon {
        /// Knife.
        Knife => "knife",
        /// Firearm.
        Firearm => "firearm",
        /// Corrosive substance.
        Corrosive => "corrosive",
        /// Anything else.
        Other => "other",
    }
}

spec_enum! {
    /// `locations.kind`.
    LocKind {
        /// A vulnerable person's home taken over.
        CuckooedAddress => "cuckooed_address",
        /// A dealing address.
        TrapHouse => "trap_house",
        /// Where stock is kept.
        Stash => "stash",
        /// Hotel.
        Hotel => "hotel",
        /// Railway station.
        RailStation => "rail_station",
        /// School.
        School => "school",
        /// Children's or care home.
        CareHome => "care_home",
        /// Anywhere else.
        Other => "other",
    }
}

spec_enum! {
    /// `vehicles.kind`.
    VehKind {
        /// Privately owned.
        Private => "private",
        /// Hire car.
        Hire => "hire",
        /// Taxi or private hire.
        Taxi => "taxi",
        /// Anything else (mopeds, vans).
        Other => "other",
    }
}

spec_enum! {
    /// `events.kind`.
    EventKind {
        /// Arrest.
        Arrest => "arrest",
        /// Charge.
        Charge => "charge",
        /// Stop and search.
        StopSearch => "stop_search",
        /// Drugs seized (grams).
        DrugSeizure => "drug_seizure",
        /// Cash seized (pounds).
        CashSeizure => "cash_seizure",
        /// Weapons seized (count).
        WeaponSeizure => "weapon_seizure",
        /// Reported missing.
        MissingEpisode => "missing_episode",
        /// Found after going missing.
        FoundMissing => "found_missing",
        /// Return home interview.
        ReturnHomeInterview => "return_home_interview",
        /// School exclusion.
        SchoolExclusion => "school_exclusion",
        /// Moved by the local authority.
        LaPlacementMove => "la_placement_move",
        /// Released from custody.
        CustodyRelease => "custody_release",
        /// Released on pre-charge bail.
        PreChargeBail => "pre_charge_bail",
        /// Released under investigation.
        ReleasedUnderInvestigation => "released_under_investigation",
        /// Bail extended.
        BailExtension => "bail_extension",
        /// Referred to the National Referral Mechanism.
        NrmReferral => "nrm_referral",
        /// NRM reasonable grounds decision.
        NrmReasonableGrounds => "nrm_reasonable_grounds",
        /// NRM conclusive grounds decision.
        NrmConclusiveGrounds => "nrm_conclusive_grounds",
        /// Modern Slavery Act s.45 defence raised.
        S45DefenceRaised => "s45_defence_raised",
        /// Safeguarding referral.
        SafeguardingReferral => "safeguarding_referral",
        /// DDTRO applied for.
        DdtroApplication => "ddtro_application",
        /// DDTRO granted.
        DdtroGranted => "ddtro_granted",
        /// Closure order on a premises.
        ClosureOrder => "closure_order",
        /// Slavery and Trafficking Prevention Order.
        StpoGranted => "stpo_granted",
        /// Serious Crime Prevention Order.
        ScpoGranted => "scpo_granted",
        /// Warrant executed.
        Warrant => "warrant",
        /// Anything else.
        Other => "other",
    }
}

/// What a phone number is (`truth/numbers.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberKind {
    /// A line's deal number.
    Deal,
    /// A person's own phone.
    Personal,
    /// A customer's phone.
    Customer,
}

impl NumberKind {
    /// The token of `truth/numbers.csv`.
    pub(crate) fn token(self) -> &'static str {
        match self {
            NumberKind::Deal => "deal",
            NumberKind::Personal => "personal",
            NumberKind::Customer => "customer",
        }
    }
}

/// A real person.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    /// Given name.
    pub forename: String,
    /// Middle name, if any.
    pub middle: Option<String>,
    /// Family name.
    pub surname: String,
    /// Street names. Controllers always have at least one.
    pub aliases: Vec<String>,
    /// Date of birth.
    pub dob: Day,
    /// Gender.
    pub gender: Gender,
    /// PNC id, if they have a record.
    pub pnc: Option<String>,
    /// Home address; `None` means no fixed abode.
    pub home: Option<Address>,
    /// Where they live (or sleep rough).
    pub place: Place,
    /// Their main part.
    pub role: Role,
    /// Lines they are linked to, by index.
    pub lines: Vec<u32>,
    /// True vulnerability factors, sorted, without counts.
    pub factors: Vec<Vuln>,
    /// Missing episodes before the world's first period.
    pub prior_missing: u32,
    /// School exclusions before the world's first period.
    pub prior_exclusions: u32,
    /// Days of missing episodes within the calendar, ascending.
    pub missing_days: Vec<Day>,
    /// Days of school exclusions within the calendar, ascending.
    pub exclusion_days: Vec<Day>,
    /// First NRM referral within the calendar, if any.
    pub nrm_day: Option<Day>,
    /// First move by a local authority within the calendar, if any.
    pub moved_day: Option<Day>,
    /// Whether they are being exploited.
    pub exploited: bool,
    /// Their phone numbers (indices into the number table), oldest first.
    pub phones: Vec<u32>,
}

impl Person {
    /// Whether the person has a factor.
    pub(crate) fn has(&self, factor: Vuln) -> bool {
        self.factors.binary_search(&factor).is_ok()
    }

    /// Adds a factor (keeps the list sorted and unique).
    pub(crate) fn add(&mut self, factor: Vuln) {
        if let Err(at) = self.factors.binary_search(&factor) {
            self.factors.insert(at, factor);
        }
    }

    /// Age in whole years on a day.
    pub(crate) fn age_on(&self, day: Day) -> i32 {
        let (by, bm, bd) = crate::calendar::ymd(self.dob);
        let (y, m, d) = crate::calendar::ymd(day);
        y - by - i32::from((m, d) < (bm, bd))
    }
}

/// A phone number and who used it when.
#[derive(Clone, Debug)]
pub(crate) struct NumberRec {
    /// National significant number (`7712345678`).
    pub nsn: u64,
    /// Deal, personal or customer.
    pub kind: NumberKind,
    /// The line, for deal numbers.
    pub line: Option<u32>,
    /// The person, for personal and customer numbers.
    pub person: Option<u32>,
    /// First use (UTC seconds).
    pub from: i64,
    /// Last use, if it stopped within the world's calendar.
    pub to: Option<i64>,
    /// The handset it ran in (landlines have none).
    pub imei: Option<u64>,
}

impl NumberRec {
    /// Whether the number was in use at a moment.
    pub(crate) fn active_at(&self, ts: i64) -> bool {
        self.from <= ts && self.to.is_none_or(|to| ts <= to)
    }

    /// Whether the number was in use at any time in `[from, to)`.
    pub(crate) fn overlaps(&self, from: i64, to: i64) -> bool {
        self.from < to && self.to.is_none_or(|end| end >= from)
    }
}

/// Why a line moved to a new deal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SwitchCause {
    /// The line dropped it (routine churn).
    Dropped,
    /// A DDTRO cut it off.
    Ddtro,
    /// The handset was seized on an arrest.
    Seized,
    /// The whole group changed phones the same day.
    GroupChange,
}

/// A line moving from one deal number to another (`truth/replacements.csv`).
#[derive(Clone, Debug)]
pub(crate) struct Replacement {
    /// Old number (index).
    pub old: u32,
    /// New number (index).
    pub new: u32,
    /// When the old number stopped being used.
    pub cutoff: i64,
    /// First activity of the new number.
    pub switched_at: i64,
    /// The line.
    pub line: u32,
    /// Why.
    pub cause: SwitchCause,
}

/// A county line.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    /// The brand it trades under.
    pub brand: String,
    /// Where it is run from.
    pub export: Place,
    /// Where it supplies. Invariant: never empty.
    pub imports: Vec<Place>,
    /// Drugs sold. Invariant: never empty.
    pub drugs: Vec<Drug>,
    /// Level of violence.
    pub violence: Violence,
    /// Weapons used.
    pub weapons: Vec<Weapon>,
    /// Whether it takes over homes.
    pub cuckooing: bool,
    /// The mapped OCG's reference, if mapped.
    pub ocg: Option<String>,
    /// First day of trading.
    pub start: Day,
    /// Day trading stopped, if within the calendar.
    pub end: Option<Day>,
    /// Controlling minds. Invariant: never empty.
    pub controllers: Vec<u32>,
    /// Line holders. Invariant: never empty.
    pub holders: Vec<u32>,
    /// Runners.
    pub runners: Vec<u32>,
    /// Drivers.
    pub drivers: Vec<u32>,
    /// Stash holders.
    pub stash: Vec<u32>,
    /// Occupants of cuckooed homes.
    pub occupants: Vec<u32>,
    /// Customers, with the days they bought from the line (`[from, to)`).
    pub customers: Vec<(u32, Day, Day)>,
    /// Others linked.
    pub associates: Vec<u32>,
    /// Deal numbers, oldest first.
    pub deal_numbers: Vec<u32>,
    /// Places linked to the line.
    pub locations: Vec<u32>,
    /// Vehicles linked to the line.
    pub vehicles: Vec<u32>,
}

impl Line {
    /// Whether the line traded on a day.
    pub(crate) fn active_on(&self, day: Day) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end)
    }

    /// Everyone linked to the line except customers, with their part in it.
    pub(crate) fn members(&self) -> impl Iterator<Item = (u32, Role)> + '_ {
        self.controllers
            .iter()
            .map(|p| (*p, Role::Controller))
            .chain(self.holders.iter().map(|p| (*p, Role::LineHolder)))
            .chain(self.runners.iter().map(|p| (*p, Role::Runner)))
            .chain(self.drivers.iter().map(|p| (*p, Role::Driver)))
            .chain(self.stash.iter().map(|p| (*p, Role::StashHolder)))
            .chain(self.occupants.iter().map(|p| (*p, Role::CuckooedOccupant)))
            .chain(self.associates.iter().map(|p| (*p, Role::Associate)))
    }
}

/// A place linked to lines.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    /// What kind of place.
    pub kind: LocKind,
    /// Its address.
    pub address: Address,
    /// The force area and town it is in.
    pub place: Place,
    /// Lines using it.
    pub lines: Vec<u32>,
    /// Occupants or users.
    pub persons: Vec<u32>,
    /// When it was first used by a line.
    pub since: Day,
}

/// A vehicle linked to lines.
#[derive(Clone, Debug)]
pub(crate) struct Vehicle {
    /// Canonical VRM (`AB12CDE`).
    pub vrm: String,
    /// Make.
    pub make: &'static str,
    /// Model.
    pub model: &'static str,
    /// Colour.
    pub colour: &'static str,
    /// Kind.
    pub kind: VehKind,
    /// Lines using it.
    pub lines: Vec<u32>,
    /// People seen in it.
    pub persons: Vec<u32>,
}

/// A force that records an incident, and the force area it names if it happened
/// somewhere else.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reporter {
    /// The recording force.
    pub force: u16,
    /// `events.force_area`, when the incident happened outside the recording force.
    pub area: Option<u16>,
}

/// Something that happened (an arrest, a missing episode, an order).
#[derive(Clone, Debug)]
pub(crate) struct Incident {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub day: Day,
    /// Who it happened to.
    pub persons: Vec<u32>,
    /// The line concerned.
    pub line: u32,
    /// Where, if at a known location.
    pub location: Option<u32>,
    /// Forces that record it.
    pub reporters: Vec<Reporter>,
    /// Grams, pounds or a count.
    pub quantity: Option<f64>,
    /// Outcome text or NRM decision.
    pub outcome: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
}

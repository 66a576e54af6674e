//! The closed vocabularies of the return: every enumerated column's allowed words.
//!
//! Each type reads its words case-insensitively after trimming and writes them back exactly
//! as the published format spells them. Nothing outside the published lists is accepted.

use std::fmt;
use std::str::FromStr;

use crate::ValueError;

/// Defines an enumerated vocabulary with its exact words.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the published order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word as the published format spells it.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = ValueError;

            fn from_str(s: &str) -> Result<Self, ValueError> {
                let word = s.trim();
                $(if word.eq_ignore_ascii_case($word) {
                    return Ok($name::$variant);
                })+
                Err(ValueError::new(format!(
                    concat!("not a ", $what, ": expected one of {}"),
                    $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                )))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A line's status in the reporting force.
    LineStatus, "line status" {
        /// Resources are deployed against it.
        ActiveInvestigation = "active_investigation",
        /// Intelligence only.
        PassiveIntelligence = "passive_intelligence",
        /// Disrupted.
        Disrupted = "disrupted",
        /// Closed.
        Closed = "closed",
    }
}

vocabulary! {
    /// The worst violence associated with a line.
    Violence, "violence level" {
        /// None known.
        None = "none",
        /// Threats.
        Threats = "threats",
        /// Weapons carried or used.
        Weapons = "weapons",
        /// Serious violence.
        SeriousViolence = "serious_violence",
    }
}

vocabulary! {
    /// A weapon kind.
    Weapon, "weapon" {
        /// Knife or bladed article.
        Knife = "knife",
        /// Firearm.
        Firearm = "firearm",
        /// Corrosive substance.
        Corrosive = "corrosive",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// A drug supplied.
    Drug, "drug" {
        /// Crack cocaine.
        Crack = "crack",
        /// Heroin.
        Heroin = "heroin",
        /// Powder cocaine.
        Cocaine = "cocaine",
        /// Cannabis.
        Cannabis = "cannabis",
        /// Ketamine.
        Ketamine = "ketamine",
        /// MDMA.
        Mdma = "mdma",
        /// Synthetic cannabinoids.
        Spice = "spice",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// A person's role in a line.
    Role, "role" {
        /// Controls the line.
        Controller = "controller",
        /// Holds the deal phone.
        LineHolder = "line_holder",
        /// Carries drugs or cash.
        Runner = "runner",
        /// Drives.
        Driver = "driver",
        /// Keeps drugs or cash.
        StashHolder = "stash_holder",
        /// Occupant of a cuckooed home.
        CuckooedOccupant = "cuckooed_occupant",
        /// Buys.
        Customer = "customer",
        /// Otherwise associated.
        Associate = "associate",
        /// Not known.
        Unknown = "unknown",
    }
}

vocabulary! {
    /// A person's gender as recorded.
    Gender, "gender" {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
        /// Other.
        Other = "other",
    }
}

vocabulary! {
    /// What a location is.
    LocationKind, "location kind" {
        /// A home taken over by the line.
        CuckooedAddress = "cuckooed_address",
        /// A dealing premises.
        TrapHouse = "trap_house",
        /// A stash.
        Stash = "stash",
        /// A hotel.
        Hotel = "hotel",
        /// A railway station.
        RailStation = "rail_station",
        /// A school.
        School = "school",
        /// A care home.
        CareHome = "care_home",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// What a vehicle is used as.
    VehicleKind, "vehicle kind" {
        /// Privately owned.
        Private = "private",
        /// Hired.
        Hire = "hire",
        /// Taxi.
        Taxi = "taxi",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// What happened.
    EventKind, "event kind" {
        /// Arrest.
        Arrest = "arrest",
        /// Charge.
        Charge = "charge",
        /// Stop and search.
        StopSearch = "stop_search",
        /// Drug seizure (quantity in grams).
        DrugSeizure = "drug_seizure",
        /// Cash seizure (quantity in pounds).
        CashSeizure = "cash_seizure",
        /// Weapon seizure (quantity is a count).
        WeaponSeizure = "weapon_seizure",
        /// Reported missing.
        MissingEpisode = "missing_episode",
        /// Found after going missing.
        FoundMissing = "found_missing",
        /// Return-home interview after a missing episode.
        ReturnHomeInterview = "return_home_interview",
        /// Excluded from school.
        SchoolExclusion = "school_exclusion",
        /// Moved by a local authority placement.
        LaPlacementMove = "la_placement_move",
        /// Released from custody.
        CustodyRelease = "custody_release",
        /// Released on pre-charge bail.
        PreChargeBail = "pre_charge_bail",
        /// Released under investigation.
        ReleasedUnderInvestigation = "released_under_investigation",
        /// Bail extended.
        BailExtension = "bail_extension",
        /// Referred to the National Referral Mechanism.
        NrmReferral = "nrm_referral",
        /// NRM reasonable-grounds decision.
        NrmReasonableGrounds = "nrm_reasonable_grounds",
        /// NRM conclusive-grounds decision.
        NrmConclusiveGrounds = "nrm_conclusive_grounds",
        /// Modern Slavery Act s.45 defence raised.
        S45DefenceRaised = "s45_defence_raised",
        /// Safeguarding referral made.
        SafeguardingReferral = "safeguarding_referral",
        /// DDTRO applied for.
        DdtroApplication = "ddtro_application",
        /// DDTRO granted.
        DdtroGranted = "ddtro_granted",
        /// Closure order.
        ClosureOrder = "closure_order",
        /// Slavery and trafficking prevention order granted.
        StpoGranted = "stpo_granted",
        /// Serious crime prevention order granted.
        ScpoGranted = "scpo_granted",
        /// Warrant executed.
        Warrant = "warrant",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// A vulnerability indicator.
    VulnerabilityKind, "vulnerability token" {
        /// Looked-after child.
        LookedAfter = "looked_after",
        /// Care leaver.
        CareLeaver = "care_leaver",
        /// Missing episodes (counted).
        MissingEpisodes = "missing_episodes",
        /// School exclusions (counted).
        SchoolExclusions = "school_exclusions",
        /// An exclusion over three days.
        ExcludedLong = "excluded_long",
        /// Mental health needs.
        MentalHealth = "mental_health",
        /// Learning disability.
        LearningDisability = "learning_disability",
        /// Physical disability.
        PhysicalDisability = "physical_disability",
        /// Substance dependency.
        SubstanceDependency = "substance_dependency",
        /// Debt bondage.
        DebtBondage = "debt_bondage",
        /// Home cuckooed.
        Cuckooed = "cuckooed",
        /// Homeless.
        Homeless = "homeless",
        /// Sex work.
        SexWork = "sex_work",
        /// Exploited before.
        PreviousExploitation = "previous_exploitation",
        /// Referred to the NRM.
        NrmReferral = "nrm_referral",
        /// Adverse childhood experiences.
        AdverseChildhoodExperiences = "adverse_childhood_experiences",
        /// Moved by a local authority.
        MovedByLocalAuthority = "moved_by_local_authority",
        /// Victim of violence.
        VictimOfViolence = "victim_of_violence",
        /// Carries a weapon.
        CarryingWeapon = "carrying_weapon",
        /// Associates with a gang.
        GangAssociation = "gang_association",
    }
}

vocabulary! {
    /// A yes/no answer.
    YesNo, "yes/no answer" {
        /// Yes.
        Yes = "yes",
        /// No.
        No = "no",
    }
}

vocabulary! {
    /// An NRM decision, written in an event's `outcome`.
    NrmDecision, "NRM decision" {
        /// Positive.
        Positive = "positive",
        /// Negative.
        Negative = "negative",
    }
}

/// A vulnerability token with its optional count: `missing_episodes:3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vulnerability {
    /// Which indicator.
    pub kind: VulnerabilityKind,
    /// How many, when the force counted them.
    pub count: Option<u32>,
}

impl FromStr for Vulnerability {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        let (word, count) = match s.split_once(':') {
            Some((word, count)) => {
                let count: u32 = count.trim().parse().map_err(|_| {
                    ValueError::new("a vulnerability count after ':' must be a whole number")
                })?;
                (word, Some(count))
            }
            None => (s, None),
        };
        Ok(Vulnerability {
            kind: word.parse()?,
            count,
        })
    }
}

impl fmt::Display for Vulnerability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count {
            Some(n) => write!(f, "{}:{n}", self.kind),
            None => f.write_str(self.kind.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for status in LineStatus::ALL {
            assert_eq!(status.as_str().parse::<LineStatus>().unwrap(), *status);
        }
        assert_eq!(
            " Active_Investigation ".parse::<LineStatus>().unwrap(),
            LineStatus::ActiveInvestigation
        );
        assert_eq!(EventKind::ALL.len(), 27);
        assert_eq!(VulnerabilityKind::ALL.len(), 20);
        let err = "open".parse::<LineStatus>().unwrap_err().to_string();
        assert_eq!(
            err,
            "not a line status: expected one of active_investigation, passive_intelligence, disrupted, closed"
        );
    }

    #[test]
    fn vulnerability_tokens() {
        assert_eq!(
            "missing_episodes:3"
                .parse::<Vulnerability>()
                .unwrap()
                .to_string(),
            "missing_episodes:3"
        );
        assert_eq!("looked_after".parse::<Vulnerability>().unwrap().count, None);
        assert!("missing_episodes:x".parse::<Vulnerability>().is_err());
        assert!("lonely".parse::<Vulnerability>().is_err());
    }
}

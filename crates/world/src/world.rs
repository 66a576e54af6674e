//! The world: every person, line, number, place, vehicle and incident, built once
//! from the seed before anything is written.
//!
//! [`World::build`] runs the builders in dependency order (lines with their people,
//! then phones, then places and vehicles, then incidents). The world is the truth;
//! it knows nothing about how forces see it or how files are laid out.

use crate::calendar::Calendar;
use crate::geography::Geography;
use crate::identifiers::NumberPool;
use crate::model::{Incident, Line, Location, NumberRec, Person, Replacement, Vehicle};
use crate::rng::{WorldRng, rng_for};

/// The synthetic world.
pub(crate) struct World {
    /// The seed everything derives from.
    pub seed: u64,
    /// Forces and towns.
    pub geo: Geography,
    /// The months covered.
    pub cal: Calendar,
    /// Everyone.
    pub persons: Vec<Person>,
    /// Every line.
    pub lines: Vec<Line>,
    /// Every phone number.
    pub numbers: Vec<NumberRec>,
    /// Every move of a line to a new deal number, in line order.
    pub replacements: Vec<Replacement>,
    /// Places linked to lines.
    pub locations: Vec<Location>,
    /// Vehicles linked to lines.
    pub vehicles: Vec<Vehicle>,
    /// Everything that happened, in line order.
    pub incidents: Vec<Incident>,
}

/// A world under construction, with the state builders share.
pub(crate) struct Builder {
    /// The world so far.
    pub w: World,
    /// Numbers already handed out.
    pub pool: NumberPool,
    /// The builder's own random stream.
    pub rng: WorldRng,
}

impl World {
    /// Builds a world of `n_lines` lines over `months` periods.
    pub(crate) fn build(seed: u64, n_lines: usize, months: usize) -> World {
        let w = World {
            seed,
            geo: Geography::load(),
            cal: Calendar::ending_at_last(months),
            persons: Vec::new(),
            lines: Vec::new(),
            numbers: Vec::new(),
            replacements: Vec::new(),
            locations: Vec::new(),
            vehicles: Vec::new(),
            incidents: Vec::new(),
        };
        let mut b = Builder {
            w,
            pool: NumberPool::default(),
            rng: rng_for(seed, "world", 0, 0),
        };
        crate::lines::generate(&mut b, n_lines);
        crate::phones::assign(&mut b);
        crate::places::generate(&mut b);
        crate::incidents::generate(&mut b);
        b.w
    }

    /// The opaque truth id of a person.
    pub(crate) fn person_id(person: u32) -> String {
        format!("P{:06}", person + 1)
    }

    /// The opaque truth id of a line.
    pub(crate) fn line_id(line: u32) -> String {
        format!("L{:04}", line + 1)
    }

    /// Missing episodes of a person up to (and including) a day, including those
    /// before the calendar.
    pub(crate) fn missing_count(&self, person: u32, until: crate::calendar::Day) -> u32 {
        let p = &self.persons[person as usize];
        p.prior_missing + p.missing_days.iter().filter(|d| **d <= until).count() as u32
    }

    /// School exclusions of a person up to a day, including earlier ones.
    pub(crate) fn exclusion_count(&self, person: u32, until: crate::calendar::Day) -> u32 {
        let p = &self.persons[person as usize];
        p.prior_exclusions + p.exclusion_days.iter().filter(|d| **d <= until).count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_seed_other_world() {
        let names = |w: &World| {
            w.persons
                .iter()
                .map(|p| format!("{} {}", p.forename, p.surname))
                .collect::<Vec<_>>()
        };
        let a = World::build(1, 6, 2);
        let b = World::build(2, 6, 2);
        assert_ne!(names(&a), names(&b));
        assert_eq!(names(&a), names(&World::build(1, 6, 2)));
        assert_eq!(a.lines.len(), 6);
        assert!(a.lines.iter().all(|l| !l.controllers.is_empty()
            && !l.holders.is_empty()
            && !l.deal_numbers.is_empty()));
    }
}

//! Each force's house style: how it writes dates, phone numbers, headers and
//! references, and whether it fills in a workbook or CSV files.
//!
//! A style is drawn once per force from the seed, so a force writes the same way
//! every month (with a little noise per row), as real forces do. The choice of
//! container (xlsx or CSV) is made among the forces that actually report, so the
//! requested share holds exactly. Styles change spelling only, never content.

use crate::calendar::Period;
use crate::identifiers::PhoneStyle;
use crate::rng::{WorldRng, chance, pick, rng_for, weighted};
use crate::table::DateStyle;
use rand::RngExt as _;
use rand::seq::SliceRandom as _;

/// How a force writes column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderCase {
    /// `line_ref`.
    Lower,
    /// `LINE_REF`.
    Upper,
    /// `Line_Ref`.
    Title,
    /// Per column at random, some with stray spaces (`Line_Ref `).
    Messy,
}

/// How a force orders columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColumnOrder {
    /// The spec's order.
    Spec,
    /// Its own fixed order.
    Fixed,
    /// A different order every month.
    Varying,
}

/// A force's reference format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefFormat {
    /// `MET-CL-0042`.
    PrefixDashed,
    /// `CL00042`.
    Letters,
    /// `MET/42`.
    PrefixSlashed,
    /// `42`.
    Plain,
}

impl RefFormat {
    fn random(rng: &mut WorldRng) -> RefFormat {
        weighted(
            rng,
            &[
                (RefFormat::PrefixDashed, 40),
                (RefFormat::Letters, 25),
                (RefFormat::PrefixSlashed, 20),
                (RefFormat::Plain, 15),
            ],
        )
    }

    /// Writes reference number `n` of a kind (`CL`, `N`, `LOC`, `EV`).
    pub(crate) fn write(self, prefix: &str, kind: &str, n: u32) -> String {
        match self {
            RefFormat::PrefixDashed => format!("{prefix}-{kind}-{n:04}"),
            RefFormat::Letters => format!("{kind}{n:05}"),
            RefFormat::PrefixSlashed => format!("{prefix}/{kind}/{n}"),
            RefFormat::Plain => format!("{n}"),
        }
    }
}

/// A force's house style.
#[derive(Clone, Debug)]
pub(crate) struct ForceStyle {
    /// Reference prefix (`MET`).
    pub prefix: String,
    /// Usual date writing.
    pub date: DateStyle,
    /// Whether rows sometimes use the other date writing.
    pub mixed_dates: bool,
    /// Usual phone writing.
    pub phone: PhoneStyle,
    /// Header case.
    pub header: HeaderCase,
    /// Column order.
    pub order: ColumnOrder,
    /// Reference format.
    pub refs: RefFormat,
    /// Whether an xlsx return uses real date cells.
    pub date_cells: bool,
    /// Separator for free-text lists (`;` or `; `).
    pub list_sep: &'static str,
    /// Whether vulnerability counts are written (`missing_episodes:3`).
    pub counts: bool,
    /// `submitted_by`.
    pub submitted_by: String,
}

const COMPILERS: &[&str] = &[
    "FIB County Lines Desk",
    "Intelligence Analyst (County Lines)",
    "DS, Serious Organised Crime Unit",
    "Force Intelligence Bureau",
    "Regional liaison officer, Op Orochi",
    "Sgt O'Neill, Exploitation Hub",
    "Analyst, Intelligence & Tasking",
];

impl ForceStyle {
    /// The style of a force.
    pub(crate) fn of(seed: u64, force: u16, prefix: &str) -> ForceStyle {
        let mut rng = rng_for(seed, "style", u64::from(force), 0);
        ForceStyle {
            prefix: prefix.to_string(),
            date: if chance(&mut rng, 0.6) {
                DateStyle::Iso
            } else {
                DateStyle::Uk
            },
            mixed_dates: chance(&mut rng, 0.15),
            phone: PhoneStyle::random(&mut rng),
            header: weighted(
                &mut rng,
                &[
                    (HeaderCase::Lower, 70),
                    (HeaderCase::Upper, 10),
                    (HeaderCase::Title, 10),
                    (HeaderCase::Messy, 10),
                ],
            ),
            order: weighted(
                &mut rng,
                &[
                    (ColumnOrder::Spec, 65),
                    (ColumnOrder::Fixed, 25),
                    (ColumnOrder::Varying, 10),
                ],
            ),
            refs: RefFormat::random(&mut rng),
            date_cells: chance(&mut rng, 0.5),
            list_sep: if chance(&mut rng, 0.7) { ";" } else { "; " },
            counts: chance(&mut rng, 0.85),
            submitted_by: (*pick(&mut rng, COMPILERS)).to_string(),
        }
    }

    /// The date style of one row.
    pub(crate) fn row_date(&self, rng: &mut WorldRng) -> DateStyle {
        if self.mixed_dates && chance(rng, 0.2) {
            match self.date {
                DateStyle::Iso => DateStyle::Uk,
                DateStyle::Uk => DateStyle::Iso,
            }
        } else {
            self.date
        }
    }

    /// The phone style of one number.
    pub(crate) fn row_phone(&self, rng: &mut WorldRng) -> PhoneStyle {
        if chance(rng, 0.15) {
            PhoneStyle::random(rng)
        } else {
            self.phone
        }
    }

    /// The column order of one table in one return.
    pub(crate) fn column_order(
        &self,
        seed: u64,
        force: u16,
        period: Period,
        table: usize,
        n: usize,
    ) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        let salt = match self.order {
            ColumnOrder::Spec => return order,
            ColumnOrder::Fixed => 0,
            ColumnOrder::Varying => (period.year as u64) * 100 + u64::from(period.month),
        };
        let mut rng = rng_for(seed, "order", u64::from(force) * 10 + table as u64, salt);
        order.shuffle(&mut rng);
        order
    }

    /// A column name as this force writes it.
    pub(crate) fn header_name(&self, seed: u64, force: u16, column: usize, name: &str) -> String {
        let title = || {
            name.split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("_")
        };
        match self.header {
            HeaderCase::Lower => name.to_string(),
            HeaderCase::Upper => name.to_uppercase(),
            HeaderCase::Title => title(),
            HeaderCase::Messy => {
                let mut rng = rng_for(seed, "header", u64::from(force), column as u64);
                let base = match rng.random_range(0..3) {
                    0 => name.to_string(),
                    1 => name.to_uppercase(),
                    _ => title(),
                };
                if chance(&mut rng, 0.3) {
                    format!("{base} ")
                } else {
                    base
                }
            }
        }
    }
}

/// Chooses which reporting forces send workbooks: `share` of them, at random but
/// fixed by the seed. Returns a flag per force index.
pub(crate) fn xlsx_forces(seed: u64, reporting: &[u16], n_forces: usize, share: f64) -> Vec<bool> {
    let mut order = reporting.to_vec();
    let mut rng = rng_for(seed, "xlsx", 0, 0);
    order.shuffle(&mut rng);
    let take = ((reporting.len() as f64) * share.clamp(0.0, 1.0)).round() as usize;
    let mut flags = vec![false; n_forces];
    for force in order.into_iter().take(take) {
        flags[usize::from(force)] = true;
    }
    flags
}

//! Who is acting, and over what part of the national picture.
//!
//! Every store call carries an [`Actor`] and a [`Scope`] so that access is decided and audited
//! at the point of use; there is no ambient "current user". This module holds the *rules*
//! (which role may read or submit what); it does not authenticate anybody.

use std::fmt;
use std::str::FromStr;

use crate::{ForceCode, RegionCode, ValueError};

/// What a user does, which bounds what they may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UserRole {
    /// A force intelligence analyst: their own force's returns.
    ForceAnalyst,
    /// A regional co-ordinator or analyst: the forces of their region.
    RegionalAnalyst,
    /// A national centre analyst: everything.
    NationalAnalyst,
    /// An information manager: audits access; sees the audit log, not intelligence.
    InformationManager,
}

impl UserRole {
    /// Every role.
    pub const ALL: [UserRole; 4] = [
        UserRole::ForceAnalyst,
        UserRole::RegionalAnalyst,
        UserRole::NationalAnalyst,
        UserRole::InformationManager,
    ];

    /// The role's word.
    pub fn as_str(&self) -> &'static str {
        match self {
            UserRole::ForceAnalyst => "force_analyst",
            UserRole::RegionalAnalyst => "regional_analyst",
            UserRole::NationalAnalyst => "national_analyst",
            UserRole::InformationManager => "information_manager",
        }
    }
}

impl FromStr for UserRole {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        UserRole::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                ValueError::new("not a role: expected force_analyst, regional_analyst, national_analyst or information_manager")
            })
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A part of the national picture.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every force.
    National,
    /// The forces of one region.
    Region(RegionCode),
    /// One force.
    Force(ForceCode),
}

impl Scope {
    /// Whether `force`'s data falls inside this scope.
    pub fn contains(&self, force: &ForceCode) -> bool {
        match self {
            Scope::National => true,
            Scope::Region(region) => force.region() == region,
            Scope::Force(own) => own == force,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::National => f.write_str("national"),
            Scope::Region(r) => write!(f, "region:{r}"),
            Scope::Force(c) => write!(f, "force:{c}"),
        }
    }
}

/// Someone acting: a named user in a role, attached to a force or region where the role needs one.
///
/// Invariant: a force analyst has a force; a regional analyst has a region.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    user: String,
    role: UserRole,
    home: Scope,
}

impl Actor {
    /// A national analyst.
    pub fn national(user: impl Into<String>) -> Actor {
        Actor {
            user: user.into(),
            role: UserRole::NationalAnalyst,
            home: Scope::National,
        }
    }

    /// A regional analyst of `region`.
    pub fn regional(user: impl Into<String>, region: RegionCode) -> Actor {
        Actor {
            user: user.into(),
            role: UserRole::RegionalAnalyst,
            home: Scope::Region(region),
        }
    }

    /// A force analyst of `force`.
    pub fn force(user: impl Into<String>, force: ForceCode) -> Actor {
        Actor {
            user: user.into(),
            role: UserRole::ForceAnalyst,
            home: Scope::Force(force),
        }
    }

    /// An information manager (audit only).
    pub fn information_manager(user: impl Into<String>) -> Actor {
        Actor {
            user: user.into(),
            role: UserRole::InformationManager,
            home: Scope::National,
        }
    }

    /// The user's name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The user's role.
    pub fn role(&self) -> UserRole {
        self.role
    }

    /// The widest scope the actor may work in.
    pub fn home(&self) -> &Scope {
        &self.home
    }

    /// Whether the actor may read intelligence in `scope`.
    pub fn may_read(&self, scope: &Scope) -> bool {
        if self.role == UserRole::InformationManager {
            return false;
        }
        match (&self.home, scope) {
            (Scope::National, _) => true,
            (Scope::Region(home), Scope::Region(r)) => home == r,
            (Scope::Region(home), Scope::Force(f)) => f.region() == home,
            (Scope::Force(home), Scope::Force(f)) => home == f,
            _ => false,
        }
    }

    /// Whether the actor may submit or replace `force`'s returns.
    pub fn may_submit_for(&self, force: &ForceCode) -> bool {
        self.role != UserRole::InformationManager && self.home.contains(force)
    }

    /// Whether the actor may read the audit log.
    pub fn may_read_audit(&self) -> bool {
        matches!(
            self.role,
            UserRole::InformationManager | UserRole::NationalAnalyst
        )
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.user, self.role, self.home)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege() {
        let mersey: ForceCode = "merseyside".parse().unwrap();
        let met: ForceCode = "metropolitan".parse().unwrap();
        let nw: RegionCode = "north-west".parse().unwrap();

        let force = Actor::force("a", mersey.clone());
        assert!(force.may_read(&Scope::Force(mersey.clone())));
        assert!(!force.may_read(&Scope::Force(met.clone())));
        assert!(!force.may_read(&Scope::Region(nw.clone())));
        assert!(!force.may_read(&Scope::National));
        assert!(force.may_submit_for(&mersey));
        assert!(!force.may_submit_for(&met));

        let region = Actor::regional("b", nw.clone());
        assert!(region.may_read(&Scope::Force(mersey.clone())));
        assert!(!region.may_read(&Scope::Force(met.clone())));
        assert!(!region.may_read(&Scope::National));

        let national = Actor::national("c");
        assert!(national.may_read(&Scope::Region(nw)));
        assert!(national.may_submit_for(&met));

        let auditor = Actor::information_manager("d");
        assert!(!auditor.may_read(&Scope::National));
        assert!(auditor.may_read_audit());
        assert!(!force.may_read_audit());
    }
}

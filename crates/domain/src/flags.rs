//! Safety flags on a person (issue 17, ADR 0021): a kind from the program's list, each
//! with an audience. Officer-safety flags are criminal-justice intelligence and go to
//! responders only (a provider never receives them); the others go to everyone who
//! contacts the person and are obeyed by the outbox. Setting and clearing need a reason.
use crate::enums::Role;

crate::code_enum!(
    /// Who sees a kind of flag.
    Audience {
        Responders = "responders": "Responders only (officers and their supervisors)",
        Contacts = "contacts": "Everyone who contacts the person",
    }
);

crate::code_enum!(
    /// What the outbox does for a flag of this kind.
    Obey {
        Nothing = "none": "Shown only",
        NoHome = "no_home": "No messages to a shared or home phone or address",
        NoMessages = "no_messages": "No messages at all",
    }
);

/// A kind of flag on the program's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagKind {
    pub code: String,
    pub label: String,
    pub audience: Audience,
    pub obey: Obey,
}

/// The kinds every program starts with; a program adds its own and retires any.
pub fn shipped() -> Vec<FlagKind> {
    let k = |code: &str, label: &str, audience, obey| FlagKind {
        code: code.into(),
        label: label.into(),
        audience,
        obey,
    };
    vec![
        k(
            "officer_safety",
            "Officer safety",
            Audience::Responders,
            Obey::Nothing,
        ),
        k(
            "no_home_contact",
            "Do not contact at home",
            Audience::Contacts,
            Obey::NoHome,
        ),
        k(
            "dv_no_messages",
            "Domestic violence: leave no messages",
            Audience::Contacts,
            Obey::NoMessages,
        ),
    ]
}

/// Whether a role sees flags for this audience. Responders' flags: officers and their
/// supervisors. The others: everyone who contacts the person (responders, case managers,
/// peers, the program's coordinators), never the prosecutor or an administrator, who do
/// not.
pub fn sees(role: Role, audience: Audience) -> bool {
    match audience {
        Audience::Responders => matches!(role, Role::Officer | Role::Supervisor),
        Audience::Contacts => matches!(
            role,
            Role::Officer | Role::Supervisor | Role::CaseManager | Role::Peer | Role::Coordinator
        ),
    }
}

/// Whether a role may set or clear a flag for this audience: only responders handle
/// responders' flags; anyone who sees the others may set them.
pub fn may_set(role: Role, audience: Audience) -> bool {
    match audience {
        Audience::Responders => matches!(role, Role::Officer | Role::Supervisor),
        Audience::Contacts => sees(role, audience) && role != Role::Coordinator,
    }
}

/// Why a message to the person may not go, given the obligations of their flags in force
/// and whether the address is a shared or home one; none: it may.
pub fn withholds(obligations: &[Obey], shared_address: bool) -> Option<Obey> {
    if obligations.contains(&Obey::NoMessages) {
        return Some(Obey::NoMessages);
    }
    (shared_address && obligations.contains(&Obey::NoHome)).then_some(Obey::NoHome)
}

/// A program's own kind's code from its label: lowercase letters, digits and `_`.
pub fn code_for(label: &str) -> String {
    let mut code = String::new();
    for c in label.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
        if code.len() >= 40 {
            break;
        }
    }
    code.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_safety_reaches_responders_only() {
        for role in Role::ALL {
            let responder = matches!(role, Role::Officer | Role::Supervisor);
            assert_eq!(sees(*role, Audience::Responders), responder, "{role:?}");
            assert_eq!(may_set(*role, Audience::Responders), responder, "{role:?}");
        }
        assert!(sees(Role::CaseManager, Audience::Contacts));
        assert!(sees(Role::Coordinator, Audience::Contacts));
        assert!(!sees(Role::Prosecutor, Audience::Contacts));
        assert!(!may_set(Role::Coordinator, Audience::Contacts));
        assert!(may_set(Role::Peer, Audience::Contacts));
    }

    #[test]
    fn the_outbox_obeys_the_flags() {
        assert_eq!(withholds(&[], true), None);
        assert_eq!(withholds(&[Obey::Nothing], true), None);
        assert_eq!(withholds(&[Obey::NoHome], false), None);
        assert_eq!(withholds(&[Obey::NoHome], true), Some(Obey::NoHome));
        assert_eq!(
            withholds(&[Obey::NoHome, Obey::NoMessages], false),
            Some(Obey::NoMessages)
        );
        assert_eq!(
            code_for("  Service dog — ask first! "),
            "service_dog_ask_first"
        );
    }
}

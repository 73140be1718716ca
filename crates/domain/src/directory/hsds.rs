//! The HSDS 3.1 objects as Handoff keeps them (ADR 0017): every field an officer, a case
//! manager or an exporter uses, in the standard's names. Serialized, they are the
//! standard's compiled objects; fields Handoff does not keep are absent, never invented.
//!
//! Numbers HSDS types as `number` are kept as the JSON number given, so an export writes
//! back exactly what was imported.

use serde::{Deserialize, Serialize};
use serde_json::Number;
use uuid::Uuid;

/// Skips `None` and empty lists when writing, so an export carries only what is known.
macro_rules! hsds_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name { $($(#[$fm])* pub $field: $ty),+ }
    };
}

fn empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

hsds_struct!(
    /// An organization's HSDS fields beyond its name (kept in `organizations.hsds`).
    Organization {
        id: Uuid,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        alternate_name: Option<String>,
        description: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        website: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri: Option<String>,
        #[serde(default, skip_serializing_if = "empty")]
        phones: Vec<Phone>,
        #[serde(default, skip_serializing_if = "empty")]
        contacts: Vec<Contact>,
    }
);

hsds_struct!(
    Service {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        organization_id: Option<Uuid>,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        alternate_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        interpretation_services: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        application_process: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fees_description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        wait_time: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        eligibility_description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        minimum_age: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        maximum_age: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_modified: Option<String>,
        #[serde(default, skip_serializing_if = "empty")]
        phones: Vec<Phone>,
        #[serde(default, skip_serializing_if = "empty")]
        schedules: Vec<Schedule>,
        #[serde(default, skip_serializing_if = "empty")]
        service_at_locations: Vec<ServiceAtLocation>,
        #[serde(default, skip_serializing_if = "empty")]
        languages: Vec<Language>,
        #[serde(default, skip_serializing_if = "empty")]
        required_documents: Vec<RequiredDocument>,
        #[serde(default, skip_serializing_if = "empty")]
        contacts: Vec<Contact>,
        #[serde(default, skip_serializing_if = "empty")]
        attributes: Vec<Attribute>,
    }
);

hsds_struct!(
    /// Where a service is delivered. Stored with the location's id only; the compiled
    /// answer embeds the location.
    ServiceAtLocation {
        id: Uuid,
        location_id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default, skip_serializing_if = "empty")]
        phones: Vec<Phone>,
        #[serde(default, skip_serializing_if = "empty")]
        schedules: Vec<Schedule>,
        #[serde(default, skip_serializing_if = "empty")]
        contacts: Vec<Contact>,
    }
);

hsds_struct!(
    Location {
        id: Uuid,
        location_type: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        organization_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alternate_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        transportation: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        latitude: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        longitude: Option<Number>,
        #[serde(default, skip_serializing_if = "empty")]
        languages: Vec<Language>,
        #[serde(default, skip_serializing_if = "empty")]
        addresses: Vec<Address>,
        #[serde(default, skip_serializing_if = "empty")]
        phones: Vec<Phone>,
        #[serde(default, skip_serializing_if = "empty")]
        schedules: Vec<Schedule>,
    }
);

hsds_struct!(
    /// RFC 5545-shaped hours (`hours` evaluates the weekly ones).
    #[derive(Default)]
    Schedule {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        valid_from: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        valid_to: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        dtstart: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        timezone: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        until: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        count: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        wkst: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        freq: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        interval: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        byday: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        byweekno: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        bymonthday: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        byyearday: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        opens_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        closes_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        schedule_link: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        attending_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        notes: Option<String>,
    }
);

hsds_struct!(
    Phone {
        id: Uuid,
        number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        extension: Option<Number>,
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default, skip_serializing_if = "empty")]
        languages: Vec<Language>,
    }
);

hsds_struct!(
    Language {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }
);

hsds_struct!(
    Address {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        attention: Option<String>,
        address_1: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        address_2: Option<String>,
        city: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        state_province: String,
        postal_code: String,
        country: String,
        address_type: String,
    }
);

hsds_struct!(
    Contact {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        department: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        #[serde(default, skip_serializing_if = "empty")]
        phones: Vec<Phone>,
    }
);

hsds_struct!(
    RequiredDocument {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        document: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri: Option<String>,
    }
);

hsds_struct!(
    /// A link from a service to a taxonomy term (its type, or an access facet). Stored with
    /// the term's id; the compiled answer embeds the term.
    Attribute {
        id: Uuid,
        taxonomy_term_id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        taxonomy_term: Option<TaxonomyTerm>,
        #[serde(skip_serializing_if = "Option::is_none")]
        link_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        link_entity: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    }
);

hsds_struct!(
    TaxonomyTerm {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        name: String,
        description: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        parent_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        taxonomy: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        taxonomy_detail: Option<Taxonomy>,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        taxonomy_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        term_uri: Option<String>,
    }
);

hsds_struct!(
    Taxonomy {
        id: Uuid,
        name: String,
        description: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
    }
);

hsds_struct!(
    /// What a service can take now (`service_capacity`), kept live beside the document.
    Capacity {
        id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        service_id: Option<Uuid>,
        unit: Unit,
        available: Number,
        #[serde(skip_serializing_if = "Option::is_none")]
        maximum: Option<Number>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        updated: String,
    }
);

hsds_struct!(
    #[derive(Default)]
    Unit {
        id: Uuid,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        scheme: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        identifier: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri: Option<String>,
    }
);

/// HSDS's service statuses.
pub const SERVICE_STATUSES: &[&str] = &["active", "inactive", "defunct", "temporarily closed"];
/// HSDS's location types.
pub const LOCATION_TYPES: &[&str] = &["physical", "postal", "virtual"];
/// HSDS's address types.
pub const ADDRESS_TYPES: &[&str] = &["physical", "postal", "virtual"];

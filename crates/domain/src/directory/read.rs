//! Reading each HSDS object Handoff keeps, field by field (ADR 0017), so that each fault is
//! reported by record and field: errors refuse the import, warnings need a person's
//! acceptance, notices list what Handoff does not keep.

use serde_json::{Number, Value};
use uuid::Uuid;

use super::fields::{Obj, Rd, is_byday, is_date, is_date_time, is_time};
use super::found::{Level, record_name};
use super::hsds::*;

impl Rd<'_> {
    pub(crate) fn organization(&mut self, m: &Obj) -> Option<Uuid> {
        let id = self.req_id(m, "", "id");
        self.record = record_name("organization", Some(id));
        let org = Organization {
            id,
            name: self.req_text(m, "", "name"),
            alternate_name: self.text(m, "", "alternate_name"),
            description: self.req_text(m, "", "description"),
            email: self.email(m, "", "email"),
            website: self.uri(m, "", "website"),
            uri: self.uri(m, "", "uri"),
            phones: self.phones(m, ""),
            contacts: self.contacts(m, ""),
        };
        self.rest(
            m,
            "organization",
            &[
                "id",
                "name",
                "alternate_name",
                "description",
                "email",
                "website",
                "uri",
                "phones",
                "contacts",
                "services",
                "locations",
            ],
        );
        let record = self.record.clone();
        for (p, s) in self.list(m, "", "services") {
            if let Some(Value::String(o)) = s.get("organization_id")
                && Uuid::parse_str(o).ok() != Some(id)
            {
                self.out.push(
                    Level::Error,
                    &record,
                    &format!("{p}organization_id"),
                    "names another organization than the one the service is listed under",
                );
            }
            Rd::new(self.out, self.csv).service(s, Some(id));
        }
        for (_, l) in self.list(m, "", "locations") {
            Rd::new(self.out, self.csv).location(l, Some(id));
        }
        if self.out.first("organization", id, &org) {
            self.out.organizations.push(org);
        }
        Some(id)
    }

    pub(crate) fn service(&mut self, m: &Obj, org: Option<Uuid>) -> Uuid {
        let id = self.req_id(m, "", "id");
        self.record = record_name("service", Some(id));
        let mut organization_id = self.id(m, "", "organization_id");
        if let Some(o) = self.get(m, "organization").and_then(Value::as_object) {
            let nested = Rd::new(self.out, self.csv).organization(o);
            if organization_id.is_some() && nested.is_some() && organization_id != nested {
                self.err("organization.id", "differs from organization_id");
            }
            organization_id = organization_id.or(nested);
        }
        let organization_id = organization_id.or(org);
        if organization_id.is_none() {
            self.err("organization_id", "required: a service must belong to an organization (give organization_id or organization)");
        }
        let last_modified = self.formatted(
            m,
            "",
            "last_modified",
            is_date_time,
            "a date and time (RFC 3339)",
        );
        let mut service = Service {
            id,
            organization_id,
            name: self.req_text(m, "", "name"),
            alternate_name: self.text(m, "", "alternate_name"),
            description: self.text(m, "", "description"),
            url: self.uri(m, "", "url"),
            email: self.email(m, "", "email"),
            status: self
                .one_of(m, "", "status", SERVICE_STATUSES, true)
                .unwrap_or_default(),
            interpretation_services: self.text(m, "", "interpretation_services"),
            application_process: self.text(m, "", "application_process"),
            fees_description: self.text(m, "", "fees_description"),
            wait_time: self.text(m, "", "wait_time"),
            eligibility_description: self.text(m, "", "eligibility_description"),
            minimum_age: self.age(m, "minimum_age"),
            maximum_age: self.age(m, "maximum_age"),
            alert: self.text(m, "", "alert"),
            last_modified,
            phones: self.phones(m, ""),
            schedules: self.schedules(m, ""),
            service_at_locations: Vec::new(),
            languages: self.languages(m, ""),
            required_documents: Vec::new(),
            contacts: self.contacts(m, ""),
            attributes: self.attributes(m, ""),
        };
        for (p, d) in self.list(m, "", "required_documents") {
            let doc = RequiredDocument {
                id: self.req_id(d, &p, "id"),
                document: self.text(d, &p, "document"),
                uri: self.uri(d, &p, "uri"),
            };
            self.rest(
                d,
                "required_document",
                &["id", "service_id", "document", "uri"],
            );
            service.required_documents.push(doc);
        }
        for (p, s) in self.list(m, "", "service_at_locations") {
            if let Some(sal) = self.service_at_location(s, &p) {
                service.service_at_locations.push(sal);
            }
        }
        for (p, c) in self.list(m, "", "capacities") {
            self.capacity(c, &p, id);
        }
        if let (Some(lo), Some(hi)) = (&service.minimum_age, &service.maximum_age)
            && lo.as_f64() > hi.as_f64()
        {
            self.err("minimum_age", "is above maximum_age");
        }
        self.rest(
            m,
            "service",
            &[
                "id",
                "organization_id",
                "organization",
                "name",
                "alternate_name",
                "description",
                "url",
                "email",
                "status",
                "interpretation_services",
                "application_process",
                "fees_description",
                "wait_time",
                "eligibility_description",
                "minimum_age",
                "maximum_age",
                "alert",
                "last_modified",
                "phones",
                "schedules",
                "service_at_locations",
                "languages",
                "required_documents",
                "contacts",
                "capacities",
                "attributes",
            ],
        );
        if self.out.first("service", id, &service) {
            self.out.services.push(service);
        }
        id
    }

    fn age(&mut self, m: &Obj, key: &str) -> Option<Number> {
        let n = self.num(m, "", key)?;
        if !n.as_f64().is_some_and(|a| (0.0..=130.0).contains(&a)) {
            self.err(key, "must be an age from 0 to 130");
        }
        Some(n)
    }

    fn capacity(&mut self, c: &Obj, p: &str, service_id: Uuid) {
        let id = self.req_id(c, p, "id");
        let unit = match self.get(c, "unit").and_then(Value::as_object) {
            Some(u) => {
                let up = format!("{p}unit.");
                let unit = Unit {
                    id: self.req_id(u, &up, "id"),
                    name: self.req_text(u, &up, "name"),
                    scheme: self.text(u, &up, "scheme"),
                    identifier: self.text(u, &up, "identifier"),
                    uri: self.uri(u, &up, "uri"),
                };
                self.rest(u, "unit", &["id", "name", "scheme", "identifier", "uri"]);
                unit
            }
            None => {
                match self.id(c, p, "unit_id").and_then(super::unit) {
                    Some(u) => u,
                    None => {
                        self.err(&format!("{p}unit"), "required: the unit counted (a Handoff unit's id in unit_id, or the unit)");
                        Unit::default()
                    }
                }
            }
        };
        let available = self.num(c, p, "available");
        let maximum = self.num(c, p, "maximum");
        let updated = self.formatted(c, p, "updated", is_date_time, "a date and time (RFC 3339)");
        if available.is_none() {
            self.err(&format!("{p}available"), "required");
        }
        if updated.is_none() {
            self.err(&format!("{p}updated"), "required");
        }
        for (key, n) in [("available", &available), ("maximum", &maximum)] {
            if let Some(n) = n
                && n.as_u64().is_none_or(|v| v > 1_000_000)
            {
                self.err(
                    &format!("{p}{key}"),
                    "must be a whole number from 0 to 1,000,000",
                );
            }
        }
        if let (Some(a), Some(mx)) = (
            available.as_ref().and_then(Number::as_u64),
            maximum.as_ref().and_then(Number::as_u64),
        ) && a > mx
        {
            let record = self.record.clone();
            self.out.push(
                Level::Warning,
                &record,
                &format!("{p}available"),
                format!("{a} available is above the maximum of {mx}: kept as given, and shown so"),
            );
        }
        self.rest(
            c,
            "service_capacity",
            &[
                "id",
                "service_id",
                "unit",
                "unit_id",
                "available",
                "maximum",
                "description",
                "updated",
            ],
        );
        let description = self.text(c, p, "description");
        if let (Some(available), Some(updated)) = (available, updated) {
            self.out.capacities.push(Capacity {
                id,
                service_id: Some(service_id),
                unit,
                available,
                maximum,
                description,
                updated,
            });
        }
    }

    fn service_at_location(&mut self, s: &Obj, p: &str) -> Option<ServiceAtLocation> {
        let id = self.req_id(s, p, "id");
        let mut location_id = self.id(s, p, "location_id");
        if let Some(l) = self.get(s, "location").and_then(Value::as_object) {
            let record = self.record.clone();
            let nested = Rd::new(self.out, self.csv).location(l, None);
            self.record = record;
            if location_id.is_some() && location_id != Some(nested) {
                self.err(&format!("{p}location.id"), "differs from location_id");
            }
            location_id = Some(nested);
        }
        let Some(location_id) = location_id else {
            self.err(
                &format!("{p}location_id"),
                "required: where the service is delivered (location_id or location)",
            );
            return None;
        };
        let sal = ServiceAtLocation {
            id,
            location_id,
            description: self.text(s, p, "description"),
            phones: self.phones(s, p),
            schedules: self.schedules(s, p),
            contacts: self.contacts(s, p),
        };
        self.rest(
            s,
            "service_at_location",
            &[
                "id",
                "service_id",
                "location_id",
                "location",
                "service",
                "description",
                "phones",
                "schedules",
                "contacts",
            ],
        );
        Some(sal)
    }

    /// A service_at_location given on its own (with its service and location inline, or
    /// their ids).
    pub(crate) fn service_at_location_top(&mut self, m: &Obj) {
        let id = self.req_id(m, "", "id");
        self.record = record_name("service_at_location", Some(id));
        let mut service_id = self.id(m, "", "service_id");
        if let Some(s) = self.get(m, "service").and_then(Value::as_object) {
            let nested = Rd::new(self.out, self.csv).service(s, None);
            self.record = record_name("service_at_location", Some(id));
            if service_id.is_some() && service_id != Some(nested) {
                self.err("service.id", "differs from service_id");
            }
            service_id = Some(nested);
        }
        let Some(service_id) = service_id else {
            self.err(
                "service_id",
                "required: the service delivered (service_id or service)",
            );
            return;
        };
        if let Some(sal) = self.service_at_location(m, "") {
            self.out.service_at_locations.push((service_id, sal));
        }
    }

    pub(crate) fn location(&mut self, m: &Obj, org: Option<Uuid>) -> Uuid {
        let id = self.req_id(m, "", "id");
        self.record = record_name("location", Some(id));
        let mut addresses = Vec::new();
        for (p, a) in self.list(m, "", "addresses") {
            let address = Address {
                id: self.req_id(a, &p, "id"),
                attention: self.text(a, &p, "attention"),
                address_1: self.req_text(a, &p, "address_1"),
                address_2: self.text(a, &p, "address_2"),
                city: self.req_text(a, &p, "city"),
                region: self.text(a, &p, "region"),
                state_province: self.req_text(a, &p, "state_province"),
                postal_code: self.req_text(a, &p, "postal_code"),
                country: self.req_text(a, &p, "country"),
                address_type: self
                    .one_of(a, &p, "address_type", ADDRESS_TYPES, true)
                    .unwrap_or_default(),
            };
            self.rest(
                a,
                "address",
                &[
                    "id",
                    "location_id",
                    "attention",
                    "address_1",
                    "address_2",
                    "city",
                    "region",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ],
            );
            addresses.push(address);
        }
        let latitude = self.num(m, "", "latitude");
        let longitude = self.num(m, "", "longitude");
        for (key, n, limit) in [
            ("latitude", &latitude, 90.0),
            ("longitude", &longitude, 180.0),
        ] {
            if let Some(n) = n
                && !n.as_f64().is_some_and(|v| (-limit..=limit).contains(&v))
            {
                let record = self.record.clone();
                self.out.push(Level::Warning, &record, key, format!("{n} is outside -{limit} to {limit}: kept as given, and no distance is shown for this location"));
            }
        }
        if latitude.is_some() != longitude.is_some() {
            self.err("latitude", "latitude and longitude go together");
        }
        let location = Location {
            id,
            location_type: self
                .one_of(m, "", "location_type", LOCATION_TYPES, true)
                .unwrap_or_default(),
            organization_id: self.id(m, "", "organization_id").or(org),
            url: self.uri(m, "", "url"),
            name: self.text(m, "", "name"),
            alternate_name: self.text(m, "", "alternate_name"),
            description: self.text(m, "", "description"),
            transportation: self.text(m, "", "transportation"),
            latitude,
            longitude,
            languages: self.languages(m, ""),
            addresses,
            phones: self.phones(m, ""),
            schedules: self.schedules(m, ""),
        };
        self.rest(
            m,
            "location",
            &[
                "id",
                "location_type",
                "organization_id",
                "url",
                "name",
                "alternate_name",
                "description",
                "transportation",
                "latitude",
                "longitude",
                "languages",
                "addresses",
                "phones",
                "schedules",
            ],
        );
        // The same location inside its organization and inside a service: the first knows
        // its organization from where it is listed, the second may not.
        let mut location = location;
        if let Some(prev) = self.out.locations.iter_mut().find(|l| l.id == id) {
            if location.organization_id.is_none() {
                location.organization_id = prev.organization_id;
            } else if prev.organization_id.is_none() {
                prev.organization_id = location.organization_id;
                if let Some(seen) = self.out.seen.get_mut(&id) {
                    seen.1 = serde_json::to_value(&*prev).unwrap_or(Value::Null);
                }
            }
        }
        if self.out.first("location", id, &location) {
            self.out.locations.push(location);
        }
        id
    }

    fn phones(&mut self, m: &Obj, p: &str) -> Vec<Phone> {
        let mut out = Vec::new();
        for (p, ph) in self.list(m, p, "phones") {
            let phone = Phone {
                id: self.req_id(ph, &p, "id"),
                number: self.req_text(ph, &p, "number"),
                extension: self.num(ph, &p, "extension"),
                kind: self.text(ph, &p, "type"),
                description: self.text(ph, &p, "description"),
                languages: self.languages(ph, &p),
            };
            self.rest(
                ph,
                "phone",
                &[
                    "id",
                    "number",
                    "extension",
                    "type",
                    "description",
                    "languages",
                    "service_id",
                    "organization_id",
                    "location_id",
                    "contact_id",
                    "service_at_location_id",
                ],
            );
            out.push(phone);
        }
        out
    }

    fn languages(&mut self, m: &Obj, p: &str) -> Vec<Language> {
        let mut out = Vec::new();
        for (p, l) in self.list(m, p, "languages") {
            out.push(Language {
                id: self.req_id(l, &p, "id"),
                name: self.text(l, &p, "name"),
                code: self.text(l, &p, "code"),
                note: self.text(l, &p, "note"),
            });
            self.rest(
                l,
                "language",
                &[
                    "id",
                    "name",
                    "code",
                    "note",
                    "service_id",
                    "location_id",
                    "phone_id",
                ],
            );
        }
        out
    }

    fn contacts(&mut self, m: &Obj, p: &str) -> Vec<Contact> {
        let mut out = Vec::new();
        for (p, c) in self.list(m, p, "contacts") {
            out.push(Contact {
                id: self.req_id(c, &p, "id"),
                name: self.text(c, &p, "name"),
                title: self.text(c, &p, "title"),
                department: self.text(c, &p, "department"),
                email: self.email(c, &p, "email"),
                phones: self.phones(c, &p),
            });
            self.rest(
                c,
                "contact",
                &[
                    "id",
                    "name",
                    "title",
                    "department",
                    "email",
                    "phones",
                    "organization_id",
                    "service_id",
                    "service_at_location_id",
                    "location_id",
                ],
            );
        }
        out
    }

    fn schedules(&mut self, m: &Obj, p: &str) -> Vec<Schedule> {
        let mut out = Vec::new();
        for (p, s) in self.list(m, p, "schedules") {
            let date =
                |rd: &mut Self, key: &str| rd.formatted(s, &p, key, is_date, "a date (YYYY-MM-DD)");
            let time = |rd: &mut Self, key: &str| {
                rd.formatted(s, &p, key, is_time, "a time of day (HH:MM or HH:MM:SS)")
            };
            let schedule = Schedule {
                id: self.req_id(s, &p, "id"),
                valid_from: date(self, "valid_from"),
                valid_to: date(self, "valid_to"),
                dtstart: date(self, "dtstart"),
                timezone: self.num(s, &p, "timezone"),
                until: date(self, "until"),
                count: self.num(s, &p, "count"),
                wkst: self.one_of(
                    s,
                    &p,
                    "wkst",
                    &["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                    false,
                ),
                freq: self.one_of(s, &p, "freq", &["WEEKLY", "MONTHLY"], false),
                interval: self.num(s, &p, "interval"),
                byday: self.formatted(
                    s,
                    &p,
                    "byday",
                    is_byday,
                    "days as MO,TU,WE,TH,FR,SA,SU (with an optional position such as 1MO)",
                ),
                byweekno: self.text(s, &p, "byweekno"),
                bymonthday: self.text(s, &p, "bymonthday"),
                byyearday: self.text(s, &p, "byyearday"),
                description: self.text(s, &p, "description"),
                opens_at: time(self, "opens_at"),
                closes_at: time(self, "closes_at"),
                schedule_link: self.uri(s, &p, "schedule_link"),
                attending_type: self.text(s, &p, "attending_type"),
                notes: self.text(s, &p, "notes"),
            };
            if let (Some(a), Some(b)) = (&schedule.valid_from, &schedule.valid_to)
                && is_date(a)
                && is_date(b)
                && a > b
            {
                self.err(&format!("{p}valid_to"), "is before valid_from");
            }
            self.rest(
                s,
                "schedule",
                &[
                    "id",
                    "service_id",
                    "location_id",
                    "service_at_location_id",
                    "valid_from",
                    "valid_to",
                    "dtstart",
                    "timezone",
                    "until",
                    "count",
                    "wkst",
                    "freq",
                    "interval",
                    "byday",
                    "byweekno",
                    "bymonthday",
                    "byyearday",
                    "description",
                    "opens_at",
                    "closes_at",
                    "schedule_link",
                    "attending_type",
                    "notes",
                ],
            );
            out.push(schedule);
        }
        out
    }

    fn attributes(&mut self, m: &Obj, p: &str) -> Vec<Attribute> {
        let mut out = Vec::new();
        for (p, a) in self.list(m, p, "attributes") {
            let id = self.req_id(a, &p, "id");
            let mut term_id = self.id(a, &p, "taxonomy_term_id");
            if let Some(t) = self.get(a, "taxonomy_term").and_then(Value::as_object) {
                let record = self.record.clone();
                let nested = Rd::new(self.out, self.csv).term(t);
                self.record = record;
                if term_id.is_some() && term_id != nested {
                    self.err(
                        &format!("{p}taxonomy_term.id"),
                        "differs from taxonomy_term_id",
                    );
                }
                term_id = term_id.or(nested);
            }
            let Some(taxonomy_term_id) = term_id else {
                self.err(
                    &format!("{p}taxonomy_term_id"),
                    "required: the taxonomy term this attribute links to",
                );
                continue;
            };
            out.push(Attribute {
                id,
                taxonomy_term_id,
                taxonomy_term: None,
                link_type: self.text(a, &p, "link_type"),
                link_entity: self.text(a, &p, "link_entity"),
                value: self.text(a, &p, "value"),
                label: self.text(a, &p, "label"),
            });
            self.rest(
                a,
                "attribute",
                &[
                    "id",
                    "link_id",
                    "taxonomy_term_id",
                    "taxonomy_term",
                    "link_type",
                    "link_entity",
                    "value",
                    "label",
                ],
            );
        }
        out
    }

    pub(crate) fn term(&mut self, m: &Obj) -> Option<Uuid> {
        let id = self.req_id(m, "", "id");
        self.record = record_name("taxonomy_term", Some(id));
        let detail = match self.get(m, "taxonomy_detail").and_then(Value::as_object) {
            Some(d) => {
                let record = self.record.clone();
                let t = Rd::new(self.out, self.csv).taxonomy(d, "taxonomy_detail");
                self.record = record;
                t
            }
            None => None,
        };
        let term = TaxonomyTerm {
            id,
            code: self.text(m, "", "code"),
            name: self.req_text(m, "", "name"),
            description: self.req_text(m, "", "description"),
            parent_id: self.id(m, "", "parent_id"),
            taxonomy: self.text(m, "", "taxonomy"),
            taxonomy_detail: detail,
            language: self.text(m, "", "language"),
            taxonomy_id: self.id(m, "", "taxonomy_id"),
            term_uri: self.uri(m, "", "term_uri"),
        };
        self.rest(
            m,
            "taxonomy_term",
            &[
                "id",
                "code",
                "name",
                "description",
                "parent_id",
                "taxonomy",
                "taxonomy_detail",
                "language",
                "taxonomy_id",
                "term_uri",
            ],
        );
        if self.out.first("taxonomy_term", id, &term) {
            self.out.terms.push(term);
        }
        Some(id)
    }

    pub(crate) fn taxonomy(&mut self, m: &Obj, kind: &str) -> Option<Taxonomy> {
        let id = self.req_id(m, "", "id");
        if kind == "taxonomy" {
            self.record = record_name("taxonomy", Some(id));
        }
        let t = Taxonomy {
            id,
            name: self.req_text(m, "", "name"),
            description: self.req_text(m, "", "description"),
            uri: self.uri(m, "", "uri"),
            version: self.text(m, "", "version"),
        };
        self.rest(
            m,
            "taxonomy",
            &["id", "name", "description", "uri", "version"],
        );
        if kind == "taxonomy" && self.out.first("taxonomy", id, &t) {
            self.out.taxonomies.push(t.clone());
        }
        Some(t)
    }
}

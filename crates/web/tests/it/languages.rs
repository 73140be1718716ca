//! In the person's language (issue 16, ADR 0018): recorded at intake, changed later, shown
//! beside the name; the slip, the consent they sign and its printed form, and the 2.32
//! notice in Spanish with nothing left of the English text; a third language a program
//! adds from its folder without a rebuild, and a broken file refused with the old kept.
use hyper::StatusCode;

use crate::support::*;

/// The English catalogue's literal words: each message's text between placeholders, in
/// pieces long enough to be telling (a name or a code is not English).
fn english_fragments() -> Vec<String> {
    let en = include_str!("../../../i18n/locales/en.ftl");
    let mut out = Vec::new();
    for line in en.lines() {
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        if key.starts_with("meta-") || key.starts_with('#') || key == "print-irrevocable-label" {
            continue;
        }
        let mut rest = value;
        while !rest.is_empty() {
            let (text, after) = match rest.find('{') {
                Some(i) => (
                    &rest[..i],
                    rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]),
                ),
                None => (rest, ""),
            };
            // Strip the parenthesised citations (42 CFR 2.35) shared by both languages.
            let text = text.trim();
            if text.chars().filter(|c| c.is_alphabetic()).count() >= 12 {
                out.push(text.to_string());
            }
            rest = after;
        }
    }
    assert!(out.len() > 40, "{}", out.len());
    out
}

/// The element of a page in a language: from its `lang="..."` opening to its close.
fn in_lang<'a>(body: &'a str, tag: &str, lang: &str) -> &'a str {
    let open = format!("lang=\"{lang}\"");
    let at = body
        .match_indices(&open)
        .map(|(i, _)| i)
        .find(|i| {
            body[..*i]
                .rfind('<')
                .is_some_and(|s| body[s..].starts_with(&format!("<{tag}")))
        })
        .unwrap_or_else(|| panic!("no <{tag} {open}>: {body}"));
    let end = body[at..]
        .find(&format!("</{tag}>"))
        .map_or(body.len(), |e| at + e);
    &body[at..end]
}

fn assert_no_english(what: &str, text: &str) {
    for f in english_fragments() {
        assert!(!text.contains(&f), "{what} has English left: {f:?}\n{text}");
    }
}

#[tokio::test]
async fn a_spanish_speaking_persons_slip_consent_and_notice_are_in_spanish() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        // Recorded at intake, with an interpreter.
        let mut f = encounter_fields(&w.local_now(), "Garza", "35A", "1.0", "GM");
        f.push(("language".into(), "es".into()));
        f.push(("needs_interpreter".into(), "yes".into()));
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let enc = r.location_id();
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            case.body
                .contains("Language: Español (es) · needs an interpreter"),
            "{}",
            case.body
        );
        // The consent is read to the person in Spanish, and staff are told it is unreviewed.
        let consent_text = in_lang(&case.body, "p", "es");
        assert!(
            consent_text.contains("Acepto que el proveedor de tratamiento informe a Test Police")
        );
        assert_no_english("the offer's consent", consent_text);
        assert!(
            case.body
                .contains("has not been reviewed by a qualified translator")
        );
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        // The provider sees it beside the name.
        let referral = w.referrals_of(enc).await.remove(0).id;
        let page = w
            .sign_in("cm1")
            .await
            .get(&format!("/referrals/{referral}"))
            .await;
        assert!(
            page.body
                .contains("Language: Español (es) · needs an interpreter")
        );
        // The slip.
        let slip = officer.get(&format!("/encounters/{enc}/slip")).await;
        assert_eq!(slip.status, StatusCode::OK);
        let article = in_lang(&slip.body, "article", "es");
        assert!(article.contains("Su remisión") && article.contains("Pida un intérprete"));
        assert!(
            article.contains(" de 20"),
            "a date written out in Spanish: {article}"
        );
        assert_no_english("the slip", article);
        // The consent as signed: its words and its printed form.
        let consent = {
            let mut tx = w.store.read().await.unwrap();
            let c = tx.consents_for_encounter(enc).await.unwrap().remove(0);
            tx.rollback().await.unwrap();
            c
        };
        assert_eq!(consent.language, "es");
        assert!(consent.form_text.contains("Quién puede divulgar"));
        assert_no_english("the consent's words", &consent.form_text);
        assert_no_english("the consent's purpose", &consent.purpose);
        let printed = officer.get(&format!("/consents/{}", consent.id)).await;
        assert_eq!(printed.status, StatusCode::OK);
        let form = in_lang(&printed.body, "section", "es");
        assert!(form.contains("Aviso (42 CFR 2.32).") && form.contains("Paciente"));
        assert_no_english("the printed consent and notice", form);
        assert!(
            printed
                .body
                .contains("text in Español (es) has not been reviewed")
        );
        // The recipient on the legal side also has the notice in English, apart.
        assert!(
            printed
                .body
                .contains("lang=\"en\"><strong>Notice (42 CFR 2.32).</strong>")
        );
        // A general consent to a class of recipients: the class in her words when printed.
        let cm = w.sign_in("cm1").await;
        let p2 = w.orgs["p2"].to_string();
        let r = cm
            .post(
                &format!("/referrals/{referral}/consents"),
                &[
                    ("recipients", p2.as_str()),
                    ("recipient_class", "provider"),
                    ("information", "status"),
                    ("purpose", "Coordinar la vivienda y la atención"),
                    ("expires_on", "2026-12-31"),
                    ("signed_name", "Ana Garza"),
                    ("attested", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let general = w.consent_of(enc, "general").await;
        let printed = cm.get(&format!("/consents/{}", general.id)).await;
        let form = in_lang(&printed.body, "section", "es");
        assert!(
            form.contains("Second Provider, los proveedores de tratamiento del programa"),
            "{form}"
        );
        assert_no_english("the printed general consent", form);
    }
}

#[tokio::test]
async fn the_language_is_changed_later_and_a_language_not_in_force_is_refused() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Later").await;
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(case.body.contains("Language not recorded (English)."));
        let post = |language: &'static str| {
            let officer = officer.clone();
            async move {
                officer
                    .post(
                        &format!("/encounters/{enc}/language"),
                        &[("language", language), ("needs_interpreter", "")],
                    )
                    .await
            }
        };
        let r = post("xx").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose a language from the list."));
        let r = post("es").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            case.body.contains("Language: Español (es)"),
            "{}",
            case.body
        );
        // Another officer may not.
        let other = w.sign_in("officer2").await;
        let r = other
            .post(
                &format!("/encounters/{enc}/language"),
                &[("language", "en"), ("needs_interpreter", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(w.audited("participant.language", "allowed").await, 1);
        // The API takes the same fields; a language not in force is refused by field.
        let mut f = encounter_fields(&w.local_now(), "Klingon", "35A", "1.0", "GM");
        f.push(("language".into(), "tlh".into()));
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose a language from the list."));
        assert!(
            r.body.contains("value=\"Klingon\""),
            "what was typed is kept"
        );
    }
}

fn french() -> String {
    include_str!("../../../i18n/locales/es.ftl")
        .replace(
            "meta-language-name = Español",
            "meta-language-name = Français",
        )
        .replace("slip-title = Su remisión", "slip-title = Votre orientation")
}

#[tokio::test]
async fn a_program_adds_a_third_language_from_its_folder_without_a_rebuild() {
    let dir = std::env::temp_dir().join(format!("handoff-languages-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fr.ftl"), french()).unwrap();
    for b in backends() {
        let w = world_with(
            b,
            handoff_app::Settings {
                languages: Some(dir.clone()),
                ..Default::default()
            },
        )
        .await;
        let admin = w.sign_in("admin").await;
        let page = admin.get("/admin/languages").await;
        assert!(page.body.contains("Français") && page.body.contains("Languages folder"));
        let officer = w.sign_in("officer").await;
        let mut f = encounter_fields(&w.local_now(), "Dupont", "35A", "1.0", "GM");
        f.push(("language".into(), "fr".into()));
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let enc = r.location_id();
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let slip = officer.get(&format!("/encounters/{enc}/slip")).await;
        assert!(in_lang(&slip.body, "article", "fr").contains("Votre orientation"));
        // A broken edit is refused with its line and key; the last good French stays.
        std::fs::write(
            dir.join("fr.ftl"),
            french().replace("slip-bring = Traiga:", "slip-bring = Apportez { $dob }"),
        )
        .unwrap();
        let page = admin.post("/admin/languages", &[("note", "")]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Files refused") && page.body.contains("fr.ftl"));
        assert!(
            page.body.contains("key slip-bring: uses { $dob }"),
            "{}",
            page.body
        );
        let slip = officer.get(&format!("/encounters/{enc}/slip")).await;
        assert!(in_lang(&slip.body, "article", "fr").contains("Votre orientation"));
        assert_eq!(w.audited("languages.reload", "allowed").await, 1);
        // Put the good file back for the next backend.
        std::fs::write(dir.join("fr.ftl"), french()).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_page_of_the_navigation_is_named_in_the_staff_catalogue() {
    let staff = handoff_i18n::Texts::staff_en();
    for l in handoff_domain::policy::NAVIGATION {
        let key = format!("nav{}", l.href.replace('/', "-"));
        assert_eq!(staff.get(&key).as_deref(), Some(l.label), "{key}");
    }
}

#[tokio::test]
async fn a_providers_hours_and_what_to_bring_are_printed_in_the_persons_language() {
    for b in backends() {
        let w = world(b).await;
        let coordinator = w.sign_in("coordinator").await;
        let list = coordinator.get("/directory/organizations").await;
        assert_eq!(list.status, StatusCode::OK);
        // Providers and partners, not agencies.
        assert!(list.body.contains("First Provider") && !list.body.contains("Test Police"));
        let p1 = w.orgs["p1"];
        let path = format!("/directory/organizations/{p1}");
        let page = coordinator.get(&path).await;
        assert!(page.body.contains("Hours in Español"), "{}", page.body);
        // Too long: refused by field, everything typed kept, nothing saved.
        let long = "x".repeat(301);
        let typed = [
            ("address", "2 Harbor Street"),
            ("phone", "555-0199"),
            ("hours", "Mon-Fri 8-5"),
            ("what_to_bring", "Photo ID"),
            ("t[0].language", "es"),
            ("t[0].hours", long.as_str()),
            ("t[0].bring", "Identificación con foto"),
        ];
        let r = coordinator.post(&path, &typed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("At most 300 characters."));
        assert!(r.body.contains("2 Harbor Street") && r.body.contains("Identificación con foto"));
        // A language not in force.
        let mut odd = typed;
        odd[4].1 = "xx";
        odd[5].1 = "x";
        let r = coordinator.post(&path, &odd).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("&#34;xx&#34; is not a language in force"),
            "{}",
            r.body
        );
        let slip_of = async |language: &str, name: &str| {
            let officer = w.sign_in("officer").await;
            let mut f = encounter_fields(&w.local_now(), name, "35A", "1.0", "GM");
            f.push(("language".into(), language.into()));
            let r = officer.post("/encounters", &refs(&f)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let enc = r.location_id();
            accept_offer(&w, &officer, enc, "contact_card", "p1").await;
            officer.get(&format!("/encounters/{enc}/slip")).await.body
        };
        // Nothing was saved by the refusals.
        assert!(slip_of("es", "Ortiz").await.contains("9-5"));
        // Saved: the hours in Spanish; what to bring left to English, marked as such.
        let mut good = typed;
        good[5].1 = "lun-vie 8-17";
        good[6].1 = "";
        let r = coordinator.post(&path, &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.audited("organization.texts", "allowed").await, 1);
        let es = slip_of("es", "Ibarra").await;
        let article = in_lang(&es, "article", "es");
        assert!(article.contains("lun-vie 8-17") && article.contains("2 Harbor Street"));
        assert!(
            article.contains("<span lang=\"en\">Photo ID</span>"),
            "{article}"
        );
        let en = slip_of("", "Baker").await;
        assert!(en.contains("Mon-Fri 8-5") && !en.contains("lun-vie"));
        // Those who do not keep the directory cannot.
        let cm = w.sign_in("cm1").await;
        assert_eq!(cm.get(&path).await.status, StatusCode::NOT_FOUND);
    }
}

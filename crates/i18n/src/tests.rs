use super::*;

fn texts() -> Texts {
    Texts::shipped().unwrap()
}

#[test]
fn every_shipped_language_has_every_key_with_the_same_placeholders() {
    let t = texts();
    let en = t.lang("en");
    let en_cat = t.languages().next().unwrap();
    assert_eq!(en_cat.code, "en");
    for c in t.languages().skip(1) {
        let keys: Vec<&str> = c.keys().collect();
        assert_eq!(keys, en_cat.keys().collect::<Vec<_>>(), "{}", c.code);
        for k in c.keys() {
            assert_eq!(c.variables(k), en_cat.variables(k), "{} {k}", c.code);
        }
        // No key falls back to English.
        let lang = t.lang(&c.code);
        for k in c.keys() {
            assert!(!lang.t(k).starts_with("[en]"), "{} {k}", c.code);
        }
    }
    assert_eq!(en.t("slip-title"), "Your referral");
    assert_eq!(t.lang("es").t("slip-title"), "Su remisión");
    assert!(t.lang("es").t("meta-reviewed") == "no" && !t.lang("es").reviewed());
    assert!(en.reviewed());
}

#[test]
fn spanish_texts_differ_from_english_where_they_are_words() {
    let t = texts();
    let (en, es) = (t.lang("en"), t.lang("es"));
    let same: Vec<&str> = t
        .languages()
        .next()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with("meta-") && *k != "print-irrevocable-label")
        .filter(|k| en.t(k) == es.t(k))
        .collect();
    assert!(same.is_empty(), "untranslated: {same:?}");
}

#[test]
fn dates_are_written_in_the_language() {
    let t = texts();
    let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    assert_eq!(t.lang("en").date_long(d), "Monday, December 7, 2026");
    assert_eq!(t.lang("es").date_long(d), "lunes, 7 de diciembre de 2026");
    assert_eq!(
        t.lang("es").t_with(
            "slip-deadline",
            &[("provider", "Harbor".into()), ("date", "hoy".into())]
        ),
        "Por favor, vaya a Harbor o llame a más tardar el hoy."
    );
}

#[test]
fn an_unknown_language_is_english_and_a_missing_key_is_marked() {
    let t = texts();
    assert_eq!(t.lang("xx").code(), "en");
    assert_eq!(t.lang("").t("slip-title"), "Your referral");
    assert_eq!(t.lang("en").t("no-such-key"), "[no-such-key]");
    let en = t.languages().next().unwrap();
    // A catalogue that lacks a key is refused; were one in force, the key would be
    // English, marked.
    let partial = Catalogue::parse(
        "fr",
        "meta-language-name = Français\nmeta-reviewed = no\n",
        None,
        false,
    )
    .unwrap();
    let lang = Lang {
        cat: Arc::new(partial),
        en: t.lang("en").en.clone(),
    };
    assert_eq!(lang.t("slip-title"), "[en] Your referral");
    assert!(en.keys().count() > 50);
}

fn french() -> String {
    let es = include_str!("../locales/es.ftl");
    es.replace(
        "meta-language-name = Español",
        "meta-language-name = Français",
    )
    .replace("slip-title = Su remisión", "slip-title = Votre orientation")
}

fn folder() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "handoff-i18n-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_program_adds_a_language_from_its_folder_and_a_broken_file_leaves_the_last_good_one() {
    let dir = folder();
    std::fs::write(dir.join("fr.ftl"), french()).unwrap();
    let t = Texts::with_folder(&dir).unwrap();
    assert!(t.refused.is_empty(), "{:?}", t.refused);
    assert!(t.has("fr"));
    assert_eq!(t.lang("fr").t("slip-title"), "Votre orientation");
    assert_eq!(t.lang("fr").name(), "Français");
    assert!(dir.join(".accepted/fr.ftl").exists());
    // A later edit breaks it: refused with line and key, the last good copy in force.
    let broken = french().replace(
        "slip-title = Votre orientation",
        "slip-title = Votre orientation { $dob }",
    );
    std::fs::write(dir.join("fr.ftl"), broken).unwrap();
    let t = Texts::with_folder(&dir).unwrap();
    assert_eq!(t.refused.len(), 1);
    let f = &t.refused[0].findings[0];
    assert_eq!(f.key.as_deref(), Some("slip-title"));
    assert!(f.line > 1 && f.message.contains("{ $dob }"), "{f}");
    assert_eq!(t.lang("fr").t("slip-title"), "Votre orientation");
    // A shipped language cannot be replaced.
    std::fs::write(dir.join("es.ftl"), french()).unwrap();
    let t = Texts::with_folder(&dir).unwrap();
    assert!(t.refused.iter().any(|r| r.file == "es.ftl"));
    assert_eq!(t.lang("es").t("slip-title"), "Su remisión");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_catalogues_are_refused_with_line_and_key() {
    let t = texts();
    let check = |text: &str| t.check("fr", text.as_bytes()).unwrap_err();
    // Bad syntax.
    let f = check(&(french() + "\nslip-broken = { $oops\n"));
    assert!(
        f.iter()
            .any(|f| f.message.contains("not Fluent syntax") && f.line > 1),
        "{f:?}"
    );
    // A duplicate key.
    let f = check(&(french() + "\nslip-title = Encore\n"));
    assert!(
        f.iter()
            .any(|f| f.key.as_deref() == Some("slip-title") && f.message.contains("twice")),
        "{f:?}"
    );
    // A missing key.
    let f = check(&french().replace("slip-bring = Traiga:\n", ""));
    assert!(
        f.iter()
            .any(|f| f.key.as_deref() == Some("slip-bring") && f.message.contains("missing")),
        "{f:?}"
    );
    // An unknown key.
    let f = check(&(french() + "\nslip-titel = Faute\n"));
    assert!(
        f.iter()
            .any(|f| f.key.as_deref() == Some("slip-titel") && f.message.contains("not a key")),
        "{f:?}"
    );
    // Not UTF-8.
    let mut bytes = french().into_bytes();
    bytes.extend_from_slice(b"\nslip-x = \xff\xfe\n");
    let f = t.check("fr", &bytes).unwrap_err();
    assert!(f[0].message.contains("not UTF-8") && f[0].line > 1, "{f:?}");
    // A language code that is none.
    assert!(t.check("not a code", french().as_bytes()).is_err());
    // meta-reviewed says yes or no.
    let f = check(&french().replace("meta-reviewed = no", "meta-reviewed = maybe"));
    assert!(
        f.iter().any(|f| f.key.as_deref() == Some("meta-reviewed")),
        "{f:?}"
    );
    // What is refused is not added.
    assert!(!t.has("fr"));
}

#[test]
fn the_staff_catalogue_names_every_page_of_the_navigation() {
    let t = texts();
    assert_eq!(t.staff().t("sign-out"), "Sign out");
    assert_eq!(t.staff().t("nav-reports-research"), "Research export");
}

#[test]
fn staff_notices_count_in_words() {
    let staff = texts().staff();
    let services = |n: i64, held: i64| {
        staff.t_with(
            "notice-services",
            &[
                ("n", n.into()),
                ("held", held.into()),
                ("all", if held == n { "yes" } else { "no" }.into()),
            ],
        )
    };
    assert_eq!(
        services(1, 1),
        "Referred to one service; a place is held there for the program's window."
    );
    assert_eq!(
        services(2, 2),
        "Referred to 2 services; a place is held at each for the program's window."
    );
    assert_eq!(
        services(3, 1),
        "Referred to 3 services; a place is held at one of them."
    );
    assert_eq!(
        services(3, 2),
        "Referred to 3 services; a place is held at 2 of them."
    );
    assert_eq!(
        services(2, 0),
        "Referred to 2 services; no place could be held (none free, or capacity not published)."
    );
    let used = |left: i64| staff.t_with("notice-recovery-used", &[("left", left.into())]);
    assert_eq!(
        used(7),
        "You signed in with a recovery code; it will not work again. 7 left."
    );
    assert_eq!(
        used(2),
        "You signed in with a recovery code; it will not work again. 2 left. Ask your administrator to reset your authenticator to get new ones."
    );
    assert_eq!(staff.t("notice-offer"), "Offer recorded.");
}

#[test]
fn a_program_words_its_own_message_templates_and_nothing_else() {
    let dir = folder();
    std::fs::write(
        dir.join("overrides.es.ftl"),
        "reminder-appointment = Le esperamos el { $date } a las { $time } en { $place }. STOP para no recibir más.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("overrides.staff.ftl"),
        "page-subject = URGENT warm handoff { $reference }\n",
    )
    .unwrap();
    let t = Texts::with_folder(&dir).unwrap();
    assert!(t.refused.is_empty(), "{:?}", t.refused);
    let es = t.lang("es");
    let text = es.t_with(
        "reminder-appointment",
        &[
            ("date", "1 de abril".into()),
            ("time", "10:00".into()),
            ("place", "200 Main St".into()),
        ],
    );
    assert!(
        text.starts_with("Le esperamos el 1 de abril a las 10:00"),
        "{text}"
    );
    // The rest of the catalogue is as shipped.
    assert_eq!(es.t("slip-title"), "Su remisión");
    assert_eq!(
        t.staff()
            .t_with("page-subject", &[("reference", "HO-1".into())]),
        "URGENT warm handoff HO-1"
    );
    assert!(dir.join(".accepted/overrides.staff.ftl").exists());
    // A consent's words, an unknown key, a placeholder the template lacks: refused by line
    // and key, and the last good copy stays.
    std::fs::write(
        dir.join("overrides.staff.ftl"),
        "page-subject = Handoff { $reference } { $name }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("overrides.en.ftl"),
        "slip-title = Something else\nreminder-appointmnet = typo\n",
    )
    .unwrap();
    let t = Texts::with_folder(&dir).unwrap();
    let staff = t
        .refused
        .iter()
        .find(|r| r.file == "overrides.staff.ftl")
        .unwrap();
    assert!(
        staff.findings[0].to_string().contains("{ $name }"),
        "{:?}",
        staff.findings
    );
    assert_eq!(
        t.staff()
            .t_with("page-subject", &[("reference", "HO-1".into())]),
        "URGENT warm handoff HO-1"
    );
    let en = t
        .refused
        .iter()
        .find(|r| r.file == "overrides.en.ftl")
        .unwrap();
    let all: Vec<String> = en.findings.iter().map(|f| f.to_string()).collect();
    assert!(
        all.iter()
            .any(|f| f.contains("slip-title") && f.contains("not a message template")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|f| f.contains("reminder-appointmnet") && f.contains("misspelt")),
        "{all:?}"
    );
    assert_eq!(
        t.lang("en").t("slip-title"),
        texts().lang("en").t("slip-title")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_catalogue_writes_numbers_its_languages_way_and_refuses_a_form_it_cannot_write() {
    let es = Catalogue::parse(
        "es",
        "meta-number-format = 1234 / 12.345,6\nn = { $n ->\n    [one] { $n } persona\n   *[other] { $n } personas\n}\n",
        None,
        false,
    )
    .unwrap();
    assert_eq!(
        es.get("n", &[("n", Arg::Number(12345))]).unwrap(),
        "12.345 personas"
    );
    assert_eq!(
        es.get("n", &[("n", Arg::Number(1234))]).unwrap(),
        "1234 personas"
    );
    assert_eq!(es.get("n", &[("n", Arg::Number(1))]).unwrap(), "1 persona");
    // A program's language overrides keep the form.
    let over = es.with_overrides("", &[]).unwrap();
    assert_eq!(
        over.get("n", &[("n", Arg::Number(12345))]).unwrap(),
        "12.345 personas"
    );
    // The shipped catalogues say theirs.
    let t = texts();
    assert_eq!(t.lang("en").t("meta-number-format"), "1,234 / 12,345.6");
    let f =
        Catalogue::parse("fr", "meta-number-format = 1;234 / 12;345,6\n", None, false).unwrap_err();
    assert_eq!(f[0].key.as_deref(), Some("meta-number-format"));
    assert!(f[0].message.contains("1234 / 12.345,6"), "{:?}", f[0]);
}

#[test]
fn a_catalogue_written_before_number_forms_existed_is_still_accepted() {
    let t = texts();
    let en = t.languages().next().unwrap();
    let es = include_str!("../locales/es.ftl");
    let old: String = es
        .lines()
        .filter(|l| !l.starts_with("meta-number-format"))
        .collect::<Vec<_>>()
        .join("\n");
    let c = Catalogue::parse("pt", &old, Some(en), false).expect("accepted");
    assert_eq!(c.get("meta-language-name", &[]).unwrap(), "Español");
}

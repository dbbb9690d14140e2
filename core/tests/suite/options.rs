//! The four option catalogues: seed rows and admin changes.

use sitebuilder::model::{NewOption, OptionKind, OptionPatch};
use sitebuilder::schema::seed_options;

use super::{Store, expect_err, expect_not_found};

pub async fn options_are_seeded(store: Store) {
    for kind in OptionKind::ALL {
        let seed = seed_options(kind);
        let listed = store.list_options(kind).await.expect("list options");
        assert_eq!(listed.len(), seed.len(), "{kind:?}");
        for (i, (option, (name, description))) in listed.iter().zip(seed).enumerate() {
            assert_eq!(option.kind, kind);
            assert_eq!(option.name, *name);
            assert_eq!(option.description, *description);
            assert!(option.is_active);
            assert_eq!(option.order, i as i32, "{name}");
        }
        assert_eq!(
            store.list_all_options(kind).await.expect("list all"),
            listed
        );
    }
    // Migrating again does not duplicate seed rows.
    store.migrate().await.expect("migrate again");
    for kind in OptionKind::ALL {
        assert_eq!(
            store.list_all_options(kind).await.expect("list all").len(),
            seed_options(kind).len()
        );
    }
}

pub async fn options_admin(store: Store) {
    let kind = OptionKind::BrandPersonality;
    let seeded = store.list_all_options(kind).await.expect("list all");
    let new = |name: &str, order| NewOption {
        name: name.to_string(),
        description: format!("{name} description"),
        order,
    };
    let zeta = store
        .create_option(kind, new("Zeta Voice", 100))
        .await
        .expect("create");
    assert_eq!(zeta.kind, kind);
    assert!(zeta.is_active);
    assert_eq!(zeta.order, 100);
    assert_eq!(zeta.description, "Zeta Voice description");
    let alpha = store
        .create_option(kind, new("Alpha Voice", 100))
        .await
        .expect("create");
    let first = store
        .create_option(kind, new("Comes First", -1))
        .await
        .expect("create");
    let listed = store.list_options(kind).await.expect("list");
    assert_eq!(listed.first(), Some(&first), "ordered by order");
    let tail: Vec<&str> = listed[listed.len() - 2..]
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(
        tail,
        vec!["Alpha Voice", "Zeta Voice"],
        "equal order: by name"
    );
    assert_eq!(listed.len(), seeded.len() + 3);
    // Other catalogues are separate tables.
    assert!(
        !store
            .list_all_options(OptionKind::BusinessType)
            .await
            .expect("list")
            .iter()
            .any(|o| o.name == "Zeta Voice")
    );

    let err = expect_err(
        store.create_option(kind, new("Zeta Voice", 1)).await,
        "conflict",
    );
    assert!(err.to_string().contains("Zeta Voice"), "{err}");
    expect_err(
        store.create_option(kind, new(&seeded[0].name, 1)).await,
        "conflict",
    );
    expect_err(store.create_option(kind, new("", 1)).await, "invalid_input");
    expect_err(
        store.create_option(kind, new("  ", 1)).await,
        "invalid_input",
    );
    expect_err(
        store.create_option(kind, new(&"n".repeat(121), 1)).await,
        "invalid_input",
    );
    store
        .create_option(kind, new(&"n".repeat(120), 1))
        .await
        .expect("120 characters are allowed");
    // The same name in another catalogue is fine.
    store
        .create_option(OptionKind::HeroImagery, new("Zeta Voice", 0))
        .await
        .expect("same name, other catalogue");

    let off = store
        .update_option(
            kind,
            zeta.id,
            OptionPatch {
                is_active: Some(false),
                ..OptionPatch::default()
            },
        )
        .await
        .expect("deactivate");
    assert!(!off.is_active);
    assert_eq!((off.name.as_str(), off.order), ("Zeta Voice", 100));
    assert!(off.updated_at >= zeta.updated_at);
    assert!(
        !store
            .list_options(kind)
            .await
            .expect("list")
            .iter()
            .any(|o| o.id == zeta.id)
    );
    let all = store.list_all_options(kind).await.expect("list all");
    assert_eq!(
        all.iter().find(|o| o.id == zeta.id),
        Some(&off),
        "inactive options stay for admins"
    );

    let renamed = store
        .update_option(
            kind,
            alpha.id,
            OptionPatch {
                name: Some("Alpha Tone".into()),
                description: Some("new".into()),
                order: Some(2),
                is_active: None,
            },
        )
        .await
        .expect("rename");
    assert_eq!(
        (
            renamed.name.as_str(),
            renamed.description.as_str(),
            renamed.order
        ),
        ("Alpha Tone", "new", 2)
    );
    let dup = OptionPatch {
        name: Some(seeded[1].name.clone()),
        ..OptionPatch::default()
    };
    expect_err(store.update_option(kind, alpha.id, dup).await, "conflict");
    let blank = OptionPatch {
        name: Some(String::new()),
        ..OptionPatch::default()
    };
    expect_err(
        store.update_option(kind, alpha.id, blank).await,
        "invalid_input",
    );
    let all = store.list_all_options(kind).await.expect("list all");
    assert_eq!(
        all.iter().find(|o| o.id == alpha.id),
        Some(&renamed),
        "rejected updates changed nothing"
    );
    expect_not_found(
        store
            .update_option(kind, 987_654_321, OptionPatch::default())
            .await,
        "site_builder_option",
    );
}

//! The storage layer on SQLite and on PostgreSQL: the same tests, both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hallvote_server::auth::Role;
use hallvote_server::auth::password::verify_password;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::db::{Store, StoreError, audit};
use hallvote_server::first_organiser;
use hallvote_server::http::{AppState, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn migrations_are_idempotent_and_first_organiser_is_created_once(store: Store) {
    store.migrate().await.unwrap();
    let password = first_organiser(&store, 1_700_000_000).await.unwrap().expect("created on first start");
    assert!(first_organiser(&store, 1_700_000_001).await.unwrap().is_none(), "not twice");
    let (account, hash) = accounts::by_username(&store, "organiser").await.unwrap().unwrap();
    assert_eq!(account.role, Role::Organiser);
    assert!(account.must_change_password);
    assert!(verify_password(&password, &hash));
    assert!(!verify_password("wrong", &hash));
    // The creation is in the audit log.
    let log = audit::list(&store, 0, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "account.create");
}
both_backends!(first_start, migrations_are_idempotent_and_first_organiser_is_created_once);

async fn usernames_are_unique(store: Store) {
    let new = NewAccount {
        username: "desk1",
        display_name: "报到处一",
        role: Role::Desk,
        password_hash: "$argon2id$x",
        must_change_password: false,
    };
    let a = accounts::create(&store, &new, 1).await.unwrap();
    assert_eq!(a.username, "desk1");
    assert_eq!(a.display_name, "报到处一");
    let err = accounts::create(&store, &NewAccount { role: Role::Booth, ..new.clone() }, 2).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict("username")), "{err:?}");
    assert_eq!(accounts::count_with_role(&store, Role::Desk).await.unwrap(), 1);
    assert_eq!(accounts::count_with_role(&store, Role::Booth).await.unwrap(), 0);
}
both_backends!(unique_usernames, usernames_are_unique);

async fn audit_log_is_a_chain_even_under_concurrent_appends(store: Store) {
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..8 {
                audit::append(&store, 100 + k, &format!("organiser{t}"), "poll.open", &format!("第{k}次"))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log = audit::list(&store, 0, 1000).await.unwrap();
    assert_eq!(log.len(), 32);
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=32).collect::<Vec<_>>());
    audit::verify_chain(&log).unwrap();
    // Editing, dropping or reordering an entry breaks the chain at that entry.
    let mut edited = log.clone();
    edited[9].detail.push('!');
    assert_eq!(audit::verify_chain(&edited), Err(10));
    let mut dropped = log.clone();
    dropped.remove(4);
    assert_eq!(audit::verify_chain(&dropped), Err(6));
    let mut swapped = log.clone();
    swapped.swap(2, 3);
    assert!(audit::verify_chain(&swapped).is_err());
}
both_backends!(audit_chain, audit_log_is_a_chain_even_under_concurrent_appends);

/// The audit page reads the log newest first, a page at a time, each page below the last one's oldest entry.
async fn audit_log_reads_newest_first_in_pages(store: Store) {
    let before = audit::list(&store, 0, 1000).await.unwrap().len() as i64;
    for k in 0..5 {
        audit::append(&store, 100 + k, "organiser", "poll.open", &format!("第{k}次")).await.unwrap();
    }
    let first = audit::latest(&store, i64::MAX, 2).await.unwrap();
    let seqs: Vec<i64> = first.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![before + 5, before + 4]);
    assert_eq!(first[0].detail, "第4次");
    let next = audit::latest(&store, before + 4, 100).await.unwrap();
    let seqs: Vec<i64> = next.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=before + 3).rev().collect::<Vec<_>>());
    assert!(audit::latest(&store, 1, 100).await.unwrap().is_empty());
}
both_backends!(audit_pages, audit_log_reads_newest_first_in_pages);

async fn audit_log_refuses_update_and_delete(store: Store) {
    audit::append(&store, 1, "organiser", "session.create", "第三次会议").await.unwrap();
    let update = sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 1").execute(store.pool()).await;
    assert!(update.is_err(), "update must be refused");
    let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 1").execute(store.pool()).await;
    assert!(delete.is_err(), "delete must be refused");
    let log = audit::list(&store, 0, 10).await.unwrap();
    assert_eq!(log[0].detail, "第三次会议");
}
both_backends!(audit_append_only, audit_log_refuses_update_and_delete);

async fn healthz_reports_the_backend(store: Store) {
    let backend = format!("{:?}", store.backend()).to_lowercase();
    let app = router(AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng())));
    let res = app.oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], backend);
}
both_backends!(healthz, healthz_reports_the_backend);

async fn the_console_page_is_served_in_the_request_language(store: Store) {
    let app = router(AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng())));
    let get = |uri: &str, lang: &str| Request::get(uri).header("accept-language", lang).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(get("/", "zh-CN,zh;q=0.9")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(html.contains("会务组控制台") && html.contains("<form id=\"login\""));
    let res = app.clone().oneshot(get("/?lang=en", "zh-CN")).await.unwrap();
    assert!(res.headers()["set-cookie"].to_str().unwrap().starts_with("hallvote_lang=en"));
    let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(html.contains("organiser console"));
}
both_backends!(console_page, the_console_page_is_served_in_the_request_language);

/// The SQLite file holds password hashes and sealed credential keys: it is created
/// readable by its owner only, and an existing file is narrowed to that (issue 14).
#[tokio::test]
async fn the_sqlite_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hallvote.db");
    let store = Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    sqlx::query("SELECT 1").execute(store.pool()).await.unwrap();
    for file in [path.clone(), dir.path().join("hallvote.db-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    store.close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    again.close().await;
}

async fn card_numbers_are_found_whatever_the_case_of_their_letters(store: Store) {
    use hallvote_server::db::{congress, roster};
    use hallvote_server::roster::RosterRow;
    let c = congress::create_congress(&store, "中国共产党青山镇第十五届代表大会", 15, 5, 1).await.unwrap();
    let row = |card: &str, name: &str| RosterRow {
        line: 2,
        seq: "1".into(),
        name: name.into(),
        gender: None,
        ethnicity: String::new(),
        group: "第一代表团".into(),
        unit: String::new(),
        card: card.into(),
    };
    let rows = [row("T009", "王芳"), row("ab1", "李娜"), row("AB1", "张伟"), row("代表-x7", "刘洋")];
    roster::import(&store, c.id, &rows).await.unwrap();
    let name = |card: &'static str| {
        let store = store.clone();
        async move { roster::by_card(&store, c.id, card).await.unwrap().map(|d| d.name) }
    };
    // As the desk clerk types it (issue 16, item 10).
    assert_eq!(name("t009").await.as_deref(), Some("王芳"));
    assert_eq!(name("T009").await.as_deref(), Some("王芳"));
    assert_eq!(name("代表-X7").await.as_deref(), Some("刘洋"));
    // Two numbers that differ in case only: each is found by its exact number, and
    // a third spelling finds neither rather than guess.
    assert_eq!(name("ab1").await.as_deref(), Some("李娜"));
    assert_eq!(name("AB1").await.as_deref(), Some("张伟"));
    assert_eq!(name("Ab1").await, None);
    assert_eq!(name("T0090").await, None);
}
both_backends!(card_case, card_numbers_are_found_whatever_the_case_of_their_letters);

/// Issue 16: a poll's 实到 is the attendance log at its opening mark (R2). A
/// delegate who checks in after the poll opened is counted present for the session
/// now but not for that poll, and one who left after it opened still is; the mark
/// the poll keeps for issuance is the one its count was taken at.
async fn a_polls_present_is_the_attendance_at_its_opening(store: Store) {
    use hallvote_server::db::attendance::{self, Movement};
    use hallvote_server::db::{casting, congress, polls, roster};
    let c = congress::create_congress(&store, "中国共产党青山镇第十五届代表大会", 15, 5, 1).await.unwrap();
    let s = congress::create_session(&store, c.id, 3, "礼堂", "今天", "township-2020", 1).await.unwrap();
    let csv = "姓名,代表团,代表证号\n甲,一团,A1\n乙,一团,A2\n丙,一团,A3\n丁,一团,A4\n";
    let rows = hallvote_server::roster::parse_csv(csv.as_bytes()).unwrap().rows;
    roster::import(&store, c.id, &rows).await.unwrap();
    let mut ids = Vec::new();
    for card in ["A1", "A2", "A3", "A4"] {
        ids.push(roster::by_card(&store, c.id, card).await.unwrap().unwrap().id);
    }
    assert_eq!(attendance::last_event(&store, s.id).await.unwrap(), 0, "an empty log");
    for id in &ids[..3] {
        assert!(attendance::record(&store, s.id, *id, Movement::Arrive, 1, "desk").await.unwrap());
    }
    let mark = attendance::last_event(&store, s.id).await.unwrap();
    assert!(mark > 0);

    let poll = hallvote_tally::model::Poll { name: "表决".into(), contests: Vec::new(), attendance: None };
    let p = polls::create(&store, s.id, &poll, 1).await.unwrap();
    sqlx::query("UPDATE polls SET state = 'ready' WHERE id = $1").bind(p.id).execute(store.pool()).await.unwrap();
    let at_open = attendance::present_cards_at(&store, s.id, mark).await.unwrap();
    assert_eq!(at_open, ["A1", "A2", "A3"]);
    assert!(casting::open(&store, p.id, 4, 3, mark).await.unwrap());
    assert!(!casting::open(&store, p.id, 4, 3, mark).await.unwrap(), "a poll opens once");

    // A late arrival, and a departure after the opening.
    assert!(attendance::record(&store, s.id, ids[3], Movement::Arrive, 2, "desk").await.unwrap());
    assert!(attendance::record(&store, s.id, ids[0], Movement::Depart, 3, "desk").await.unwrap());
    assert_eq!(attendance::present_cards(&store, s.id).await.unwrap(), ["A2", "A3", "A4"], "the session now");
    assert_eq!(
        attendance::present_cards_at(&store, s.id, mark).await.unwrap(),
        at_open,
        "the log at the mark is fixed"
    );
    let run = casting::run(&store, p.id).await.unwrap().unwrap();
    assert_eq!((run.expected, run.present, run.open_mark), (Some(4), Some(3), Some(mark)));
    assert!(!attendance::present_at(&store, s.id, ids[3], mark).await.unwrap(), "the late arrival gets no ballot");
    assert!(attendance::present_at(&store, s.id, ids[0], mark).await.unwrap());
    assert!(attendance::last_event(&store, s.id).await.unwrap() > mark);
}
both_backends!(poll_present_at_opening, a_polls_present_is_the_attendance_at_its_opening);

//! 列席 at the desk station (issue 18, item 3): the clerk types the pass number into
//! the attendees' field, the desk says who checked in and that no ballot is issued,
//! and issues nothing; the same pass typed as a delegate card is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::link::Link;
use hallvote_protocol::stations::StationKind;
use http::{Method, StatusCode};
use serde_json::{Value, json};

async fn post_form(base: &str, path: &str, name: &str, value: &str) -> String {
    let body = format!("{name}={}", value.replace('-', "%2D")).into_bytes();
    let link = Link::new(base, None).unwrap();
    let a = link.call_raw(Method::POST, path, body, "application/x-www-form-urlencoded", &[]).await.unwrap();
    assert_eq!(a.status, StatusCode::OK, "{path}");
    String::from_utf8(a.body.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attendee_checks_in_at_the_desk_and_gets_no_ballot() {
    let names: Vec<String> = ["王芳", "李娜", "张伟", "刘洋"].iter().map(|s| (*s).to_owned()).collect();
    let hall = support::hall_with_roster(&names, support::poll_definition()).await;
    let register = format!("/api/sessions/{}/attendees", hall.session);
    let body = json!({"number": "LX-01", "name": "周敏", "unit": "镇纪委", "kind": "attending"});
    hall.org.call::<Value>(Method::POST, &register, Some(body)).await.unwrap();
    let attendance = format!("/api/sessions/{}/attendance", hall.session);
    let before = hall.org.call::<Value>(Method::GET, &attendance, None).await.unwrap();

    let station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = support::serve(DeskApp::new(Desk::new(station.link().unwrap()), "报到处1").router()).await;
    let home = post_form(&desk, "/attendee", "attendee", "").await;
    assert!(home.contains("id=\"attendee-form\""), "the desk has the attendees' field: {home}");
    let page = post_form(&desk, "/attendee", "attendee", "lx-01").await;
    assert!(page.contains("id=\"notice\"") && page.contains("周敏"), "{page}");
    assert!(page.contains("不发选票") || page.contains("No ballot"), "the desk says no ballot: {page}");
    assert!(!page.contains("credential-0"), "nothing issued: {page}");
    // The pass is not a delegate card.
    let page = post_form(&desk, "/scan", "card", "LX-01").await;
    assert!(!page.contains("credential-0") && page.contains("role=\"alert\""), "{page}");

    let listed = hall.org.call::<Value>(Method::GET, &register, None).await.unwrap();
    assert_eq!(listed[0]["checked_in"], true, "{listed}");
    let after = hall.org.call::<Value>(Method::GET, &attendance, None).await.unwrap();
    assert_eq!(
        (after["expected"].clone(), after["present"].clone()),
        (before["expected"].clone(), before["present"].clone())
    );
}

//! The eligible list (候选人资格名单, issue 17), on both backends: imported per
//! congress by the organiser from CSV or Excel with the roster's rules and report,
//! replaced whole by the next file, read by the roll's readers, and served to booth
//! stations (only) for a poll's write-ins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Hall, call, code, station_call, upload};
use hallvote_server::db::Store;
use serde_json::Value;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect()
}

async fn the_eligible_list_is_imported_like_the_roster_and_served_to_booths(store: Store) {
    let h = Hall::builder().delegates(3).build(&store).await;
    let path = format!("/api/congresses/{}/eligible", h.congress);
    // Good rows, and the roster's refusals and corrections, each by its line.
    let csv = "序号,姓名,性别,工作单位\n1, 张三 ,男,青山村\n2,李\u{200B}四,,\n3,=1+1,女,\n4,\u{2F08}明,,\n5,𠮷·阿依古丽,女,东村\n6,,男,\n7,王五,未知,\n";
    let (status, report) = upload(&h.app, &path, &h.org, "text/csv", csv.as_bytes().to_vec(), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["added"].as_u64(), report["replaced"].as_u64()), (Some(3), Some(0)), "{report}");
    let refused: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["problem"].as_str().unwrap()))
        .collect();
    assert_eq!(refused, [(3, "bad_text"), (4, "formula"), (7, "empty_name"), (8, "bad_gender")]);
    let first = report["errors"][0]["message"].as_str().unwrap();
    assert!(first.starts_with("第 3 行（序号 2）：“姓名”"), "{first}");
    let notes: Vec<u64> = report["notes"].as_array().unwrap().iter().map(|n| n["line"].as_u64().unwrap()).collect();
    assert_eq!(notes, [2, 5], "{report}");

    // Read by the roll's readers, in import order, names in their one form.
    let (status, list, _) = call(&h.app, Method::GET, &path, Some(&h.observer), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names(&list), ["张三", "人明", "𠮷·阿依古丽"]);
    assert_eq!(list[0]["unit"], "青山村");
    assert_eq!(list[0]["gender"], "male");
    assert_eq!(list[0]["seq"], "1");

    // Served to a booth station for a poll of the congress; not to a desk station.
    let for_poll = format!("/api/station/polls/{}/eligible", h.poll);
    let (status, served) = station_call(&h.app, &h.booth, Method::GET, &for_poll, None).await;
    assert_eq!(status, StatusCode::OK, "{served}");
    assert_eq!(served, list);
    let (status, body) = station_call(&h.app, &h.desk, Method::GET, &for_poll, None).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "wrong_station_kind"), "{body}");
    let (status, body) = station_call(&h.app, &h.booth, Method::GET, "/api/station/polls/9999/eligible", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body, _) = call(&h.app, Method::GET, &for_poll, Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a logged-in account is no station: {body}");

    // Only the organiser imports; a file of another type is refused.
    let (status, body) = upload(&h.app, &path, &h.desk_account, "text/csv", csv.as_bytes().to_vec(), "en").await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "{body}");
    let (status, body) = upload(&h.app, &path, &h.org, "application/pdf", b"%PDF".to_vec(), "en").await;
    assert_eq!((status, code(&body)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"), "{body}");
    let (status, body) = upload(&h.app, &path, &h.org, "text/csv", "序号,单位\n1,村\n".into(), "en").await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "roster_unreadable"), "{body}");
    assert!(body.to_string().contains("姓名"), "the missing column is named: {body}");

    // The next file replaces the list: the 120-row roll as an Excel workbook (its
    // other columns passed over), in English.
    let (status, report) = upload(&h.app, &path, &h.org, XLSX, common::data("roster-120.xlsx"), "en").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["added"].as_u64(), report["replaced"].as_u64()), (Some(120), Some(3)), "{report}");
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    let (_, list, _) = call(&h.app, Method::GET, &path, Some(&h.org), None, "zh-CN").await;
    let all = names(&list);
    assert_eq!(all.len(), 120);
    assert_eq!(all[0], "范勇");
    assert!(all.contains(&"阿依古丽·买买提") && all.iter().any(|n| n.contains('𠮷')), "{all:?}");
    assert!(!all.contains(&"张三"), "the old list is gone");

    // An import is in the audit log.
    let (_, audit, _) = call(&h.app, Method::GET, "/api/audit", Some(&h.org), None, "zh-CN").await;
    assert!(audit.to_string().contains("eligible.import"), "{audit}");
}

both_backends!(eligible_list, the_eligible_list_is_imported_like_the_roster_and_served_to_booths);

//! Issue 14, item 2: hostile roster files are refused within the roster's bounds,
//! before anything is allocated for what they claim to hold. Each file is built
//! here: a 1.6 KB .xlsx whose cells A1 and XFD1048576 made calamine allocate
//! 512 GiB and abort the server, a sheet reaching XFD10000 (9 GB), shared strings
//! that declare or hold more than any roll, a part that unpacks a thousandfold,
//! and CSV files too wide, too long or with a field too long. The work each takes
//! is bounded by construction (limits checked as the file is streamed); no timing
//! is asserted. The real rosters still import, over HTTP on both backends too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use axum::http::StatusCode;
use common::{as_role, call, setup, upload};
use hallvote_protocol::wire::RosterImported;
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use hallvote_server::roster::limits::{MAX_CELL_BYTES, MAX_COLUMNS, MAX_FILE_BYTES, MAX_PARTS, MAX_ROWS};
use hallvote_server::roster::{Limit, RosterFileError, parse_csv, parse_xlsx};
use serde_json::json;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A zip of `parts`, deflated.
fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    for (name, body) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A minimal workbook: one sheet with `sheet_data` (the cells) under an optional
/// `<dimension>`, and the shared strings `sst` if any.
fn xlsx(dimension: Option<&str>, sheet_data: &str, sst: Option<&str>) -> Vec<u8> {
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(sst) = sst {
        parts.push(("xl/sharedStrings.xml", sst.as_bytes()));
    }
    zip(&parts)
}

/// Shared strings: `sst` attributes and `<si>` elements.
fn sst(attributes: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{attributes}>{items}</sst>"#
    )
}

/// An inline-string cell.
fn cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A small roll of two delegates, its text in shared strings.
const ROLL: &str = concat!(
    r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>"#,
    r#"<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c></row>"#,
    r#"<row r="3"><c r="A3" t="s"><v>6</v></c><c r="B3" t="s"><v>4</v></c><c r="C3" t="s"><v>7</v></c></row>"#,
);
const ROLL_STRINGS: &str = "<si><t>姓名</t></si><si><t>代表团</t></si><si><t>代表证号</t></si><si><t>张三</t></si>\
     <si><t>机关代表团</t></si><si><t>QS-1</t></si><si><t>李四</t></si><si><t>QS-2</t></si>";

fn too_large(bytes: &[u8]) -> Limit {
    match parse_xlsx(bytes) {
        Err(RosterFileError::TooLarge(limit)) => limit,
        other => panic!("not refused as too large: {other:?}"),
    }
}

#[test]
fn the_builder_makes_a_roster_that_imports() {
    let book = xlsx(Some("A1:C3"), ROLL, Some(&sst(r#" count="9" uniqueCount="8""#, ROLL_STRINGS)));
    let r = parse_xlsx(&book).unwrap();
    assert_eq!(
        r.rows.iter().map(|d| (d.line, d.name.as_str(), d.card.as_str())).collect::<Vec<_>>(),
        [(2, "张三", "QS-1"), (3, "李四", "QS-2")]
    );
    // A roster at the bounds: its last column and its last row are used.
    let last = MAX_ROWS + 1;
    let corner = format!(
        r#"{ROLL}<row r="4">{}{}{}{}</row><row r="{last}">{}{}{}</row>"#,
        cell("A4", "王五"),
        cell("B4", "机关代表团"),
        cell("C4", "QS-3"),
        cell("CV4", "备注"),
        cell(&format!("A{last}"), "赵六"),
        cell(&format!("B{last}"), "机关代表团"),
        cell(&format!("C{last}"), "QS-4"),
    );
    let r = parse_xlsx(&xlsx(Some(&format!("A1:CV{last}")), &corner, Some(&sst("", ROLL_STRINGS)))).unwrap();
    assert_eq!(
        r.rows.iter().map(|d| (d.line, d.name.as_str())).collect::<Vec<_>>(),
        [(2, "张三"), (3, "李四"), (4, "王五"), (last, "赵六")]
    );
}

#[test]
fn the_delegate_offices_files_still_import() {
    for (name, rows) in [("roster-120.xlsx", 120), ("roster-bad-rows.xlsx", 8)] {
        assert_eq!(parse_xlsx(&data(name)).unwrap().rows.len(), rows, "{name}");
    }
    for (name, rows) in [("roster-120.csv", 120), ("roster-bad-rows.csv", 8)] {
        assert_eq!(parse_csv(&data(name)).unwrap().rows.len(), rows, "{name}");
    }
}

/// The 1.6 KB file of the issue: A1 and XFD1048576. Refused whether the sheet's
/// dimension tells the truth, lies or is missing.
#[test]
fn a_sparse_sheet_to_xfd1048576_is_refused() {
    let cells =
        format!(r#"<row r="1">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#, cell("A1", "姓名"));
    for dimension in [Some("A1:XFD1048576"), Some("A1"), None] {
        let book = xlsx(dimension, &cells, None);
        assert!(book.len() < 2048, "{} bytes", book.len());
        assert_eq!(too_large(&book), Limit::Cell("XFD1048576".into()), "{dimension:?}");
    }
    // The cell alone, in a row that does not say its number.
    let book = xlsx(Some("A1"), r#"<row><c r="XFD1048576"><v>1</v></c></row>"#, None);
    assert_eq!(too_large(&book), Limit::Cell("XFD1048576".into()));
    // In a sheet whose part is not named as XML (the workbook's relationships say what it is).
    let sheet = r#"<worksheet><sheetData><row><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
    let rels = WORKBOOK_RELS.replace("sheet1.xml", "sheet1.bin");
    let book = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.bin", sheet.as_bytes()),
    ]);
    assert_eq!(too_large(&book), Limit::Cell("XFD1048576".into()));
}

#[test]
fn a_sheet_to_xfd10000_or_past_the_rows_or_columns_is_refused() {
    let book = xlsx(None, &format!(r#"<row r="10000">{}{}</row>"#, cell("A10000", "x"), cell("XFD10000", "y")), None);
    assert_eq!(too_large(&book), Limit::Cell("XFD10000".into()));
    let next_row = format!("A{}", MAX_ROWS + 2);
    let book = xlsx(None, &format!(r#"<row r="{}">{}</row>"#, MAX_ROWS + 2, cell(&next_row, "x")), None);
    assert_eq!(too_large(&book), Limit::Cell(next_row));
    // Cells without a reference take the next column, as calamine reads them.
    let wide = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(MAX_COLUMNS + 1));
    assert_eq!(too_large(&xlsx(None, &wide, None)), Limit::Cell("CW1".into()));
    // A dimension beyond the bounds is refused even if the cells are not.
    assert_eq!(too_large(&xlsx(Some("A1:CW2"), ROLL, None)), Limit::Cell("CW2".into()));
}

#[test]
fn a_cell_reference_no_sheet_has_is_refused() {
    for reference in ["AAAAAAAAAAAAAAAAAAAA1", "A99999999999", "XFE1", "A0"] {
        let book = xlsx(None, &format!("<row>{}</row>", cell(reference, "x")), None);
        assert_eq!(parse_xlsx(&book).unwrap_err(), RosterFileError::BadReference(reference.into()));
    }
    let err = RosterFileError::BadReference("A0".into());
    assert_eq!(err.code(), "roster_unreadable");
    assert!(err.text().zh.contains("“A0”不是有效的单元格引用"), "{}", err.text().zh);
}

/// A ~1 MB shared-strings part: one that declares 178,956,970 strings (calamine
/// reserved 4.3 GB for them), and one that holds 200,000.
#[test]
fn shared_strings_beyond_any_roll_are_refused() {
    let items = "<si><t>甲</t></si>".repeat(60_000);
    let declared = sst(r#" count="178956970" uniqueCount="178956970""#, &items);
    assert!(declared.len() > 1_000_000);
    assert_eq!(too_large(&xlsx(None, ROLL, Some(&declared))), Limit::SharedStrings);
    let held = sst("", &"<si/>".repeat(200_000));
    assert!(held.len() > 1_000_000);
    assert_eq!(too_large(&xlsx(None, ROLL, Some(&held))), Limit::SharedStrings);
    // A declared count that is not a number is not trusted either.
    assert_eq!(too_large(&xlsx(None, ROLL, Some(&sst(r#" uniqueCount="-1""#, ROLL_STRINGS)))), Limit::SharedStrings);
}

#[test]
fn a_cell_longer_than_any_value_is_refused() {
    let long = "长".repeat(MAX_CELL_BYTES / 3 + 1);
    let strings = format!("{ROLL_STRINGS}<si><t>{long}</t></si>");
    let cells = format!(r#"{ROLL}<row r="4"><c r="B4" t="s"><v>8</v></c></row>"#);
    assert_eq!(too_large(&xlsx(None, &cells, Some(&sst("", &strings)))), Limit::CellText("B4".into()));
    let inline = format!(r#"{ROLL}<row r="4">{}</row>"#, cell("C4", &long));
    assert_eq!(too_large(&xlsx(None, &inline, Some(&sst("", ROLL_STRINGS)))), Limit::CellText("C4".into()));
}

/// A zip bomb: 40 MiB of spaces in a part deflate to about 40 KB. Refused as it
/// unpacks, also when the part's header says it is small.
#[test]
fn a_part_that_unpacks_past_the_bound_is_refused() {
    let padding = vec![b' '; 40 << 20];
    let book = zip(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), ("xl/media/padding.bin", &padding)]);
    assert!(book.len() < 200_000, "{} bytes", book.len());
    assert_eq!(too_large(&book), Limit::Unpacked);
    // The same in an XML part (read by the scan, not only counted).
    let xml = [b"<sst>".as_slice(), &padding, b"</sst>"].concat();
    let book = zip(&[("xl/sharedStrings.xml", &xml)]);
    assert_eq!(too_large(&book), Limit::Unpacked);
    // The part's headers (local and central) say it unpacks to 100 bytes: the zip
    // reader stops at the 101st.
    let lying = lie_about_sizes(book, 100);
    match parse_xlsx(&lying) {
        Err(RosterFileError::Unreadable(why)) => assert!(why.contains("larger than its declared"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// Rewrites the uncompressed size in every local and central header of a zip.
fn lie_about_sizes(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut at = 0;
    while at + 4 <= zip.len() {
        let field = match &zip[at..at + 4] {
            b"PK\x03\x04" => Some(at + 22),
            b"PK\x01\x02" => Some(at + 24),
            _ => None,
        };
        if let Some(f) = field {
            zip[f..f + 4].copy_from_slice(&size.to_le_bytes());
        }
        at += 1;
    }
    zip
}

#[test]
fn a_package_of_too_many_parts_or_too_large_a_file_is_refused() {
    let names: Vec<String> = (0..=MAX_PARTS).map(|k| format!("xl/media/{k}.bin")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"x".as_slice())).collect();
    assert_eq!(too_large(&zip(&parts)), Limit::Parts);
    assert_eq!(too_large(&vec![0; MAX_FILE_BYTES + 1]), Limit::FileSize);
}

#[test]
fn csv_beyond_the_bounds_is_refused() {
    let wide = format!("姓名,代表团,代表证号{}\n张三,一团,QS-1\n", ",x".repeat(MAX_COLUMNS));
    assert_eq!(parse_csv(wide.as_bytes()).unwrap_err(), RosterFileError::TooLarge(Limit::Cell("CW1".into())));
    let long = format!("姓名,代表团,代表证号\n张三,{},QS-1\n", "x".repeat(MAX_CELL_BYTES + 1));
    assert_eq!(parse_csv(long.as_bytes()).unwrap_err(), RosterFileError::TooLarge(Limit::CellText("B2".into())));
    let rows: String = (0..=MAX_ROWS).map(|k| format!("张{k},一团,QS-{k}\n")).collect();
    let at_bound = format!("姓名,代表团,代表证号\n{}", rows.split_inclusive('\n').skip(1).collect::<String>());
    assert_eq!(parse_csv(at_bound.as_bytes()).unwrap().rows.len(), MAX_ROWS);
    let past = format!("姓名,代表团,代表证号\n{rows}");
    assert_eq!(parse_csv(past.as_bytes()).unwrap_err(), RosterFileError::TooManyRows);
    let big = vec![b','; MAX_FILE_BYTES + 1];
    assert_eq!(parse_csv(&big).unwrap_err(), RosterFileError::TooLarge(Limit::FileSize));
    assert_eq!(RosterFileError::TooManyRows.code(), "roster_too_large");
}

/// Over HTTP: the hostile file is refused with the error schema's code and a message
/// in the request's language, and the server goes on to import the real roster.
async fn hostile_rosters_are_refused_over_http(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let (status, c, _) = call(
        &app,
        axum::http::Method::POST,
        "/api/congresses",
        Some(&org),
        Some(json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let path = format!("/api/congresses/{}/roster", c["id"]);
    let sparse = xlsx(
        None,
        &format!("<row>{}</row>{}", cell("A1", "姓名"), r#"<row><c r="XFD1048576"><v>1</v></c></row>"#),
        None,
    );
    let (status, err) = upload(&app, &path, &org, XLSX, sparse.clone(), "zh-CN").await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("roster_too_large")),
        "{err}"
    );
    let zh = err["error"]["message"].as_str().unwrap();
    assert!(zh.contains("单元格 XFD1048576 超出范围") && zh.contains("最多 100 列"), "{zh}");
    let (_, err) = upload(&app, &path, &org, XLSX, sparse, "en").await;
    let en = err["error"]["message"].as_str().unwrap();
    assert!(en.contains("cell XFD1048576 is outside a roster's bounds: at most 100 columns"), "{en}");
    let wide = format!("姓名,代表团,代表证号{}\n", ",x".repeat(MAX_COLUMNS));
    let (status, err) = upload(&app, &path, &org, "text/csv", wide.into_bytes(), "en").await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("roster_too_large")),
        "{err}"
    );
    let (status, report) = upload(&app, &path, &org, XLSX, data("roster-120.xlsx"), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report: RosterImported = serde_json::from_value(report).unwrap();
    assert_eq!((report.added, report.errors.len()), (120, 0));
}

both_backends!(over_http, hostile_rosters_are_refused_over_http);

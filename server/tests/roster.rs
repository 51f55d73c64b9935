//! Roster import from the delegate office's real files (CSV and a LibreOffice .xlsx).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_server::roster::{Gender, RosterFileError, RosterImport, RowProblem, parse_csv, parse_xlsx};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn check_full_roster(r: &RosterImport) {
    assert_eq!(r.rows.len(), 120, "{:?}", r.errors);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows[0].name, "范勇");
    assert_eq!(r.rows[0].seq, "1");
    assert_eq!(r.rows[0].line, 2);
    assert_eq!(r.rows[0].gender, Some(Gender::Male));
    assert_eq!(r.rows[0].card, "QS15-001");
    assert_eq!(r.rows[0].group, "机关代表团");
    let names: Vec<&str> = r.rows.iter().map(|row| row.name.as_str()).collect();
    // A name outside the Basic Multilingual Plane, and one with a middle dot
    // (stored in the .xlsx as rich text in several runs), come through whole.
    assert!(names.iter().any(|n| n.contains('𠮷')), "{names:?}");
    assert!(names.contains(&"阿依古丽·买买提"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("欧阳") || n.starts_with("司马") || n.starts_with("诸葛") || n.starts_with("上官"))
    );
    let groups: std::collections::BTreeSet<&str> = r.rows.iter().map(|row| row.group.as_str()).collect();
    assert_eq!(groups.len(), 6);
}

#[test]
fn the_120_delegate_roster_reads_the_same_from_csv_and_xlsx() {
    let csv = parse_csv(&data("roster-120.csv")).unwrap();
    let xlsx = parse_xlsx(&data("roster-120.xlsx")).unwrap();
    check_full_roster(&csv);
    check_full_roster(&xlsx);
    assert_eq!(csv.rows, xlsx.rows);
}

fn check_bad_rows(r: &RosterImport) {
    let problems: Vec<(usize, &str, &RowProblem)> =
        r.errors.iter().map(|e| (e.line, e.seq.as_str(), &e.problem)).collect();
    assert_eq!(
        problems,
        vec![
            (4, "3", &RowProblem::EmptyName),
            (7, "6", &RowProblem::DuplicateCard { card: "QS15-005".into(), first_line: 6 }),
            (9, "8", &RowProblem::EmptyGroup),
            (11, "10", &RowProblem::BadGender { value: "未知".into() }),
        ]
    );
    assert_eq!(r.errors[0].text().zh, "第 4 行（序号 3）：姓名为空");
    assert_eq!(r.errors[1].text().en, "line 7 (no. 6): delegate card number QS15-005 repeats line 6");
    // Row 11's name is trimmed, imported, and the office is told.
    assert_eq!(r.rows.len(), 8);
    let trimmed = r.rows.iter().find(|row| row.seq == "11").unwrap();
    assert_eq!(trimmed.name, "贺艳");
    assert_eq!(r.notes.len(), 1);
    assert_eq!(r.notes[0].line, 12);
}

#[test]
fn bad_rows_are_reported_by_line_from_csv_and_xlsx() {
    check_bad_rows(&parse_csv(&data("roster-bad-rows.csv")).unwrap());
    check_bad_rows(&parse_xlsx(&data("roster-bad-rows.xlsx")).unwrap());
}

#[test]
fn csv_as_chinese_excel_saves_it_gb18030_and_with_a_bom() {
    let utf8 = data("roster-120.csv");
    let text = std::str::from_utf8(&utf8).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    check_full_roster(&parse_csv(&gbk).unwrap());
    let bom = [b"\xEF\xBB\xBF".as_slice(), &utf8].concat();
    check_full_roster(&parse_csv(&bom).unwrap());
}

#[test]
fn files_that_are_not_rosters_are_refused_clearly() {
    assert_eq!(parse_csv(b"").unwrap_err(), RosterFileError::Empty);
    assert_eq!(
        parse_csv("姓名,性别\n张三,男\n".as_bytes()).unwrap_err(),
        RosterFileError::MissingColumns(vec!["代表团", "代表证号"])
    );
    assert!(matches!(parse_xlsx(b"PK\x03\x04 not really a zip").unwrap_err(), RosterFileError::Unreadable(_)));
    assert!(matches!(parse_xlsx(&data("roster-120.csv")).unwrap_err(), RosterFileError::Unreadable(_)));
    assert_eq!(parse_csv("姓名,代表团,代表证号\n".as_bytes()).unwrap_err(), RosterFileError::Empty);
    // Columns in another order, English headings.
    let r = parse_csv("Card,Name,Group\nA1,Li Lei,Group 1\n".as_bytes()).unwrap();
    assert_eq!(
        (r.rows[0].card.as_str(), r.rows[0].name.as_str(), r.rows[0].group.as_str()),
        ("A1", "Li Lei", "Group 1")
    );
    assert_eq!(RosterFileError::MissingColumns(vec!["代表团"]).text().zh, "名册第 1 行缺少列：代表团");
}

#[test]
fn hostile_text_in_a_roster_is_refused_row_by_row() {
    let heading = "序号,姓名,性别,民族,代表团,工作单位及职务,代表证号\n";
    let rows = [
        "1,王芳,女,汉族,机关代表团,镇党委,QS15-001",
        "2,王\u{202E}芳李,女,汉族,机关代表团,镇党委,QS15-002",
        "3,李\u{7}娜,女,汉族,机关代表团,镇党委,QS15-003",
        "4,\u{200B},男,汉族,机关代表团,镇党委,QS15-004",
        "5,张伟,男,汉族,机关代表团,\"=HYPERLINK(\"\"http://x\"\",\"\"点此\"\")\",QS15-005",
        "6,刘洋,男,汉族,机关代表团,@SUM(A1),QS15-006",
        "7,陈静,女,汉族,机关代表团\u{1b}[31m,镇党委,QS15-007",
    ];
    let csv = format!("{heading}{}\n", rows.join("\n"));
    let r = parse_csv(csv.as_bytes()).unwrap();
    assert_eq!(r.rows.len(), 1, "{:?}", r.errors);
    let seen: Vec<(usize, String)> = r.errors.iter().map(|e| (e.line, e.text().en)).collect();
    let expect = [
        (3, "\"姓名\" contains the text-direction character U+202E"),
        (4, "\"姓名\" contains the control character U+0007"),
        (5, "\"姓名\" contains the invisible character U+200B"),
        (6, "\"工作单位及职务\" begins with = + - or @"),
        (7, "\"工作单位及职务\" begins with = + - or @"),
        (8, "\"代表团\" contains the control character U+001B"),
    ];
    assert_eq!(seen.len(), expect.len(), "{seen:?}");
    for ((line, text), (want_line, want)) in seen.iter().zip(expect) {
        assert_eq!(*line, want_line, "{text}");
        assert!(text.contains(want), "{text} lacks {want}");
    }
}

/// Found by fuzzing (fuzz/corpus/roster_csv/crash-formula-in-seq): 序号 was imported
/// unchecked, so a formula or a control character there reached the roll.
#[test]
fn the_sequence_number_meets_the_rules_of_every_other_cell() {
    let heading = "序号,姓名,性别,民族,代表团,工作单位及职务,代表证号\n";
    let rows = [
        "1,王芳,女,汉族,机关代表团,镇党委,QS15-001",
        "@9,李娜,女,汉族,机关代表团,镇党委,QS15-002",
        "=1+1,张伟,男,汉族,机关代表团,镇党委,QS15-003",
        "4\u{202E},刘洋,男,汉族,机关代表团,镇党委,QS15-004",
        "5,陈静,女,汉族,机关代表团,镇党委,QS15-005",
    ];
    let csv = format!("{heading}{}\n", rows.join("\r"));
    let r = parse_csv(csv.as_bytes()).unwrap();
    let imported: Vec<&str> = r.rows.iter().map(|row| row.seq.as_str()).collect();
    assert_eq!(imported, ["1", "5"], "{:?}", r.errors);
    let seen: Vec<(usize, String)> = r.errors.iter().map(|e| (e.line, e.text().en)).collect();
    let expect = [
        (3, "\"序号\" begins with = + - or @"),
        (4, "\"序号\" begins with = + - or @"),
        (5, "\"序号\" contains the text-direction character U+202E"),
    ];
    assert_eq!(seen.len(), expect.len(), "{seen:?}");
    for ((line, text), (want_line, want)) in seen.iter().zip(expect) {
        assert_eq!(*line, want_line, "{text}");
        assert!(text.contains(want), "{text} lacks {want}");
    }
}

/// Issue 18: a name is imported in its one form (the compatibility ideograph U+F9E1 is
/// 李), and NUL, zero-width, joiner, byte-order-mark and bidi characters are refused
/// with the row and the column.
#[test]
fn names_are_imported_in_one_form_and_invisible_characters_are_refused() {
    let heading = "序号,姓名,性别,民族,代表团,工作单位及职务,代表证号\n";
    let rows = [
        "1,\u{F9E1}娜,女,汉族,机关代表团,镇党委,QS15-001",
        "2,王\u{0}芳,女,汉族,机关代表团,镇党委,QS15-002",
        "3,王\u{200D}芳,女,汉族,机关代表团,镇党委,QS15-003",
        "4,王\u{FEFF}芳,女,汉族,机关代表团,镇党委,QS15-004",
        "5,王\u{2067}芳,女,汉族,机关代表团,镇党委,QS15-005",
        "6,李\u{E0100}娜,女,汉族,机关代表团,镇党委,QS15-006",
    ];
    let csv = format!("{heading}{}\n", rows.join("\n"));
    let r = parse_csv(csv.as_bytes()).unwrap();
    let names: Vec<&str> = r.rows.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, ["李娜"], "{:?}", r.errors);
    assert!(r.notes.iter().any(|n| n.line == 2 && n.note.zh.contains("李娜")), "{:?}", r.notes);
    let seen: Vec<(usize, String)> = r.errors.iter().map(|e| (e.line, e.text().en)).collect();
    let expect = [
        (3, "\"姓名\" contains the control character U+0000"),
        (4, "\"姓名\" contains the invisible character U+200D"),
        (5, "\"姓名\" contains the invisible character U+FEFF"),
        (6, "\"姓名\" contains the text-direction character U+2067"),
        (7, "\"姓名\" contains the invisible character U+E0100"),
    ];
    assert_eq!(seen.len(), expect.len(), "{seen:?}");
    for ((line, text), (want_line, want)) in seen.iter().zip(expect) {
        assert_eq!(*line, want_line, "{text}");
        assert!(text.contains(want), "{text} lacks {want}");
    }
}

//! Tests of the scenario format and the JSON output.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;

const MINIMAL: &str = r#"{"expected": 100, "present": 83, "issued": 83, "returned": 83,
    "contests": [{"title": "表决", "type": "motion", "items": [{"title": "决议", "for": 50, "against": 3}]}]}"#;

#[test]
fn defaults_and_derived_abstain() {
    let s = Scenario::from_json(MINIMAL).unwrap();
    let r = s.ruleset().unwrap();
    assert_eq!(r.name, "township-2020");
    let (poll, counts) = s.to_poll(&r).unwrap();
    assert_eq!(poll.contests[0].id, "1");
    assert_eq!(counts.contests[0].totals, [[50, 3, 30]]);
    assert!(s.count(&r).unwrap().valid);
}

#[test]
fn unknown_fields_are_rejected_at_every_level() {
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
    v["contests"][0]["item"] = serde_json::json!([]);
    assert!(Scenario::from_json(&v.to_string()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
    v["contests"][0]["items"][0]["fro"] = serde_json::json!(1);
    assert!(Scenario::from_json(&v.to_string()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
    v["presnet"] = serde_json::json!(1);
    assert!(Scenario::from_json(&v.to_string()).is_err());
}

#[test]
fn inline_ruleset_and_its_errors() {
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
    let mut r = serde_json::to_value(Ruleset::builtin("county").unwrap()).unwrap();
    r["name"] = serde_json::json!("inline");
    v["ruleset"] = r.clone();
    assert_eq!(Scenario::from_json(&v.to_string()).unwrap().ruleset().unwrap().name, "inline");
    r["election"]["treshold"] = serde_json::json!({"more_than": "1/2"});
    v["ruleset"] = r;
    let e = Scenario::from_json(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("treshold"), "{e}");
    v["ruleset"] = serde_json::json!("township");
    let e = Scenario::from_json(&v.to_string()).unwrap().ruleset().unwrap_err();
    assert!(e.text().zh.contains("未知的规则集"));
}

#[test]
fn json_output_is_localised() {
    let s = Scenario::from_json(MINIMAL).unwrap();
    let res = s.count(&s.ruleset().unwrap()).unwrap();
    let zh: serde_json::Value = serde_json::from_str(&result_json(&res, Lang::ZhCn)).unwrap();
    let en: serde_json::Value = serde_json::from_str(&result_json(&res, Lang::En)).unwrap();
    assert_eq!(zh["contests"][0]["items"][0]["reason"], "赞成票 50，超过实到会人数 83 的半数，通过");
    assert_eq!(en["contests"][0]["items"][0]["reason"], "50 for-votes, more than half of the 83 present: adopted");
    assert_eq!((zh["lang"].as_str(), en["lang"].as_str()), (Some("zh-CN"), Some("en")));
    assert_eq!(zh["void_reason"], serde_json::Value::Null);
}

//! The crypto crate's errors and the names of encoded fields, in words for people
//! (zh-CN and en).
//!
//! The crypto crate is pure and speaks English to developers; what reaches a
//! scrutineer (the verifier's report, spec §13) goes through here. Its enums are
//! `#[non_exhaustive]`: a variant added later is said in general words until it is
//! given its own.

use hallvote_crypto::sign::Ed25519DecodeError;
use hallvote_crypto::{DecodeError, VerifyError};

use crate::text::Text;

/// Bytes that do not encode what they should.
pub(crate) fn decode_error(e: &DecodeError) -> Text {
    match *e {
        DecodeError::Length { expected, actual } => Text::new(
            format!("长度不对：应为 {expected} 字节，实为 {actual} 字节"),
            format!("wrong length: expected {expected} bytes, got {actual}"),
        ),
        DecodeError::NonCanonicalElement => {
            Text::new("不是 ristretto255 群元素的规范编码", "not a canonical ristretto255 element encoding")
        }
        DecodeError::Identity => Text::new("是单位元，此处不允许", "the identity element is not allowed here"),
        DecodeError::NonCanonicalScalar => Text::new("不是标量的规范编码", "not a canonical scalar encoding"),
        DecodeError::ZeroScalar => Text::new("标量为零，此处不允许", "the scalar zero is not allowed here"),
        DecodeError::OutOfRange { what } => {
            Text::new(format!("{}超出允许范围", field(what)), format!("value out of range: {what}"))
        }
        DecodeError::UnknownFormat { what } => {
            Text::new(format!("{}未知（格式或版本不对）", field(what)), format!("unknown format or version: {what}"))
        }
        _ => Text::new(format!("编码有误（{e}）"), e.to_string()),
    }
}

/// A well-formed proof, signature or share that does not verify.
pub(crate) fn verify_error(e: &VerifyError) -> Text {
    let zh = match e {
        VerifyError::Challenge => "证明的挑战值与所证陈述不符",
        VerifyError::Equation => "证明的验证等式不成立",
        VerifyError::Batch => "成批核验未通过",
        VerifyError::Shape => "证明的选项数与所证陈述不符",
        VerifyError::Share => "份额与分发者公布的承诺不符",
        VerifyError::Signature => "签名无效",
        VerifyError::MerkleProof => "默克尔证明无效",
        VerifyError::NotEnoughShares => "不同监票人的解密份额不足",
        VerifyError::OutOfBound => "解密出的数值超出所查找的范围",
        _ => "核验未通过",
    };
    Text::new(zh, e.to_string())
}

/// Bytes that are not an Ed25519 key or signature.
pub(crate) fn ed25519_error(e: &Ed25519DecodeError) -> Text {
    match *e {
        Ed25519DecodeError::Length { expected, actual } => Text::new(
            format!("长度不对：应为 {expected} 字节，实为 {actual} 字节"),
            format!("wrong length: expected {expected} bytes, got {actual}"),
        ),
        Ed25519DecodeError::NonCanonicalKey => Text::new("不是 Ed25519 公钥的规范编码", e.to_string()),
        Ed25519DecodeError::WeakKey => Text::new("是小阶的 Ed25519 公钥（可被伪造签名）", e.to_string()),
        Ed25519DecodeError::TorsionKey => Text::new("Ed25519 公钥含小阶分量", e.to_string()),
        Ed25519DecodeError::NonCanonicalS => Text::new("Ed25519 签名的标量不是规范编码", e.to_string()),
        _ => Text::new(format!("Ed25519 编码有误（{e}）"), e.to_string()),
    }
}

/// The Chinese name of an encoded field, given by its English name in the decoders
/// (`"poll name"` → 投票名称); a name not listed is quoted as it is.
pub(crate) fn field(what: &str) -> String {
    let zh = match what {
        // The manifest and the record (spec §11, §12).
        "record" => "选举记录",
        "record magic" => "选举记录的文件标识",
        "record version" => "选举记录的版本",
        "manifest" => "投票清单",
        "manifest magic" => "投票清单的文件标识",
        "manifest version" => "投票清单的版本",
        "board entry" => "公告板条目",
        "board entry kind" => "公告板条目的类型",
        "attendance in the manifest" => "投票清单中的到会人数",
        "ceremony id length" => "密钥生成编号的长度",
        "credential key" => "凭证公钥",
        "server key" => "服务器公钥",
        "joint key" => "联合公钥",
        "signer key" => "签名人的公钥",
        "signer name" => "签名人的姓名",
        "threshold k of n scrutineers" => "监票人门限（n 人中任意 k 人）",
        "congress" => "代表大会名称",
        "session" => "会议名称",
        "poll name" => "投票名称",
        "name" => "名称",
        "contest id" => "事项编号",
        "contest title" => "事项标题",
        "contest kind" => "事项类型",
        "election kind" => "选举类型",
        "by-election flag" => "补选标志",
        "write-in flag" => "另选他人标志",
        "candidate" => "候选人姓名",
        "surname" => "姓氏",
        "surname flag" => "姓氏标志",
        "cap flag" => "应选名额上限标志",
        "motion rule flag" => "表决规则标志",
        "option label" => "选项名称",
        "number of options" => "选项数",
        "number of totals" => "总数的个数",
        "total" => "总数",
        "confidence option" => "信任投票的选项",
        "confidence outcome" => "信任投票的结论",
        "confidence otherwise" => "信任投票的其他结论",
        "evaluation outcome" => "民主评议的结论",
        "evaluation otherwise" => "民主评议的其他结论",
        "grade" => "评议等次",
        "grade name" => "评议等次名称",
        "description" => "说明",
        "description flag" => "说明标志",
        "ruleset name" => "规则集名称",
        "threshold kind" => "当选票数的计算方式",
        "base" => "计算基数",
        "fraction with zero denominator" => "分母为零的比例",
        "noncompetitive_by_election" => "等额补选的设置",
        "write_ins_can_be_elected" => "另选他人能否当选的设置",
        // Ballots (spec §10).
        "number of contests" => "事项数",
        "number of items" => "项数",
        "cap proof presence" => "有无当选人数上限的证明",
        "truncated" => "数据不完整",
        "trailing bytes" => "末尾有多余的字节",
        "a mark is 0 or 1" => "每个标记只能是 0 或 1",
        "options must be 0 or 1" => "每个选项只能标记 0 或 1 次",
        "marks outside the proof range" => "标记数超出证明的范围",
        "a ballot has 1 to 64 contests" => "一张选票有 1 至 64 个事项",
        "a contest has 1 to 512 items" => "一个事项有 1 至 512 项",
        "an item has 1 to 16 options" => "一项有 1 至 16 个选项",
        "an item's mark range must lie within its options" => "一项的标记数范围须在其选项数之内",
        "the capped option must exist on every item" => "设上限的选项须在每一项中都有",
        "the cap is too large" => "上限过大",
        "the against option must exist on every item" => "不赞成的选项须在每一项中都有",
        "write-in presence" => "另选他人栏的有无",
        "write-in name length" => "另选他人姓名的长度",
        "write-in name is not UTF-8" => "另选他人的姓名不是有效的 UTF-8 文字",
        "this contest takes no write-ins" => "该事项不能另选他人",
        "a write-in names someone" => "另选他人须写明姓名",
        // The crypto crate's encodings.
        "credential version" => "凭证的版本",
        "credential signature length" => "凭证签名的长度",
        "blinded message length" => "盲化消息的长度",
        "blind signature length" => "盲签名的长度",
        "range proof branches" => "范围证明的分支数",
        "commitment count" => "承诺的个数",
        "Merkle proof path length" => "默克尔证明路径的长度",
        "share file magic" => "份额文件的文件标识",
        "share participants" => "份额的参与人数",
        "share index" => "份额的序号",
        "share threshold" => "份额的门限",
        _ => return format!("「{what}」"),
    };
    zh.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_said_in_chinese() {
        let t = decode_error(&DecodeError::Length { expected: 64, actual: 257 });
        assert_eq!(t.zh, "长度不对：应为 64 字节，实为 257 字节");
        assert_eq!(t.en, "wrong length: expected 64 bytes, got 257");
        assert_eq!(decode_error(&DecodeError::OutOfRange { what: "commitment count" }).zh, "承诺的个数超出允许范围");
        assert_eq!(verify_error(&VerifyError::Equation).zh, "证明的验证等式不成立");
        assert_eq!(field("poll name"), "投票名称");
        assert_eq!(field("something new"), "「something new」");
    }
}

//! Splitting a Chinese name into surname and given name.

/// Two-character surnames (复姓) recognised without being told: the compound surnames of
/// the 《百家姓》 and a few others still in use.
/// A name that starts with one of them and has at least three characters is taken to
/// carry it; a two-character name such as 司马 is a one-character surname and a given
/// name. Anything else (a rarer compound surname, a joint surname such as 张王, or a
/// name that only looks compound) is handled by passing the surname explicitly.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "万俟", "上官", "子车", "乐正", "令狐", "公西", "公孙", "公羊", "公良", "公冶", "长孙", "东方", "东郭", "东门",
    "左丘", "司马", "司徒", "司空", "司寇", "申屠", "巫马", "百里", "仲孙", "闾丘", "羊舌", "宇文", "呼延", "况后",
    "宗政", "单于", "拓跋", "钟离", "段干", "皇甫", "南宫", "轩辕", "夏侯", "诸葛", "梁丘", "谷梁", "尉迟", "淳于",
    "宰父", "欧阳", "独孤", "闻人", "亓官", "赫连", "慕容", "端木", "漆雕", "鲜于", "澹台", "濮阳", "壤驷", "微生",
    "西门", "第五", "太史", "夹谷",
];

/// Splits `name` into (surname, given name).
///
/// `explicit` is a surname recorded with the name (the roll may carry one); it is used
/// when `name` starts with it. Otherwise a known compound surname (see
/// [`COMPOUND_SURNAMES`]) is taken when the name has at least three characters, and the
/// first character in every other case. Names that do not start with a Han character
/// (for example a Latin-script name) have the whole name as the surname. A name without
/// a surname in the Han sense (阿依古丽·买买提) is placed by its first character, as
/// stroke-ordered lists do.
pub fn split_surname<'a>(name: &'a str, explicit: Option<&str>) -> (&'a str, &'a str) {
    if let Some(s) = explicit.filter(|s| !s.is_empty())
        && let Some(given) = name.strip_prefix(s)
    {
        return (&name[..s.len()], given);
    }
    let chars = name.chars().count();
    if chars >= 3
        && let Some(compound) = COMPOUND_SURNAMES.iter().find(|c| name.starts_with(**c))
    {
        return name.split_at(compound.len());
    }
    match name.chars().next() {
        Some(first) if super::table::stroke_count(first).is_some() => name.split_at(first.len_utf8()),
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_surnames_are_two_characters() {
        assert_eq!(split_surname("欧阳胜", None), ("欧阳", "胜"));
        assert_eq!(split_surname("司马红燕", None), ("司马", "红燕"));
        assert_eq!(split_surname("诸葛伟", None), ("诸葛", "伟"));
        assert_eq!(split_surname("上官超秋", None), ("上官", "超秋"));
        for s in COMPOUND_SURNAMES {
            assert_eq!(s.chars().count(), 2, "{s}");
        }
    }

    #[test]
    fn two_character_names_and_plain_surnames() {
        assert_eq!(split_surname("司马", None), ("司", "马"));
        assert_eq!(split_surname("王晓冬", None), ("王", "晓冬"));
        assert_eq!(split_surname("𠮷华", None), ("𠮷", "华"));
        assert_eq!(split_surname("阿依古丽·买买提", None), ("阿", "依古丽·买买提"));
        assert_eq!(split_surname("Smith", None), ("Smith", ""));
    }

    #[test]
    fn explicit_surname_wins_when_it_is_a_prefix() {
        assert_eq!(split_surname("司马光明", Some("司")), ("司", "马光明"));
        assert_eq!(split_surname("张王芳", Some("张王")), ("张王", "芳"));
        assert_eq!(split_surname("欧阳胜", Some("李")), ("欧阳", "胜"), "not a prefix: ignored");
    }
}

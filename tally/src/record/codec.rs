//! The primitive encodings of the manifest and the record (spec §11.1): big-endian
//! integers, length-prefixed strings and byte strings, and a strict reader.

use thiserror::Error;

use crate::text::Text;

/// Bytes that are not a manifest, record or outcome of this version (spec §11, §12).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The input ends before the structure does.
    #[error("truncated at {0}")]
    Truncated(&'static str),
    /// Bytes follow the end of the structure.
    #[error("trailing bytes after {0}")]
    Trailing(&'static str),
    /// A magic value or version this implementation does not know.
    #[error("unknown {0}")]
    Unknown(&'static str),
    /// A field holds a value it may not hold.
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// A field holds a value that does not agree with what the rest implies.
    #[error("{0}")]
    Mismatch(Text),
}

impl FormatError {
    /// What is wrong, in words (the English is the error's `Display`).
    pub fn text(&self) -> Text {
        use crate::words::field;
        match self {
            Self::Truncated(w) => Text::new(format!("{}不完整：数据提前结束", field(w)), self.to_string()),
            Self::Trailing(w) => Text::new(format!("{}之后有多余的字节", field(w)), self.to_string()),
            Self::Unknown(w) => Text::new(format!("{}未知", field(w)), self.to_string()),
            Self::Invalid(w) => Text::new(format!("{}无效", field(w)), self.to_string()),
            Self::Mismatch(t) => t.clone(),
        }
    }
}

/// Appends the encodings of spec §11.1 to a byte vector.
#[derive(Default)]
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }
    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    /// A count: `u32be`. Lengths beyond `u32::MAX` cannot occur in a poll (the
    /// caller's structures are bounded far below), and saturate rather than wrap.
    pub(crate) fn count(&mut self, n: usize) -> &mut Self {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX))
    }
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }
    /// `u32be(len) ‖ bytes`.
    pub(crate) fn blob(&mut self, bytes: &[u8]) -> &mut Self {
        self.count(bytes.len()).raw(bytes)
    }
    /// `u32be(len) ‖ UTF-8`.
    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.blob(s.as_bytes())
    }
    /// zh-CN then en, each a string.
    pub(crate) fn text(&mut self, t: &Text) -> &mut Self {
        self.str(&t.zh).str(&t.en)
    }
}

/// Reads the encodings of spec §11.1, strictly.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, what }
    }
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if self.bytes.len() < n {
            return Err(FormatError::Truncated(self.what));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, FormatError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(FormatError::Invalid(what)),
        }
    }
    pub(crate) fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    /// A count of items each at least `min_item` bytes long: refused if the rest of
    /// the input could not hold them, so a forged count cannot make us allocate.
    pub(crate) fn count(&mut self, min_item: usize) -> Result<usize, FormatError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item.max(1)) > self.bytes.len() && min_item > 0 {
            return Err(FormatError::Truncated(self.what));
        }
        Ok(n)
    }
    pub(crate) fn blob(&mut self) -> Result<&'a [u8], FormatError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub(crate) fn str(&mut self, what: &'static str) -> Result<String, FormatError> {
        let b = self.blob()?;
        String::from_utf8(b.to_vec()).map_err(|_| FormatError::Invalid(what))
    }
    pub(crate) fn text(&mut self, what: &'static str) -> Result<Text, FormatError> {
        let zh = self.str(what)?;
        let en = self.str(what)?;
        Ok(Text { zh, en })
    }
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }
    pub(crate) fn finish(self) -> Result<(), FormatError> {
        if self.bytes.is_empty() { Ok(()) } else { Err(FormatError::Trailing(self.what)) }
    }
}

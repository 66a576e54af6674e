//! [`Text`]: a short immutable text kept inline, without an allocation of its own, when it
//! fits (22 bytes, which nearly every name, reference and postcode does), so that comparing
//! two profiles reads their names from the profiles themselves instead of chasing a pointer to
//! somewhere else in memory for each: at a million records the comparisons are bound by memory
//! latency, not arithmetic.
//!
//! It is a storage detail only: it dereferences to `str` and compares, orders and hashes as
//! the text it holds.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Longest text kept inline.
const INLINE: usize = 22;

/// A text, inline when short. Invariant: a text of at most `INLINE` bytes is always
/// `Inline`, zero-padded (so that equal texts have equal representations).
#[derive(Clone, Eq)]
pub enum Text {
    /// Length and bytes (zero-padded).
    Inline(u8, [u8; INLINE]),
    /// A longer text.
    Heap(Box<str>),
}

impl Text {
    /// The text `s`.
    pub fn new(s: &str) -> Text {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Text::Inline(s.len() as u8, bytes)
        } else {
            Text::Heap(s.into())
        }
    }

    /// The bytes, without the UTF-8 check of dereferencing.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Inline(len, bytes) => &bytes[..usize::from(*len)],
            Text::Heap(s) => s.as_bytes(),
        }
    }

    /// Whether the text is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        matches!(self, Text::Inline(0, _))
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::Inline(0, [0; INLINE])
    }
}

impl Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        match self {
            Text::Inline(len, bytes) => std::str::from_utf8(&bytes[..usize::from(*len)])
                .expect("invariant: built from a whole str"),
            Text::Heap(s) => s,
        }
    }
}

impl PartialEq for Text {
    /// Inline texts are compared as three machine words (a call to a byte comparison per
    /// name was a noticeable share of comparing two profiles).
    #[inline]
    fn eq(&self, other: &Text) -> bool {
        match (self, other) {
            (Text::Inline(la, a), Text::Inline(lb, b)) => la == lb && words(a) == words(b),
            (Text::Heap(a), Text::Heap(b)) => a == b,
            _ => false,
        }
    }
}

/// The inline bytes as words.
#[inline]
fn words(bytes: &[u8; INLINE]) -> [u64; 3] {
    let word = |range: std::ops::Range<usize>| {
        let mut w = [0u8; 8];
        w[..range.len()].copy_from_slice(&bytes[range]);
        u64::from_le_bytes(w)
    };
    [word(0..8), word(8..16), word(16..INLINE)]
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_texts_read_back() {
        for s in [
            "",
            "smith",
            "exactly twenty-two by.",
            "a text well over twenty-two bytes",
        ] {
            let t = Text::new(s);
            assert_eq!(&*t, s);
            assert_eq!(t, Text::new(s));
        }
        assert!(matches!(Text::new("smith"), Text::Inline(5, _)));
        assert!(Text::new("abc") < Text::new("abd"));
        assert_ne!(Text::new("abc"), Text::new("abd"));
        assert_ne!(
            Text::new("exactly twenty-two by."),
            Text::new("exactly twenty-two by!")
        );
        assert_ne!(Text::new("ab"), Text::new("abc"));
        assert_eq!(std::mem::size_of::<Text>(), 24);
    }
}

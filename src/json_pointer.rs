//! JSON pointers (RFC 6901): built, escaped, unescaped and shown to people in one place. A pointer
//! is kept as its text (`/data/tags/0`); the root is the empty pointer, shown as `payload`.

use std::borrow::Cow;

/// How the root (the empty pointer) is shown to people.
pub const ROOT_NAME: &str = "payload";

/// A key as one pointer token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

/// One pointer token back to its key: `~1` becomes `/`, then `~0` becomes `~`.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The pointer to `key` inside the object at `parent`.
pub fn child(parent: &str, key: &str) -> String {
    let mut pointer = parent.to_string();
    push_key(&mut pointer, key);
    pointer
}

/// The pointer to item `index` of the array at `parent`.
pub fn item(parent: &str, index: usize) -> String {
    let mut pointer = parent.to_string();
    push_index(&mut pointer, index);
    pointer
}

/// Extends `pointer` in place to the child `key` (a walk that goes back truncates it).
pub fn push_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&escape(key));
}

/// Extends `pointer` in place to item `index`.
pub fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(pointer, "/{index}");
}

/// The unescaped tokens of a pointer, root first (none for the root itself).
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

/// A pointer as a reader writes the path: `/data/tags/0` → `data.tags[0]`, the root → `payload`.
pub fn display(pointer: &str) -> String {
    if pointer.is_empty() {
        return ROOT_NAME.to_string();
    }
    let mut path = String::new();
    for token in tokens(pointer) {
        if !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_digit()) {
            path.push('[');
            path.push_str(&token);
            path.push(']');
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&token);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_escaping() {
        for key in ["plain", "a/b", "~x", "~1", "a~/b"] {
            assert_eq!(unescape(&escape(key)), key);
        }
        assert_eq!(child("/data", "a/b~"), "/data/a~1b~0");
        assert_eq!(item("/data/tags", 3), "/data/tags/3");
        assert_eq!(tokens("/data/a~1b").collect::<Vec<_>>(), ["data", "a/b"]);
        assert_eq!(tokens("").count(), 0);
    }

    #[test]
    fn pointers_read_as_paths() {
        assert_eq!(display("/data/tags/0"), "data.tags[0]");
        assert_eq!(display(""), "payload");
        assert_eq!(display("/data/a~1b"), "data.a/b");
    }
}

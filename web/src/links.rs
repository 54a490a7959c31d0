//! Sources in help text as links: a preset's description or a parameter's help split into plain
//! text and links (public URLs, and sections of the project's sources page). Plain Rust, tested
//! natively.
//!
//! Owns: finding the links in a text and the address of the sources page.
//! Must not: build HTML from the text. The component draws each piece as a text node or an
//! anchor whose address is one this module produced (only `http(s)://` or the sources page).

/// The project's sources page (`docs/sources.md`) as the documentation site serves it, relative
/// to the playground, which the site holds under `playground/` (`cargo xtask docs`).
pub const SOURCES_PAGE: &str = "../sources.html";

/// How help text cites a section of the sources page: `docs/sources.md B2`.
const SOURCES_CITATION: &str = "docs/sources.md";

/// One piece of a help text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Plain text.
    Text(String),
    /// A link.
    Link {
        /// Where it goes: an `http(s)://` URL or a section of [`SOURCES_PAGE`].
        href: String,
        /// What it says.
        label: String,
    },
}

/// Splits `text` into plain text and links: every `http://` or `https://` URL (up to the next
/// space, without trailing punctuation) and every `docs/sources.md` citation (with the section
/// after it, as in `docs/sources.md B2`, linked to that section).
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let found = [find_url(rest), find_sources(rest)]
            .into_iter()
            .flatten()
            .min_by_key(|(start, ..)| *start);
        let Some((start, end, href)) = found else {
            plain.push_str(rest);
            break;
        };
        plain.push_str(&rest[..start]);
        if !plain.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut plain)));
        }
        out.push(Piece::Link {
            href,
            label: rest[start..end].to_string(),
        });
        rest = &rest[end..];
    }
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

/// The first URL of `text`: (start, end, href).
fn find_url(text: &str) -> Option<(usize, usize, String)> {
    let start = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()?;
    let tail = &text[start..];
    let len = tail
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(tail.len());
    let url = tail[..len].trim_end_matches(['.', ',', ';', ':', ')', '(', '!', '?', '\'']);
    // A bare scheme is no link.
    (url.len() > "https://".len()).then(|| (start, start + url.len(), url.to_string()))
}

/// The first `docs/sources.md` citation of `text`, with its section when one follows:
/// (start, end, href).
fn find_sources(text: &str) -> Option<(usize, usize, String)> {
    let start = text.find(SOURCES_CITATION)?;
    let after = start + SOURCES_CITATION.len();
    let section = section_after(&text[after..]);
    let end = after + section.map_or(0, |s| s.len() + 1);
    let href = match section {
        Some(s) => format!("{SOURCES_PAGE}#{}", s.to_ascii_lowercase()),
        None => SOURCES_PAGE.to_string(),
    };
    Some((start, end, href))
}

/// A section label after a citation (` A1`, ` C`, ` D4`: a capital letter and at most one digit,
/// then no other letter or digit), without the space.
fn section_after(text: &str) -> Option<&str> {
    let label = text.strip_prefix(' ')?;
    let mut chars = label.char_indices();
    let (_, letter) = chars.next()?;
    if !letter.is_ascii_uppercase() {
        return None;
    }
    let mut len = 1;
    if let Some((_, digit)) = chars.next()
        && digit.is_ascii_digit()
    {
        len = 2;
    }
    let next = label[len..].chars().next();
    if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(&label[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Text(s.to_string())
    }

    fn link(href: &str, label: &str) -> Piece {
        Piece::Link {
            href: href.to_string(),
            label: label.to_string(),
        }
    }

    #[test]
    fn urls_and_section_citations_become_links() {
        // The October 2025 preset's description, as the playground showed it in plain text.
        let description = "Source: AWS post-event summary https://aws.amazon.com/message/101925/ \
                           (docs/sources.md C). The real record";
        assert_eq!(
            pieces(description),
            vec![
                text("Source: AWS post-event summary "),
                link(
                    "https://aws.amazon.com/message/101925/",
                    "https://aws.amazon.com/message/101925/"
                ),
                text(" ("),
                link("../sources.html#c", "docs/sources.md C"),
                text("). The real record"),
            ]
        );
        assert_eq!(
            pieces("(RFC 8767; docs/sources.md B2, B4)."),
            vec![
                text("(RFC 8767; "),
                link("../sources.html#b2", "docs/sources.md B2"),
                text(", B4)."),
            ]
        );
    }

    #[test]
    fn trailing_punctuation_and_bare_citations() {
        assert_eq!(
            pieces("see https://www.rfc-editor.org/rfc/rfc8767."),
            vec![
                text("see "),
                link(
                    "https://www.rfc-editor.org/rfc/rfc8767",
                    "https://www.rfc-editor.org/rfc/rfc8767"
                ),
                text("."),
            ]
        );
        // No section after it (a word, not a label): the page itself.
        assert_eq!(
            pieces("docs/sources.md Every"),
            vec![link("../sources.html", "docs/sources.md"), text(" Every")]
        );
        assert_eq!(pieces("https:// alone"), vec![text("https:// alone")]);
        assert_eq!(pieces(""), Vec::<Piece>::new());
    }

    #[test]
    fn only_web_addresses_become_links() {
        // Markup or script in a text stays text: the component draws it as a text node.
        let hostile = "<img src=x onerror=alert(1)> javascript:alert(1)";
        assert_eq!(pieces(hostile), vec![text(hostile)]);
        for piece in pieces("a https://x.example/<b> b") {
            if let Piece::Link { href, .. } = piece {
                assert_eq!(href, "https://x.example/");
            }
        }
    }
}

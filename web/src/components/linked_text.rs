//! Help text with its sources as links the reader can open.
//!
//! Owns: drawing [`crate::links::pieces`] as text nodes and anchors.
//! Must not: insert HTML from the text (every piece is a text node or an anchor's label).

use yew::prelude::*;

use crate::links::{Piece, pieces};

/// Linked text props.
#[derive(Properties, PartialEq)]
pub struct LinkedTextProps {
    /// The text, as a preset or parameter gives it.
    pub text: AttrValue,
}

/// The text with every URL and `docs/sources.md` citation as a link (opening in a new tab).
#[component]
pub fn LinkedText(props: &LinkedTextProps) -> Html {
    html! {
        { for pieces(&props.text).into_iter().map(|piece| match piece {
            Piece::Text(text) => html! { { text } },
            Piece::Link { href, label } => html! {
                <a class="source-link" {href} target="_blank" rel="noopener noreferrer">{ label }</a>
            },
        }) }
    }
}

//! Versions that pin what a link shows: the model's behaviour and the link's format.
//!
//! Owns: [`MODEL_VERSION`] and [`LINK_FORMAT_VERSION`], and what each promises.
//! Must not: change without the promise below being kept (docs/embedding.md, "Pinned embeds").

/// Version of the model's behaviour: raised by every change that moves a report's figures for
/// some scenario and seed (the commit says so). Embeds show it beside the figures they ran, so a
/// reader can tell that a page's numbers came from another model than today's.
pub const MODEL_VERSION: u32 = 1;

/// Version of the link format (`v=` in a playground or embed link): `preset=NAME` plus the
/// registry's `key=value` pairs that differ from that preset (`scenario::to_query`), `vs=` for a
/// pinned baseline and the embed options. A link of any released version keeps decoding to the
/// same scenario in every later version; links without `v=` are version 1, which they were
/// written in.
pub const LINK_FORMAT_VERSION: u32 = 1;

/// The link key that carries [`LINK_FORMAT_VERSION`].
pub const LINK_VERSION_KEY: &str = "v";

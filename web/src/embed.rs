//! Embed options of a link: which charts, KPI cards and live controls an embedded view shows,
//! its title, caption, theme and height, and the link's format version. Plain Rust, tested
//! natively.
//!
//! Owns: the embed keys of a link (`embed`, `charts`, `kpis`, `controls`, `title`, `caption`,
//! `theme`, `height`, `v`), reading them (unknown names are ignored and listed, never fatal) and
//! writing them back.
//! Must not: read the scenario's own keys (the design's pairs are `state.rs`'s) or touch the DOM.

use stampede_charts::ChartKind;
use stampede_core::scenario::params::find;
use stampede_core::version::{LINK_FORMAT_VERSION, LINK_VERSION_KEY};

/// Every KPI card id (`data-kpi`): the fixed cards, then the list cards that appear when the
/// scenario has several classes, services or resolvers, or a failover name.
pub const KPI_IDS: [&str; 10] = [
    "availability",
    "failed_requests",
    "peak_amplification",
    "time_to_recover",
    "metastable",
    "cost",
    "classes",
    "services",
    "resolvers",
    "failover_names",
];

/// Most characters kept of a title or caption (the rest is cut, with a notice).
pub const TEXT_CHARS_MAX: usize = 300;

/// The embed's colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EmbedTheme {
    /// Follow the reader's system (`prefers-color-scheme`).
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl EmbedTheme {
    /// The playground's dark setting for this theme (`None` follows the system).
    pub fn dark(self) -> Option<bool> {
        match self {
            EmbedTheme::Auto => None,
            EmbedTheme::Light => Some(false),
            EmbedTheme::Dark => Some(true),
        }
    }

    fn name(self) -> &'static str {
        match self {
            EmbedTheme::Auto => "auto",
            EmbedTheme::Light => "light",
            EmbedTheme::Dark => "dark",
        }
    }
}

/// The caption under an embed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Caption {
    /// None.
    #[default]
    None,
    /// The author's text.
    Text(String),
    /// Generated from the report (`caption=auto`): `stampede_core::caption::what_to_notice`.
    Auto,
}

/// What an embed link asks for. `None` lists show everything (as `embed=1` alone always did).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbedOptions {
    /// `embed=1`: the embedded view instead of the playground.
    pub embed: bool,
    /// Charts to show, in the link's order (`charts=load,outcomes`); `None`: every chart.
    pub charts: Option<Vec<ChartKind>>,
    /// KPI cards to show, in the link's order (`kpis=availability,time_to_recover`); `None`: all.
    pub kpis: Option<Vec<&'static str>>,
    /// Registry keys of the controls the reader may move (`controls=retry.attempts_max`).
    pub controls: Vec<&'static str>,
    /// Heading above the embed.
    pub title: Option<String>,
    /// Caption under the charts.
    pub caption: Caption,
    /// Colours.
    pub theme: EmbedTheme,
    /// `height=compact`: shorter charts and tighter spacing.
    pub compact: bool,
    /// Link format version the link said it was written in (`v=`; 1 when absent).
    pub link_version: u32,
    /// What the link asked for that was ignored, in words (shown in a notice inside the embed).
    pub ignored: Vec<String>,
}

impl EmbedOptions {
    /// No options yet: the playground, every chart and card, link format 1.
    pub fn new() -> EmbedOptions {
        EmbedOptions {
            link_version: 1,
            ..EmbedOptions::default()
        }
    }

    /// Reads `pair` (`key=value`, percent-encoded or not) if its key is an embed key; returns
    /// whether it was one. Bad values and unknown names are listed in [`EmbedOptions::ignored`].
    pub fn take(&mut self, pair: &str) -> bool {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = stampede_core::scenario::percent_decode(key);
        let value = stampede_core::scenario::percent_decode(&value.replace('+', " "));
        match key.as_str() {
            "embed" => match value.as_str() {
                "1" | "true" => self.embed = true,
                "0" | "false" => self.embed = false,
                _ => self.ignore(format!("embed={value} (use embed=1)")),
            },
            "charts" => {
                let known: Vec<&str> = ChartKind::ALL.iter().map(|k| k.id()).collect();
                let names = self.names("chart", &value, &known);
                self.charts = Some(
                    names
                        .iter()
                        .filter_map(|n| ChartKind::ALL.into_iter().find(|k| k.id() == *n))
                        .collect(),
                );
            }
            "kpis" => self.kpis = Some(self.names("KPI card", &value, &KPI_IDS)),
            "controls" => {
                // Any name the registry finds (its key, or an alias it knows), kept as its key.
                let keys: Vec<&'static str> = value
                    .split(',')
                    .filter_map(|n| find(n.trim()).map(|p| p.key))
                    .collect();
                let names = self.names("control", &value, &keys);
                self.controls = names;
            }
            "title" => self.title = self.text("title", value),
            "caption" => {
                self.caption = match value.as_str() {
                    "auto" => Caption::Auto,
                    "" => Caption::None,
                    _ => self
                        .text("caption", value)
                        .map_or(Caption::None, Caption::Text),
                }
            }
            "theme" => match value.as_str() {
                "auto" => self.theme = EmbedTheme::Auto,
                "light" => self.theme = EmbedTheme::Light,
                "dark" => self.theme = EmbedTheme::Dark,
                _ => self.ignore(format!("theme `{value}` (known: light, dark, auto)")),
            },
            "height" => match value.as_str() {
                "compact" => self.compact = true,
                "auto" | "" => self.compact = false,
                _ => self.ignore(format!("height `{value}` (known: compact, auto)")),
            },
            k if k == LINK_VERSION_KEY => match value.parse::<u32>() {
                Ok(v) if (1..=LINK_FORMAT_VERSION).contains(&v) => self.link_version = v,
                Ok(v) if v > LINK_FORMAT_VERSION => self.ignore(format!(
                    "link format v={v}, newer than this Stampede's (v={LINK_FORMAT_VERSION}): \
                     read as v={LINK_FORMAT_VERSION}; settings it does not know are listed here"
                )),
                _ => self.ignore(format!(
                    "link format v={value} (known: 1 to {LINK_FORMAT_VERSION}); read as \
                     v={LINK_FORMAT_VERSION}"
                )),
            },
            _ => return false,
        }
        true
    }

    /// The names of a comma-separated list that are `known` (each once, in the link's order);
    /// the others are ignored with a notice naming the known ones.
    fn names<'k>(&mut self, what: &str, list: &str, known: &[&'k str]) -> Vec<&'k str> {
        let mut names: Vec<&'k str> = Vec::new();
        let mut unknown = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let canonical = find(name).map_or(name, |p| p.key);
            match known.iter().find(|k| **k == name || **k == canonical) {
                Some(k) if !names.contains(k) => names.push(k),
                Some(_) => {}
                None => unknown.push(name.to_string()),
            }
        }
        for name in unknown {
            let shown: String = name.chars().take(60).collect();
            let list = if what == "control" {
                "the keys of the scenario reference".to_string()
            } else {
                known.join(", ")
            };
            self.ignore(format!("unknown {what} `{shown}` (known: {list})"));
        }
        names
    }

    /// A title or caption, cut at [`TEXT_CHARS_MAX`] characters (with a notice).
    fn text(&mut self, what: &str, value: String) -> Option<String> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        if value.chars().count() > TEXT_CHARS_MAX {
            self.ignore(format!(
                "the {what}'s characters after the first {TEXT_CHARS_MAX}"
            ));
        }
        Some(value.chars().take(TEXT_CHARS_MAX).collect())
    }

    fn ignore(&mut self, what: String) {
        self.ignored.push(what);
    }

    /// The embed keys as a link writes them (`embed=1&charts=load&…&v=1`), in a fixed order; only
    /// what differs from "show everything" besides `embed=1` and the link format version.
    pub fn to_query(&self) -> String {
        let mut pairs = vec!["embed=1".to_string()];
        if let Some(charts) = &self.charts {
            let ids: Vec<&str> = charts.iter().map(|k| k.id()).collect();
            pairs.push(format!("charts={}", ids.join(",")));
        }
        if let Some(kpis) = &self.kpis {
            pairs.push(format!("kpis={}", kpis.join(",")));
        }
        if !self.controls.is_empty() {
            pairs.push(format!("controls={}", self.controls.join(",")));
        }
        if let Some(title) = &self.title {
            pairs.push(format!("title={}", crate::state::encode_component(title)));
        }
        match &self.caption {
            Caption::None => {}
            Caption::Auto => pairs.push("caption=auto".to_string()),
            Caption::Text(text) => {
                pairs.push(format!("caption={}", crate::state::encode_component(text)));
            }
        }
        if self.theme != EmbedTheme::Auto {
            pairs.push(format!("theme={}", self.theme.name()));
        }
        if self.compact {
            pairs.push("height=compact".to_string());
        }
        pairs.push(format!("{LINK_VERSION_KEY}={LINK_FORMAT_VERSION}"));
        pairs.join("&")
    }

    /// Whether the embed shows chart `kind`.
    pub fn shows_chart(&self, kind: ChartKind) -> bool {
        self.charts.as_ref().is_none_or(|c| c.contains(&kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> (EmbedOptions, Vec<String>) {
        let mut options = EmbedOptions::new();
        let rest = query
            .split('&')
            .filter(|p| !options.take(p))
            .map(str::to_string)
            .collect();
        (options, rest)
    }

    #[test]
    fn the_documented_example_reads_as_written() {
        // docs/embedding.md's example.
        let (o, rest) = read(
            "preset=naive-retry-storm&embed=1&charts=load,outcomes&kpis=availability,time_to_recover\
             &controls=retry.attempts_max,client_dns.fixed_ttl_s&title=Retry%20storms&caption=auto\
             &theme=dark&height=compact&v=1",
        );
        assert_eq!(rest, vec!["preset=naive-retry-storm"]);
        assert!(
            o.embed && o.compact && o.ignored.is_empty(),
            "{:?}",
            o.ignored
        );
        assert_eq!(o.charts, Some(vec![ChartKind::Load, ChartKind::Outcomes]));
        assert_eq!(o.kpis, Some(vec!["availability", "time_to_recover"]));
        assert_eq!(
            o.controls,
            vec!["retry.attempts_max", "client_dns.fixed_ttl_s"]
        );
        assert_eq!(o.title.as_deref(), Some("Retry storms"));
        assert_eq!(o.caption, Caption::Auto);
        assert_eq!(o.theme.dark(), Some(true));
        assert_eq!(o.link_version, 1);
    }

    #[test]
    fn written_back_the_options_read_the_same() {
        let (o, _) = read(
            "embed=1&kpis=cost&controls=client_dns.fixed_ttl_s&caption=Look%20at%20the%20tail%20%26%20the%20peak\
             &title=A+title&theme=light",
        );
        let (again, rest) = read(&o.to_query());
        assert!(rest.is_empty(), "{rest:?}");
        assert_eq!(again, o);
        assert_eq!(
            o.caption,
            Caption::Text("Look at the tail & the peak".into())
        );
        assert_eq!(o.title.as_deref(), Some("A title"));
        assert_eq!(EmbedOptions::new().to_query(), "embed=1&v=1");
    }

    #[test]
    fn unknown_names_are_ignored_and_listed() {
        let (o, _) = read(
            "embed=1&charts=load,pie,load&kpis=availibility&controls=retry.attempts_max,rm%20-rf\
             &theme=neon&height=tall&v=9",
        );
        assert_eq!(o.charts, Some(vec![ChartKind::Load]), "once, in order");
        assert_eq!(o.kpis, Some(vec![]));
        assert_eq!(o.controls, vec!["retry.attempts_max"]);
        assert_eq!(o.theme, EmbedTheme::Auto);
        assert_eq!(o.link_version, 1);
        let notice = o.ignored.join("\n");
        for part in [
            "unknown chart `pie` (known: load, outcomes, dns, queue, latency, breaker)",
            "unknown KPI card `availibility`",
            "unknown control `rm -rf`",
            "theme `neon`",
            "height `tall`",
            "link format v=9, newer",
        ] {
            assert!(notice.contains(part), "missing {part:?} in {notice}");
        }
    }

    #[test]
    fn an_empty_list_shows_nothing_and_absent_shows_everything() {
        let (none, _) = read("embed=1&charts=");
        assert!(!none.shows_chart(ChartKind::Load));
        let (all, _) = read("embed=1");
        assert!(ChartKind::ALL.iter().all(|k| all.shows_chart(*k)));
    }

    #[test]
    fn long_text_is_cut_with_a_notice() {
        let long = "a".repeat(TEXT_CHARS_MAX + 5);
        let (o, _) = read(&format!("embed=1&title={long}"));
        assert_eq!(o.title.map(|t| t.len()), Some(TEXT_CHARS_MAX));
        assert_eq!(o.ignored.len(), 1);
    }
}

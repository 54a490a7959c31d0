//! Prints, as JSON, the KPI card values and the summary sentence the playground shows for a URL
//! query (`preset=…&key=value…`), computed natively. The end-to-end test compares them with what
//! the page shows, so every number on screen is checked against the core.

fn main() {
    let query = std::env::args().nth(1).unwrap_or_default();
    let state = stampede_web::state::AppState::from_query(&query);
    let Some(scenario) = state.scenario() else {
        eprintln!("invalid scenario for query {query:?}: {:?}", state.problems);
        std::process::exit(2);
    };
    let report = stampede_core::run(&scenario);
    let cards: Vec<String> = stampede_web::kpi::cards(&report.summary)
        .iter()
        .map(|card| format!("{:?}: {:?}", card.id, card.value))
        .collect();
    let summary = stampede_web::kpi::summary_sentence(&report);
    println!(
        "{{\"cards\": {{{}}}, \"summary\": {summary:?}}}",
        cards.join(", ")
    );
}

//! Prints, as JSON, the KPI card values and the summary sentence the playground shows for a URL
//! query (`preset=…&key=value…`), computed natively. The end-to-end test compares them with what
//! the page shows, so every number on screen is checked against the core. `ids` lists the cards
//! in order: the list cards (classes, services, resolvers, failover names) come and go with the
//! scenario. `caption` is the "what to notice" caption an embed shows with `caption=auto`.

fn main() {
    let query = std::env::args().nth(1).unwrap_or_default();
    let state = stampede_web::state::AppState::from_query(&query);
    let Some(scenario) = state.scenario() else {
        eprintln!("invalid scenario for query {query:?}: {:?}", state.problems);
        std::process::exit(2);
    };
    let report = stampede_core::run(&scenario);
    let all = stampede_web::kpi::cards(&report.summary);
    let cards: Vec<String> = all
        .iter()
        .map(|card| format!("{:?}: {:?}", card.id, card.value))
        .collect();
    let ids: Vec<String> = all.iter().map(|card| format!("{:?}", card.id)).collect();
    let summary = stampede_web::kpi::summary_sentence(&report);
    // What an embed's `caption=auto` says of the same run.
    let caption = stampede_core::caption::what_to_notice(&report);
    println!(
        "{{\"cards\": {{{}}}, \"ids\": [{}], \"summary\": {summary:?}, \"caption\": {caption:?}}}",
        cards.join(", "),
        ids.join(", ")
    );
}

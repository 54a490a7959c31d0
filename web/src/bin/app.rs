//! Entry point of the playground page.

#[cfg(target_arch = "wasm32")]
fn main() {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if stampede_web::cells::is_map_link(&query) {
        yew::Renderer::<stampede_web::components::risk_map::RiskMap>::new().render();
    } else {
        yew::Renderer::<stampede_web::app::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs only in a browser; serve it with `cargo xtask serve`");
}

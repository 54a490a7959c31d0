//! Entry point of the playground page.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<stampede_web::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs only in a browser; serve it with `cargo xtask serve`");
}

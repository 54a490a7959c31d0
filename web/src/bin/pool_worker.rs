//! Entry point of a pool worker (risk maps and seed bands).

#[cfg(target_arch = "wasm32")]
fn main() {
    stampede_web::pool_worker::listen();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the pool worker runs only in a browser; build it with `cargo xtask serve`");
}

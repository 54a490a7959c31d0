//! Entry point of the simulation web worker.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo_worker::Registrable;
    stampede_web::supervisor::install_worker_panic_hook();
    stampede_web::worker::SimWorker::registrar().register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker runs only in a browser; build it with `cargo xtask serve`");
}

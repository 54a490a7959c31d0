//! `cargo xtask docs`: the documentation site, built from `docs/` by mdBook, with the playground
//! (a release build of the web app) under `playground/`, so the site's pages embed live charts
//! from their own origin.
//!
//! Owns: installing mdBook at [`MDBOOK_VERSION`], building the site into `target/book/` and
//! serving it (`cargo xtask serve --docs`).
//! Must not: change `dist/` (it copies it) or fetch anything but the mdBook crate.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::cmd::{Cmd, Error, say};
use crate::paths::{dist_dir, tool_path};
use crate::setup::{Needs, setup};
use crate::tools::{MDBOOK_FEATURES, MDBOOK_VERSION};
use crate::trunk::build_release;

/// Where the site is built.
pub fn book_dir(root: &Path) -> PathBuf {
    root.join("target").join("book")
}

/// The site's sub-path that holds the playground.
pub const PLAYGROUND_DIR: &str = "playground";

/// Options of `cargo xtask docs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocsConfig {
    /// Use the `dist/` already built instead of building the playground again.
    pub reuse_dist: bool,
}

/// Whether `mdbook --version` prints the pinned version.
pub fn mdbook_present(root: &Path) -> bool {
    Cmd::new("mdbook", root)
        .env("PATH", tool_path(root))
        .args(["--version"])
        .read()
        .is_some_and(|out| out.contains(MDBOOK_VERSION))
}

/// Installs mdBook at [`MDBOOK_VERSION`] from crates.io when it is missing (without its `serve`
/// and `watch` features, which this project does not use: a shorter compile).
pub fn ensure_mdbook(root: &Path) -> Result<(), Error> {
    if mdbook_present(root) {
        say(&format!("mdbook {MDBOOK_VERSION}: present"));
        return Ok(());
    }
    say("installing mdbook (a few minutes on 2 cores)");
    Cmd::cargo(root)
        .args(["install", "mdbook", "--version", MDBOOK_VERSION, "--locked"])
        .args(["--no-default-features", "--features", MDBOOK_FEATURES])
        .run()
}

/// `cargo xtask docs`: builds the playground (unless reused), then the site with the playground
/// copied under [`PLAYGROUND_DIR`].
pub fn docs(root: &Path, config: DocsConfig) -> Result<PathBuf, Error> {
    ensure_mdbook(root)?;
    let dist = dist_dir(root);
    if !config.reuse_dist || !dist.join("index.html").is_file() {
        setup(root, Needs::TOOLS)?;
        build_release(root)?;
    }
    build_book(root)
}

/// Builds the site from `docs/` into [`book_dir`] and copies `dist/` under [`PLAYGROUND_DIR`].
pub fn build_book(root: &Path) -> Result<PathBuf, Error> {
    let book = book_dir(root);
    Cmd::new("mdbook", root)
        .env("PATH", tool_path(root))
        .args(["build", "docs", "--dest-dir"])
        .args([book.as_os_str()])
        .run()?;
    let playground = book.join(PLAYGROUND_DIR);
    copy_dir(&dist_dir(root), &playground)?;
    say(&format!("documentation site in {}", book.display()));
    Ok(book)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    let fail =
        |what: &str, path: &Path, e: std::io::Error| format!("{what} {}: {e}", path.display());
    if !from.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build the playground first (`cargo xtask docs` does)",
            from.display()
        ));
    }
    fs::create_dir_all(to).map_err(|e| fail("cannot create", to, e))?;
    for entry in fs::read_dir(from).map_err(|e| fail("cannot read", from, e))? {
        let path = entry.map_err(|e| fail("cannot read", from, e))?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir_any(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(|e| fail("cannot copy", &path, e))?;
        }
    }
    Ok(())
}

fn copy_dir_any(from: &Path, to: &Path) -> Result<(), Error> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))? {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", from.display()))?
            .path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir_any(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// `cargo xtask serve --docs`: builds the site, then serves it on 127.0.0.1 until interrupted
/// (a static server: the site needs nothing else).
pub fn serve_docs(root: &Path, port: u16) -> Result<(), Error> {
    let book = docs(root, DocsConfig::default())?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    say(&format!(
        "serving the documentation site on http://127.0.0.1:{port}/ (playground: /{PLAYGROUND_DIR}/)"
    ));
    for stream in listener.incoming().flatten() {
        if let Err(e) = answer(&book, stream) {
            eprintln!("xtask: serve: {e}");
        }
    }
    Ok(())
}

/// Answers one HTTP/1.0-style GET or HEAD with a file under `root`.
fn answer(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let head = method == "HEAD";
    let found = (method == "GET" || head)
        .then(|| file_for(root, target))
        .flatten()
        .and_then(|path| Some((fs::read(&path).ok()?, content_type(&path))));
    let (status, body, kind) = match found {
        Some((body, kind)) => ("200 OK", body, kind),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(&body)?;
    }
    Ok(())
}

/// The file a request target names under `root` (`/` → `index.html`), never outside it.
fn file_for(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = root.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(name) => file.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_stay_inside_the_site() {
        let root = crate::paths::project_root();
        assert_eq!(file_for(&root, "/../Cargo.toml"), None);
        assert_eq!(file_for(&root, "/docs/../../etc/passwd"), None);
        assert_eq!(
            file_for(&root, "/Cargo.toml?x=1"),
            Some(root.join("Cargo.toml"))
        );
        assert_eq!(
            content_type(Path::new("a/worker_bg.wasm")),
            "application/wasm"
        );
    }
}

//! In headless Chromium through wasm-bindgen-test: the playground's chart code draws on a real
//! canvas (not blank, scaled for the canvas size) with a report from the core.
#![cfg(target_arch = "wasm32")]

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use stampede_charts::{ChartKind, Theme};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

fn distinct_colours(canvas: &HtmlCanvasElement) -> usize {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = context
        .get_image_data(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        )
        .unwrap()
        .data();
    let mut colours: Vec<[u8; 4]> = data.chunks(4).map(|p| [p[0], p[1], p[2], p[3]]).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

#[wasm_bindgen_test]
fn every_chart_draws_on_a_canvas() {
    let preset = &stampede_core::presets::PRESETS[1];
    let mut raw = preset.raw().unwrap();
    raw.run.duration_s = 300.0;
    let report = stampede_core::run(&stampede_core::Scenario::try_from(raw).unwrap());
    for kind in ChartKind::ALL {
        let canvas = canvas(640, 320);
        assert!(distinct_colours(&canvas) <= 1, "a fresh canvas is blank");
        let root = CanvasBackend::with_canvas_object(canvas.clone())
            .unwrap()
            .into_drawing_area();
        stampede_charts::draw(&root, kind, &report, Theme { dark: false }, Some(250.0)).unwrap();
        assert!(
            distinct_colours(&canvas) > 8,
            "{kind:?} drew lines, text and shading"
        );
    }
}

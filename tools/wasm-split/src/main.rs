//! `wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm MAIN_JS LINK_JS`
//!
//! Splits INPUT (the app's wasm as rustc links it, with `--emit-relocs`) at its
//! `wasm_split` markers. Writes the main module to MAIN_OUT (for wasm-bindgen), one
//! `.wasm` per lazy chunk into OUT_DIR, and the loader module LINK_JS (a path
//! relative to OUT_DIR, e.g. `./split-1a2b.js`) that imports `initSync` from MAIN_JS
//! (the wasm-bindgen JS, relative to OUT_DIR). Prints each split's chunk files, one
//! line per split: `name file file…`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, main_out, main_js, link_js] = args.as_slice() else {
        eprintln!("usage: wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm MAIN_JS LINK_JS");
        return ExitCode::from(2);
    };
    let wasm = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("wasm-split: cannot read {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = Path::new(out_dir);
    opts.main_out_path = Path::new(main_out);
    opts.main_module = main_js;
    opts.link_name = link_js;
    match wasm_split_cli_support::transform(opts) {
        Ok(split) => {
            let mut names: Vec<_> = split.prefetch_map.iter().collect();
            names.sort();
            for (name, files) in names {
                println!("{name} {}", files.join(" "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm-split: {e:?}");
            ExitCode::FAILURE
        }
    }
}

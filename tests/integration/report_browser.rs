//! The report end to end in headless Chromium (SPEC.md "Reports": Chinese
//! text renders correctly): no console errors, a page full of charts and
//! text, and CJK glyphs that are glyphs. The page embeds no font; this test
//! needs the machine's: CI installs `fonts-noto-cjk` with `chromium`.

use crate::report::report;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Renders `page` (a file) in headless Chromium; returns the PNG and stderr.
fn screenshot(browser: &Path, page: &Path, work: &Path, size: &str) -> (Vec<u8>, String) {
    let png = work.join("shot.png");
    let profile = TempDir::new().expect("temp dir");
    let url = format!("file://{}", page.display());
    let mut child = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={size}"))
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read stderr on a thread so a chatty browser never blocks on a full pipe.
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let log = reader.join().unwrap_or_default();
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot ({e}); chromium said:\n{log}"));
    (bytes, log)
}

/// Lines of Chromium's log that report the page's console or a failed load.
/// (Chromium logs every console message as `INFO:CONSOLE(...)` whatever its
/// level; a page without script should produce none at all.)
fn console_problems(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("net::ERR_"))
        .collect()
}

/// A decoded screenshot: RGB rows.
struct Image {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Image {
    /// Decodes an 8-bit RGB(A) PNG.
    fn decode(bytes: &[u8]) -> Image {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
        let info = reader.next_frame(&mut buf).expect("a PNG frame");
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected PNG colour type {other:?}"),
        };
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|px| [px[0], px[1], px[2]])
            .collect();
        Image {
            width: info.width as usize,
            height: info.height as usize,
            rgb,
        }
    }

    /// (non-white pixel share, distinct colours).
    fn stats(&self) -> (f64, usize) {
        let non_white = self.rgb.iter().filter(|px| px.iter().any(|&c| c < 245)).count();
        let colours: std::collections::HashSet<[u8; 3]> = self.rgb.iter().copied().collect();
        (non_white as f64 / self.rgb.len().max(1) as f64, colours.len())
    }

    /// Whether the pixel at (x, y) is text ink (dark, as the page's text is).
    fn ink(&self, x: usize, y: usize) -> bool {
        self.rgb
            .get(y * self.width + x)
            .is_some_and(|px| px.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 128)
    }
}

/// The page's first line of text (the heading), split at its widest gap:
/// for each side, (rows from the first to the last with ink, ink pixels).
fn heading_halves(img: &Image) -> [(usize, usize); 2] {
    let row_has_ink = |y: usize| (0..img.width).any(|x| img.ink(x, y));
    let top = (0..img.height).find(|&y| row_has_ink(y)).expect("ink on the page");
    // The line ends at 6 blank rows (a glyph's own gaps are narrower).
    let bottom = (top..img.height)
        .find(|&y| (y..y + 6).all(|y| !row_has_ink(y)))
        .unwrap_or(img.height);
    let columns: Vec<usize> = (0..img.width)
        .filter(|&x| (top..bottom).any(|y| img.ink(x, y)))
        .collect();
    // The widest gap between inked columns: the ideographic space.
    let split = columns
        .windows(2)
        .max_by_key(|w| w[1] - w[0])
        .map_or(img.width, |w| w[1]);
    let side = |from: usize, to: usize| {
        let rows: Vec<usize> = (top..bottom).filter(|&y| (from..to).any(|x| img.ink(x, y))).collect();
        let pixels = (top..bottom)
            .map(|y| (from..to).filter(|&x| img.ink(x, y)).count())
            .sum();
        let height = match (rows.first(), rows.last()) {
            (Some(a), Some(b)) => b - a + 1,
            _ => 0,
        };
        (height, pixels)
    };
    [side(0, split), side(split, img.width)]
}

#[test]
fn report_renders_in_headless_chromium() {
    let required = std::env::var_os("LINKSCORE_BROWSER_TESTS").is_some();
    // Ten seconds of browser: part of the long suite, or asked for.
    if !required && !crate::support::long_tests() {
        eprintln!(
            "note: report_renders_in_headless_chromium skipped: LINKSCORE_BROWSER_TESTS=1 or LINKSCORE_LONG_TESTS=1 runs it"
        );
        return;
    }
    let Some(browser) = chromium() else {
        assert!(
            !required,
            "LINKSCORE_BROWSER_TESTS is set but chromium is not installed (apt-get install chromium)"
        );
        eprintln!(
            "note: report_renders_in_headless_chromium skipped: chromium not found (set LINKSCORE_BROWSER_TESTS=1 to require it)"
        );
        return;
    };
    // The heading: four 一 (one stroke), an ideographic space, four 鬱 (29).
    let (dir, page_path, _) = report(&[
        "--title",
        "一一一一\u{3000}鬱鬱鬱鬱",
        "examples/villages-2024.csv",
        "--rubric",
        "rubrics/linkage.toml",
        "--previous",
        "examples/villages-2023.csv",
        "--unit",
        "V530121009",
    ]);

    // The harness itself: a page with console errors must be caught.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<html><body><p>x</p><script>console.error('boom'); undefinedFunction();</script></body></html>",
    )
    .expect("write the bad page");
    let (_, bad_log) = screenshot(&browser, &bad, dir.path(), "400,300");
    assert!(
        console_problems(&bad_log).len() >= 2,
        "the console check sees nothing on a page with errors; chromium said:\n{bad_log}"
    );

    let (png, log) = screenshot(&browser, &page_path, dir.path(), "1280,2400");
    let problems = console_problems(&log);
    assert!(problems.is_empty(), "console errors:\n{}", problems.join("\n"));
    let image = Image::decode(&png);
    let (ink, colours) = image.stats();
    // Charts and text cover far more than 5 % of the page, in many colours
    // (five dimension colours, grade colours, anti-aliased text).
    assert!(
        ink > 0.05,
        "the screenshot is nearly blank: {:.1} % non-white",
        ink * 100.0
    );
    assert!(colours > 50, "the screenshot has only {colours} colours");
    // CJK glyphs render as themselves, not as blanks or as the same empty box
    // (a missing font): 一 is one thin stroke, 鬱 a dense block of ink.
    let [(one_height, one_ink), (dense_height, dense_ink)] = heading_halves(&image);
    eprintln!("heading: 一 {one_height} px high, {one_ink} px of ink; 鬱 {dense_height} px, {dense_ink} px");
    let missing = "CJK text does not render as glyphs: a bare Linux needs a CJK font (Debian/Ubuntu: fonts-noto-cjk)";
    assert!(one_ink > 0 && one_height > 0, "{missing}: the heading's 一 left no ink");
    assert!(
        dense_height >= 3 * one_height && dense_ink >= 3 * one_ink,
        "{missing}: 一 is {one_height} px high with {one_ink} px of ink, 鬱 {dense_height} px with {dense_ink} px"
    );
}

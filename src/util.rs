//! Small helpers shared by several modules.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Lower-case hex SHA-256 of some bytes (the JSON output names its inputs by it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A number in its shortest form that reads back to the same f64 (Rust's
/// `Display` for f64 is exactly that, and never uses exponent notation).
pub fn lossless(x: f64) -> String {
    if x == 0.0 {
        // Never print "-0".
        return "0".to_string();
    }
    format!("{x}")
}

/// Appends [`lossless`]`(x)` to `out` without allocating: the shortest
/// digits by Żmij (ryu's digits, in about two thirds of ryu's time on a
/// national CSV), written as Rust's `Display` writes them (no exponent, no
/// ".0").
pub fn write_lossless(out: &mut Vec<u8>, x: f64) {
    if x == 0.0 {
        out.push(b'0');
        return;
    }
    if !x.is_finite() {
        out.extend_from_slice(format!("{x}").as_bytes());
        return;
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    if text.contains(&b'e') {
        // Very large or small magnitudes: the standard library spells them out.
        out.extend_from_slice(format!("{x}").as_bytes());
    } else {
        out.extend_from_slice(text.strip_suffix(b".0").unwrap_or(text));
    }
}

/// A number as a message shows it: the shortest form that reads back to the
/// same f64, in exponent form when plain digits would be long (`1e308`, not
/// 309 digits; `5e-324`), so a message stays one readable line.
pub fn readable(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() || (1e-5..1e16).contains(&x.abs()) {
        return format!("{x}");
    }
    // `{:e}` without a precision is also the shortest round-trip form.
    format!("{x:e}")
}

/// A number rounded for people: `decimals` places, no "-0.00".
pub fn rounded(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A change for people: `decimals` places with a sign ("+1.50", "-0.25", "0.00").
pub fn signed(x: f64, decimals: usize) -> String {
    let s = rounded(x, decimals);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// Keeps every thread's allocations in one glibc heap. glibc gives threads
/// heaps of their own (up to 8 per core), and memory freed in them stays
/// resident: which thread freed what varies from run to run, so the peak
/// did too (1M x 40 score: 282 to 323 MB over five runs with per-thread
/// heaps, 284 to 285 with one; before columns were compacted, 400 MB
/// against 347 MB). The work allocates large blocks, rarely, so sharing one
/// heap cost no time we could measure. Called once, first thing, before
/// any thread starts.
pub fn one_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Hands memory freed by a step of many large, short-lived buffers back to
/// the system. glibc raises its mmap threshold each time a large block is
/// freed, so the next ones come from its heaps and stay there once freed:
/// reading's batches and plausibility's column buffers (tens of MB under a
/// national table). (Elsewhere, nothing to do.)
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator's own
    // heaps to the system; it touches nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn lossless_round_trips() {
        for x in [0.1, 1.0 / 3.0, 97.613_721_364_008_03, 1e-12, 123456789.125, -0.0] {
            let s = lossless(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
        }
        assert_eq!(lossless(85.0), "85");
        for x in [
            0.1,
            1.0 / 3.0,
            85.0,
            -2.5,
            1e-7,
            1e21,
            123456789.125,
            5e-324,
            f64::MAX,
            -0.0,
            100.00000000000003,
        ] {
            let mut out = Vec::new();
            write_lossless(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), lossless(x), "{x}");
        }
        assert_eq!(lossless(-0.0), "0");
    }

    proptest::proptest! {
        /// The fast path writes what `Display` writes, for any bits below
        /// 10^12 and for scores as the engine makes them (a few decimals,
        /// off by an ulp). (From about 10^15, where a value can lie exactly
        /// halfway between two shortest forms, `Display` rounds the tie up
        /// and the fast path to even: both read back to the same number.)
        #[test]
        fn write_lossless_is_display(bits in proptest::num::u64::ANY, score in 0u32..100_000_000, k in 0i32..9, ulps in -2i64..3) {
            let scaled = f64::from(score) / 10f64.powi(k);
            let nudged = f64::from_bits(scaled.to_bits().wrapping_add_signed(ulps));
            let any = f64::from_bits(bits);
            let any = if any.abs() < 1e12 { any } else { any / 1e300 };
            for x in [any, scaled, nudged] {
                let mut out = Vec::new();
                write_lossless(&mut out, x);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), lossless(x));
            }
        }
    }

    #[test]
    fn readable_numbers_are_short_and_exact() {
        assert_eq!(readable(1e308), "1e308");
        assert_eq!(readable(-1e308), "-1e308");
        assert_eq!(readable(5e-324), "5e-324");
        assert_eq!(readable(1.5e-7), "1.5e-7");
        assert_eq!(readable(123456789.125), "123456789.125");
        assert_eq!(readable(0.25), "0.25");
        assert_eq!(readable(1e15), "1000000000000000");
        assert_eq!(readable(1e16), "1e16");
        assert_eq!(readable(0.00001), "0.00001");
        assert_eq!(readable(-0.0), "0");
        assert_eq!(readable(f64::INFINITY), "inf");
        for x in [1e308, 5e-324, 1.7976931348623157e308, 1.0 / 3.0, 2.5e-300] {
            assert_eq!(readable(x).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn rounded_has_no_negative_zero() {
        assert_eq!(rounded(-0.001, 2), "0.00");
        assert_eq!(rounded(2.345, 1), "2.3");
        assert_eq!(rounded(-1.5, 1), "-1.5");
        assert_eq!(signed(1.5, 2), "+1.50");
        assert_eq!(signed(-0.001, 2), "0.00");
        assert_eq!(signed(-0.25, 2), "-0.25");
    }
}

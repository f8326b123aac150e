//! Deterministic benchmark data: `gen ROWS INDICATORS SEED YEAR OUT.csv [GROUPS]`.
//! Villages with an id, a Chinese name, a county and INDICATORS numeric
//! columns (x01, x02, …) on 0..100 with two or three decimals, and a few
//! missing cells. The same arguments give the same bytes.
//!
//! The county is row number mod GROUPS (default 97, the value before the
//! argument existed, so files made without it are unchanged): GROUPS = 30
//! gives 30 counties of ROWS/30 rows each, interleaved (for `disparity`,
//! issue 17).

use std::io::{BufWriter, Write};

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 && args.len() != 7 {
        eprintln!("usage: gen ROWS INDICATORS SEED YEAR OUT.csv [GROUPS]");
        std::process::exit(2);
    }
    let rows: usize = args[1].parse().expect("ROWS");
    let m: usize = args[2].parse().expect("INDICATORS");
    let seed: u64 = args[3].parse().expect("SEED");
    let year: u64 = args[4].parse().expect("YEAR");
    let groups: usize = args.get(6).map_or(97, |g| g.parse().expect("GROUPS"));
    assert!(groups >= 1, "GROUPS must be at least 1");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&args[5])?);
    let names = ["杨家村", "李庄", "王河村", "张岭村", "刘湾村", "陈坝村", "赵沟村", "黄坪村"];
    write!(out, "village_id,village_name,county")?;
    for j in 1..=m {
        write!(out, ",x{j:02}")?;
    }
    writeln!(out)?;
    // The village level is drawn from the seed alone, so both years share it;
    // the year's own noise is drawn from seed + year.
    let mut level_rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut year_rng = Rng((seed + year).wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    for i in 0..rows {
        let level = level_rng.unit();
        let county = i % groups;
        write!(out, "V{:09},{}{},县{:02}", i, names[i % names.len()], i / names.len() % 1000, county)?;
        for _ in 0..m {
            let r = year_rng.unit();
            if r < 0.002 {
                write!(out, ",")?;
                continue;
            }
            let x = (100.0 * (0.6 * level + 0.4 * year_rng.unit())).min(100.0);
            if r < 0.5 {
                write!(out, ",{x:.2}")?;
            } else {
                write!(out, ",{x:.3}")?;
            }
        }
        writeln!(out)?;
    }
    out.flush()
}

//! The floor of issue 6: a minimal single-threaded program that only reads
//! the CSV with the csv crate and parses every numeric field (columns after
//! the first three). Prints a checksum so nothing is optimized away.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: floor FILE.csv")?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let (mut sum, mut cells, mut rows) = (0.0f64, 0u64, 0u64);
    while reader.read_byte_record(&mut record)? {
        rows += 1;
        for field in record.iter().skip(3) {
            if field.is_empty() {
                continue;
            }
            let x: f64 = std::str::from_utf8(field)?.trim().parse()?;
            sum += x;
            cells += 1;
        }
    }
    println!("{rows} rows, {cells} numbers, sum {sum}");
    Ok(())
}

//! A map of units as filled polygons (SPEC "Spatial": `report --map`): an
//! equirectangular projection, longitudes scaled by the cosine of the mean
//! latitude, fitted to the chart; each unit's polygons one `<path>` with its
//! own colour and a `<title>` tooltip, and a legend below. The colours and the
//! legend are the caller's, so the same drawing serves a map of scores by
//! grade or quintile and a map of LISA clusters. A pure function of its
//! numbers, like the rest of [`super`].

use super::trend::legend;
use super::{esc, n, open};
use std::fmt::Write as _;

/// One polygon: its rings of `[lon, lat]` points in degrees, the outer ring
/// first, then its holes (GeoJSON's order).
pub type Polygon = Vec<Vec<[f64; 2]>>;

/// The fill of a unit without a colour (no score, or not in the data).
pub const NO_DATA: &str = "#d0d0d0";

/// The Douglas–Peucker tolerance of the drawn outlines: 0.5 px at the drawn
/// scale (with coordinates written to 0.1 px). Each ring is simplified on its
/// own, keeping its first (= last) point, so two neighbours' copies of a
/// shared edge may be simplified differently: each stays within 0.5 px of the
/// true boundary, so a sliver between them is at most 1 px wide, and mostly
/// far less; the 0.5 px white outline of every polygon covers it. At the
/// page's scale that is not visible, and a county of a few hundred village
/// boundaries stays a few dozen kilobytes.
pub const TOLERANCE_PX: f64 = 0.5;

/// The chart's width, and the most height the map itself takes.
const WIDTH: f64 = 640.0;
const MAX_HEIGHT: f64 = 640.0;
const MARGIN: f64 = 8.0;

/// The projection of `[lon, lat]` degrees onto the chart: x = (lon − west) ·
/// cos(mean latitude) · k + dx, y = (north − lat) · k + dy, with one scale k
/// for both axes, fitted to the box `width` × `max_height` and centred in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    cos_lat: f64,
    k: f64,
    dx: f64,
    dy: f64,
    /// The drawn map's height in px.
    pub height: f64,
}

impl Projection {
    /// The projection that fits every point of `shapes` into `width` ×
    /// `max_height` px (less nothing: the caller adds its margins). The mean
    /// latitude is that of every vertex; when it is not a latitude (the
    /// coordinates are not degrees), no cosine scaling. `None` without a
    /// finite point.
    pub fn fit<'a>(points: impl Iterator<Item = &'a [f64; 2]>, width: f64, max_height: f64) -> Option<Projection> {
        let (mut west, mut east, mut south, mut north) =
            (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        let (mut lat_sum, mut count) = (0.0, 0usize);
        for &[lon, lat] in points {
            if !(lon.is_finite() && lat.is_finite()) {
                continue;
            }
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(lat);
            north = north.max(lat);
            lat_sum += lat;
            count += 1;
        }
        if count == 0 {
            return None;
        }
        let mean_lat = lat_sum / count as f64;
        let cos_lat = if (-90.0..=90.0).contains(&mean_lat) {
            mean_lat.to_radians().cos().max(0.01)
        } else {
            1.0
        };
        let (span_x, span_y) = ((east - west) * cos_lat, north - south);
        let k = match (span_x > 0.0, span_y > 0.0) {
            (true, true) => (width / span_x).min(max_height / span_y),
            (true, false) => width / span_x,
            (false, true) => max_height / span_y,
            (false, false) => 1.0,
        };
        let k = if k.is_finite() && k > 0.0 { k } else { 1.0 };
        let height = if span_y > 0.0 {
            span_y * k
        } else {
            max_height.min(width) / 2.0
        };
        Some(Projection {
            west,
            north,
            cos_lat,
            k,
            dx: (width - span_x * k) / 2.0,
            dy: if span_y > 0.0 { 0.0 } else { height / 2.0 },
            height,
        })
    }

    /// The chart point `(x, y)` in px of `[lon, lat]`.
    pub fn project(&self, [lon, lat]: [f64; 2]) -> [f64; 2] {
        [
            (lon - self.west) * self.cos_lat * self.k + self.dx,
            (self.north - lat) * self.k + self.dy,
        ]
    }
}

/// The distance from `p` to the segment `a`–`b` (to `a` when they coincide).
fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (ex * ex + ey * ey).sqrt()
}

/// Douglas–Peucker: the points of `line` kept so that every point left out
/// lies within `tolerance` of the simplified line; the first and the last
/// point are always kept (so a closed ring stays closed). Iterative, so a
/// ring of a million points does not run out of stack.
pub fn simplify(line: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    let Some(last) = line.len().checked_sub(1) else {
        return Vec::new();
    };
    if last < 2 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[last] = true;
    let mut stack = vec![(0, last)];
    while let Some((from, to)) = stack.pop() {
        let (a, b) = (line[from], line[to]);
        let farthest = (from + 1..to)
            .map(|i| (i, distance_to_segment(line[i], a, b)))
            .fold((from, 0.0), |best, (i, d)| if d > best.1 { (i, d) } else { best });
        if farthest.1 > tolerance {
            keep[farthest.0] = true;
            stack.push((from, farthest.0));
            stack.push((farthest.0, to));
        }
    }
    line.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// The `d` of a path drawing `polygons` through `projection`, each ring
/// simplified (a ring that would lose its area keeps all its points) and
/// closed with `Z`; points that round to the one before are left out.
fn path_data(polygons: &[Polygon], projection: &Projection, top: f64) -> String {
    let mut d = String::new();
    for ring in polygons.iter().flatten() {
        let drawn: Vec<[f64; 2]> = ring
            .iter()
            .map(|&p| projection.project(p))
            .map(|[x, y]| [x + MARGIN, y + top])
            .collect();
        let simple = simplify(&drawn, TOLERANCE_PX);
        let points = if simple.len() >= 4 { simple } else { drawn };
        let mut previous = String::new();
        let mut written = 0;
        for [x, y] in points {
            let point = format!("{},{}", n(x), n(y));
            if point == previous {
                continue;
            }
            d.push(if written == 0 { 'M' } else { 'L' });
            d.push_str(&point);
            previous = point;
            written += 1;
        }
        if written > 0 {
            d.push('Z');
        }
    }
    d
}

/// A map of units: unit `u` is drawn from `shapes[u]` (its polygons, in
/// degrees) filled with `colours[u]` ([`NO_DATA`] grey when `None`), with
/// `tips[u]` as its tooltip; `legend` lists (text, colour) below the map.
/// One `<path>` per unit (its rings with the even-odd rule, so holes stay
/// open), outlines simplified to [`TOLERANCE_PX`].
pub fn map(
    shapes: &[&[Polygon]],
    colours: &[Option<&str>],
    tips: &[String],
    legend_items: &[(String, String)],
    title: &str,
) -> String {
    let points = shapes.iter().flat_map(|s| s.iter().flatten().flatten());
    let plot_w = WIDTH - 2.0 * MARGIN;
    let projection = Projection::fit(points, plot_w, MAX_HEIGHT);
    let map_h = projection.map_or(0.0, |p| p.height);
    let top = MARGIN;
    let legend_rows = legend_items.len().div_ceil(3);
    let h = top + map_h + MARGIN + 20.0 * legend_rows as f64 + if legend_rows > 0 { 8.0 } else { 0.0 };
    let mut out = String::with_capacity(256 + shapes.len() * 256);
    open(&mut out, WIDTH, h, title);
    if let Some(projection) = &projection {
        out.push_str(r##"<g stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">"##);
        for (u, polygons) in shapes.iter().enumerate() {
            let d = path_data(polygons, projection, top);
            if d.is_empty() {
                continue;
            }
            let fill = colours.get(u).copied().flatten().unwrap_or(NO_DATA);
            let tip = tips.get(u).map_or("", String::as_str);
            let _ = write!(
                out,
                r#"<path d="{d}" fill="{}"><title>{}</title></path>"#,
                esc(fill),
                esc(tip)
            );
        }
        out.push_str("</g>");
    }
    legend(
        &mut out,
        legend_items
            .iter()
            .map(|(name, colour)| (name.as_str(), colour.as_str())),
        top + map_h + MARGIN + 4.0,
        WIDTH,
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Polygon {
        vec![vec![[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]
    }

    #[test]
    fn projection_scales_longitudes_by_the_cosine_of_the_mean_latitude() {
        // Two points at latitudes 59 and 61: mean 60, cos 60° = 0.5. The
        // span is 2° of longitude × 0.5 = 1 wide and 2° of latitude high, so
        // in a 100 × 100 box k = min(100/1, 100/2) = 50: 50 px wide, 100 px
        // high, centred: dx = (100 − 50)/2 = 25.
        let points = [[10.0, 59.0], [12.0, 61.0]];
        let p = Projection::fit(points.iter(), 100.0, 100.0).expect("a projection");
        let close = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9;
        assert!(
            close(p.project([10.0, 61.0]), [25.0, 0.0]),
            "{:?}",
            p.project([10.0, 61.0])
        );
        assert!(
            close(p.project([12.0, 59.0]), [75.0, 100.0]),
            "{:?}",
            p.project([12.0, 59.0])
        );
        assert!(close(p.project([11.0, 60.0]), [50.0, 50.0]));
        assert!((p.height - 100.0).abs() < 1e-9);
        // At the equator a degree is as wide as it is high: a 4° × 1° box
        // fills the 200 px width, 50 px high.
        let points = [[0.0, -0.5], [4.0, 0.5]];
        let p = Projection::fit(points.iter(), 200.0, 200.0).expect("a projection");
        assert!((p.height - 50.0).abs() < 1e-9);
        assert!(close(p.project([4.0, -0.5]), [200.0, 50.0]));
    }

    #[test]
    fn projection_of_nothing_or_of_one_point() {
        assert_eq!(Projection::fit([].iter(), 100.0, 100.0), None);
        let p = Projection::fit([[1.0, 2.0]].iter(), 100.0, 100.0).expect("a projection");
        let [x, y] = p.project([1.0, 2.0]);
        assert!(x.is_finite() && y.is_finite());
        // Not degrees (projected metres): no cosine, still finite.
        let p = Projection::fit(
            [[500_000.0, 2_700_000.0], [510_000.0, 2_710_000.0]].iter(),
            100.0,
            100.0,
        )
        .expect("a projection");
        assert!((p.project([510_000.0, 2_700_000.0])[0] - 100.0).abs() < 1e-9);
    }

    #[test]
    fn douglas_peucker_on_a_known_polyline() {
        // The farthest point from the chord (0,0)–(3,5) is (2, −0.1), at
        // |5·2 − 3·(−0.1)| / √34 = 10.3 / 5.831 = 1.766 > 1: kept. (1, 0.1)
        // is then |−0.1·1 − 2·0.1| / √4.01 = 0.3 / 2.0025 = 0.150 from
        // (0,0)–(2,−0.1): dropped at 1.
        let line = [[0.0, 0.0], [1.0, 0.1], [2.0, -0.1], [3.0, 5.0]];
        assert_eq!(simplify(&line, 1.0), vec![[0.0, 0.0], [2.0, -0.1], [3.0, 5.0]]);
        // A tolerance above 1.766 keeps only the ends; below 0.150 every point.
        assert_eq!(simplify(&line, 2.0), vec![[0.0, 0.0], [3.0, 5.0]]);
        assert_eq!(simplify(&line, 0.1), line.to_vec());
        // Points on a straight line go; the ends stay.
        let straight: Vec<[f64; 2]> = (0..=10).map(|i| [f64::from(i), 2.0 * f64::from(i)]).collect();
        assert_eq!(simplify(&straight, 0.01), vec![[0.0, 0.0], [10.0, 20.0]]);
        // Short lines are kept whole.
        assert_eq!(simplify(&[[0.0, 0.0], [1.0, 1.0]], 5.0).len(), 2);
        assert!(simplify(&[], 1.0).is_empty());
    }

    #[test]
    fn douglas_peucker_keeps_a_closed_ring_closed() {
        // A square with a point 0.2 off the middle of each side: at 0.5 the
        // bumps go, the corners and the closing point stay.
        let ring = [
            [0.0, 0.0],
            [5.0, 0.2],
            [10.0, 0.0],
            [9.8, 5.0],
            [10.0, 10.0],
            [5.0, 9.8],
            [0.0, 10.0],
            [0.2, 5.0],
            [0.0, 0.0],
        ];
        let simple = simplify(&ring, 0.5);
        assert_eq!(
            simple,
            vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
        );
        // Every point left out is within the tolerance of the result.
        for p in ring {
            let near = simple
                .windows(2)
                .map(|w| distance_to_segment(p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            assert!(near <= 0.5, "{p:?} is {near} away");
        }
    }

    #[test]
    fn a_map_has_one_path_with_a_title_per_unit_and_parses() {
        let shapes = [
            square(100.0, 20.0, 1.0),
            square(101.0, 20.0, 1.0),
            square(100.0, 21.0, 1.0),
        ];
        // A polygon with a hole.
        let mut holed = square(101.0, 21.0, 1.0);
        holed.push(vec![
            [101.4, 21.4],
            [101.4, 21.6],
            [101.6, 21.6],
            [101.6, 21.4],
            [101.4, 21.4],
        ]);
        let multi = vec![holed];
        let refs: Vec<&[Polygon]> = vec![&shapes[0..1], &shapes[1..2], &shapes[2..3], &multi];
        let colours = [Some("#2e7d32"), Some("#c62828"), None, Some("#f9a825")];
        let tips: Vec<String> = ["a: 1", "b <&>: 2", "c: no score", "d: 4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let legend = vec![
            ("high".to_string(), "#2e7d32".to_string()),
            ("low".to_string(), "#c62828".to_string()),
        ];
        let svg = map(&refs, &colours, &tips, &legend, "Scores <map>");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        let paths: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("path")).collect();
        assert_eq!(paths.len(), 4);
        for (path, tip) in paths.iter().zip(&tips) {
            let title = path.children().find(|c| c.has_tag_name("title")).expect("a title");
            assert_eq!(title.text(), Some(tip.as_str()));
        }
        assert_eq!(paths[2].attribute("fill"), Some(NO_DATA));
        assert_eq!(paths[0].attribute("fill"), Some("#2e7d32"));
        // The last unit: two rings, two subpaths.
        assert_eq!(paths[3].attribute("d").map(|d| d.matches('M').count()), Some(2));
        // The legend: a swatch per entry, with its text.
        assert!(svg.contains(">high</text>") && svg.contains(">low</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let root = doc.root_element();
        assert_eq!(root.attribute("viewBox").map(|v| v.starts_with("0 0 640")), Some(true));
    }

    #[test]
    fn an_empty_map_is_still_an_svg() {
        let svg = map(&[], &[], &[], &[], "nothing");
        assert!(roxmltree::Document::parse(&svg).is_ok());
        assert!(!svg.contains("<path"));
    }
}

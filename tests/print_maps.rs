//! The plan's hazard map read back as pixels, as a district team reads it: a home in each
//! flood depth band and each landslide class is printed, the page is rasterised with poppler's
//! `pdftoppm`, and the fill beside the home marker must match the legend swatch of that band
//! (and no other swatch); a home in a zone's hole must stand on white.

mod common;

use std::path::Path;
use std::process::Command;

use common::{PdfWord, pdf_words, skipped};
use sasaeai::reports::plan::example::{sample_plan, square};
use sasaeai::reports::plan::{
    FLOOD_LEGEND, LANDSLIDE_CLASSES, MapZone, PlanDocument, ZoneKind, render,
};

const DPI: f32 = 150.0;
const PX_PER_MM: f32 = DPI / 25.4;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// A greyscale page: width, height, pixels (0 black … 255 white).
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Gray {
    fn at(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }

    /// Mean and standard deviation of a `side_mm` square centred on (`x_mm`, `y_mm`).
    fn window(&self, x_mm: f32, y_mm: f32, side_mm: f32) -> (f32, f32) {
        let half = side_mm / 2.0 * PX_PER_MM;
        let (cx, cy) = (x_mm * PX_PER_MM, y_mm * PX_PER_MM);
        let mut values = Vec::new();
        for y in (cy - half) as usize..(cy + half) as usize {
            for x in (cx - half) as usize..(cx + half) as usize {
                values.push(f32::from(self.at(x, y)));
            }
        }
        let n = values.len() as f32;
        let mean = values.iter().sum::<f32>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
        (mean, var.sqrt())
    }

    /// Centres (mm) of solid black squares of at least `side_mm`: the home marker on the map
    /// and its swatch in the legend. Topmost first.
    fn black_squares(&self, side_mm: f32) -> Vec<(f32, f32)> {
        let k = (side_mm * PX_PER_MM) as usize;
        // Summed-area table of "black" pixels.
        let mut sat = vec![0u32; (self.w + 1) * (self.h + 1)];
        for y in 0..self.h {
            for x in 0..self.w {
                let black = u32::from(self.at(x, y) < 60);
                sat[(y + 1) * (self.w + 1) + x + 1] =
                    black + sat[y * (self.w + 1) + x + 1] + sat[(y + 1) * (self.w + 1) + x]
                        - sat[y * (self.w + 1) + x];
            }
        }
        let full = |x: usize, y: usize| {
            let s = sat[(y + k) * (self.w + 1) + x + k] + sat[y * (self.w + 1) + x]
                - sat[y * (self.w + 1) + x + k]
                - sat[(y + k) * (self.w + 1) + x];
            s as usize == k * k
        };
        let mut hits: Vec<(f32, f32)> = Vec::new();
        for y in 0..self.h.saturating_sub(k) {
            for x in 0..self.w.saturating_sub(k) {
                if full(x, y) {
                    let c = (
                        (x as f32 + k as f32 / 2.0) / PX_PER_MM,
                        (y as f32 + k as f32 / 2.0) / PX_PER_MM,
                    );
                    hits.push(c);
                }
            }
        }
        // Cluster hits closer than 3 mm into one centre each.
        let mut clusters: Vec<(f32, f32, f32)> = Vec::new();
        for (x, y) in hits {
            match clusters
                .iter_mut()
                .find(|(cx, cy, n)| ((cx / n - x).powi(2) + (cy / n - y).powi(2)).sqrt() < 3.0)
            {
                Some(c) => {
                    c.0 += x;
                    c.1 += y;
                    c.2 += 1.0;
                }
                None => clusters.push((x, y, 1.0)),
            }
        }
        let mut centres: Vec<(f32, f32)> =
            clusters.iter().map(|(x, y, n)| (x / n, y / n)).collect();
        centres.sort_by(|a, b| a.1.total_cmp(&b.1));
        centres
    }
}

fn read_pgm(path: &Path) -> Gray {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read the rasterised page: {e}"));
    // P5\n<w> <h>\n255\n<pixels>
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "pdftoppm -gray writes binary PGM");
    let w: usize = fields[1]
        .parse()
        .unwrap_or_else(|e| panic!("PGM width: {e}"));
    let h: usize = fields[2]
        .parse()
        .unwrap_or_else(|e| panic!("PGM height: {e}"));
    Gray {
        w,
        h,
        px: bytes[i + 1..i + 1 + w * h].to_vec(),
    }
}

/// The pages of `pdf` as greyscale rasters, or `None` (with a skip line) without pdftoppm.
fn rasterise(pdf: &[u8], name: &str) -> Option<Vec<Gray>> {
    let dir = std::env::temp_dir().join(format!("sasaeai-maps-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let file = dir.join("plan.pdf");
    std::fs::write(&file, pdf).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", &DPI.to_string()])
        .arg(&file)
        .arg(dir.join("page"))
        .output();
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            skipped("pdftoppm (poppler-utils) is not installed; maps are not read as pixels");
            return None;
        }
        Err(e) => panic!("pdftoppm: {e}"),
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    let rasters = pages.iter().map(|p| read_pgm(p)).collect();
    let _ = std::fs::remove_dir_all(&dir);
    Some(rasters)
}

/// A plan of a home at the sample's place with only `zones` on its map: no supporters or
/// destinations, so that nothing but the zone stands around the home.
fn plan_with(zones: Vec<MapZone>) -> PlanDocument {
    let mut plan = sample_plan();
    plan.supporters.clear();
    plan.destinations.clear();
    plan.map.supporters.clear();
    plan.map.district_boundary.clear();
    plan.map.zones = zones;
    plan
}

/// Every zone style the legend shows, with the label its swatch carries.
fn styles() -> Vec<(ZoneKind, &'static str)> {
    let mut all: Vec<(ZoneKind, &str)> = (1..=6u8)
        .map(|r| (ZoneKind::Flood(r), FLOOD_LEGEND[usize::from(r - 1)]))
        .collect();
    all.push((ZoneKind::Landslide(1), LANDSLIDE_CLASSES[0]));
    all.push((ZoneKind::Landslide(2), LANDSLIDE_CLASSES[1]));
    all
}

/// The map's page: its raster, words, and the home marker's centre in mm.
struct MapPage {
    gray: Gray,
    words: Vec<PdfWord>,
    home: (f32, f32),
}

fn map_page(pdf: &[u8], name: &str) -> Option<MapPage> {
    let rasters = rasterise(pdf, name)?;
    let words = pdf_words(pdf)?;
    for (gray, words) in rasters.into_iter().zip(words) {
        if !words.iter().any(|w| w.text == "土砂災害特別警戒区域") {
            continue;
        }
        // The map's home marker is above the legend's home swatch.
        let squares = gray.black_squares(3.4);
        assert!(
            squares.len() >= 2,
            "{name}: home marker and legend swatch not both found: {squares:?}"
        );
        return Some(MapPage {
            gray,
            words,
            home: squares[0],
        });
    }
    panic!("{name}: no page with the map's legend");
}

/// Mean and deviation of the legend swatch left of the word `label` (the legend's own row).
fn swatch(page: &MapPage, label: &str) -> (f32, f32) {
    let word = page
        .words
        .iter()
        .filter(|w| w.text == label)
        .max_by(|a, b| a.y_min.total_cmp(&b.y_min))
        .unwrap_or_else(|| panic!("legend has no {label}"));
    // The swatch is 6.5 × 4.6 mm, 1 mm left of its label; the window stays inside it.
    let x = word.x_min / PT_PER_MM - 1.0 - 3.25;
    let y = (word.y_min + word.y_max) / 2.0 / PT_PER_MM - 0.2;
    page.gray.window(x, y, 3.6)
}

/// Windows 7 mm left, right, above and below the home, leaving out any that touches text.
fn beside_home(page: &MapPage) -> Vec<(f32, f32)> {
    let (hx, hy) = page.home;
    [(-7.0, 0.0), (7.0, 0.0), (0.0, -7.0), (0.0, 7.0)]
        .into_iter()
        .map(|(dx, dy)| (hx + dx, hy + dy))
        .filter(|&(x, y)| {
            page.words.iter().all(|w| {
                let (x0, x1) = (w.x_min / PT_PER_MM - 2.5, w.x_max / PT_PER_MM + 2.5);
                let (y0, y1) = (w.y_min / PT_PER_MM - 2.5, w.y_max / PT_PER_MM + 2.5);
                !(x > x0 && x < x1 && y > y0 && y < y1)
            })
        })
        .map(|(x, y)| page.gray.window(x, y, 3.6))
        .collect()
}

fn distance(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

#[test]
fn the_fill_beside_the_home_is_the_legend_swatch_of_its_band_for_every_rank_and_class() {
    let (lat, lon) = sample_plan().map.home;
    let all = styles();
    for &(kind, label) in &all {
        let plan = plan_with(vec![MapZone {
            kind,
            polygons: vec![vec![square(lat, lon, 0.004)]],
        }]);
        let pdf = render(&plan).expect("render");
        let Some(page) = map_page(&pdf, label) else {
            return;
        };
        let swatches: Vec<(ZoneKind, (f32, f32))> =
            all.iter().map(|&(k, l)| (k, swatch(&page, l))).collect();
        let windows = beside_home(&page);
        assert!(
            windows.len() >= 2,
            "{label}: too few windows beside the home"
        );
        for window in windows {
            let nearest = swatches
                .iter()
                .min_by(|a, b| distance(a.1, window).total_cmp(&distance(b.1, window)))
                .map(|s| s.0);
            assert_eq!(
                nearest,
                Some(kind),
                "{label}: beside the home {window:?}, swatches {swatches:?}"
            );
            let own = swatches.iter().find(|s| s.0 == kind).map(|s| s.1).unwrap();
            assert!(
                (own.0 - window.0).abs() < 14.0,
                "{label}: beside the home {window:?} vs its swatch {own:?}"
            );
        }
    }
}

#[test]
fn nested_bands_show_the_deepest_on_top_and_a_hole_prints_white() {
    let (lat, lon) = sample_plan().map.home;
    // Bands 2 and 4 nested around the home, as a river's depth map nests them; the home in
    // the inner (deeper) band.
    let plan = plan_with(vec![
        MapZone {
            kind: ZoneKind::Flood(4),
            polygons: vec![vec![square(lat, lon, 0.0015)]],
        },
        MapZone {
            kind: ZoneKind::Flood(2),
            polygons: vec![vec![square(lat, lon, 0.004)]],
        },
    ]);
    let pdf = render(&plan).unwrap();
    let Some(page) = map_page(&pdf, "nested") else {
        return;
    };
    let deep = swatch(&page, "5〜10m");
    for window in beside_home(&page) {
        assert!(
            (window.0 - deep.0).abs() < 14.0,
            "{window:?} is not the deep band {deep:?}"
        );
    }

    // A zone with a hole around the home: the home is dry, and the page says so in white.
    let plan = plan_with(vec![MapZone {
        kind: ZoneKind::Flood(5),
        polygons: vec![vec![square(lat, lon, 0.004), square(lat, lon, 0.0012)]],
    }]);
    let pdf = render(&plan).unwrap();
    let Some(page) = map_page(&pdf, "hole") else {
        return;
    };
    for window in beside_home(&page) {
        assert!(window.0 > 245.0, "the hole prints filled: {window:?}");
    }
    // Outside the hole, still in the zone, the band's own grey.
    let band = swatch(&page, "10〜20m");
    let (hx, hy) = page.home;
    let outside = page.gray.window(hx - 30.0, hy, 3.6);
    assert!((outside.0 - band.0).abs() < 14.0, "{outside:?} vs {band:?}");
}

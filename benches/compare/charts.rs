//! Workload 5 as charts: throughput and p99 latency against the number of writing tasks, one
//! line per configuration, one SVG per synchronous mode.

use std::error::Error;
use std::path::Path;

use plotters::prelude::*;
use sqlx::sqlite::SqliteSynchronous;

use super::{CaseResult, Config, Workload, CONFIGS, W5_P99, W5_RATE};

const COLOURS: [RGBColor; 3] = [
    RGBColor(200, 80, 60),
    RGBColor(90, 120, 200),
    RGBColor(40, 150, 80),
];

/// Draw `write-scaling-normal.svg` and `write-scaling-full.svg` in `dir` from the results of
/// workload 5 (missing when it did not run).
pub(crate) fn draw(dir: &Path, results: &[CaseResult]) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(dir)?;
    for (mode, name, file) in [
        (
            SqliteSynchronous::Normal,
            "NORMAL",
            "write-scaling-normal.svg",
        ),
        (SqliteSynchronous::Full, "FULL", "write-scaling-full.svg"),
    ] {
        let cases: Vec<&CaseResult> = results
            .iter()
            .filter(|r| r.workload == Workload::WriteOnly && r.synchronous == mode)
            .collect();
        if cases.is_empty() {
            continue;
        }
        let series = |label: &str| -> Vec<[Vec<(f64, f64)>; 1]> {
            (0..CONFIGS.len())
                .map(|config| {
                    [cases
                        .iter()
                        .filter_map(|case| {
                            let value = case.get(label)?[config];
                            (!value.is_nan()).then_some((case.tasks as f64, value))
                        })
                        .collect()]
                })
                .collect()
        };
        let path = dir.join(file);
        let root = SVGBackend::new(&path, (960, 400)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(
            &format!("Single-row INSERTs from N tasks, WAL, synchronous={name}"),
            ("sans-serif", 20),
        )?;
        let (left, right) = root.split_horizontally(480);
        panel(&left, "inserts/s (higher is better)", &series(W5_RATE))?;
        panel(&right, "p99 latency, ms (lower is better)", &series(W5_P99))?;
        root.present()?;
    }
    Ok(())
}

/// One chart: a line per configuration over a log scale of tasks.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    caption: &str,
    series: &[[Vec<(f64, f64)>; 1]],
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let top = series
        .iter()
        .flat_map(|[points]| points.iter().map(|p| p.1))
        .fold(0.0f64, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d((1f64..300f64).log_scale(), 0f64..top.max(1e-9))?;
    chart
        .configure_mesh()
        .x_desc("writing tasks")
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    for ((config, [points]), colour) in CONFIGS.iter().zip(series).zip(COLOURS) {
        let style = colour.stroke_width(2);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), style))?
            .label(Config::name(*config))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

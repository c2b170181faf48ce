//! The report's charts as SVG, rendered by the server with the page (no chart library).
//! The drawing is 360 units wide, a phone's width, so its text is read at its own size on
//! a phone and scales up on wider screens. Colours come from the style sheet's classes.

use crate::domain::datefmt::dm;
use crate::domain::report::charts::{DayBar, ShareBar, TimeBucket};
use leptos::prelude::*;

const W: f64 = 360.0;
const LEFT: f64 = 28.0;
const PLOT_H: f64 = 150.0;
const TOP: f64 = 12.0;

/// A rounded axis maximum at or above `max` (1, 2, 5 × 10ⁿ).
fn nice_max(max: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= max.max(1) {
                return step.saturating_mul(m);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Final answers per day (or week): on time stacked under late.
#[component]
pub fn AnswersChart(bars: Vec<DayBar>, weekly: bool) -> impl IntoView {
    let max = nice_max(bars.iter().map(|b| b.on_time + b.late).max().unwrap_or(0));
    let n = bars.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let bar_w = (slot * 0.8).max(0.5);
    let scale = PLOT_H / f64::from(max);
    let base = TOP + PLOT_H;
    let total: u32 = bars.iter().map(|b| b.on_time + b.late).sum();
    let late: u32 = bars.iter().map(|b| b.late).sum();
    let label = format!(
        "Ответы {}: всего {total}, в срок {}, с нарушением {late}",
        if weekly {
            "по неделям"
        } else {
            "по дням"
        },
        total - late
    );
    // The first, middle and last day under the axis.
    let last = bars.len().saturating_sub(1);
    let ticks: Vec<(f64, &str, String)> = [0, bars.len() / 2, last]
        .into_iter()
        .filter(|&i| i < bars.len() && (i == 0 || i == last || (i > 1 && i + 2 < last)))
        .map(|i| {
            let anchor = match i {
                0 => "start",
                i if i == last => "end",
                _ => "middle",
            };
            let x = match anchor {
                "start" => LEFT,
                "end" => W,
                _ => LEFT + slot * (i as f64 + 0.5),
            };
            (x, anchor, dm(&bars[i].day))
        })
        .collect();
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
            let h_ok = f64::from(b.on_time) * scale;
            let h_late = f64::from(b.late) * scale;
            let tip = format!(
                "{}: в срок {}, с нарушением {}",
                dm(&b.day),
                b.on_time,
                b.late
            );
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="ok" x=x y=base - h_ok width=bar_w height=h_ok />
                    <rect class="bad" x=x y=base - h_ok - h_late width=bar_w height=h_late />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-answers">
            <figcaption>{if weekly { "Ответы по неделям" } else { "Ответы по дням" }}</figcaption>
            <svg viewBox=format!("0 0 {W} {}", base + 22.0) role="img" aria-label=label>
                <Axis max base />
                {rects}
                {ticks
                    .into_iter()
                    .map(|(x, anchor, t)| view! { <text x=x y=base + 16.0 text-anchor=anchor>{t}</text> })
                    .collect_view()}
            </svg>
            <p class="legend">
                <span class="key ok"></span>"в срок "
                <span class="key bad"></span>"с нарушением срока"
            </p>
        </figure>
    }
}

/// The value axis: zero and the maximum, with a grid line.
#[component]
fn Axis(max: u32, base: f64) -> impl IntoView {
    view! {
        <line class="grid" x1=LEFT y1=TOP x2=W y2=TOP />
        <line class="axis" x1=LEFT y1=base x2=W y2=base />
        <text x=LEFT - 4.0 y=TOP + 4.0 text-anchor="end">{max.to_string()}</text>
        <text x=LEFT - 4.0 y=base text-anchor="end">"0"</text>
    }
}

/// The share on time per department: one labelled horizontal bar each.
#[component]
pub fn SharesChart(shares: Vec<ShareBar>) -> impl IntoView {
    const ROW: f64 = 34.0;
    let height = ROW * shares.len().max(1) as f64 + 4.0;
    let rows = shares
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let y = ROW * i as f64;
            let value = s.share.map_or_else(
                || "нет ответов".to_owned(),
                |v| format!("{} % из {}", (v * 100.0).round(), s.answered),
            );
            let w = s.share.unwrap_or(0.0) * (W - 2.0);
            view! {
                <g>
                    <text x="0" y=y + 12.0>{s.label}</text>
                    <text x=W y=y + 12.0 text-anchor="end">{value}</text>
                    <rect class="track" x="0" y=y + 16.0 width=W height="10" />
                    <rect class="ok" x="0" y=y + 16.0 width=w height="10" />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-shares">
            <figcaption>"Доля ответов в срок по отделам"</figcaption>
            <svg viewBox=format!("0 0 {W} {height}") role="img" aria-label="Доля ответов в срок по отделам">
                {rows}
            </svg>
        </figure>
    }
}

/// The distribution of working time to the first publication.
#[component]
pub fn TimesChart(buckets: Vec<TimeBucket>) -> impl IntoView {
    let max = nice_max(buckets.iter().map(|b| b.count).max().unwrap_or(0));
    let n = buckets.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let scale = PLOT_H / f64::from(max);
    let base = TOP + PLOT_H;
    let bars = buckets
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let x = LEFT + slot * i as f64;
            let h = f64::from(b.count) * scale;
            let mid = x + slot / 2.0;
            view! {
                <g>
                    <title>{format!("{}: {}", b.label, b.count)}</title>
                    <rect class="brand" x=x + slot * 0.1 y=base - h width=slot * 0.8 height=h />
                    <text x=mid y=base - h - 3.0 text-anchor="middle">{b.count.to_string()}</text>
                    <text x=mid y=base + 14.0 text-anchor="middle">{b.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-times">
            <figcaption>"Время до первого ответа (рабочее)"</figcaption>
            <svg viewBox=format!("0 0 {W} {}", base + 20.0) role="img" aria-label="Распределение времени до первого ответа">
                <Axis max base />
                {bars}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::nice_max;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(
            [0, 1, 3, 7, 10, 11, 180, 501].map(nice_max),
            [1, 1, 5, 10, 10, 20, 200, 1000]
        );
    }
}

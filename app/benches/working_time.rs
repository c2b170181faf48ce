//! Working-time arithmetic throughput: `WorkingCalendar::add` of 9 working hours (the
//! `answer_by` rule) at pseudo-random instants over 2025–2027, against a naive
//! minute-by-minute walk over the same calendar's days.
//!
//! `cargo bench -p app --bench working_time -- --warm-up-time 1 --measurement-time 3`

// A benchmark harness, not product code: a failed setup should stop it loudly.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use app::domain::calendar::{WorkingCalendar, WorkingDuration};
use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// 2025-01-01 00:00 MSK and 2028-01-01 00:00 MSK as unix seconds.
const FROM: i64 = 1_735_678_800;
const TO: i64 = 1_830_286_800;

/// `n` instants spread over 2025–2027 by a 64-bit LCG (Knuth's MMIX constants).
fn instants(n: usize) -> Vec<DateTime<Utc>> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let secs = FROM + ((x >> 33) % (TO - FROM) as u64) as i64;
            DateTime::from_timestamp(secs, 0).unwrap()
        })
        .collect()
}

/// The naive way: walk minute by minute (second by second off the minute grid), testing
/// each step against the local day's intervals converted to UTC.
fn naive_add(cal: &WorkingCalendar, t: DateTime<Utc>, d: WorkingDuration) -> DateTime<Utc> {
    let tz = cal.tz();
    let (mut ts, mut left) = (t.timestamp(), i64::from(d.as_secs()));
    let mut day = None;
    let mut intervals: Vec<(i64, i64)> = Vec::new();
    while left > 0 {
        let now = DateTime::from_timestamp(ts, 0).unwrap();
        let date = cal.local_date(now);
        if day != Some(date) {
            day = Some(date);
            let utc = |time| {
                tz.from_local_datetime(&date.and_time(time))
                    .earliest()
                    .unwrap()
                    .timestamp()
            };
            intervals = cal
                .day_info(date)
                .intervals
                .iter()
                .map(|&(s, e)| (utc(s), utc(e)))
                .collect();
        }
        let working = intervals.iter().any(|&(s, e)| s <= ts && ts < e);
        let step = if ts % 60 == 0 && (left >= 60 || !working) {
            60
        } else {
            1
        };
        if working {
            left -= step;
        }
        ts += step;
    }
    DateTime::from_timestamp(ts, 0).unwrap()
}

fn bench(c: &mut Criterion) {
    let cal = WorkingCalendar::standard().unwrap();
    let nine_hours = WorkingDuration::from_hours(9);
    let many = instants(10_000);
    let few = instants(50);
    for &t in &few {
        assert_eq!(
            naive_add(&cal, t, nine_hours),
            cal.add(t, nine_hours).unwrap(),
            "{t}"
        );
    }

    let mut group = c.benchmark_group("working_time");
    group.throughput(Throughput::Elements(many.len() as u64));
    group.bench_function("add_9h", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for &t in &many {
                acc ^= cal
                    .add(black_box(t), black_box(nine_hours))
                    .map_or(0, |r| r.timestamp());
            }
            acc
        })
    });
    group.bench_function("between", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for pair in many.windows(2) {
                acc += cal.between(black_box(pair[0]), black_box(pair[1]));
            }
            acc
        })
    });
    group.finish();

    let mut naive = c.benchmark_group("working_time_naive");
    naive.sample_size(10);
    naive.throughput(Throughput::Elements(few.len() as u64));
    naive.bench_function("naive_minute_walk_add_9h", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for &t in &few {
                acc ^= naive_add(&cal, black_box(t), black_box(nine_hours)).timestamp();
            }
            acc
        })
    });
    naive.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Verify + parse of each of the 14 samples and of a 1 MB body, three ways (see src/lib.rs).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use titancard_webhooks::Webhook;
use titancard_webhooks_bench as bench;

fn verify(c: &mut Criterion) {
    let webhook = Webhook::new(bench::SECRET).expect("a secret");
    let keyed = bench::by_hand_key();
    let svix = bench::svix_webhook();
    for delivery in bench::deliveries() {
        assert!(bench::library(&webhook, &delivery), "{}", delivery.name);
        assert!(bench::by_hand(&keyed, &delivery), "{}", delivery.name);
        assert!(bench::svix(&svix, &delivery), "{}", delivery.name);
        let mut group = c.benchmark_group(delivery.name.replace(' ', "-"));
        group.throughput(Throughput::Bytes(delivery.body.len() as u64));
        group.bench_function(BenchmarkId::from_parameter("library"), |b| {
            b.iter(|| bench::library(&webhook, black_box(&delivery)))
        });
        group.bench_function(BenchmarkId::from_parameter("by-hand"), |b| {
            b.iter(|| bench::by_hand(&keyed, black_box(&delivery)))
        });
        group.bench_function(BenchmarkId::from_parameter("svix"), |b| {
            b.iter(|| bench::svix(&svix, black_box(&delivery)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = verify
}
criterion_main!(benches);

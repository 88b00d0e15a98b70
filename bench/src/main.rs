//! Runs one way of verifying one delivery N times and says how many passed: for instruction
//! counts under callgrind (valgrind's CPU has no SHA extensions, so this is the figure for CPUs
//! without them). Usage: titancard-webhooks-bench library|by-hand|svix DELIVERY N

use titancard_webhooks::Webhook;
use titancard_webhooks_bench as bench;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, way, name, count] = &args[..] else {
        eprintln!("usage: titancard-webhooks-bench library|by-hand|svix DELIVERY N");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("N is a number");
    let deliveries = bench::deliveries();
    let delivery = deliveries
        .iter()
        .find(|delivery| &delivery.name == name)
        .expect("a delivery name: an event, or 'note.added 1 MB'");
    let webhook = Webhook::new(bench::SECRET).expect("a secret");
    let keyed = bench::by_hand_key();
    let svix = bench::svix_webhook();
    let passed = (0..count)
        .filter(|_| match way.as_str() {
            "library" => bench::library(&webhook, delivery),
            "by-hand" => bench::by_hand(&keyed, delivery),
            "svix" => bench::svix(&svix, delivery),
            other => panic!("unknown way {other}"),
        })
        .count();
    println!("{passed}/{count}");
}

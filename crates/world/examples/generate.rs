//! Generates a world from the command line, for measuring and eyeballing:
//! `cargo run --release -p world --example generate -- <small|medium|large> <out> [seed] [nominals] [no-comms|comms] [xlsx-share]`.
//! The real entry point is the `crossline` CLI; this example adds nothing to it.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let size = args
        .get(1)
        .map_or("small", String::as_str)
        .parse()
        .expect("size");
    let out = std::path::PathBuf::from(args.get(2).map_or("/tmp/world-small", String::as_str));
    let seed = args.get(3).map_or(1, |s| s.parse().expect("seed"));
    let nominals = args
        .get(4)
        .filter(|s| *s != "-")
        .map(|s| s.parse().expect("nominals"));
    let comms = args.get(5).is_none_or(|s| s != "no-comms");
    let xlsx_share = args
        .get(6)
        .map_or(world::WorldConfig::default().xlsx_share, |s| {
            s.parse().expect("xlsx share")
        });
    let config = world::WorldConfig {
        size,
        seed,
        nominals,
        comms,
        xlsx_share,
    };
    let started = Instant::now();
    let mut last = "";
    let stats = world::generate(&config, &out, &mut |p| {
        if p.stage != last {
            eprintln!("{:>8.2}s {}", started.elapsed().as_secs_f64(), p.stage);
            last = p.stage;
        }
    })
    .expect("generate");
    eprintln!("{:>8.2}s done", started.elapsed().as_secs_f64());
    println!("{stats:#?}");
}

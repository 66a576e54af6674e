//! The analysis on an Apache DataFusion Ballista cluster gives what it gives in process.
//!
//! The test starts a real scheduler and a real executor in this process, each on its own
//! loopback port chosen free at run time, through the same entry points as Ballista's own
//! binaries (`scheduler_process::start_server`, `executor_process::start_executor_process`):
//! the client, scheduler and executor talk gRPC and Arrow Flight over 127.0.0.1, as separate
//! machines would. It then runs the analysis of a generated small world both ways.
//!
//! Only built with the `cluster` feature (`required-features` in `Cargo.toml`):
//! `cargo test -p assess --features cluster --test cluster`.

#![cfg(feature = "cluster")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assess::{Analysis, Controller, Engine, Profile, Replacement, Settings, analyse_on};
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use comms::{CommsStore, ImportOptions};

/// A loopback port nobody listens on now (the servers bind it a moment later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a scheduler and one executor on `runtime` and returns the scheduler's
/// `df://127.0.0.1:PORT` once the executor has registered with it.
fn start_cluster(runtime: &tokio::runtime::Runtime, work_dir: &Path) -> String {
    let scheduler_port = free_port();
    let config = SchedulerConfig {
        bind_host: "127.0.0.1".into(),
        external_host: "127.0.0.1".into(),
        bind_port: scheduler_port,
        ..SchedulerConfig::default()
    };
    let address = format!("127.0.0.1:{scheduler_port}").parse().unwrap();
    runtime.spawn(async move {
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .expect("scheduler state");
        start_server(cluster, address, Arc::new(config))
            .await
            .expect("the scheduler stopped");
    });

    let executor = ExecutorProcessConfig {
        bind_host: "127.0.0.1".into(),
        external_host: Some("127.0.0.1".into()),
        port: free_port(),
        grpc_port: free_port(),
        scheduler_host: "127.0.0.1".into(),
        scheduler_port,
        // Retry until the scheduler spawned above listens.
        scheduler_connect_timeout_seconds: 30,
        vcores: 2,
        work_dir: Some(work_dir.display().to_string()),
        ..ExecutorProcessConfig::default()
    };
    runtime.spawn(async move {
        start_executor_process(Arc::new(executor))
            .await
            .expect("the executor stopped");
    });

    wait_until_ready(scheduler_port);
    format!("df://127.0.0.1:{scheduler_port}")
}

/// Polls the scheduler's `/readyz` (200 once an executor has registered) for up to a minute.
fn wait_until_ready(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = String::from("no answer");
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let request = format!(
                "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            );
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
            {
                if answer.starts_with("HTTP/1.1 200") {
                    return;
                }
                last = answer;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the scheduler on port {port} never became ready: {last}");
}

/// The analysis with each profile's handsets sorted: they are collected in whatever order
/// the engine returns rows, which is no part of the result.
fn normalised(mut analysis: Analysis) -> Analysis {
    for profile in &mut analysis.profiles {
        profile.imeis.sort();
    }
    analysis
}

/// Scores may differ in their last bits: the rules sum floating-point evidence in the order
/// the engine returns rows, which no engine fixes (in process, two partitions race too).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

/// Asserts the two analyses are the same: every number, class, count, flag, pair and time
/// exactly, every score to `close`, in the same order.
fn assert_same(remote: &Analysis, local: &Analysis) {
    assert_eq!(remote.profiles.len(), local.profiles.len(), "profiles");
    for (r, l) in remote.profiles.iter().zip(&local.profiles) {
        let unscored = |p: &Profile| {
            format!(
                "{:?}",
                Profile {
                    score: 0.0,
                    ..p.clone()
                }
            )
        };
        assert_eq!(
            unscored(r),
            unscored(l),
            "profile on the cluster, in process"
        );
        assert!(
            close(r.score, l.score),
            "class score of {r:?}, in process {l:?}"
        );
    }
    assert_eq!(
        remote.replacements.len(),
        local.replacements.len(),
        "replacements"
    );
    for (r, l) in remote.replacements.iter().zip(&local.replacements) {
        let unscored = |p: &Replacement| Replacement {
            score: 0.0,
            ..p.clone()
        };
        assert_eq!(
            unscored(r),
            unscored(l),
            "replacement on the cluster, in process"
        );
        assert!(close(r.score, l.score), "score of {r:?}, in process {l:?}");
    }
    assert_eq!(
        remote.controllers.len(),
        local.controllers.len(),
        "controllers"
    );
    for (r, l) in remote.controllers.iter().zip(&local.controllers) {
        let unscored = |p: &Controller| Controller {
            score: 0.0,
            ..p.clone()
        };
        assert_eq!(
            unscored(r),
            unscored(l),
            "controller on the cluster, in process"
        );
        assert!(close(r.score, l.score), "score of {r:?}, in process {l:?}");
    }
    assert_eq!(
        remote.recycled.len(),
        local.recycled.len(),
        "recycled numbers"
    );
    for (r, l) in remote.recycled.iter().zip(&local.recycled) {
        assert_eq!(
            (&r.number, r.epoch, r.silent_from_ms, r.reissued_at_ms),
            (&l.number, l.epoch, l.silent_from_ms, l.reissued_at_ms),
            "recycled number on the cluster, in process"
        );
        assert!(
            close(r.shared_contacts, l.shared_contacts),
            "{r:?}, in process {l:?}"
        );
    }
}

#[test]
fn the_cluster_gives_the_same_analysis_as_in_process() {
    let tmp = tempfile::tempdir().unwrap();
    let world_dir = tmp.path().join("world");
    let config = world::WorldConfig {
        size: world::Size::Small,
        seed: 11,
        nominals: None,
        xlsx_share: 0.0,
        comms: true,
    };
    world::generate(&config, &world_dir, &mut |_| {}).unwrap();
    let store = CommsStore::new(tmp.path().join("crossline.db.comms"));
    let report = store
        .import(&[world_dir.join("comms")], ImportOptions::default())
        .unwrap();
    assert!(!report.any_rejected());
    assert!(report.rows_imported() > 10_000);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let work_dir = tmp.path().join("executor");
    std::fs::create_dir_all(&work_dir).unwrap();
    let url = start_cluster(&runtime, &work_dir);

    let settings = Settings::default();
    let local = normalised(analyse_on(store.dir(), &settings, &Engine::InProcess).unwrap());
    let started = Instant::now();
    let remote = normalised(analyse_on(store.dir(), &settings, &Engine::Cluster(url)).unwrap());
    eprintln!(
        "cluster: {} profiles, {} replacements, {} controllers in {:.1?}",
        remote.profiles.len(),
        remote.replacements.len(),
        remote.controllers.len(),
        started.elapsed()
    );

    assert!(!local.replacements.is_empty(), "no replacements in process");
    assert!(
        local
            .profiles
            .iter()
            .any(|p| p.class == assess::NumberClass::DealLine),
        "no deal lines"
    );
    assert_same(&remote, &local);

    // The servers run on `runtime`; dropping it stops them.
    runtime.shutdown_timeout(Duration::from_secs(5));
}

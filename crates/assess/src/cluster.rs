//! Where the plans of `plan` run: in this process (the default) or on an Apache DataFusion
//! Ballista cluster, named by its scheduler's `df://HOST:PORT` URL ([`Engine`]).
//!
//! On a cluster the session comes from Ballista (`SessionContext::remote_with_state`), the
//! folder is registered by the same `plan::register` and the same SQL of `plan::tables` runs
//! there, so both engines run one logical job and return the same tables; the rules in the
//! crate root then run here, in process, either way. The view `c` is created by the client
//! and inlined into each query before the plan is sent, so the scheduler only ever sees the
//! Parquet table `comms`.
//!
//! The client lists the folder to infer its schema, the scheduler lists it again to split it
//! into tasks and every executor reads its share of the files, so all three must see the
//! folder at the same absolute path (a shared filesystem mounted alike everywhere); the path
//! is made absolute here before it is registered.
//!
//! Everything that knows Ballista sits behind the `cluster` cargo feature. Without it this
//! module still answers, with [`Error::NoClusterSupport`](crate::Error::NoClusterSupport), so
//! a build without Ballista fails clearly rather than silently running in process. It starts
//! no scheduler or executor: those are deployed on their own (the integration test
//! `tests/cluster.rs` starts both on loopback).

use std::path::Path;

use crate::{Error, Result, Settings, plan};

/// Where the analysis's DataFusion plans run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Engine {
    /// In this process, on its own Tokio runtime (the default).
    #[default]
    InProcess,
    /// On the Ballista cluster whose scheduler answers at this URL, `df://HOST:PORT` (the
    /// port defaults to Ballista's 50050). Needs the `cluster` feature.
    Cluster(String),
}

/// Runs every aggregation of `plan::tables` over `dir` on the cluster at `url`.
#[cfg(feature = "cluster")]
pub(crate) fn tables(url: &str, dir: &Path, settings: &Settings) -> Result<plan::Tables> {
    use ballista::prelude::{SessionConfigExt, SessionContextExt};
    use datafusion::execution::SessionStateBuilder;
    use datafusion::prelude::{SessionConfig, SessionContext};

    let failed = |reason: String| Error::Cluster {
        url: url.to_owned(),
        reason,
    };
    let address = scheduler_address(url).map_err(failed)?;
    reachable(&address).map_err(failed)?;
    let dir = std::path::absolute(dir)
        .map_err(|e| failed(format!("cannot make {} absolute: {e}", dir.display())))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let config = SessionConfig::new_with_ballista()
            .with_ballista_job_name("crossline communications analysis");
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .build();
        let ctx = SessionContext::remote_with_state(url, state)
            .await
            .map_err(|e| failed(format!("cannot open a session: {e}")))?;
        plan::register(&ctx, &dir)
            .await
            .map_err(|e| failed(e.to_string()))?;
        plan::tables(&ctx, settings)
            .await
            .map_err(|e| failed(e.to_string()))
    })
}

/// Without the `cluster` feature there is no Ballista client to ask.
#[cfg(not(feature = "cluster"))]
pub(crate) fn tables(_url: &str, _dir: &Path, _settings: &Settings) -> Result<plan::Tables> {
    Err(Error::NoClusterSupport)
}

/// The scheduler's `host:port` from a `df://HOST[:PORT]` URL, or why the URL is not one.
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
fn scheduler_address(url: &str) -> Result<String, String> {
    const NOT: &str = "not a scheduler URL of the form df://HOST:PORT";
    let rest = url.strip_prefix("df://").ok_or(NOT)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return Err(NOT.to_owned());
    }
    // A bracketed IPv6 address keeps its colons inside the brackets.
    let host_end = if rest.starts_with('[') {
        rest.find(']').map(|i| i + 1).ok_or(NOT)?
    } else {
        rest.find(':').unwrap_or(rest.len())
    };
    let (host, port) = rest.split_at(host_end);
    if host.is_empty() || host == "[]" {
        return Err(NOT.to_owned());
    }
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => 50050,
        Some(port) => port
            .parse::<u16>()
            .map_err(|_| format!("{NOT}: bad port {port:?}"))?,
        None => return Err(NOT.to_owned()),
    };
    Ok(format!("{host}:{port}"))
}

/// Checks that something accepts connections at `address` before a session is built, because
/// Ballista connects only when the first query runs and then reports a refused connection
/// in terms of its own internals.
#[cfg(feature = "cluster")]
fn reachable(address: &str) -> Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    use std::time::Duration;

    let cannot = |e: std::io::Error| format!("cannot connect to the scheduler at {address}: {e}");
    let addrs: Vec<_> = address.to_socket_addrs().map_err(cannot)?.collect();
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    Err(cannot(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "the host has no address")
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_urls_name_a_host_and_port() {
        assert_eq!(
            scheduler_address("df://127.0.0.1:50051").as_deref(),
            Ok("127.0.0.1:50051")
        );
        assert_eq!(
            scheduler_address("df://scheduler.internal/").as_deref(),
            Ok("scheduler.internal:50050")
        );
        assert_eq!(
            scheduler_address("df://[::1]:7000").as_deref(),
            Ok("[::1]:7000")
        );
        for bad in [
            "127.0.0.1:50050",
            "http://127.0.0.1:50050",
            "df://",
            "df://:50050",
            "df://host:port",
            "df://host:70000",
            "df://host:1/path",
            "df://[::1",
        ] {
            assert!(scheduler_address(bad).is_err(), "{bad} accepted");
        }
    }

    #[cfg(not(feature = "cluster"))]
    #[test]
    fn a_build_without_the_feature_refuses_clusters() {
        let err = crate::analyse_on(
            Path::new("/nonexistent"),
            &Settings::default(),
            &Engine::Cluster("df://127.0.0.1:50050".into()),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "this build of crossline has no cluster support; build with --features cluster"
        );
    }

    #[cfg(feature = "cluster")]
    #[test]
    fn an_unreachable_scheduler_is_named_in_the_error() {
        // A port just released is almost surely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("df://127.0.0.1:{port}");
        let err = crate::analyse_on(
            Path::new("/nonexistent"),
            &Settings::default(),
            &Engine::Cluster(url.clone()),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(&url), "{err}");
        assert!(err.contains("cannot connect to the scheduler"), "{err}");
    }
}

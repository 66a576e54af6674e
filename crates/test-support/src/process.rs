//! What the benchmarks report of their own process: peak resident memory and processor time,
//! read from `/proc/self` (Linux; 0 elsewhere).

/// The process's peak resident memory (`VmHWM`) in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The processor time the process has used so far (user and system, all threads), in
/// seconds: with the wall time it shows how well a stage uses the cores.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces): utime
    // and stime are the 12th and 13th of them, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_process_has_memory_and_time() {
        let spin: u64 = (0..2_000_000u64).map(|i| i.wrapping_mul(i) % 7).sum();
        assert!(spin > 0);
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib() > 0);
            assert!(cpu_seconds() >= 0.0);
        }
    }
}

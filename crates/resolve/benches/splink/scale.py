"""Benchmark: speed, memory and accuracy of crossline's resolver against Splink at scale.

Install the Python packages first (no network is needed at run time after that):

    pip install splink recordlinkage      # splink pulls duckdb and pandas in

Then, from the repository root:

    python3 crates/resolve/benches/splink/scale.py [--nominals 1000000] [--quick]
        [--world DIR] [--keep DIR] [--skip-splink] [--splink-threads N]
        [--splink-memory-limit 6GB|none]

It builds the `resolve_world` example with the `dist` profile (the deployment build: release with
fat LTO; the first build takes a few minutes) and, when it must generate a world, `crossline`
(release), generates a world with
`crossline world --size medium --seed 1 --nominals N --no-comms --xlsx-share 0` (N = 1,000,000
by default, 100,000 with --quick; --world reuses a world already generated), then:

1. runs OUR pipeline in its own process (`resolve_world --out`): it reads the returns with the
   importer, resolves everything with default settings and writes the person record clusters;
2. flattens the same nominal records, as the importer read them, to one CSV
   (`resolve_world --flatten`; not timed: it is Splink's input, prepared for it, before
   either tool's first run, so that both find their input in the file cache);
3. runs Splink (DuckDB backend) in ANOTHER process (this script with --splink-worker), so that
   each process's peak memory is its own (both are measured the same way, as the child's
   maximum resident set size from wait4, i.e. VmHWM);
4. scores both against the world's truth/persons.csv (pairwise precision, recall and F1; the
   truth is read here, for scoring, and nowhere else) and prints records, ours time / F1 /
   peak MiB, Splink time / F1 / peak MiB, the speed ratio (Splink time / ours) and the memory
   ratio (Splink peak / ours).

Each tool runs --runs times (3 by default), the two taking turns, so that a shared machine's
ups and downs fall on both: the times compared are each tool's median, the peaks each tool's
highest, and the ratio of every pair of runs is printed too. The pairs alternate which tool
goes first (ABBA: ours, Splink, Splink, ours, ours, Splink...), so that each tool follows the
other as often as it follows itself. Every run starts after a pause of 3 seconds, so that
neither starts while the kernel still reclaims the memory of the run before.

Each time is the wall time of the whole process (for Splink less the clusterings at other
thresholds, made after its timing stops): ours reads ~500 returns and resolves people, lines,
places, vehicles and numbers; Splink reads the flat CSV and links people only.

Splink's configuration is a sensible person model in the style of its documentation (Splink
has no documented configuration for this data): names lower-cased and trimmed (the cleaning
its guides ask for), `forename` = the first forename; comparisons NameComparison on forename
and surname (with term-frequency adjustment), DateOfBirthComparison on the dob string
(partial dates are not valid dates for it and count as missing), exact match with
term-frequency adjustment on postcode, phone (the first number) and PNC id; blocking rules
on names + dob (surname + dob, forename + dob), postcode, phone and PNC id; the prior from
deterministic rules (PNC id; forename + surname + dob) at recall 0.8; u by random sampling of
1,000,000 pairs (as many as ours draws); m by EM blocked on surname + dob, then on postcode;
predictions at probability 0.5, clustered at 0.9 (our resolver's match threshold). The F1 it
reaches at other clustering thresholds is printed too, from clusterings run after its timing
stops. Names alone (forename + surname) are not a blocking rule: at 1,000,000 records they
make 87 million pairs, which EM then spills to disk for many minutes.

DuckDB is given a memory_limit of 6GB (--splink-memory-limit; `none` keeps DuckDB's own, 80%
of the machine's memory; it spills to disk beyond the limit). With this configuration Splink
stays under it at 1,000,000 records anyway (5.8 GB with the limit, 5.9 GB without, measured);
the limit is a safeguard for shared machines: a configuration that also blocked on forename +
surname alone (87 million pairs) held about 19 GB of a 24 GB machine.

What it deliberately does not do: tune either tool on the truth, give Splink more or fewer
threads than the machine has (--splink-threads sets DuckDB's), or download anything.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
RELEASE = os.path.join(TARGET, "release")
# Ours is measured as deployed: built with the `dist` profile (release + fat LTO).
DIST = os.path.join(TARGET, "dist")
EXTRA_THRESHOLDS = [0.5, 0.99]


SETTLE_SECONDS = 3.0


def run_measured(command):
    """Runs `command` after a pause that lets the machine settle (the memory of the run before,
    gigabytes of it after Splink's, is being handed back by the kernel as the next run starts);
    returns (wall seconds, peak RSS in KiB of that process, stderr)."""
    time.sleep(SETTLE_SECONDS)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss, stderr


def stats_line(stderr, prefix):
    line = [l for l in stderr.splitlines() if l.startswith(prefix + " ")][-1]
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def score(clusters_csv, truth):
    """Pairwise precision, recall and F1 of the clustering in `clusters_csv`
    (record_id, cluster_id) against `truth` (a frame of record_id, person_id). Records the
    truth does not know are ignored; records the clustering lacks are singletons."""
    import pandas as pd

    clusters = pd.read_csv(clusters_csv, dtype=str)
    merged = truth.merge(clusters, on="record_id", how="left")
    missing = merged["cluster_id"].isna()
    merged.loc[missing, "cluster_id"] = "single:" + merged.loc[missing, "record_id"]

    def pairs(columns):
        sizes = merged.groupby(columns, sort=False).size().astype("int64")
        return int((sizes * (sizes - 1) // 2).sum())

    predicted = pairs(["cluster_id"])
    true = pairs(["person_id"])
    correct = pairs(["cluster_id", "person_id"])
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def splink_worker(flat_csv, out_csv, threads, memory_limit):
    """Runs Splink on the flat CSV and writes record_id,cluster_id (clustered at 0.9) to
    `out_csv`, and the clusters at the other thresholds next to it; prints its own timing."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()

    def stage(name):
        print(f"  splink {name} at {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    con = duckdb.connect()
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set temp_directory = '{os.path.dirname(os.path.abspath(out_csv))}/duckdb-spill'")
    table = con.sql(
        f"""
        select
            unique_id,
            nullif(lower(trim(split_part(trim(forenames), ' ', 1))), '') as forename,
            nullif(lower(trim(surname)), '') as surname,
            nullif(dob, '') as dob,
            nullif(postcode, '') as postcode,
            nullif(phone, '') as phone,
            nullif(pnc_id, '') as pnc_id
        from read_csv('{flat_csv}', header = true, all_varchar = true)
        """
    )
    db_api = DuckDBAPI(connection=con)
    records = db_api.register(table)
    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("surname", "dob"),
            block_on("forename", "dob"),
            block_on("postcode"),
            block_on("phone"),
            block_on("pnc_id"),
        ],
        comparisons=[
            cl.NameComparison("forename").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "dob",
                input_is_string=True,
                datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("pnc_id").configure(term_frequency_adjustments=True),
        ],
    )
    linker = Linker(records, settings, log_level=logging.WARNING)
    stage("prior")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("pnc_id"), block_on("forename", "surname", "dob")], recall=0.8
    )
    stage("u")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("surname", "dob"), block_on("postcode")):
        stage(f"EM on {rule.get_blocking_rule('duckdb').blocking_rule_sql}")
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    stage("predict")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    stage("cluster")

    def write_clusters(threshold, path):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        con.sql(
            f"""copy (select unique_id as record_id, cluster_id
                      from {clusters.physical_name}) to '{path}' (header, delimiter ',')"""
        )

    write_clusters(0.9, out_csv)
    seconds = time.perf_counter() - started
    extra = time.perf_counter()
    n = con.sql(f"select count(*) from read_csv('{out_csv}', header = true)").fetchall()[0][0]
    for t in EXTRA_THRESHOLDS:
        write_clusters(t, f"{out_csv}.{t}")
    extra_seconds = time.perf_counter() - extra
    print(
        f"splink_worker records={n} seconds={seconds:.3f} extra_seconds={extra_seconds:.3f}",
        file=sys.stderr,
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominals", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 nominal records")
    parser.add_argument("--world", help="an existing world to use (else one is generated)")
    parser.add_argument("--keep", help="keep files here (default: a temporary folder)")
    parser.add_argument("--skip-splink", action="store_true", help="only run ours")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each tool, taking turns (default 3; medians)"
    )
    parser.add_argument("--splink-threads", type=int, help="DuckDB threads (default: all)")
    parser.add_argument(
        "--splink-memory-limit",
        default="6GB",
        help="DuckDB memory_limit (default 6GB; 'none' keeps DuckDB's own, 80%% of RAM)",
    )
    parser.add_argument("--splink-worker", nargs=2, metavar=("FLAT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.splink_worker:
        limit = None if args.splink_memory_limit == "none" else args.splink_memory_limit
        splink_worker(*args.splink_worker, args.splink_threads, limit)
        return
    nominals = 100_000 if args.quick else args.nominals

    subprocess.run(
        ["cargo", "build", "--profile", "dist", "-q", "-p", "resolve", "--example", "resolve_world"],
        cwd=ROOT,
        check=True,
    )
    import pandas as pd

    with tempfile.TemporaryDirectory() as temp:
        work = args.keep or temp
        os.makedirs(work, exist_ok=True)
        world = args.world or os.path.join(work, f"world-{nominals}")
        if not os.path.exists(os.path.join(world, "truth")):
            subprocess.run(["cargo", "build", "--release", "-q", "-p", "cli"], cwd=ROOT, check=True)
            print(f"generating a world of about {nominals:,} nominal records in {world}", flush=True)
            subprocess.run(
                [os.path.join(RELEASE, "crossline"), "world", "--size", "medium", "--seed", "1",
                 "--nominals", str(nominals), "--no-comms", "--xlsx-share", "0", "--out", world],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        example = os.path.join(DIST, "examples", "resolve_world")
        ours_csv = os.path.join(work, "ours.csv")
        truth = pd.read_csv(os.path.join(world, "truth", "persons.csv"), dtype=str)
        truth = pd.DataFrame(
            {
                "record_id": truth["force"] + "/" + truth["period"] + "/" + truth["nominal_ref"],
                "person_id": truth["person_id"],
            }
        )

        def run_ours():
            seconds, kib, stderr = run_measured([example, "--world", world, "--out", ours_csv])
            stats = stats_line(stderr, "resolve_world")
            print(
                f"ours: {stats['records']} records in {seconds:.1f} s (read "
                f"{stats['read_seconds']} s, resolve {stats['resolve_seconds']} s), peak "
                f"{kib / 1024:.0f} MiB (after reading {int(stats['read_peak_rss_kib']) / 1024:.0f} MiB)",
                flush=True,
            )
            return seconds, kib, int(stats["records"])

        # Splink's input is written before either tool's first run: writing it reads every
        # return, so both first runs find their input in the file cache (the world may have
        # been generated long before, its files since evicted).
        flat_csv = os.path.join(work, "flat.csv")
        if not args.skip_splink:
            subprocess.run([example, "--world", world, "--flatten", flat_csv], check=True)

        runs = max(1, args.runs)
        ours_runs = [run_ours()]
        ours = score(ours_csv, truth)
        print(f"ours: precision {ours[0]:.4f} recall {ours[1]:.4f} F1 {ours[2]:.4f}", flush=True)
        records = ours_runs[0][2]
        if args.skip_splink:
            for _ in range(runs - 1):
                ours_runs.append(run_ours())
            return

        splink_csv = os.path.join(work, "splink.csv")
        command = [sys.executable, os.path.abspath(__file__), "--splink-worker", flat_csv, splink_csv]
        if args.splink_threads:
            command += ["--splink-threads", str(args.splink_threads)]
        command += ["--splink-memory-limit", args.splink_memory_limit]

        def run_splink():
            wall, kib, stderr = run_measured(command)
            worker = stats_line(stderr, "splink_worker")
            # The process's wall time without the clusterings at other thresholds made after its
            # timing stopped (interpreter start and imports stay in, as ours keeps its start).
            seconds = wall - float(worker["extra_seconds"])
            print(
                f"splink: {worker['records']} records in {seconds:.1f} s (its own timing, import "
                f"and interpreter start excluded: {worker['seconds']} s), peak {kib / 1024:.0f} MiB",
                flush=True,
            )
            return seconds, kib

        # The tools take turns, so that each pair of runs meets the same machine.
        splink_runs = [run_splink()]
        theirs = score(splink_csv, truth)
        others = {t: score(f"{splink_csv}.{t}", truth) for t in EXTRA_THRESHOLDS}
        print(
            f"splink: precision {theirs[0]:.4f} recall {theirs[1]:.4f} F1 {theirs[2]:.4f}; F1 at "
            "other thresholds: " + ", ".join(f"{t}: {s[2]:.4f}" for t, s in others.items()),
            flush=True,
        )
        # Pairs after the first alternate which tool goes first (ours, Splink; Splink, ours;
        # ours, Splink...: ABBA), so that each tool follows the other as often as itself: a run
        # straight after Splink's (half a minute of both cores and ~6 GB) is measurably slower
        # on a shared machine than one after a short run, and a fixed order would give that
        # handicap to one tool only.
        for i in range(1, runs):
            if i % 2 == 1:
                splink_runs.append(run_splink())
                ours_runs.append(run_ours())
            else:
                ours_runs.append(run_ours())
                splink_runs.append(run_splink())

        ours_seconds = statistics.median(r[0] for r in ours_runs)
        splink_seconds = statistics.median(r[0] for r in splink_runs)
        ours_kib = max(r[1] for r in ours_runs)
        splink_kib = max(r[1] for r in splink_runs)
        ratios = [theirs_run[0] / ours_run[0] for ours_run, theirs_run in zip(ours_runs, splink_runs)]
        print()
        print(
            f"{runs} run(s) of each, taking turns; speed x of each pair of runs: "
            + ", ".join(f"{r:.2f}" for r in ratios)
        )
        header = (
            f"{'records':>9} | {'ours s':>8}{'F1':>8}{'MiB':>7} | {'Splink s':>9}{'F1':>8}{'MiB':>7} | "
            f"{'speed x':>8}{'memory x':>9}"
        )
        print(header)
        print("-" * len(header))
        print(
            f"{records:>9} | {ours_seconds:>8.1f}{ours[2]:>8.4f}{ours_kib / 1024:>7.0f} | "
            f"{splink_seconds:>9.1f}{theirs[2]:>8.4f}{splink_kib / 1024:>7.0f} | "
            f"{splink_seconds / ours_seconds:>8.2f}{splink_kib / ours_kib:>9.2f}"
        )
        print(
            "\nspeed x = Splink's median time / ours (goal >= 5); memory x = Splink's highest peak /"
            " ours (goal >= 1); times are whole-process wall times, peaks each process's maximum"
            " resident set."
        )


if __name__ == "__main__":
    main()

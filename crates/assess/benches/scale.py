#!/usr/bin/env python3
"""Scale benchmark of the communications analysis (issue 4): ours against DuckDB.

    python3 crates/assess/benches/scale.py                 # quick: 10,000,000 records
    python3 crates/assess/benches/scale.py 100000000       # full: 100,000,000 records
    python3 crates/assess/benches/scale.py N --work DIR --keep   # reuse/keep the files

Needs `pip install duckdb`. One run does, each step in its own process so each peak is
its own:

1. generates N comms-v1 records as monthly CSV with the release example
   `crates/assess/examples/comms_scale.rs` (deal lines flaring to overlapping customer
   lists, number changes with stragglers and kept handsets, runners' phone changes, a
   controller, customer and hub traffic; the planted replacements go to truth.csv);
2. imports them with `comms::CommsStore::import` (time; peak RSS = VmHWM of that process,
   which must stay far below the CSV size: the importer streams);
3. runs `assess::analyse` on the Parquet (time, VmHWM, replacements);
4. runs the same job as SQL in DuckDB on the same Parquet (this script re-run with
   `--duckdb`; time, ru_maxrss of that process, replacements);
5. prints the table, with DuckDB/ours ratios and recall against truth.csv.

How the DuckDB job mirrors assess (src/plan.rs, src/lib.rs `build`, src/classify.rs,
src/replace.rs, src/recycle.rs): the same aggregations over the Parquet (the edge table,
bursts in 10-minute slots, handset and cell use, the stretches each number was active in),
materialised as tables; recycled numbers split into epochs; per-number statistics summed
from the edges; deal score,
classes (deal / customer / personal) from bursts, short callers and flares received from
deal lines; contacts as both directions of every edge (duplicates kept, as assess does, so
rarity df is the same); rarity weight 1/(1+ln df); candidates: same class, followed
(originates and is not a customer), new number's first record within (last_out - 1 h,
last_out + 7 d]; containment of the old number's contacts of its last 30 days in the new
one's first 30 days, weighted by rarity; same IMEI; Dice of cells; the same score and
acceptance; two rounds, the second with the old numbers' contacts rewritten through the
first round's pairs. Differences: the greedy one-to-one matching (best score first) and
the chain following of the mapping run in Python over the accepted candidates (a few
thousand rows; timed as part of DuckDB's job); ties in score are broken by number text,
where assess breaks them by internal index; and candidates with no shared contact are
never formed (they cannot pass the containment test, so the result is the same).
Controllers' phones (part of `analyse`) are not mirrored: they are a small pass over the
edge table. DuckDB runs with threads=2 (this machine's cores) and its default memory
limit.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SLACK_MS = 3600 * 1000
WINDOW_MS = 7 * 86400 * 1000
RECENT_MS = 30 * 86400 * 1000
SILENCE_MS = 60 * 86400 * 1000
BUCKETS = 256


def duckdb_job(store, out_csv, recycled_csv):
    import duckdb

    started = time.time()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    glob = os.path.join(store, "**", "*.parquet")
    con.execute(
        f"""CREATE VIEW c AS SELECT epoch_ms(started_at) AS ts, kind, from_number, to_number,
        duration_s, from_imei, cell_id FROM read_parquet('{glob}', hive_partitioning = false)"""
    )
    steps = []

    def q(sql, *params):
        # Each statement is timed, so the report shows where DuckDB spends its time.
        t0 = time.time()
        result = con.execute(sql, *params)
        words = sql.split()
        name = words[2] if len(words) > 2 and words[0] == "CREATE" else words[0]
        steps.append((name, time.time() - t0))
        return result

    lo, hi = q("SELECT MIN(ts), MAX(ts) FROM c").fetchone()
    width = (hi - lo) // BUCKETS + 1
    # The aggregations of plan.rs: the contact graph, bursts, handset and cell use, and the
    # stretches of the span each number originated anything in.
    q("""CREATE TABLE edges0 AS SELECT from_number AS f, to_number AS t, COUNT(*) AS n,
         COUNT(*) FILTER (WHERE kind = 'sms') AS sms,
         COUNT(*) FILTER (WHERE kind = 'call' AND duration_s < 120) AS short,
         MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM c GROUP BY from_number, to_number""")
    q("""CREATE TABLE bursts0 AS SELECT from_number AS number, ts // 600000 AS slot,
         COUNT(DISTINCT to_number) AS recipients FROM c WHERE kind = 'sms'
         GROUP BY from_number, ts // 600000 HAVING COUNT(DISTINCT to_number) >= 5""")
    q("""CREATE TABLE uses0 AS SELECT from_number AS number, from_imei AS imei, cell_id AS cell,
         MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM c GROUP BY 1, 2, 3""")
    q(f"""CREATE TABLE busy AS SELECT from_number AS number, (ts - {lo}) // {width} AS k
          FROM c GROUP BY 1, 2""")
    # Recycled numbers (recycle.rs): a silence of 60 days or more, at least 3 contacts on
    # each side, contacts on both sides at most 0.2 of the smaller side by rarity weight,
    # handsets seen on both sides and none on both.
    q("""CREATE TABLE deg AS SELECT number, 1.0 / (1.0 + ln(GREATEST(COUNT(*), 1))) AS w
         FROM (SELECT f AS number FROM edges0 UNION ALL SELECT t FROM edges0) GROUP BY 1""")
    q(f"""CREATE TABLE silences AS SELECT number, {lo} + (k + 1) * {width} AS g_lo,
          {lo} + k2 * {width} AS g_hi FROM (
            SELECT number, k, LEAD(k) OVER (PARTITION BY number ORDER BY k) AS k2 FROM busy)
          WHERE k2 > k + 1 AND (k2 - k - 1) * {width} >= {SILENCE_MS}""")
    q("""CREATE TABLE splits AS
         WITH ev AS (
           SELECT s.number, s.g_lo, s.g_hi,
             COUNT(*) FILTER (WHERE e.last_ts < s.g_lo) AS nb,
             COUNT(*) FILTER (WHERE e.last_ts >= s.g_lo AND e.first_ts >= s.g_hi) AS na,
             COUNT(*) FILTER (WHERE e.last_ts >= s.g_lo AND e.first_ts < s.g_hi) AS nx,
             COALESCE(SUM(d.w) FILTER (WHERE e.last_ts < s.g_lo), 0) AS wb,
             COALESCE(SUM(d.w) FILTER (WHERE e.last_ts >= s.g_lo AND e.first_ts >= s.g_hi), 0)
               AS wa,
             COALESCE(SUM(d.w) FILTER (WHERE e.last_ts >= s.g_lo AND e.first_ts < s.g_hi), 0)
               AS wx,
             MAX(CASE WHEN e.last_ts < s.g_lo THEN e.last_ts
                      WHEN e.first_ts < s.g_hi THEN e.first_ts END) AS silent_from,
             MIN(CASE WHEN e.last_ts < s.g_lo THEN NULL
                      WHEN e.first_ts >= s.g_hi THEN e.first_ts ELSE e.last_ts END) AS reissued_at
           FROM silences s JOIN edges0 e ON e.f = s.number JOIN deg d ON d.number = e.t
           GROUP BY 1, 2, 3),
         hs AS (SELECT number, imei, MIN(first_ts) AS first_ts, MAX(last_ts) AS last_ts
                FROM uses0 WHERE imei IS NOT NULL GROUP BY 1, 2)
         SELECT number, silent_from, reissued_at,
           ROW_NUMBER() OVER (PARTITION BY number ORDER BY reissued_at) AS epoch
         FROM ev
         WHERE nb + nx >= 3 AND na + nx >= 3
           AND (CASE WHEN LEAST(wb + wx, wa + wx) > 0 THEN wx / LEAST(wb + wx, wa + wx)
                ELSE 1.0 END) <= 0.2
           AND NOT EXISTS (SELECT 1 FROM hs WHERE hs.number = ev.number
                           AND hs.first_ts < ev.g_lo AND hs.last_ts >= ev.g_hi)
           AND EXISTS (SELECT 1 FROM hs WHERE hs.number = ev.number AND hs.first_ts < ev.g_lo)
           AND EXISTS (SELECT 1 FROM hs WHERE hs.number = ev.number AND hs.last_ts >= ev.g_hi)""")
    # Every number's records split into epochs, one node ("number#epoch") per epoch; an edge
    # belongs to the epochs its first record falls in, and ends at the silence (originated)
    # or at the reissue (received).
    epoch = lambda n, t: f"""COALESCE((SELECT MAX(epoch) FROM splits x
                                       WHERE x.number = {n} AND x.reissued_at <= {t}), 0)"""
    q(f"""CREATE TABLE edges AS
          WITH k AS (SELECT e.*, {epoch('e.f', 'e.first_ts')} AS fe,
                       {epoch('e.t', 'e.first_ts')} AS te FROM edges0 e)
          SELECT k.f || '#' || k.fe AS f, k.t || '#' || k.te AS t, k.f AS fb, k.t AS tb,
            n, sms, n - sms AS calls, short, first_ts,
            GREATEST(first_ts, LEAST(last_ts, COALESCE(a.silent_from, last_ts),
                                     COALESCE(b.reissued_at - 1, last_ts))) AS last_ts
          FROM k LEFT JOIN splits a ON a.number = k.f AND a.epoch = k.fe + 1
          LEFT JOIN splits b ON b.number = k.t AND b.epoch = k.te + 1""")
    q(f"""CREATE TABLE bursts AS SELECT b.number || '#' || {epoch('b.number', 'b.slot * 600000')}
          AS number, COUNT(*) AS bursts, SUM(recipients) AS burst_messages FROM bursts0 b
          GROUP BY 1""")
    q(f"""CREATE TABLE uses AS SELECT u.number || '#' || {epoch('u.number', 'u.first_ts')} AS number,
          u.imei, u.cell FROM uses0 u""")
    q("CREATE TABLE imeis AS SELECT DISTINCT number, imei FROM uses WHERE imei IS NOT NULL")
    q("CREATE TABLE cells AS SELECT DISTINCT number, cell FROM uses WHERE cell IS NOT NULL")
    # Per-node activity and short callers, summed from the edges as lib.rs does.
    q("""CREATE TABLE out_stats AS SELECT f AS number, MIN(first_ts) AS first_out,
         MAX(last_ts) AS last_out FROM edges GROUP BY f""")
    q("""CREATE TABLE in_stats AS SELECT t AS number,
         COUNT(*) FILTER (WHERE short > 0) AS short_callers_in FROM edges GROUP BY t""")
    # Profiles and classes (lib.rs build, classify.rs).
    q("""CREATE TABLE dscore AS
         WITH nums AS (SELECT f AS number, fb AS base FROM edges
                       UNION SELECT t, tb FROM edges)
         SELECT n.number, n.base, o.first_out, o.last_out,
           LEAST(0.8 * COALESCE(b.bursts, 0) / (COALESCE(b.bursts, 0) + 1.0)
               + 0.2 * COALESCE(i.short_callers_in, 0) / (COALESCE(i.short_callers_in, 0) + 10.0),
               1.0) AS deal_score
         FROM nums n LEFT JOIN out_stats o USING (number) LEFT JOIN in_stats i USING (number)
         LEFT JOIN bursts b USING (number)""")
    q("""CREATE TABLE prof AS
         WITH fromdeal AS (
           SELECT e.t AS number, SUM(e.sms) AS texts, SUM(e.calls) AS calls
           FROM edges e JOIN dscore a ON a.number = e.f JOIN dscore b ON b.number = e.t
           WHERE a.deal_score >= 0.35 AND b.deal_score < 0.35 GROUP BY e.t)
         SELECT d.number, d.base, d.first_out, d.last_out,
           CASE WHEN d.deal_score >= 0.35 THEN 0
                WHEN COALESCE(fd.texts, 0) > 0 AND COALESCE(fd.calls, 0) = 0 THEN 2
                ELSE 1 END AS grp
         FROM dscore d LEFT JOIN fromdeal fd USING (number)""")
    q("""CREATE TABLE act AS SELECT number, base, first_out, last_out, grp FROM prof
         WHERE first_out IS NOT NULL AND grp <> 2""")
    # Contacts, both directions, duplicates kept (as lib.rs), and rarity (replace.rs).
    q("""CREATE TABLE contacts AS
         SELECT f AS a, t AS b, first_ts, last_ts FROM edges
         UNION ALL SELECT t AS a, f AS b, first_ts, last_ts FROM edges""")
    q("""CREATE TABLE weight AS SELECT b AS number, 1.0 / (1.0 + ln(GREATEST(COUNT(*), 1)))
         AS w FROM contacts GROUP BY b""")
    q(f"""CREATE TABLE early AS SELECT DISTINCT k.a AS new, k.b AS contact FROM contacts k
          JOIN act n ON n.number = k.a WHERE k.first_ts <= n.first_out + {RECENT_MS}""")
    q("""CREATE TABLE cellcount AS SELECT number, COUNT(*) AS nc FROM cells GROUP BY number""")
    q("CREATE TABLE mapping (old VARCHAR, new VARCHAR)")
    q("CREATE TABLE used (number VARCHAR, side VARCHAR)")

    pairs = []  # (old, new, score, round)
    for rnd in (1, 2):
        q("DROP TABLE IF EXISTS recent")
        q(f"""CREATE TABLE recent AS
              SELECT k.a AS old, COALESCE(m.new, k.b) AS contact,
                BOOL_OR(p.grp = 2) AS is_customer
              FROM contacts k JOIN act o ON o.number = k.a
              JOIN prof p ON p.number = k.b
              LEFT JOIN mapping m ON m.old = k.b
              WHERE k.last_ts >= o.last_out - {RECENT_MS}
                AND k.a NOT IN (SELECT number FROM used WHERE side = 'old')
              GROUP BY 1, 2""")
        rows = q(f"""
            WITH rw AS (SELECT r.old, r.contact, r.is_customer, w.w FROM recent r
                        JOIN weight w ON w.number = r.contact),
            tot AS (SELECT old, SUM(w) AS total_w FROM rw GROUP BY old),
            cand AS (
              SELECT o.number AS old, n.number AS new, o.last_out, n.first_out
              FROM act o JOIN act n ON o.grp = n.grp
                AND n.first_out > o.last_out - {SLACK_MS}
                AND n.first_out <= o.last_out + {WINDOW_MS}
              WHERE o.base <> n.base
                AND o.number IN (SELECT old FROM tot)
                AND n.number NOT IN (SELECT number FROM used WHERE side = 'new')),
            shared AS (
              SELECT cd.old, cd.new, SUM(rw.w) AS shared_w
              FROM cand cd JOIN rw ON rw.old = cd.old
              JOIN early e ON e.new = cd.new AND e.contact = rw.contact
              GROUP BY 1, 2),
            imei AS (
              SELECT DISTINCT cd.old, cd.new FROM cand cd
              JOIN imeis a ON a.number = cd.old JOIN imeis b ON b.number = cd.new
              AND a.imei = b.imei),
            cellboth AS (
              SELECT cd.old, cd.new, COUNT(*) AS both_ FROM cand cd
              JOIN cells a ON a.number = cd.old JOIN cells b ON b.number = cd.new
              AND a.cell = b.cell GROUP BY 1, 2),
            ev AS (
              SELECT cd.old, cd.new, s.shared_w / t.total_w AS containment,
                GREATEST((cd.first_out - cd.last_out) // 1000, 0) AS gap,
                i.old IS NOT NULL AS same_imei,
                CASE WHEN ca.nc IS NULL OR cb.nc IS NULL THEN 0.0
                     ELSE LEAST(2.0 * COALESCE(cbo.both_, 0) / (ca.nc + cb.nc), 1.0) END AS dice
              FROM cand cd JOIN shared s USING (old, new) JOIN tot t ON t.old = cd.old
              LEFT JOIN imei i ON i.old = cd.old AND i.new = cd.new
              LEFT JOIN cellboth cbo ON cbo.old = cd.old AND cbo.new = cd.new
              LEFT JOIN cellcount ca ON ca.number = cd.old
              LEFT JOIN cellcount cb ON cb.number = cd.new),
            sc AS (
              SELECT *, LEAST(GREATEST(0.65 * containment
                + 0.15 * (CASE WHEN gap <= 2 * 86400 THEN 1.0
                          ELSE GREATEST(1.0 - (gap - 2 * 86400) / {5 * 86400}.0, 0.0) END)
                + 0.12 * (CASE WHEN same_imei THEN 1 ELSE 0 END) + 0.08 * dice, 0.0), 1.0)
                AS score FROM ev)
            SELECT old, new, score FROM sc
            WHERE score >= 0.45 AND (containment >= 0.25 OR (same_imei AND containment >= 0.125))
            ORDER BY score DESC, old, new""").fetchall()
        taken_old = {p[0] for p in pairs}
        taken_new = {p[1] for p in pairs}
        found = 0
        for old, new, score in rows:
            if old in taken_old or new in taken_new:
                continue
            taken_old.add(old)
            taken_new.add(new)
            pairs.append((old, new, score, rnd))
            found += 1
        if found == 0:
            break
        direct = {p[0]: p[1] for p in pairs}
        final = {}
        for old in direct:
            c, hops = old, 0
            while c in direct and hops <= 16:
                c, hops = direct[c], hops + 1
            final[old] = c
        q("DELETE FROM mapping")
        q("DELETE FROM used")
        con.executemany("INSERT INTO mapping VALUES (?, ?)", list(final.items()))
        con.executemany(
            "INSERT INTO used VALUES (?, ?)",
            [(p[0], "old") for p in pairs] + [(p[1], "new") for p in pairs],
        )
    recycled = q("SELECT number, reissued_at FROM splits ORDER BY 1, 2").fetchall()
    secs = time.time() - started
    base = lambda node: node.split("#")[0]
    with open(out_csv, "w") as f:
        f.write("old,new,score\n")
        for old, new, score, _ in pairs:
            f.write(f"{base(old)},{base(new)},{score:.4f}\n")
    with open(recycled_csv, "w") as f:
        f.write("number,reissued_at_ms\n")
        for number, at in recycled:
            f.write(f"{number},{at}\n")
    merged = {}
    for name, took in steps:
        merged[name] = merged.get(name, 0.0) + took
    print("duckdb steps: " + ", ".join(f"{n} {t:.1f}s" for n, t in merged.items() if t >= 0.05))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT " + json.dumps({"secs": round(secs, 3), "peak_mib": round(peak, 1),
                                  "replacements": len(pairs)}))


def run(cmd):
    print("$ " + " ".join(cmd), flush=True)
    started = time.time()
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    sys.stdout.write("".join(l + "\n" for l in p.stdout.splitlines() if not l.startswith("RESULT ")))
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    result = next(l[7:] for l in p.stdout.splitlines() if l.startswith("RESULT "))
    out = json.loads(result)
    print(f"  -> {out} ({time.time() - started:.1f}s wall)", flush=True)
    return out


def pairs_of(path):
    with open(path) as f:
        next(f)
        return {tuple(l.strip().split(",")[:2]) for l in f if l.strip()}


def recycled_of(path, rfc3339):
    """Reissues in a CSV (number, time): planted ones (RFC 3339) as {number: [secs]}, found
    ones (epoch ms) as [(number, secs)]."""
    from datetime import datetime
    with open(path) as f:
        next(f)
        rows = [l.strip().split(",") for l in f if l.strip()]
    if rfc3339:
        out = {}
        for n, t in rows:
            out.setdefault(n, []).append(
                int(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()))
        return out
    return [(n, int(t) // 1000) for n, t in rows]


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("records", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=None, help="working folder (default: target/scale-N)")
    ap.add_argument("--keep", action="store_true", help="keep the CSV and Parquet")
    ap.add_argument("--gzip", action="store_true",
                    help="generate .csv.gz (a tenth of the disk; the import then also inflates)")
    ap.add_argument("--duckdb", nargs=3, metavar=("STORE", "OUT", "RECYCLED"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.duckdb:
        duckdb_job(*args.duckdb)
        return

    work = os.path.abspath(args.work or os.path.join(REPO, "target", f"scale-{args.records}"))
    csv_dir, store = os.path.join(work, "csv"), os.path.join(work, "store")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "assess", "--example",
                    "comms_scale"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    exe = os.path.join(target, "release", "examples", "comms_scale")
    if not (os.path.exists(os.path.join(work, "truth.csv")) and os.path.isdir(csv_dir)):
        shutil.rmtree(work, ignore_errors=True)
        gen = run([exe, "gen", str(args.records), str(args.seed), csv_dir]
                  + (["gz"] if args.gzip else []))
    else:
        gen = {"records": args.records, "note": "reused"}
    shutil.rmtree(store, ignore_errors=True)
    imp = run([exe, "import", csv_dir, store])
    ours = run([exe, "analyse", store, os.path.join(work, "ours.csv")])
    duck = run([sys.executable, os.path.abspath(__file__), "--duckdb", store,
                os.path.join(work, "duckdb.csv"), os.path.join(work, "duckdb-recycled.csv")])

    truth = pairs_of(os.path.join(work, "truth.csv"))
    a, b = pairs_of(os.path.join(work, "ours.csv")), pairs_of(os.path.join(work, "duckdb.csv"))
    csv_mib, pq_mib = du(csv_dir) / 2**20, du(store) / 2**20
    print()
    csv_kind = "CSV (gzip)" if any(f.endswith(".gz") for f in os.listdir(csv_dir)) else "CSV"
    print(f"records {imp['rows']:,}  {csv_kind} {csv_mib:,.0f} MiB  Parquet {pq_mib:,.0f} MiB  "
          f"planted replacements {len(truth)}")
    print(f"import (ours): {imp['secs']:.1f}s, peak {imp['peak_mib']:.0f} MiB "
          f"({imp['peak_mib'] / csv_mib:.1%} of the {csv_kind})")
    print()
    print(f"{'records':>12} | {'ours s':>8} {'ours MiB':>9} | {'duckdb s':>8} {'duckdb MiB':>10} | "
          f"{'time ratio':>10} {'mem ratio':>9} | {'repl ours':>9} {'repl duck':>9}")
    print(f"{imp['rows']:>12,} | {ours['secs']:>8.1f} {ours['peak_mib']:>9.0f} | "
          f"{duck['secs']:>8.1f} {duck['peak_mib']:>10.0f} | "
          f"{duck['secs'] / ours['secs']:>10.2f} {duck['peak_mib'] / ours['peak_mib']:>9.2f} | "
          f"{ours['replacements']:>9} {duck['replacements']:>9}")
    print("(ratios are DuckDB / ours: above 1 means ours is faster / lighter)")
    print(f"recall vs planted: ours {len(a & truth) / max(len(truth), 1):.3f}, "
          f"duckdb {len(b & truth) / max(len(truth), 1):.3f}; precision: ours "
          f"{len(a & truth) / max(len(a), 1):.3f}, duckdb {len(b & truth) / max(len(b), 1):.3f}; "
          f"pairs in both {len(a & b)}, only ours {len(a - b)}, only duckdb {len(b - a)}")
    planted = recycled_of(os.path.join(work, "recycled.csv"), rfc3339=True)
    for name in ("ours", "duckdb"):
        found = recycled_of(os.path.join(work, f"{name}-recycled.csv"), rfc3339=False)
        hits = sum(1 for n, t in found if any(abs(t - u) <= 3 * 86400 for u in planted.get(n, [])))
        print(f"recycled numbers ({name}): planted {sum(len(v) for v in planted.values())}, "
              f"found {len(found)}, right {hits} (same number, reissue within 3 days)")
    if not args.keep:
        shutil.rmtree(csv_dir, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()

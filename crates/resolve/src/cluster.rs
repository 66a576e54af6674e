//! Clustering scored pairs into entities without chaining: candidate links are taken
//! strongest first, and two clusters merge only when (a) nothing forbids it (a cannot-link:
//! an analyst's "different" decision; two references of one force in one return that are not
//! themselves a confident match, or that the linkage says are distinct; two PNC ids)
//! and (b) their members agree *on average*: the mean evidence (log2 Bayes factor, the pair's
//! weight without the prior, clamped so no single pair dominates) over the pairs across the two
//! clusters (every pair, scored on demand, not only the blocked ones) must reach a threshold.
//! Evidence, not probability, because once a strong link joins two clusters the question is
//! whether the other records contradict it: a pair with little data (evidence near 0) is
//! neutral, a contradicting pair counts against. One strong link between two different people
//! therefore cannot pull them together when the rest of their records disagree.
//!
//! Analysts' "same" decisions are applied first and override the model's cannot-links (but not
//! an analyst's "different"). Clustering runs per connected component of the links, so a
//! component's result depends on nothing outside it; `resolve_incremental` relies on that.
//! This module knows nothing of what nodes are: it sees ranks, constraint tags and a scorer.

use rustc_hash::FxHashMap;

/// What the clustering needs to know about nodes.
pub trait Linkage: Sync {
    /// A total order of nodes independent of how they were numbered (for deterministic ties).
    fn rank(&self, node: u32) -> u64;
    /// Tags no two nodes of one cluster may share (e.g. force and period of a return).
    fn slots(&self, node: u32) -> &[u64];
    /// Identifiers (e.g. PNC ids): two clusters that both hold some and share none conflict.
    fn ids(&self, node: u32) -> &[u64];
    /// The match weight of two nodes.
    fn weight(&self, a: u32, b: u32) -> f64;
    /// Whether two nodes sharing a slot are two subjects. By default, unless they are a
    /// confident match (weight at least `link_weight`): a force may enter one subject twice
    /// by mistake. A linkage may also keep apart confident matches it knows to be distinct
    /// (for people: different forenames in one return, as with twins on one line).
    fn apart_in_one_slot(&self, a: u32, b: u32, link_weight: f64) -> bool {
        self.weight(a, b) < link_weight
    }
}

/// The clustering's thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// A link must reach this weight to be considered.
    pub link_weight: f64,
    /// The prior's weight, taken off a pair's weight to leave its evidence.
    pub prior_weight: f64,
    /// The mean evidence (log2 Bayes factor, each pair's clamped to `±evidence_clamp`) over
    /// the pairs across two clusters must reach this to merge them.
    pub cluster_evidence: f64,
    /// The most (and least) one pair's evidence counts in that mean.
    pub evidence_clamp: f64,
    /// Most cross pairs scored for one merge decision (evenly sampled beyond).
    pub max_linkage_pairs: usize,
    /// Whether shared slots forbid a merge.
    pub use_slots: bool,
    /// Whether disjoint ids forbid a merge.
    pub use_ids: bool,
}

/// A component's clustering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clustered {
    /// Clusters of nodes, each sorted by rank.
    pub clusters: Vec<Vec<u32>>,
    /// "Same" decisions that contradicted a "different" decision and were not applied.
    pub contradictions: Vec<(u32, u32)>,
}

/// Connected components of `nodes` under the links `edges` (reaching `link_weight`) and
/// `must`; nodes in no link are their own component.
pub fn components(
    n_nodes: usize,
    edges: &[(u32, u32, f64)],
    must: &[(u32, u32)],
    link_weight: f64,
) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..n_nodes as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let links = edges
        .iter()
        .filter(|e| e.2 >= link_weight)
        .map(|e| (e.0, e.1))
        .chain(must.iter().copied());
    for (a, b) in links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi as usize] = lo;
        }
    }
    let mut by_root: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for node in 0..n_nodes as u32 {
        let root = find(&mut parent, node);
        by_root.entry(root).or_default().push(node);
    }
    let mut out: Vec<Vec<u32>> = by_root.into_values().collect();
    out.sort_unstable_by_key(|c| c[0]);
    out
}

struct State {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
    slots: Vec<Vec<u64>>,
    ids: Vec<Vec<u64>>,
}

impl State {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Merges the smaller cluster into the larger; returns the new root.
    fn union(&mut self, a: usize, b: usize) -> usize {
        let (big, small) = if self.members[a].len() >= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        let moved = std::mem::take(&mut self.members[small]);
        self.members[big].extend(moved);
        let slots = std::mem::take(&mut self.slots[small]);
        merge_sorted(&mut self.slots[big], slots);
        let ids = std::mem::take(&mut self.ids[small]);
        merge_sorted(&mut self.ids[big], ids);
        big
    }
}

fn merge_sorted(into: &mut Vec<u64>, from: Vec<u64>) {
    into.extend(from);
    into.sort_unstable();
    into.dedup();
}

fn intersects(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Evenly spaced picks of at most `k` items.
fn spread(items: &[usize], k: usize) -> Vec<usize> {
    if items.len() <= k {
        return items.to_vec();
    }
    (0..k).map(|i| items[i * items.len() / k]).collect()
}

/// Clusters one component. `edges`, `must` and `cannot` use the nodes' own numbers; pairs
/// with a node outside `nodes` are ignored.
pub fn cluster(
    nodes: &[u32],
    edges: &[(u32, u32, f64)],
    must: &[(u32, u32)],
    cannot: &[(u32, u32)],
    linkage: &dyn Linkage,
    thresholds: &Thresholds,
) -> Clustered {
    let mut order: Vec<u32> = nodes.to_vec();
    order.sort_unstable_by_key(|&n| linkage.rank(n));
    let local: FxHashMap<u32, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let n = order.len();
    let mut state = State {
        parent: (0..n).collect(),
        members: (0..n).map(|i| vec![i]).collect(),
        slots: order.iter().map(|&g| sorted(linkage.slots(g))).collect(),
        ids: order.iter().map(|&g| sorted(linkage.ids(g))).collect(),
    };
    let pair = |a: u32, b: u32| -> Option<(usize, usize)> {
        let (x, y) = (*local.get(&a)?, *local.get(&b)?);
        Some(if x < y { (x, y) } else { (y, x) })
    };
    let mut cannot_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in cannot {
        if let Some((x, y)) = pair(a, b) {
            cannot_of[x].push(y);
            cannot_of[y].push(x);
        }
    }
    let forbidden = |state: &mut State, ra: usize, rb: usize| -> bool {
        let (small, other) = if state.members[ra].len() <= state.members[rb].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let members = state.members[small].clone();
        members
            .iter()
            .any(|&m| cannot_of[m].iter().any(|&c| state.find(c) == other))
    };

    let mut out = Clustered::default();
    let mut musts: Vec<(usize, usize)> = must.iter().filter_map(|&(a, b)| pair(a, b)).collect();
    musts.sort_unstable();
    for (x, y) in musts {
        let (rx, ry) = (state.find(x), state.find(y));
        if rx == ry {
            continue;
        }
        if forbidden(&mut state, rx, ry) {
            out.contradictions.push((order[x], order[y]));
            continue;
        }
        state.union(rx, ry);
    }

    let mut links: Vec<(usize, usize, f64)> = edges
        .iter()
        .filter(|e| e.2 >= thresholds.link_weight)
        .filter_map(|&(a, b, w)| pair(a, b).map(|(x, y)| (x, y, w)))
        .collect();
    links.sort_unstable_by(|p, q| q.2.total_cmp(&p.2).then(p.0.cmp(&q.0)).then(p.1.cmp(&q.1)));
    for (x, y, _) in links {
        let (rx, ry) = (state.find(x), state.find(y));
        if rx == ry {
            continue;
        }
        if thresholds.use_slots
            && intersects(&state.slots[rx], &state.slots[ry])
            && same_slot_apart(&state, rx, ry, &order, linkage, thresholds.link_weight)
        {
            continue;
        }
        if thresholds.use_ids
            && !state.ids[rx].is_empty()
            && !state.ids[ry].is_empty()
            && !intersects(&state.ids[rx], &state.ids[ry])
        {
            continue;
        }
        if forbidden(&mut state, rx, ry) {
            continue;
        }
        let agree = state.members[rx].len() == 1 && state.members[ry].len() == 1
            || mean_evidence(&state, rx, ry, &order, linkage, thresholds)
                >= thresholds.cluster_evidence;
        if agree {
            state.union(rx, ry);
        }
    }

    let mut clusters: FxHashMap<usize, Vec<u32>> = FxHashMap::default();
    for (i, &node) in order.iter().enumerate() {
        let root = state.find(i);
        clusters.entry(root).or_default().push(node);
    }
    let mut clusters: Vec<Vec<u32>> = clusters.into_values().collect();
    clusters.sort_unstable_by_key(|c| linkage.rank(c[0]));
    out.clusters = clusters;
    out
}

fn sorted(values: &[u64]) -> Vec<u64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether two clusters hold records of one slot (one force's return) that are not themselves
/// a confident match: a force may list one person twice in a return (the pair then matches on
/// its own), but two of its records that do not match are two people.
fn same_slot_apart(
    state: &State,
    a: usize,
    b: usize,
    order: &[u32],
    linkage: &dyn Linkage,
    link_weight: f64,
) -> bool {
    for &x in &state.members[a] {
        let sx = linkage.slots(order[x]);
        for &y in &state.members[b] {
            if intersects(sx, linkage.slots(order[y]))
                && linkage.apart_in_one_slot(order[x], order[y], link_weight)
            {
                return true;
            }
        }
    }
    false
}

fn mean_evidence(
    state: &State,
    a: usize,
    b: usize,
    order: &[u32],
    linkage: &dyn Linkage,
    thresholds: &Thresholds,
) -> f64 {
    let max_pairs = thresholds.max_linkage_pairs;
    let side = (max_pairs as f64).sqrt().ceil() as usize;
    let mut ma = state.members[a].clone();
    let mut mb = state.members[b].clone();
    ma.sort_unstable();
    mb.sort_unstable();
    let (pa, pb) = if ma.len() * mb.len() <= max_pairs {
        (ma, mb)
    } else {
        (spread(&ma, side), spread(&mb, side))
    };
    let clamp = thresholds.evidence_clamp;
    let mut total = 0.0;
    for &x in &pa {
        for &y in &pb {
            let evidence = linkage.weight(order[x], order[y]) - thresholds.prior_weight;
            total += evidence.clamp(-clamp, clamp);
        }
    }
    total / (pa.len() * pb.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes with a weight table; slot and id tags per node.
    struct Table {
        weights: FxHashMap<(u32, u32), f64>,
        slots: Vec<Vec<u64>>,
        ids: Vec<Vec<u64>>,
        distinct: Vec<(u32, u32)>,
    }

    impl Linkage for Table {
        fn rank(&self, node: u32) -> u64 {
            u64::from(node)
        }
        fn slots(&self, node: u32) -> &[u64] {
            &self.slots[node as usize]
        }
        fn ids(&self, node: u32) -> &[u64] {
            &self.ids[node as usize]
        }
        fn weight(&self, a: u32, b: u32) -> f64 {
            let key = if a < b { (a, b) } else { (b, a) };
            self.weights.get(&key).copied().unwrap_or(-20.0)
        }
        fn apart_in_one_slot(&self, a: u32, b: u32, link_weight: f64) -> bool {
            self.distinct.contains(&(a.min(b), a.max(b))) || self.weight(a, b) < link_weight
        }
    }

    fn thresholds() -> Thresholds {
        Thresholds {
            link_weight: 3.0,
            prior_weight: 0.0,
            cluster_evidence: 2.0,
            evidence_clamp: 10.0,
            max_linkage_pairs: 100,
            use_slots: true,
            use_ids: true,
        }
    }

    fn check(
        n: usize,
        weights: &[(u32, u32, f64)],
        must: &[(u32, u32)],
        cannot: &[(u32, u32)],
        ids: &[(u32, u64)],
        expect: &str,
    ) {
        let table = Table {
            weights: weights.iter().map(|&(a, b, w)| ((a, b), w)).collect(),
            slots: vec![Vec::new(); n],
            ids: (0..n as u32)
                .map(|i| ids.iter().filter(|x| x.0 == i).map(|x| x.1).collect())
                .collect(),
            distinct: Vec::new(),
        };
        let nodes: Vec<u32> = (0..n as u32).collect();
        let got = cluster(&nodes, weights, must, cannot, &table, &thresholds());
        let text = got
            .clusters
            .iter()
            .map(|c| c.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join(" | ");
        assert_eq!(text, expect);
    }

    /// Clusters four nodes where 0 and 1 share a slot (one return) and 2 and 3 are other
    /// returns' records of 0 and 1; every pair scores `weight`, except 0~2 and 1~3, which
    /// are certain.
    fn one_return(weight: f64, distinct: bool) -> String {
        let mut weights: FxHashMap<(u32, u32), f64> = FxHashMap::default();
        for a in 0..4u32 {
            for b in a + 1..4 {
                weights.insert((a, b), weight);
            }
        }
        weights.insert((0, 2), 30.0);
        weights.insert((1, 3), 30.0);
        let table = Table {
            weights,
            slots: vec![vec![7], vec![7], vec![8], vec![9]],
            ids: vec![Vec::new(); 4],
            distinct: if distinct { vec![(0, 1)] } else { Vec::new() },
        };
        let edges: Vec<(u32, u32, f64)> = table
            .weights
            .iter()
            .map(|(&(a, b), &w)| (a, b, w))
            .collect();
        let got = cluster(&[0, 1, 2, 3], &edges, &[], &[], &table, &thresholds());
        got.clusters
            .iter()
            .map(|c| c.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn two_records_of_one_return_merge_only_when_confident_and_not_distinct() {
        // A confident match within one return: a subject entered twice.
        assert_eq!(one_return(12.0, false), "0,1,2,3");
        // Not confident: two subjects.
        assert_eq!(one_return(2.5, false), "0,2 | 1,3");
        // Confident, but the linkage says distinct (twins on one line): two subjects.
        assert_eq!(one_return(12.0, true), "0,2 | 1,3");
    }

    #[test]
    fn chains_through_one_weak_link_are_not_merged() {
        // 0~1 strong, 1~2 strong, but 0 and 2 strongly disagree: 2 stays apart.
        check(
            3,
            &[(0, 1, 20.0), (1, 2, 10.0), (0, 2, -30.0)],
            &[],
            &[],
            &[],
            "0,1 | 2",
        );
        // Without the disagreement all three merge.
        check(
            3,
            &[(0, 1, 20.0), (1, 2, 10.0), (0, 2, 5.0)],
            &[],
            &[],
            &[],
            "0,1,2",
        );
    }

    #[test]
    fn cannot_links_and_decisions() {
        check(2, &[(0, 1, 20.0)], &[], &[], &[(0, 7), (1, 8)], "0 | 1");
        check(2, &[(0, 1, 20.0)], &[], &[(0, 1)], &[], "0 | 1");
        check(2, &[(0, 1, -20.0)], &[(0, 1)], &[], &[], "0,1");
        check(3, &[], &[(0, 1), (1, 2)], &[(0, 2)], &[], "0,1 | 2");
    }

    #[test]
    fn components_follow_links_and_decisions() {
        let got = components(5, &[(0, 1, 5.0), (2, 3, 1.0)], &[(3, 4)], 3.0);
        assert_eq!(got, vec![vec![0, 1], vec![2], vec![3, 4]]);
    }
}

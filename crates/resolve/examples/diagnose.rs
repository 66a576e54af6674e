//! Temporary diagnosis: explains missed and wrong pairs.
use std::collections::HashMap;
use std::path::Path;
use resolve::{EntityKind, Input, PreviousIds, Settings};
use test_support::score;

fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let n_show: usize = std::env::args().nth(2).map_or(15, |s| s.parse().unwrap());
    let dir = Path::new(&dir);
    let input = read_world(dir);
    let resolution = resolve::resolve(&input, &[], &PreviousIds::new(), &Settings::default());
    let truth = score::read_persons(dir).unwrap();
    let mut entity_of: HashMap<(String,String,String), String> = HashMap::new();
    for e in resolution.of_kind(EntityKind::Person) { for m in &e.members { entity_of.insert((m.key.force.to_string(), m.key.period.to_string(), m.key.reference.clone()), e.id.to_string()); } }
    let recs: HashMap<(String,String,String), &resolve::PersonRecord> = input.persons.iter().map(|p| ((p.key.force.to_string(), p.key.period.to_string(), p.key.reference.clone()), p)).collect();
    // group truth by person
    let mut by_person: HashMap<&str, Vec<&(String,String,String)>> = HashMap::new();
    for (k, v) in &truth { by_person.entry(v.as_str()).or_default().push(k); }
    let mut splits = Vec::new();
    for (pid, keys) in &by_person {
        let mut parts: HashMap<&str, Vec<&(String,String,String)>> = HashMap::new();
        for k in keys { parts.entry(entity_of[*k].as_str()).or_default().push(*k); }
        if parts.len() > 1 {
            let mut sizes: Vec<(usize, &str)> = parts.iter().map(|(e, v)| (v.len(), *e)).collect();
            sizes.sort();
            let lost: usize = { let tot: usize = keys.len(); let s: usize = sizes.iter().map(|x| x.0 * (x.0 - 1) / 2).sum(); tot*(tot-1)/2 - s };
            let a = parts[sizes[sizes.len()-1].1][0];
            let b = parts[sizes[sizes.len()-2].1][0];
            splits.push((lost, pid.to_string(), a.clone(), b.clone(), sizes.len()));
        }
    }
    splits.sort_by(|x, y| y.0.cmp(&x.0));
    println!("split persons: {}, lost pairs {}", splits.len(), splits.iter().map(|s| s.0).sum::<usize>());
    for (lost, pid, a, b, n) in splits.iter().take(n_show) {
        println!("== {pid} lost {lost} pairs in {n} parts");
        println!("{}", resolve::explain(resolution.models(), recs[a], recs[b]));
        let ea = &entity_of[a]; let eb = &entity_of[b];
        let slots = |e: &str| -> std::collections::HashSet<(String,String)> { entity_of.iter().filter(|(_, x)| x.as_str()==e).map(|(k,_)| (k.0.clone(), k.1.clone())).collect() };
        let pncs = |e: &str| -> std::collections::HashSet<String> { entity_of.iter().filter(|(_, x)| x.as_str()==e).filter_map(|(k,_)| recs[k].pnc_id.as_ref().map(|p| p.to_string())).collect() };
        let sa = slots(ea); let sb = slots(eb);
        let overlap: Vec<_> = sa.intersection(&sb).collect();
        println!("   slot overlap {:?}; pnc {:?} vs {:?}; sizes {} {}", overlap.iter().take(3).collect::<Vec<_>>(), pncs(ea), pncs(eb), sa.len(), sb.len());
        for (k, e) in entity_of.iter().filter(|(_, x)| *x == ea || *x == eb) { if overlap.iter().any(|o| o.0 == k.0 && o.1 == k.1) { println!("      {e} {k:?} truth {:?}", truth.get(k)); } }
    }
    // missed deconflictions: best cross-force pair
    let mut missed = 0;
    for (pid, keys) in &by_person {
        let forces: std::collections::HashSet<&str> = keys.iter().map(|k| k.0.as_str()).collect();
        if forces.len() < 2 { continue; }
        let mut found = false;
        let mut per_entity: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        for k in keys { per_entity.entry(entity_of[*k].as_str()).or_default().insert(k.0.as_str()); }
        for f in per_entity.values() { if f.len() >= 2 { found = true; } }
        if found { continue; }
        missed += 1;
        if missed > n_show { continue; }
        let mut best: Option<(f64, &(String,String,String), &(String,String,String))> = None;
        for a in keys { for b in keys { if a.0 < b.0 {
            let w = resolve::explain(resolution.models(), recs[*a], recs[*b]).total_weight;
            if best.is_none_or(|x| w > x.0) { best = Some((w, a, b)); }
        }}}
        let (_, a, b) = best.unwrap();
        println!("== missed deconfliction {pid} ({} records, {} forces)", keys.len(), forces.len());
        println!("{}", resolve::explain(resolution.models(), recs[a], recs[b]));
    }
    println!("missed deconflictions {missed}");
    // wrong merges
    let mut by_entity: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, e) in &entity_of { if let Some(p) = truth.get(k) { by_entity.entry(e.as_str()).or_default().push(p.as_str()); } }
    let mut wrong = 0;
    for (e, ps) in &by_entity {
        let mut c: HashMap<&str, usize> = HashMap::new();
        for p in ps { *c.entry(p).or_default() += 1; }
        if c.len() > 1 && wrong < 5 {
            wrong += 1;
            println!("== wrong merge {e}: {:?}", c);
            let ks: Vec<_> = entity_of.iter().filter(|(_, x)| x.as_str() == *e).map(|(k, _)| k).collect();
            let pa = truth[ks[0]].clone();
            if let Some(kb) = ks.iter().find(|k| truth[**k] != pa) { println!("{}", resolve::explain(resolution.models(), recs[ks[0]], recs[*kb])); }
        }
    }
}

fn read_world(dir: &Path) -> Input {
    let limits = ingest::Limits::default();
    let (found, problems) = ingest::discover(&[dir.join("returns")]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut input = Input::default();
    for f in &found {
        let submission = ingest::read_submission(f, &limits).expect("readable return");
        let parsed = ingest::parse_return(&submission, &limits);
        let ret = parsed.ret.unwrap_or_else(|| panic!("{} rejected: {:?}", f.path.display(), &parsed.problems[..parsed.problems.len().min(3)]));
        input.add_return(&ret);
    }
    input
}


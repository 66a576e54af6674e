//! What each subcommand does: builds the actor and scope, calls the engine or the world
//! generator, and hands the results to `render`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use model::{Actor, Scope, UserRole};
use store::{Store, StoreSettings};

use crate::args::{
    Cli, Command, CommsCommand, DdtroCommand, Format, Global, ReviewCommand, ScopeArgs,
};
use crate::render;

/// How a command ended when it did not fail.
pub enum Status {
    /// All well.
    Success,
    /// At least one return was rejected.
    Rejected,
}

pub fn run(cli: Cli) -> Result<Status> {
    let global = &cli.global;
    match cli.command {
        Command::World {
            size,
            seed,
            out,
            nominals,
            xlsx_share,
            no_comms,
        } => {
            let config = world::WorldConfig {
                size,
                seed,
                nominals,
                xlsx_share,
                comms: !no_comms,
            };
            generate_world(&config, &out)?;
            Ok(Status::Success)
        }
        Command::Demo { out, size, seed } => {
            let config = world::WorldConfig {
                size,
                seed,
                ..world::WorldConfig::default()
            };
            if out.exists() {
                eprintln!("using the world already in {}", out.display());
            } else {
                generate_world(&config, &out)?;
            }
            let actor = actor(global)?;
            let mut store = open(global)?;
            let reports = import_paths(&mut *store, &actor, &[out.join("returns")], 512, true)?;
            render::import_reports(&reports, Format::Text);
            let scope = actor.home().clone();
            let summary = engine::summary(&mut *store, &actor, &scope, None)?;
            render::note("");
            render::summary(&summary, Format::Text);
            render::note("\nResolving people, lines, places and numbers across forces…");
            let report = run_analysis(&mut *store, &actor, &resolve::Settings::default(), true)?;
            render::analyse(&report);
            render::note(&format!(
                "\nThe data is in {}. Next: `crossline alerts`, `crossline review list`, `crossline quality`, `crossline --help`.",
                global.db
            ));
            Ok(status_of(&reports))
        }
        Command::Import {
            paths,
            format,
            no_progress,
            max_file_mib,
        } => {
            let actor = actor(global)?;
            let mut store = open(global)?;
            let reports = import_paths(&mut *store, &actor, &paths, max_file_mib, !no_progress)?;
            render::import_reports(&reports, format);
            Ok(status_of(&reports))
        }
        Command::ImportComms {
            paths,
            skip_bad_rows,
            format,
        } => {
            let dir = comms_folder(global)?;
            let options = comms::ImportOptions {
                skip_bad_rows,
                ..comms::ImportOptions::default()
            };
            let actor = actor(global)?;
            let mut store = open(global)?;
            let report = engine::import_comms(&mut *store, &actor, &dir, &paths, options)
                .with_context(|| format!("while importing into {}", dir.display()))?;
            render::comms_import(&report, format);
            Ok(if report.any_rejected() {
                Status::Rejected
            } else {
                Status::Success
            })
        }
        Command::Comms(command) => {
            let dir = comms_folder(global)?;
            let actor = actor(global)?;
            let mut store = open(global)?;
            match command {
                CommsCommand::Analyse { format } => {
                    let started = std::time::Instant::now();
                    let analysed = engine::analyse_and_link_comms(
                        &mut *store,
                        &actor,
                        &dir,
                        &assess::Settings::default(),
                        &comms_engine(global),
                    )
                    .with_context(|| format!("while analysing {}", dir.display()))?;
                    render::comms_analysis(&analysed, started.elapsed(), format);
                    let alerts = engine::ddtro_alerts(&mut *store, &actor, &dir)?;
                    render::ddtro_alerts(&alerts, true);
                }
                CommsCommand::Replacements => {
                    let Some(entries) = engine::replacement_view(&mut *store, &actor, &dir)? else {
                        bail!("no communications analysis yet: run `crossline comms analyse`");
                    };
                    render::replacements(&entries);
                }
                CommsCommand::Profiles { class, limit } => {
                    let analysis = engine::analyse_comms(
                        &mut *store,
                        &actor,
                        &dir,
                        &assess::Settings::default(),
                        &comms_engine(global),
                    )
                    .with_context(|| format!("while analysing {}", dir.display()))?;
                    render::comms_profiles(&analysis, class.as_deref(), limit);
                }
                CommsCommand::Controllers { limit } => {
                    let links = engine::comms_controllers(
                        &mut *store,
                        &actor,
                        &dir,
                        &assess::Settings::default(),
                        &comms_engine(global),
                    )
                    .with_context(|| format!("while analysing {}", dir.display()))?;
                    render::comms_controllers(&links, limit);
                }
            }
            Ok(Status::Success)
        }
        Command::Ddtro(command) => {
            let actor = actor(global)?;
            let mut store = open(global)?;
            match command {
                DdtroCommand::Plan { line, out } => {
                    let dir = comms_folder(global)?;
                    let Some(pack) = engine::ddtro_plan(&mut *store, &actor, &dir, &line)? else {
                        bail!(
                            "no line {line} in the current returns: give an entity id from \
                             entities.csv (after `crossline analyse`) or force/period/ref"
                        );
                    };
                    std::fs::create_dir_all(&out)
                        .with_context(|| format!("while creating {}", out.display()))?;
                    let stem = engine::pack_file_stem(&line);
                    let csv_path = out.join(format!("{stem}.csv"));
                    std::fs::write(&csv_path, engine::pack_csv(&pack))
                        .with_context(|| format!("while writing {}", csv_path.display()))?;
                    let html_path = out.join(format!("{stem}.html"));
                    std::fs::write(&html_path, engine::pack_html(&pack))
                        .with_context(|| format!("while writing {}", html_path.display()))?;
                    render::ddtro_pack(&pack, &csv_path, &html_path);
                }
                DdtroCommand::Record {
                    number,
                    status,
                    line,
                    date,
                } => {
                    let status: store::OrderStatus = status
                        .parse()
                        .with_context(|| format!("order status {status:?}"))?;
                    let number = match number.parse::<model::PhoneNumber>() {
                        Ok(n) => n.to_string(),
                        Err(e) => bail!("not a phone number {number:?}: {e}"),
                    };
                    let date = match date {
                        Some(text) => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                            .with_context(|| format!("--date {text:?} (write YYYY-MM-DD)"))?,
                        None => chrono::Utc::now().date_naive(),
                    };
                    let order = store::Order {
                        number,
                        status,
                        line,
                        date,
                        recorded_by: actor.user().to_string(),
                        recorded_at: chrono::Utc::now(),
                    };
                    store.record_order(&actor, &order)?;
                    render::note(&format!(
                        "recorded: order {} on {} ({}); `crossline comms analyse` will alert when it is replaced",
                        order.status, order.number, order.date
                    ));
                }
                DdtroCommand::Alerts => {
                    let dir = comms_folder(global)?;
                    let alerts = engine::ddtro_alerts(&mut *store, &actor, &dir)?;
                    render::ddtro_alerts(&alerts, false);
                }
            }
            Ok(Status::Success)
        }
        Command::Summary {
            scope,
            period,
            format,
        } => {
            let actor = actor(global)?;
            let scope = scope_of(&scope, &actor)?;
            let period = match period {
                Some(text) => Some(text.parse().with_context(|| format!("--period {text:?}"))?),
                None => None,
            };
            let mut store = open(global)?;
            let summary = engine::summary(&mut *store, &actor, &scope, period)?;
            render::summary(&summary, format);
            Ok(Status::Success)
        }
        Command::Quality {
            scope,
            due_day,
            format,
        } => {
            if !(1..=31).contains(&due_day) {
                bail!("--due-day must be a day of the month, 1 to 31");
            }
            let actor = actor(global)?;
            let scope = scope_of(&scope, &actor)?;
            let mut store = open(global)?;
            let report = engine::quality(
                &mut *store,
                &actor,
                &scope,
                engine::QualitySettings { due_day },
            )?;
            render::quality(&report, format);
            Ok(Status::Success)
        }
        Command::Returns { scope, history } => {
            let actor = actor(global)?;
            let scope = scope_of(&scope, &actor)?;
            let mut store = open(global)?;
            render::returns(&store.returns(&actor, &scope, history)?);
            Ok(Status::Success)
        }
        Command::Submissions { scope } => {
            let actor = actor(global)?;
            let scope = scope_of(&scope, &actor)?;
            let mut store = open(global)?;
            render::submissions(&store.submissions(&actor, &scope)?);
            Ok(Status::Success)
        }
        Command::Analyse {
            match_threshold,
            review_from,
            no_progress,
        } => {
            if !(0.0 < review_from && review_from < match_threshold && match_threshold < 1.0) {
                bail!("need 0 < --review-from < --match-threshold < 1");
            }
            let settings = resolve::Settings {
                match_threshold,
                review_band: (review_from, match_threshold),
                ..resolve::Settings::default()
            };
            let actor = actor(global)?;
            let mut store = open(global)?;
            let report = run_analysis(&mut *store, &actor, &settings, !no_progress)?;
            render::analyse(&report);
            // Entities may have changed, so the replacements are linked again, when there is
            // communications data to analyse.
            if let Ok(dir) = comms_folder(global)
                && dir.is_dir()
            {
                let analysed = engine::analyse_and_link_comms(
                    &mut *store,
                    &actor,
                    &dir,
                    &assess::Settings::default(),
                    &comms_engine(global),
                )
                .with_context(|| format!("while analysing {}", dir.display()))?;
                if let Some(links) = &analysed.links {
                    render::link_report(links);
                }
            }
            Ok(Status::Success)
        }
        Command::Review(review) => {
            let actor = actor(global)?;
            let mut store = open(global)?;
            match review {
                ReviewCommand::List { limit } => {
                    render::review_list(&store.review_queue(&actor)?, limit)
                }
                ReviewCommand::Show { pair } => {
                    render::review_show(&find_pair(&mut *store, &actor, &pair)?)
                }
                ReviewCommand::Accept { pair, note } => {
                    decide(&mut *store, &actor, &pair, true, note)?
                }
                ReviewCommand::Reject { pair, note } => {
                    decide(&mut *store, &actor, &pair, false, note)?
                }
            }
            Ok(Status::Success)
        }
        Command::Explain { a, b } => {
            let actor = actor(global)?;
            let a: store::RecordRef = a.parse().with_context(|| format!("record {a:?}"))?;
            let b: store::RecordRef = b.parse().with_context(|| format!("record {b:?}"))?;
            let mut store = open(global)?;
            match engine::explain_persons(
                &mut *store,
                &actor,
                &resolve::Settings::default(),
                &a,
                &b,
            )? {
                Some(explanation) => render::note(explanation.to_string().trim_end()),
                None => bail!("no person record {a} or {b} in the current returns"),
            }
            Ok(Status::Success)
        }
        Command::Alerts {
            force,
            region,
            national,
        } => {
            let actor = actor(global)?;
            let recipient = if national {
                Some(store::Recipient::National)
            } else if let Some(force) = force {
                Some(store::Recipient::Force(
                    force
                        .parse()
                        .with_context(|| format!("--force {force:?}"))?,
                ))
            } else if let Some(region) = region {
                Some(store::Recipient::Region(
                    region
                        .parse()
                        .with_context(|| format!("--region {region:?}"))?,
                ))
            } else {
                None
            };
            let mut store = open(global)?;
            render::alerts(&store.alerts(&actor, recipient.as_ref())?);
            Ok(Status::Success)
        }
        Command::Export { out } => {
            let actor = actor(global)?;
            let mut store = open(global)?;
            let (members, deconfliction) = engine::export_rows(&mut *store, &actor)?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("while creating {}", out.display()))?;
            let entities_path = out.join("entities.csv");
            let file = std::fs::File::create(&entities_path)
                .with_context(|| format!("while creating {}", entities_path.display()))?;
            share::write_entities(std::io::BufWriter::new(file), &members)?;
            let deconfliction_path = out.join("deconfliction.csv");
            let file = std::fs::File::create(&deconfliction_path)
                .with_context(|| format!("while creating {}", deconfliction_path.display()))?;
            share::write_deconfliction(std::io::BufWriter::new(file), &deconfliction)?;
            if let Ok(dir) = comms_folder(global)
                && let Some(saved) = engine::saved_replacements(&mut *store, &actor, &dir)?
            {
                let path = out.join("replacements.csv");
                std::fs::copy(&saved, &path)
                    .with_context(|| format!("while writing {}", path.display()))?;
                render::note(&format!("wrote {}", path.display()));
            }
            render::note(&format!(
                "wrote {} ({} records) and {} ({} entities held by more than one force)",
                entities_path.display(),
                members.len(),
                deconfliction_path.display(),
                deconfliction.len()
            ));
            Ok(Status::Success)
        }
        Command::Audit { limit } => {
            let actor = actor(global)?;
            let mut store = open(global)?;
            render::audit(&store.audit_log(&actor, limit)?);
            Ok(Status::Success)
        }
    }
}

fn run_analysis(
    store: &mut dyn Store,
    actor: &Actor,
    settings: &resolve::Settings,
    show_progress: bool,
) -> Result<engine::AnalyseReport> {
    let bar = progress_bar(show_progress && std::io::stderr().is_terminal());
    let report = engine::analyse(store, actor, settings, &mut |stage, done, total| {
        bar.set_message(stage.to_string());
        bar.set_length(total.max(1));
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    Ok(report)
}

/// The queued pair with this id.
fn find_pair(store: &mut dyn Store, actor: &Actor, id: &str) -> Result<store::ReviewPair> {
    store
        .review_queue(actor)?
        .into_iter()
        .find(|p| p.pair_id.eq_ignore_ascii_case(id.trim()))
        .with_context(|| format!("no pair {id} in the review queue (see `crossline review list`)"))
}

/// Records an analyst's final decision on a queued pair.
fn decide(
    store: &mut dyn Store,
    actor: &Actor,
    id: &str,
    same: bool,
    note: Option<String>,
) -> Result<()> {
    let pair = find_pair(store, actor, id)?;
    let decision = store::Decision {
        kind: pair.kind.clone(),
        a: pair.a.clone(),
        b: pair.b.clone(),
        same,
        decided_by: actor.user().to_string(),
        decided_at: chrono::Utc::now(),
        note,
    };
    store.record_decision(actor, &decision)?;
    render::note(&format!(
        "recorded: {} and {} are {} {}; it takes effect at the next `crossline analyse` and survives every re-run",
        pair.a,
        pair.b,
        if same { "the same" } else { "different" },
        pair.kind
    ));
    Ok(())
}

fn status_of(reports: &[engine::ImportReport]) -> Status {
    if reports.iter().any(|r| r.is_rejected()) {
        Status::Rejected
    } else {
        Status::Success
    }
}

/// Where the communications analysis runs: on the `--cluster` given, else in process.
fn comms_engine(global: &Global) -> assess::Engine {
    match &global.cluster {
        Some(url) => assess::Engine::Cluster(url.clone()),
        None => assess::Engine::InProcess,
    }
}

fn comms_folder(global: &Global) -> Result<std::path::PathBuf> {
    engine::comms_dir(&global.db, global.comms_dir.as_deref()).map_err(anyhow::Error::msg)
}

fn open(global: &Global) -> Result<Box<dyn Store>> {
    let settings = StoreSettings::parse(&global.db)?;
    engine::open_store(&settings)
        .with_context(|| format!("while opening the database {}", settings.redacted()))
}

/// The acting user from the global options.
fn actor(global: &Global) -> Result<Actor> {
    let user = global
        .user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "local".to_string());
    let role: UserRole = global.role.parse().context("--role")?;
    Ok(match role {
        UserRole::NationalAnalyst => Actor::national(user),
        UserRole::InformationManager => Actor::information_manager(user),
        UserRole::ForceAnalyst => {
            let Some(home) = &global.home else {
                bail!("a force analyst needs --home FORCE (e.g. --home merseyside)")
            };
            Actor::force(
                user,
                home.parse().with_context(|| format!("--home {home:?}"))?,
            )
        }
        UserRole::RegionalAnalyst => {
            let Some(home) = &global.home else {
                bail!("a regional analyst needs --home REGION (e.g. --home north-west)")
            };
            Actor::regional(
                user,
                home.parse().with_context(|| format!("--home {home:?}"))?,
            )
        }
    })
}

/// The scope the options name, or else the actor's own.
fn scope_of(args: &ScopeArgs, actor: &Actor) -> Result<Scope> {
    if let Some(force) = &args.force {
        return Ok(Scope::Force(
            force
                .parse()
                .with_context(|| format!("--force {force:?}"))?,
        ));
    }
    if let Some(region) = &args.region {
        return Ok(Scope::Region(
            region
                .parse()
                .with_context(|| format!("--region {region:?}"))?,
        ));
    }
    Ok(actor.home().clone())
}

fn generate_world(config: &world::WorldConfig, out: &Path) -> Result<()> {
    let bar = progress_bar(std::io::stderr().is_terminal());
    let mut last_stage = "";
    let stats = world::generate(config, out, &mut |p: world::Progress| {
        if p.stage != last_stage {
            last_stage = p.stage;
            bar.set_message(p.stage);
        }
        bar.set_length(p.total.max(1));
        bar.set_position(p.done);
    })
    .with_context(|| format!("while writing a world to {}", out.display()))?;
    bar.finish_and_clear();
    render::world_stats(&stats, out);
    Ok(())
}

fn import_paths(
    store: &mut dyn Store,
    actor: &Actor,
    paths: &[std::path::PathBuf],
    max_file_mib: u64,
    show_progress: bool,
) -> Result<Vec<engine::ImportReport>> {
    let limits = ingest::Limits {
        max_file_bytes: max_file_mib.saturating_mul(1 << 20),
        ..ingest::Limits::default()
    };
    let bar = progress_bar(show_progress && std::io::stderr().is_terminal());
    let reports = engine::import(
        store,
        actor,
        paths,
        &limits,
        &mut |p: engine::ImportProgress<'_>| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            if let Some(path) = p.current {
                bar.set_message(path.display().to_string());
            }
        },
    )?;
    bar.finish_and_clear();
    Ok(reports)
}

fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
        )
        .expect("invariant: the template is valid"),
    );
    bar
}

//! `hallvote demo`: a township congress session on this machine, set up through the
//! same HTTP interfaces the hall uses (kiosk's simulate module), either left running
//! for a person to walk through in a browser, or (`--simulate N`) run end to end
//! with N delegates, its records written and verified.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::link::Link;
use hallvote_kiosk::organiser::Organiser;
use hallvote_kiosk::scrutineer::{ScrutineerApp, router as scrutineer_router};
use hallvote_kiosk::simulate::{self, Hall};
use hallvote_tally::Lang;
use tokio::sync::oneshot;

/// What the demo does.
pub struct DemoOptions {
    /// Where the server listens.
    pub listen: SocketAddr,
    /// Run a session end to end with this many delegates instead of serving one.
    pub simulate: Option<usize>,
    /// Where the simulation writes its election records.
    pub record_dir: Option<PathBuf>,
    /// The language of the printed result sheets.
    pub lang: Lang,
}

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the demo; the exit code says whether it worked (and, simulated, verified).
pub fn run(opts: DemoOptions) -> ExitCode {
    let dir = TempDir(std::env::temp_dir().join(format!("hallvote-demo-{}", std::process::id())));
    if let Err(e) = std::fs::create_dir_all(&dir.0) {
        eprintln!("hallvote demo: {}: {e}", dir.0.display());
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hallvote demo: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match opts.simulate {
            Some(n) => simulate(n, opts.record_dir.as_deref(), opts.lang, &dir.0).await,
            None => interactive(opts.listen, &dir.0).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hallvote demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A server on SQLite in `dir`, serving in the background until the sender is
/// dropped or fired; its address, its state and the organiser logged in.
async fn start_server(
    listen: SocketAddr,
    dir: &Path,
    limits: bool,
) -> Result<(String, hallvote_server::http::AppState, Organiser, String, oneshot::Sender<()>), String> {
    let config = hallvote_server::ServeConfig {
        database_url: hallvote_server::ServeConfig::database_url_from_arg(
            &dir.join("hallvote.db").display().to_string(),
        ),
        listen,
        key_file: dir.join("hallvote-server.key"),
        tls: None,
        connections: Default::default(),
    };
    let mut server = hallvote_server::Server::bind(&config).await.map_err(|e| e.to_string())?;
    if !limits {
        server = server.without_client_limits();
    }
    let first = server.first_password.clone().ok_or("no first organiser password")?;
    let addr = server.local_addr().map_err(|e| e.to_string())?;
    let state = server.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let url = format!("http://{addr}");
    let link = Link::new(&url, None).map_err(|e| e.to_string())?;
    // The first organiser's one-time password must be replaced before anything else.
    let (org, password) = Organiser::first_login(link, "organiser", &first).await.map_err(|e| e.to_string())?;
    Ok((url, state, org, password, stop))
}

async fn serve_station(ip: std::net::IpAddr, port: u16, router: axum::Router) -> Result<String, String> {
    let listener = match tokio::net::TcpListener::bind((ip, port)).await {
        Ok(l) => l,
        Err(_) => tokio::net::TcpListener::bind((ip, 0)).await.map_err(|e| e.to_string())?,
    };
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(format!("http://{addr}/"))
}

/// The session set up and left running, with a desk, two booths and every officer's
/// station (five scrutineers, two counters), for a person to walk through to the
/// published result.
async fn interactive(listen: SocketAddr, dir: &Path) -> Result<ExitCode, String> {
    let (url, state, org, password, stop) = start_server(listen, dir, true).await?;
    let csv = String::from_utf8_lossy(hallvote_server::demo::ROSTER).into_owned();
    let cards = simulate::roster_cards(&csv);
    let hall = simulate::set_up(&url, org, (csv, cards.clone()), 2, dir).await?;
    // The whole roll is in the hall before the polls open (实到 is frozen at opening, so
    // a delegate checked in later could not be issued those polls' ballots). Nobody has
    // ballots yet: the banner lists a few card numbers to issue at the desk.
    hall.check_in(&cards, true).await?;
    hall.ceremonies_and_open(true).await?;
    let waiting = &cards[cards.len() - 3..];

    let ip = listen.ip();
    let desk = serve_station(
        ip,
        8182,
        DeskApp::new(Desk::new(hall.desk.link().map_err(|e| e.to_string())?), "报到处1").router(),
    )
    .await?;
    let mut booths = Vec::new();
    for (b, port) in hall.booths.iter().zip([8181, 8184]) {
        let app = BoothApp::new(Booth::new(b.link().map_err(|e| e.to_string())?), &b.config.name, &url, DEFAULT_IDLE);
        booths.push(serve_station(ip, port, app.router()).await?);
    }
    // Every officer's station, with the share files its ceremonies saved: decryption needs
    // three of the five scrutineers, and publication the signatures of all seven officers.
    let mut officers = Vec::new();
    let ports = [8183, 8185, 8186, 8187, 8188, 8189, 8190];
    for (j, ((st, _), port)) in hall.scrutineers.iter().chain(&hall.counters).zip(ports).enumerate() {
        // The folders simulate::set_up gave each officer's files.
        let folder = if j < hall.scrutineers.len() {
            format!("{}-shares", st.config.name)
        } else {
            format!("{}-files", st.config.name)
        };
        let client = hallvote_kiosk::scrutineer::Scrutineer::new(st, dir.join(folder)).map_err(|e| e.to_string())?;
        let page = serve_station(ip, port, scrutineer_router(ScrutineerApp::new(client, &st.config.name))).await?;
        officers.push((st.config.name.clone(), page));
    }

    println!();
    println!("hallvote demo — 中国共产党青山镇第十五届代表大会第三次会议（120 名代表，6 个代表团）");
    println!(
        "  {} 名代表已全部报到，{} 项投票已开始，尚无人领票：请在报到处为代表领票（证号见下），然后到投票机投票。",
        cards.len(),
        hall.polls.len()
    );
    println!(
        "  All {} delegates are checked in and {} polls are open; nobody has ballots yet: issue a delegate's at the desk (card numbers below), then vote at a booth.",
        cards.len(),
        hall.polls.len()
    );
    println!();
    println!("  会务组控制台 / console:     {url}/   (organiser  {password})");
    println!("  会场大屏 / hall display:    {url}/display/sessions/{}", hall.session);
    println!("  报到处 / desk:              {desk}");
    for (i, b) in booths.iter().enumerate() {
        println!("  投票机{} / booth {}:          {b}", i + 1, i + 1);
    }
    for (j, (name, page)) in officers.iter().enumerate() {
        if j < hall.scrutineers.len() {
            println!(
                "  {name} / scrutineer {}:     {page}   (密钥文件口令 / share passphrase: {})",
                j + 1,
                simulate::demo_passphrase(j + 1).as_str()
            );
        } else {
            println!("  {name} / counter {}:       {page}", j + 1 - hall.scrutineers.len());
        }
    }
    for (id, name) in &hall.polls {
        println!("  公告板 / board «{name}»: {url}/polls/{id}/board");
    }
    println!();
    println!(
        "  可以领票的代表（在报到处输入证号，或扫描代表证二维码）/ delegates to issue ballots to (type the card number at the desk, or scan):"
    );
    for card in waiting {
        let qr = hallvote_server::cards::qr_text(&state.server_key, hall.congress as u64, card);
        println!("    {card}   {qr}");
    }
    println!();
    println!("  按 Ctrl-C 停止 / press Ctrl-C to stop.");
    stop_signal().await;
    let _ = stop.send(());
    println!("hallvote demo: stopped; temporary data removed.");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM (a service manager's stop): either stops the demo cleanly.
async fn stop_signal() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The whole session with `n` delegates, headless; writes the records into
/// `record_dir` and verifies them. Exit 0 only if every record verifies and its
/// totals are the ground truth.
async fn simulate(n: usize, record_dir: Option<&Path>, lang: Lang, dir: &Path) -> Result<ExitCode, String> {
    if n < 20 {
        return Err("--simulate needs at least 20 delegates".into());
    }
    let started = Instant::now();
    let records = record_dir.map_or_else(|| dir.join("records"), Path::to_path_buf);
    let (url, _state, org, _password, stop) = start_server(SocketAddr::from(([127, 0, 0, 1], 0)), dir, false).await?;
    eprintln!("hallvote demo --simulate {n}: server {url}, records in {}", records.display());
    let hall: Hall = simulate::set_up(&url, org, simulate::roster(n), 2, dir).await?;
    hall.check_in(&hall.cards, true).await?;
    hall.ceremonies_and_open(true).await?;
    let truth = hall.vote(&hall.cards, (n / 10).clamp(3, 97), true).await?;
    let counted = hall.count(&records, lang, true).await?;
    let _ = stop.send(());

    let mut all_ok = true;
    let mut rng = rand::rng();
    for ((sheet, path), (p, (_, name))) in counted.iter().zip(hall.polls.iter().enumerate()) {
        println!();
        println!("{sheet}");
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let report = hallvote_tally::record::verify_record(&bytes, &mut rng);
        let (out, ok) = hallvote_tally::record::render_reports(&[(path.display().to_string(), report)], false, lang);
        print!("{out}");
        let decoded = hallvote_tally::record::Record::decode(&bytes).ok().map(|(r, _)| r);
        let totals = decoded.as_ref().map(|r| r.totals.clone()).unwrap_or_default();
        let mut truth_ok = totals == truth.totals[p];
        if truth_ok {
            println!("✓ {name}: totals equal the {} ballots cast (ground truth)", truth.cast[p]);
        } else {
            println!("✗ {name}: totals {totals:?} differ from the ballots cast {:?}", truth.totals[p]);
        }
        // The names written in, as the mix decrypted and counted them (spec §12.12).
        let written = decoded.as_ref().map(|r| {
            let poll = hallvote_tally::record::Manifest::decode(&r.manifest).map(|m| m.poll).ok();
            let mut votes = std::collections::BTreeMap::new();
            for mix in &r.mixes {
                if let Some(poll) = &poll {
                    for (name, v) in hallvote_tally::record::mix::write_in_votes(poll, mix).0 {
                        *votes.entry(name).or_insert(0) += v;
                    }
                }
            }
            votes
        });
        if !truth.write_ins[p].is_empty() || written.as_ref().is_some_and(|w| !w.is_empty()) {
            if written.as_ref() == Some(&truth.write_ins[p]) {
                let n: u32 = truth.write_ins[p].values().sum();
                println!("✓ {name}: the mix's write-ins equal the {n} names written in (ground truth)");
            } else {
                println!("✗ {name}: write-ins {written:?} differ from the names written in {:?}", truth.write_ins[p]);
                truth_ok = false;
            }
        }
        all_ok &= ok && truth_ok;
    }
    println!();
    println!(
        "{} delegates, {} polls, {} ballots cast, {} challenged; {:.1} s; {}",
        n,
        hall.polls.len(),
        truth.cast.iter().sum::<u64>(),
        truth.challenged,
        started.elapsed().as_secs_f64(),
        if all_ok { "every record verifies" } else { "VERIFICATION FAILED" }
    );
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

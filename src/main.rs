//! `hallvote`: the operator binary. Thin dispatch into the library crates.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
use hallvote_tally::ruleset::{BUILTIN, Ruleset};
use hallvote_tally::scenario::{Scenario, result_json};
use hallvote_tally::sheet::{Heading, render};
use hallvote_tally::{Lang, Text};

/// Secure electronic voting for assemblies that meet in one hall.
#[derive(Parser)]
#[command(name = "hallvote", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: organiser console, desk, booth and scrutineer APIs, hall display.
    ///
    /// With no options it keeps its data in hallvote.db (SQLite) in the current
    /// folder and listens on 127.0.0.1:8080. On first start it creates the
    /// organiser account and prints its one-time password, once.
    Serve {
        /// SQLite file or database URL (sqlite://PATH, postgres://HOST/DB).
        #[arg(long, value_name = "PATH|URL", default_value = "hallvote.db")]
        db: String,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = hallvote_server::config::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
        /// The server's signing key file, created on first start (mode 0600). Give
        /// every server process of one database the same file.
        #[arg(long, value_name = "PATH", default_value = hallvote_server::config::DEFAULT_KEY_FILE)]
        key_file: PathBuf,
        /// Speak TLS with this certificate chain (PEM, end-entity first); needs --tls-key.
        #[arg(long, value_name = "PEM", requires = "tls_key", conflicts_with = "tls_self_signed")]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM).
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Speak TLS with a self-signed certificate, for a hall LAN: made on first
        /// start beside the key file (hallvote-tls.pem, hallvote-tls.key) and reused
        /// after; stations pin its fingerprint from their enrolment QR code.
        #[arg(long)]
        tls_self_signed: bool,
        /// The other hall server's address (http(s)://HOST:PORT), for a hall with a
        /// standby server: written into every enrolment QR code, so that stations
        /// try it when this server does not answer (docs/guide, "two machines").
        #[arg(long, value_name = "URL")]
        peer_url: Option<String>,
        /// Run as the standby hall server on a PostgreSQL streaming replica: do not
        /// listen, nor write, until the replica has been promoted; then take over.
        #[arg(long)]
        standby: bool,
        /// With --standby: promote the replica after the primary server (--peer-url)
        /// has not accepted a connection for this many seconds. Without it the
        /// operator promotes (pg_ctlcluster 15 main promote).
        #[arg(long, value_name = "SECONDS", requires_all = ["standby", "peer_url"])]
        promote_after: Option<u64>,
    },
    /// A township congress session on this machine, to look around: a server on
    /// SQLite in a temporary folder, seeded with a 120-delegate roll and the session's
    /// polls. Prints the addresses, logins and a few delegate cards; Ctrl-C stops it
    /// and removes the folder.
    Demo {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = hallvote_server::config::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
        /// Run the session end to end without pages, with N delegates: check-in,
        /// issuance, voting with random valid choices and a few challenges, the key
        /// ceremonies and decryption by 3 of 5 scrutineers, signatures; prints the
        /// result sheets, writes the records and verifies them (exit 0 only if all do).
        #[arg(long, value_name = "N")]
        simulate: Option<usize>,
        /// Where --simulate writes one election record per poll.
        #[arg(long, value_name = "DIR", requires = "simulate")]
        record_dir: Option<PathBuf>,
        /// Language of the printed result sheets: zh-CN (default) or en.
        #[arg(long, default_value = "zh-CN")]
        lang: String,
    },
    /// Measure the cast endpoint: a server on a local port, a poll with the
    /// 11-candidate election, and many booths casting over HTTP (docs/PERFORMANCE.md).
    /// Uses a new SQLite file in a temporary folder, or a new schema (dropped after)
    /// in the PostgreSQL database given with --db.
    Loadtest {
        /// postgres://HOST/DB to measure PostgreSQL; SQLite if not given.
        #[arg(long, value_name = "URL")]
        db: Option<String>,
        /// Booths casting at once.
        #[arg(long, default_value_t = 200)]
        booths: usize,
        /// Ballots cast in each of the two measurements.
        #[arg(long, default_value_t = 3000)]
        ballots: usize,
        /// Casts per second in the latency measurement.
        #[arg(long, default_value_t = 500.0)]
        rate: f64,
        /// Then cast as many again at --rate while 2,000 idle connections, 300
        /// hall-display event streams and 150 clients sending wrong logins, from
        /// other loopback addresses, press on the server.
        #[arg(long)]
        hostile: bool,
        /// With --hostile: the idle connections, instead of 2,000.
        #[arg(long, value_name = "N", requires = "hostile")]
        idle: Option<usize>,
        /// With --hostile: the event streams, instead of 300.
        #[arg(long, value_name = "N", requires = "hostile")]
        streams: Option<usize>,
        /// With --hostile: the clients sending wrong logins, instead of 150.
        #[arg(long, value_name = "N", requires = "hostile")]
        logins: Option<usize>,
        /// Run the server in a process of its own (`hallvote loadtest-server`), as in
        /// a hall where the booths are other machines: its CPU time per cast is then
        /// read apart from the load generator's.
        #[arg(long)]
        server_process: bool,
        /// With --server-process: start the server with this command before its own
        /// (e.g. "taskset -c 1" or "valgrind --tool=callgrind"), split at spaces.
        #[arg(long, value_name = "COMMAND", requires = "server_process")]
        server_wrapper: Option<String>,
    },
    /// The server of `hallvote loadtest --server-process`: serves the store at --db
    /// (made and migrated by the load test) on a new loopback port, prints
    /// `listening on ADDR`, and stops when its standard input closes.
    #[command(hide = true)]
    LoadtestServer {
        /// The store's URL (sqlite://… or postgres://…).
        #[arg(long, value_name = "URL")]
        db: String,
    },
    /// A voting booth (投票机): enrols with the one-time code from the organiser's
    /// console, then serves the booth's touch pages on 127.0.0.1 for a Chromium
    /// window in kiosk mode. With --headless it casts one ballot and prints the
    /// receipt as JSON (docs/stations.md).
    Booth {
        /// The station's folder: station.json and station.key (mode 0600).
        #[arg(long, value_name = "DIR", default_value = "hallvote-booth")]
        dir: PathBuf,
        /// Enrol first with this enrolment QR text (HVENROL1:…).
        #[arg(long, value_name = "TEXT")]
        enrol: Option<String>,
        /// Where the booth's pages listen.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8181")]
        listen: std::net::SocketAddr,
        /// Cast one ballot without pages and print the receipt as JSON.
        #[arg(long, requires_all = ["credential", "choices"])]
        headless: bool,
        /// The ballot credential's QR text (HVCRED1:…), with --headless.
        #[arg(long, value_name = "TEXT", requires = "headless")]
        credential: Option<String>,
        /// The choices file (JSON), with --headless.
        #[arg(long, value_name = "FILE", requires = "headless")]
        choices: Option<PathBuf>,
    },
    /// A desk (报到处): enrols with the one-time code from the organiser's console,
    /// then serves the desk's pages on 127.0.0.1: scan a delegate card, check in,
    /// issue and print a ballot credential for each open poll (docs/stations.md).
    Desk {
        /// The station's folder: station.json and station.key (mode 0600).
        #[arg(long, value_name = "DIR", default_value = "hallvote-desk")]
        dir: PathBuf,
        /// Enrol first with this enrolment QR text (HVENROL1:…).
        #[arg(long, value_name = "TEXT")]
        enrol: Option<String>,
        /// Where the desk's pages listen.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8182")]
        listen: std::net::SocketAddr,
    },
    /// A scrutineer's station (监票人): enrols with the one-time code from the
    /// organiser's console, then serves on 127.0.0.1 the key ceremony, the share file
    /// (saved with a passphrase, with a paper backup), the decryption and the review
    /// and signature of the result (docs/stations.md).
    Scrutineer {
        /// The station's folder: station.json and station.key (mode 0600).
        #[arg(long, value_name = "DIR", default_value = "hallvote-scrutineer")]
        dir: PathBuf,
        /// Enrol first with this enrolment QR text (HVENROL1:…).
        #[arg(long, value_name = "TEXT")]
        enrol: Option<String>,
        /// Where the station's pages listen (a loopback address only).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8183")]
        listen: std::net::SocketAddr,
        /// Where share files are saved (the station folder's shares/ if not given);
        /// a USB stick kept by the scrutineer is a good place.
        #[arg(long, value_name = "DIR")]
        share_dir: Option<PathBuf>,
    },
    /// Check election records step by step (docs/spec/13-verifier.md), like `hallvote-verify`.
    Verify {
        /// Print one JSON document instead of the step lines (in both languages).
        #[arg(long)]
        json: bool,
        /// Language of the report: zh-CN or en. Default: zh-CN if LC_ALL, or else LANG,
        /// starts with zh (zh_CN.UTF-8); otherwise en.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Do not verify: print the record's contents as JSON for people (spec §12.10);
        /// exit 0 if the file decodes as a record, 2 if not. Takes one record.
        #[arg(long, conflicts_with = "json")]
        dump: bool,
        /// The election fingerprint from the scrutineers' minutes (XXXXX-XXXXX-XXXXX-XXXXX):
        /// without it (or an officer key) only the record's consistency is checked.
        #[arg(long, value_name = "FINGERPRINT")]
        expect: Option<String>,
        /// A scrutineer's or counter's key fingerprint from the minutes (repeatable).
        #[arg(long = "officer-key", value_name = "FINGERPRINT")]
        officer_keys: Vec<String>,
        /// A delegate's receipt (HVRCPT1:…, or the address its QR code holds; repeatable).
        #[arg(long = "receipt", value_name = "TEXT")]
        receipts: Vec<String>,
        /// A file of receipts, one per line.
        #[arg(long = "receipts", value_name = "FILE")]
        receipts_file: Option<PathBuf>,
        /// A file of tree heads observed on the hall display (HVHEAD1:…, one per line).
        #[arg(long, value_name = "FILE")]
        heads: Option<PathBuf>,
        /// The record files (.hvrec).
        #[arg(required = true)]
        records: Vec<PathBuf>,
    },
    /// Count a poll from a scenario file and print the result sheet (docs/count.md).
    Count {
        /// The scenario: attendance, ballots and per-contest totals (JSON).
        scenario: PathBuf,
        /// Print the result as JSON instead of the result sheet.
        #[arg(long)]
        json: bool,
        /// A built-in ruleset (township-2020, township-1990, county) or a ruleset file;
        /// overrides the scenario's.
        #[arg(long, value_name = "NAME|FILE")]
        ruleset: Option<String>,
        /// Language of the sheet and of reasons: zh-CN (default) or en.
        #[arg(long, default_value = "zh-CN", value_parser = parse_lang)]
        lang: Lang,
    },
}

type Headless = (Option<String>, Option<PathBuf>);

fn station_process(what: &str, work: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    let result = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt.block_on(work),
        Err(e) => Err(format!("cannot start: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hallvote {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn booth(dir: PathBuf, enrol: Option<String>, listen: std::net::SocketAddr, headless: Option<Headless>) -> ExitCode {
    station_process("booth", async move {
        match headless {
            None => hallvote_kiosk::run::booth(hallvote_kiosk::run::StationOptions { dir, enrol, listen }).await,
            Some((credential, choices)) => {
                if let Some(code) = &enrol {
                    hallvote_kiosk::run::station(&dir, Some(code), hallvote_kiosk::run::BOOTH).await?;
                }
                let path = choices.unwrap_or_default();
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let choices: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                let receipt =
                    hallvote_kiosk::run::headless_cast(&dir, credential.as_deref().unwrap_or_default(), &choices)
                        .await?;
                println!("{}", serde_json::to_string_pretty(&receipt).map_err(|e| e.to_string())?);
                Ok(())
            }
        }
    })
}

/// Exit status for bad input (a file that cannot be read or parsed, inconsistent figures).
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve {
            db,
            listen,
            key_file,
            tls_cert,
            tls_key,
            tls_self_signed,
            peer_url,
            standby,
            promote_after,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(hallvote_server::config::TlsSource::Files { cert, key }),
                _ if tls_self_signed => Some(hallvote_server::config::TlsSource::SelfSigned),
                _ => None,
            };
            let standby = standby.then(|| hallvote_server::standby::StandbyOptions {
                database_url: hallvote_server::ServeConfig::database_url_from_arg(&db),
                promote_after: promote_after.map(std::time::Duration::from_secs),
                peer_url: peer_url.clone(),
            });
            serve(&db, listen, key_file, tls, peer_url, standby)
        }
        Command::Demo { listen, simulate, record_dir, lang } => demo::run(demo::DemoOptions {
            listen,
            simulate,
            record_dir,
            lang: if lang == "en" { Lang::En } else { Lang::ZhCn },
        }),
        Command::Desk { dir, enrol, listen } => station_process("desk", async move {
            hallvote_kiosk::run::desk(hallvote_kiosk::run::StationOptions { dir, enrol, listen }).await
        }),
        Command::Scrutineer { dir, enrol, listen, share_dir } => station_process("scrutineer", async move {
            hallvote_kiosk::scrutineer::serve(hallvote_kiosk::scrutineer::ScrutineerOptions {
                dir,
                enrol,
                listen,
                share_dir,
            })
            .await
        }),
        Command::Booth { dir, enrol, listen, headless, credential, choices } => {
            booth(dir, enrol, listen, headless.then_some((credential, choices)))
        }
        Command::LoadtestServer { db } => loadtest_server(&db),
        Command::Loadtest {
            db,
            booths,
            ballots,
            rate,
            hostile,
            idle,
            streams,
            logins,
            server_process,
            server_wrapper,
        } => {
            let full = hallvote_server::loadtest::Hostile::HALL_TEST;
            let hostile = hostile.then(|| hallvote_server::loadtest::Hostile {
                idle: idle.unwrap_or(full.idle),
                streams: streams.unwrap_or(full.streams),
                logins: logins.unwrap_or(full.logins),
            });
            let server = server_process.then(|| server_wrapper.unwrap_or_default());
            loadtest(db, booths, ballots, rate, hostile, server)
        }
        Command::Verify { dump: true, records, .. } => dump(&records),
        Command::Verify { json, lang, records, expect, officer_keys, receipts, receipts_file, heads, .. } => {
            let mut pins = hallvote_tally::record::Pins { fingerprint: expect, officer_keys, receipts, heads: vec![] };
            for (file, into) in [(receipts_file, &mut pins.receipts), (heads, &mut pins.heads)] {
                let Some(file) = file else { continue };
                match std::fs::read_to_string(&file) {
                    Ok(text) => into.extend(hallvote_tally::record::Pins::lines(&text)),
                    Err(e) => {
                        eprintln!("hallvote verify: {}: {e}", file.display());
                        return ExitCode::from(BAD_INPUT);
                    }
                }
            }
            let lang = lang.unwrap_or_else(|| {
                let var = |name| std::env::var(name).ok();
                hallvote_tally::record::lang_from_locale(var("LC_ALL").as_deref(), var("LANG").as_deref())
            });
            verify(&records, &pins, json, lang)
        }
        Command::Count { scenario, json, ruleset, lang } => match count(&scenario, ruleset.as_deref(), json, lang) {
            Ok(out) => {
                println!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("hallvote count: {}", e.get(lang));
                ExitCode::from(BAD_INPUT)
            }
        },
    }
}

fn serve(
    db: &str,
    listen: std::net::SocketAddr,
    key_file: PathBuf,
    tls: Option<hallvote_server::config::TlsSource>,
    peer_url: Option<String>,
    standby: Option<hallvote_server::standby::StandbyOptions>,
) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = hallvote_server::ServeConfig {
        database_url: hallvote_server::ServeConfig::database_url_from_arg(db),
        listen,
        key_file,
        tls,
        connections: Default::default(),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hallvote serve: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(url) = &peer_url {
        let https = url.starts_with("https://");
        if hallvote_server::stations_protocol::check_server_url(url).is_err() || https != config.tls.is_some() {
            eprintln!(
                "hallvote serve: --peer-url {url}: an http(s)://HOST:PORT address of the same scheme as this server                  (both speak TLS with the same certificate, or neither does)                  (另一台服务器的地址须与本服务器同为 https 或同为 http)"
            );
            return ExitCode::from(BAD_INPUT);
        }
    }
    runtime.block_on(async {
        if let Some(standby) = &standby {
            let said = |line: &str| println!("hallvote serve: {line}");
            if let Err(e) = hallvote_server::standby::wait_for_promotion(standby, said).await {
                eprintln!("hallvote serve: {e}");
                return ExitCode::FAILURE;
            }
            println!(
                "hallvote serve: 数据库可写，备用服务器接管 / the database accepts writes: the standby takes over"
            );
        }
        let server = match hallvote_server::Server::bind(&config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("hallvote serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        let server = match peer_url {
            Some(url) => server.with_peer_url(url),
            None => server,
        };
        let addr = server.local_addr().map_or_else(|_| listen.to_string(), |a| a.to_string());
        let scheme = if server.tls().is_some() { "https" } else { "http" };
        println!("hallvote serve: 服务地址 / server: {scheme}://{addr}/  (状态 / status: {scheme}://{addr}/healthz)");
        if let Some(tls) = server.tls() {
            println!("hallvote serve: TLS 证书指纹 / TLS certificate fingerprint: {}", tls.fingerprint);
            if tls.created {
                println!("hallvote serve: 已新建自签名证书 / new self-signed certificate: {}", tls.cert_file.display());
            }
        }
        println!("hallvote serve: 数据库 / database: {}", redact_url(&config.database_url));
        if let Some(password) = &server.first_password {
            println!(
                "hallvote serve: 首个会务组账号 / first organiser account: {}",
                hallvote_server::serve::FIRST_ORGANISER
            );
            println!(
                "hallvote serve: 一次性密码（只显示这一次）/ one-time password (shown only now): {}",
                password.as_str()
            );
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match server.run(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hallvote serve: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

fn loadtest(
    db: Option<String>,
    booths: usize,
    ballots: usize,
    rate: f64,
    hostile: Option<hallvote_server::loadtest::Hostile>,
    server_process: Option<String>,
) -> ExitCode {
    if booths == 0 || ballots == 0 || rate.is_nan() || rate <= 0.0 {
        eprintln!("hallvote loadtest: --booths, --ballots and --rate must be positive");
        return ExitCode::from(BAD_INPUT);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hallvote loadtest: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The hostile clients and the server share this process's descriptors.
    hallvote_server::listen::raise_descriptor_limit();
    let cfg = hallvote_server::loadtest::LoadConfig { booths, ballots, rate, hostile, quiet: true };
    runtime.block_on(async move {
        let dir = std::env::temp_dir().join(format!("hallvote-loadtest-{}", std::process::id()));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("hallvote loadtest: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        let (store, backend, schema, url) = match hallvote_server::loadtest::open_store(db.as_deref(), &dir).await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("hallvote loadtest: {e}");
                return ExitCode::FAILURE;
            }
        };
        let result = match server_process {
            None => {
                let result = hallvote_server::loadtest::run(store.clone(), &cfg).await;
                store.close().await;
                result
            }
            Some(wrapper) => {
                let made = hallvote_server::loadtest::create_organiser(&store).await;
                store.close().await;
                match made {
                    Ok(()) => loadtest_in_two_processes(&url, &wrapper, &cfg).await,
                    Err(e) => Err(e),
                }
            }
        };
        if let (Some(url), Some(schema)) = (db.as_deref(), schema) {
            hallvote_server::loadtest::drop_schema(url, &schema).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
        match result {
            Ok(report) => {
                println!("{}", hallvote_server::loadtest::render(&report, backend, &cfg));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("hallvote loadtest: failed: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Starts `hallvote loadtest-server` on the store at `url` (under `wrapper`, if
/// any), then measures it from this process.
async fn loadtest_in_two_processes(
    url: &str,
    wrapper: &str,
    cfg: &hallvote_server::loadtest::LoadConfig,
) -> Result<hallvote_server::loadtest::LoadReport, hallvote_server::loadtest::LoadError> {
    use hallvote_server::loadtest::LoadError;
    use tokio::io::AsyncBufReadExt;
    let exe = std::env::current_exe().map_err(LoadError::new)?;
    let mut words = wrapper.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = tokio::process::Command::new(program);
            c.args(words).arg(&exe);
            c
        }
        None => tokio::process::Command::new(&exe),
    };
    command.args(["loadtest-server", "--db", url]);
    command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).kill_on_drop(true);
    let mut child = command.spawn().map_err(LoadError::new)?;
    let pid = child.id().ok_or_else(|| LoadError::new("the server process has no id"))?;
    let stdout = child.stdout.take().ok_or_else(|| LoadError::new("the server process has no output"))?;
    let mut line = String::new();
    tokio::io::BufReader::new(stdout).read_line(&mut line).await.map_err(LoadError::new)?;
    let addr: std::net::SocketAddr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| LoadError::new(format!("the server process said {line:?}, not its address")))?;
    eprintln!("hallvote loadtest: the server is process {pid}, listening on {addr}");
    let result = hallvote_server::loadtest::measure(addr, Some(pid), cfg).await;
    // Its standard input closes: the server stops.
    drop(child.stdin.take());
    let _ = child.wait().await;
    result
}

/// `hallvote loadtest-server`: the load test's server in a process of its own.
fn loadtest_server(db: &str) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hallvote loadtest-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    hallvote_server::listen::raise_descriptor_limit();
    runtime.block_on(async move {
        let store = match hallvote_server::db::Store::open(db).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("hallvote loadtest-server: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = match hallvote_server::loadtest::serve_only(store.clone()).await {
            Ok(a) => a,
            Err(e) => {
                eprintln!("hallvote loadtest-server: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {addr}");
        // Until the load test closes this process's standard input (or ends).
        let _ = tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink())).await;
        store.close().await;
        ExitCode::SUCCESS
    })
}

/// A database URL without any password in it, for printing.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn verify(records: &[PathBuf], pins: &hallvote_tally::record::Pins, json: bool, lang: Lang) -> ExitCode {
    let mut rng = rand::rng();
    let mut reports = Vec::new();
    for path in records {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("hallvote verify: {}: {e}", path.display());
                return ExitCode::from(BAD_INPUT);
            }
        };
        let report = hallvote_tally::record::verify_record_pinned(&bytes, pins, &mut rng);
        reports.push((path.display().to_string(), report));
    }
    let (out, ok) = hallvote_tally::record::render_reports(&reports, json, lang);
    print!("{out}");
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// `hallvote verify --dump RECORD`: the record as JSON for people, not verified.
fn dump(records: &[PathBuf]) -> ExitCode {
    let [path] = records else {
        eprintln!("hallvote verify: --dump takes exactly one record");
        return ExitCode::from(BAD_INPUT);
    };
    let dumped = std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| hallvote_tally::record::dump_record(&b).map_err(|e| e.to_string()));
    match dumped {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hallvote verify: {}: {e}", path.display());
            ExitCode::from(BAD_INPUT)
        }
    }
}

fn count(path: &Path, ruleset: Option<&str>, json: bool, lang: Lang) -> Result<String, Text> {
    let scenario = Scenario::read(path).map_err(|e| e.text())?;
    let ruleset = match ruleset {
        Some(name) if BUILTIN.contains(&name) => Ruleset::builtin(name).map_err(|e| e.text())?,
        Some(file) => Ruleset::from_json(&read(Path::new(file))?).map_err(|e| e.text())?,
        None => scenario.ruleset().map_err(|e| e.text())?,
    };
    let result = scenario.count(&ruleset).map_err(|e| e.text())?;
    Ok(if json {
        result_json(&result, lang)
    } else {
        let heading =
            Heading { session: scenario.session.clone(), date: scenario.date.clone(), place: scenario.place.clone() };
        render(&result, &heading, lang)
    })
}

fn read(path: &Path) -> Result<String, Text> {
    std::fs::read_to_string(path).map_err(|e| {
        let p = path.display();
        Text::new(format!("无法读取 {p}：{e}"), format!("cannot read {p}: {e}"))
    })
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use zh-CN or en"))
}

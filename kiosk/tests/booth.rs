//! The booth against a real server on a local port: a cast whose reply is lost is
//! sent again and ends as one ballot with one receipt; a challenged ballot opens to
//! the marks the booth encrypted, is on the board as spoiled, and is not a cast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hallvote_kiosk::booth::{Booth, BoothError, check_challenged};
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::link::{Link, Refused};
use hallvote_kiosk::run::parse_choices;
use hallvote_protocol::stations::StationKind;
use hallvote_tally::Lang;
use http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const DELEGATES: usize = 8;

/// A TCP relay in front of the server that, while `drops` is above zero, passes a
/// request on but cuts the connection instead of passing the reply back: the server
/// has done the work, the booth never hears of it.
async fn lossy_relay(server: SocketAddr, drops: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let drops = Arc::clone(&drops);
            tokio::spawn(async move {
                let mut upstream = TcpStream::connect(server).await.unwrap();
                let lose = drops.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| d.checked_sub(1)).is_ok();
                if !lose {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    return;
                }
                // Relay the request, wait for the first bytes of the reply, then cut both sides.
                let (mut cr, _cw) = client.split();
                let (mut ur, mut uw) = upstream.split();
                let mut buf = vec![0u8; 1 << 16];
                let mut reply = [0u8; 1];
                loop {
                    tokio::select! {
                        n = cr.read(&mut buf) => match n {
                            Ok(0) | Err(_) => return,
                            Ok(n) => { let _ = uw.write_all(&buf[..n]).await; }
                        },
                        _ = ur.read(&mut reply) => return,
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cast_whose_reply_is_lost_is_sent_again_and_gives_one_ballot_and_the_same_receipt() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处").await.link().unwrap());
    let (name, credential) = desk.issue(hall.poll, &CardScan::Number("L00001".into())).await.unwrap();
    assert_eq!(name, "代表1");

    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let drops = Arc::new(AtomicUsize::new(0));
    let relay = lossy_relay(hall.addr, Arc::clone(&drops)).await;
    let link = Link::new(&format!("http://{relay}"), None).unwrap().signed_by(Arc::clone(&booth_station.identity));
    let booth = Booth::new(link);
    let visit = booth.begin(&credential).await.unwrap();
    let choices = json!({"committee": ["for", "for", "against", null, "abstain"], "report": ["赞成"]});
    let sealed = booth.seal(&visit, &parse_choices(&visit.ballot.manifest.poll, &choices).unwrap()).unwrap();

    drops.store(1, Ordering::SeqCst);
    let receipt = booth.cast(&visit, &sealed).await.unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0, "the first reply was lost and the booth sent the ballot again");
    assert_eq!(receipt.kind, "cast");
    assert_eq!(receipt.tracking, sealed.tracking.to_string());

    // Exactly one entry on the board, and it is the receipt's.
    let board = hall.board().await;
    assert_eq!(board["size"], 1, "{board}");
    let public = Link::new(&hall.url, None).unwrap();
    let code = receipt.tracking.replace('-', "");
    let found = public.call(Method::GET, &format!("/api/polls/{}/board/{code}", hall.poll), None).await.unwrap();
    let entries = found.json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["position"], receipt.position);
    assert_eq!(entries[0]["head"], receipt.head.as_str());
    assert_eq!(entries[0]["signature"], receipt.signature.as_str());

    // Sending it once more gives the very same receipt, and the board does not grow.
    assert_eq!(booth.cast(&visit, &sealed).await.unwrap(), receipt);
    assert_eq!(hall.board().await["size"], 1);

    // A different ballot with the spent credential is refused.
    let other = booth.seal(&visit, &parse_choices(&visit.ballot.manifest.poll, &json!({})).unwrap()).unwrap();
    match booth.cast(&visit, &other).await {
        Err(BoothError::Refused(Refused { code, .. })) => assert_eq!(code, "credential_already_spent"),
        other => panic!("{other:?}"),
    }
    assert_eq!(hall.board().await["size"], 1);
    // Scanned again, the spent credential is refused before any ballot shows
    // (issue 16), in the booth's words, without the raw code.
    match booth.begin(&credential).await {
        Err(e @ BoothError::CredentialSpent) => {
            assert!(e.message(Lang::ZhCn).starts_with("这张选票凭证已经投过票"), "{e}");
            assert!(e.message(Lang::En).starts_with("This ballot credential has already been used"), "{e}");
        }
        other => panic!("a spent credential must not open the ballot: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenged_ballot_opens_to_the_marks_encrypted_and_is_spoiled_not_cast() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处").await.link().unwrap());
    let (_, credential) = desk.issue(hall.poll, &CardScan::Number("L00002".into())).await.unwrap();
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机1").await.link().unwrap());
    let visit = booth.begin(&credential).await.unwrap();
    let poll = &visit.ballot.manifest.poll;

    let first = parse_choices(poll, &json!({"committee": ["for", "against", "for", "for", null]})).unwrap();
    let sealed = booth.seal(&visit, &first).unwrap();
    let spoiled = booth.challenge(&visit, &sealed).await.unwrap();
    assert_eq!(spoiled.kind, "spoiled");

    // The opening, as the board holds it, reproduces the ballot and shows the marks.
    let public = Link::new(&hall.url, None).unwrap();
    let code = spoiled.tracking.replace('-', "");
    let found = public.call(Method::GET, &format!("/api/polls/{}/board/{code}", hall.poll), None).await.unwrap();
    assert_eq!(found.json["entries"][0]["kind"], "spoiled");
    let opened = check_challenged(&visit.ballot, &sealed.bytes, &sealed.opening_bytes()).unwrap();
    assert_eq!(opened, first);

    // The delegate marks again; the new encryption differs, and the cast is the only cast.
    let second = parse_choices(poll, &json!({"committee": [null, null, "for", null, "for"]})).unwrap();
    let resealed = booth.seal(&visit, &second).unwrap();
    assert_ne!(resealed.tracking, sealed.tracking);
    let cast = booth.cast(&visit, &resealed).await.unwrap();
    assert_eq!((cast.kind.as_str(), cast.position), ("cast", 1));
    // The spoiled ballot cannot be cast after it was opened.
    match booth.cast(&visit, &sealed).await {
        Err(BoothError::Refused(_)) => {}
        other => panic!("a challenged ballot must not be castable: {other:?}"),
    }
    assert_eq!(hall.board().await["size"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_vote_cannot_be_sealed_and_a_forged_credential_is_refused_before_the_ballot_shows() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    // L00004 leaves before the poll opens and comes back after: not present for it.
    let movement = |what: &str| format!("/api/sessions/{}/{what}", hall.session);
    hall.org
        .call::<serde_json::Value>(Method::POST, &movement("checkout"), Some(json!({"card": "L00004"})))
        .await
        .unwrap();
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    hall.org
        .call::<serde_json::Value>(Method::POST, &movement("checkin"), Some(json!({"card": "L00004"})))
        .await
        .unwrap();
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处").await.link().unwrap());
    let (_, credential) = desk.issue(hall.poll, &CardScan::Number("L00003".into())).await.unwrap();
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机1").await.link().unwrap());
    let visit = booth.begin(&credential).await.unwrap();
    let four_for =
        parse_choices(&visit.ballot.manifest.poll, &json!({"committee": ["for", "for", "for", "for", null]})).unwrap();
    assert!(matches!(booth.seal(&visit, &four_for), Err(BoothError::Marks(_))));

    // A delegate who arrived after the poll opened is not issued its ballot (issued
    // may never exceed the present frozen at opening).
    match desk.issue(hall.poll, &CardScan::Number("L00004".into())).await {
        Err(e) => {
            let BoothError::Refused(r) = &e else { panic!("{e:?}") };
            assert_eq!(r.code, "arrived_after_opening");
            assert!(r.message.contains("不计入本次投票的实到人数"), "{}", r.message);
            // An English desk reads the station's own English words, not the code.
            let en = e.message(Lang::En);
            assert!(en.starts_with("This delegate checked in after this poll opened"), "{en}");
            assert!(!en.contains("arrived_after_opening"), "{en}");
        }
        Ok(_) => panic!("a late arrival must not be issued a ballot"),
    }
    // A second credential for the same delegate is refused with its reason.
    match desk.issue(hall.poll, &CardScan::Number("L00003".into())).await {
        Err(BoothError::Refused(Refused { code, .. })) => assert_eq!(code, "already_issued"),
        other => panic!("{other:?}"),
    }
    // A credential with a flipped signature byte does not open the ballot.
    let mut bytes = visit.credential.to_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let forged = hallvote_kiosk::credential_text::CredentialText::encode(
        hall.poll,
        &hallvote_crypto::credential::Credential::from_bytes(&bytes).unwrap(),
    );
    assert!(matches!(booth.begin(&forged).await, Err(BoothError::CredentialInvalid)));
    assert!(matches!(booth.begin("HVCARD1:xyz").await, Err(BoothError::Text(_))));
}

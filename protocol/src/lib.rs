//! The wire protocol between hallvote's hall stations and its server (spec §15).
//!
//! Both sides build on this crate so that they cannot drift apart: the server
//! checks station requests with the same message a station signs, and a station
//! decodes the enrolment QR text the server's console shows. It holds no storage,
//! no clock and no network code: a station (the kiosk) and the server bring those.

pub mod lifecycle;
#[cfg(feature = "pages")]
pub mod pages;
pub mod pinned;
pub mod qr;
pub mod stations;
pub mod web;
pub mod wire;

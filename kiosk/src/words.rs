//! Every word the station pages show, zh-CN first and English, one table per
//! station: [`station`] (what every page shares), [`booth`], [`desk`],
//! [`scrutineer`]. A table is a struct of `&'static str` with one constant per
//! language, picked by [`hallvote_tally::Lang`]; words that take a number or a name
//! are methods of the table. Templates print them escaped like any other value.
//!
//! The reasons a booth or desk request failed are with their errors
//! (`BoothError::words`), the scrutineer's with `ScrutineerError`; what the server
//! refused, by its stable code, is in [`refusals`].

pub mod booth;
pub mod desk;
pub mod refusals;
pub mod scrutineer;
pub mod station;

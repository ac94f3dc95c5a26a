//! Pure domain logic: types that parse rather than validate, and the rules of the product.
//! Nothing here knows about actix or diesel.

pub mod api_key;
pub mod attribution;
pub mod brand;
pub mod campaign;
pub mod channel;
pub mod classify;
pub mod client_ip;
pub mod content;
pub mod conversion;
pub mod csv_cell;
pub mod csv_import;
pub mod email;
pub mod emv;
pub mod follower_history;
pub mod kpi;
pub mod leaderboard;
pub mod mention;
pub mod network;
pub mod password;
pub mod period;
pub mod person;
pub mod qr;
pub mod record;
pub mod referrer;
pub mod safe_path;
pub mod sentiment;
pub mod share;
pub mod share_intent;
pub mod slug;
pub mod snapshot;
pub mod support;
pub mod utm;
pub mod verify;
pub mod visitor;
pub mod visitor_book;

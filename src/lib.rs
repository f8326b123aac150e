//! linkscore: score and rank villages on how well the gains of poverty
//! alleviation carry over into rural revitalization.
//!
//! Data flows one way: [`rubric`] + [`input`] table → [`engine`] (with
//! [`methods`]) → scored table → [`output`] format. [`commands`] wires the
//! subcommands of [`cli`] to that flow.

pub mod cli;
pub mod commands;
pub mod diff;
pub mod disparity;
pub mod dynamics;
pub mod engine;
pub mod error;
pub mod explain;
pub mod files;
pub mod input;
pub mod lang;
pub mod methods;
pub mod outliers;
pub mod output;
pub mod panel;
pub mod params;
pub mod plausibility;
pub mod pooling;
pub mod progress;
pub mod report;
pub mod rubric;
pub mod sensitivity;
pub mod shapes;
pub mod spatial;
pub mod stats;
pub mod util;

pub use error::{Error, Result};

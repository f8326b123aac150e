//! Integration tests: one test binary (SPEC conformance, the CLI, snapshots,
//! properties). Each module is one concern.

mod bombs;
mod cli;
mod contract_properties;
mod data_in;
mod differential;
mod disparity;
mod disparity_sample;
mod dynamics;
mod dynamics_sample;
mod explain;
mod files;
mod hdi;
mod hostile;
mod maths;
mod methods;
mod names;
mod office;
mod offices_in;
mod outliers;
mod panel;
mod panel_outputs;
mod plausibility;
mod properties;
mod report;
mod report_browser;
mod report_linkages;
mod report_map;
mod report_panel;
mod sensitivity;
mod snapshots;
mod spatial;
mod spatial_sample;
mod support;
mod threads;
mod year;

//! The standard library's policy files, embedded at build time from `stdlib/`.
include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

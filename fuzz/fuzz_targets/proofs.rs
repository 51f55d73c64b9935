#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hallvote_fuzzing::crypto::proofs(data));

#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hallvote_fuzzing::stations::credential_text(data));

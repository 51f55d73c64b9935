#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hallvote_fuzzing::roster::roster_xlsx(data));

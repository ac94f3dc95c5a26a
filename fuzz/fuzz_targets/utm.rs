#![no_main]
//! See `tests/fuzz_checks` for the property; SECURITY.md for how to run it.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

use chorus::domain::utm::UtmTags;

type Input = (String, (String, String), [Option<String>; 3], bool);

fuzz_target!(|input: Input| {
    let (url, (source, medium), [campaign, content, term], overwrite) = input;
    let tags = UtmTags {
        campaign,
        content,
        term,
        ..UtmTags::new(source, medium)
    };
    checks::check_compose(&url, &tags, overwrite);
});

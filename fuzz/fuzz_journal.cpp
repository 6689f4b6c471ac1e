// libFuzzer target: a live run's journal and history artifact readers. Built by scripts/fuzz.sh with clang.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lazyscribe_fuzz::load_journal(data, size);
    return 0;
}

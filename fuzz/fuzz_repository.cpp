// libFuzzer target: the repository loader. Built by scripts/fuzz.sh with clang.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lazyscribe_fuzz::load_repository(data, size);
    return 0;
}

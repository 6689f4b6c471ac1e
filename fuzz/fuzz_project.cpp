// libFuzzer target: the project loader. Built by scripts/fuzz.sh with clang.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lazyscribe_fuzz::load_project(data, size);
    return 0;
}

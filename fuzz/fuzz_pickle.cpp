// libFuzzer target: the pickle reader (handlers/pickle.hpp), as JSON and as NumPy arrays. Built
// by scripts/fuzz.sh with clang; seeded from tests/data/pickle (real Python and NumPy pickles).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lazyscribe_fuzz::load_pickle(data, size);
    return 0;
}

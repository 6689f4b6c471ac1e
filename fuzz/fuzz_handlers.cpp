// libFuzzer target: the readers of the npy, onnx, csv and yaml handlers (fuzz_handlers.hpp).
// Built by scripts/fuzz.sh with clang, linking yaml-cpp; seeded from tests/data/handler-seeds
// and the fixtures (JSON is YAML too).
#include "fuzz_handlers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lazyscribe_fuzz::load_handlers(data, size);
    return 0;
}

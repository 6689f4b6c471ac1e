// load_artifact<T, "alias"> with a T the handler cannot read: not_serializable has no serialize.
#include <lazyscribe/lazyscribe.hpp>
#include <lazyscribe/handlers/cereal.hpp>

struct not_serializable {
    int x = 0;
#ifndef LAZYSCRIBE_COMPILE_FAIL
    template <class Archive>
    void serialize(Archive& archive) {
        archive(x);
    }
#endif
};

int main() {
    lazyscribe::basic_artifact_set<lazyscribe::with_cereal> artifacts("out");
    try {
        (void)artifacts.load_artifact<not_serializable, "cereal">("model");
    } catch (const lazyscribe::error&) {
    }
}

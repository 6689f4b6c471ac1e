// log_artifact with an alias that is not in the handler list.
#include <lazyscribe/handlers/cereal.hpp>
#include <lazyscribe/lazyscribe.hpp>

int main() {
    lazyscribe::basic_artifact_set<lazyscribe::with_cereal> artifacts("out");
#ifdef LAZYSCRIBE_COMPILE_FAIL
    artifacts.log_artifact<"jsn">("features", 1);
#else
    artifacts.log_artifact<"json">("features", 1);
#endif
}

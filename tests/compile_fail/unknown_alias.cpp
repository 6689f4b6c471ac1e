// log_artifact with an alias that is not in the handler list.
#include <lazyscribe/lazyscribe.hpp>

int main() {
    lazyscribe::basic_artifact_set<lazyscribe::builtin_handlers> artifacts("out");
#ifdef LAZYSCRIBE_COMPILE_FAIL
    artifacts.log_artifact<"jsn">("features", 1);
#else
    artifacts.log_artifact<"json">("features", 1);
#endif
}

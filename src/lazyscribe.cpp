// The compiled part of lazyscribe::lazyscribe: the built-in handler list's class templates,
// instantiated once here. The headers declare the same list `extern template` when
// LAZYSCRIBE_COMPILED_LIBRARY is defined (the target defines it for its users), so their
// translation units skip the work. Header-only use (lazyscribe::header_only, or just the
// include path) instantiates them where they are used instead.
#include <lazyscribe/live.hpp>
#include <lazyscribe/project.hpp>
#include <lazyscribe/repository.hpp>

namespace lazyscribe {
LAZYSCRIBE_PROJECT_INSTANCES(template)
LAZYSCRIBE_REPOSITORY_INSTANCES(template)
}  // namespace lazyscribe

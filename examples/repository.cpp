// Versioned artifacts: log versions of a model configuration, expire one, cut a release,
// and load by version, by time, as of a time, and from the release.
#include <lazyscribe/lazyscribe.hpp>

#include <iostream>

namespace ls = lazyscribe;

int main() {
    std::filesystem::remove_all("repository-output");
    {
        ls::repository repo("repository-output/repository.json", ls::mode::write);
        repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.1}, {"layers", {64, 32}}});   // version 0
        repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.05}, {"layers", {64, 32}}});  // version 1
        repo.log_artifact<"json">("feature-list", std::vector<std::string>{"age", "income"});
        repo.set_artifact_expiry("model-config", 0);  // withdraw version 0 now
        repo.save();
    }

    ls::repository repo("repository-output/repository.json", ls::mode::read_only);
    const auto latest = repo.load_artifact<ls::json>("model-config");
    const auto first = repo.load_artifact<ls::json>("model-config", {.version = 0});  // expired, still loadable
    const auto created = repo.find_version("model-config").created_at();
    const auto as_of = repo.load_artifact<ls::json>("model-config", {.version = created, .match = ls::match::asof});
    std::cout << "latest " << latest << "\nversion 0 " << first << "\nas of " << ls::format_time(created) << ": "
              << as_of << "\n\n"
              << repo.get_version_diff("model-config", {0, 1}) << "\n\n";

    // A release pins the current version of every artifact; a minimal repository holds just those.
    const ls::release rel = ls::create_release(repo, "1.0.0");
    ls::dump_releases({rel}, std::filesystem::path("repository-output/releases.json"), {{"indent", 4}});
    const auto releases = ls::load_releases("repository-output/releases.json");
    const auto minimal = ls::minimal_repository_from_release("repository-output/minimal-1.0.0", repo,
                                                             ls::find_release(releases, "1.0.0"));
    std::cout << "release " << rel.tag << " pins " << rel.artifacts.size() << " artifacts; minimal repository has "
              << minimal.size() << " entries\n";
    return latest == as_of && minimal.size() == 2 ? 0 : 1;
}

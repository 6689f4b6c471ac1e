#pragma once
// The test S3 server (scripts/s3-server.sh start DIR && source DIR/env) for the tests that run on
// it: its bucket, a prefix of each test's own, and the removal of that prefix's objects. Without
// AWS_ENDPOINT_URL and LAZYSCRIBE_S3_TEST_BUCKET, s3_server() prints the LAZYSCRIBE-SKIP marker
// (ctest reports the test skipped) and the test returns.

#include <lazyscribe/s3.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <utility>

namespace lazyscribe_test {

inline std::string random_name() {
    std::random_device rd;
    return std::to_string(rd()) + std::to_string(rd());
}

/// A prefix of its own in the test bucket.
struct s3_place {
    std::string bucket;
    std::string prefix;  // "<folder>/<random>"
    [[nodiscard]] std::string root() const { return bucket + "/" + prefix; }
    [[nodiscard]] std::string key(const std::string& rel) const { return root() + "/" + rel; }
    [[nodiscard]] std::string url(const std::string& rel) const { return "s3://" + key(rel); }
};

/// The server the environment names, with a fresh prefix under `folder`; or nullopt after
/// printing the skip marker.
inline std::optional<s3_place> s3_server(const std::string& folder) {
    const char* endpoint = std::getenv("AWS_ENDPOINT_URL");
    const char* bucket = std::getenv("LAZYSCRIBE_S3_TEST_BUCKET");
    if (endpoint == nullptr || *endpoint == '\0' || bucket == nullptr || *bucket == '\0') {
        std::cout << "LAZYSCRIBE-SKIP: no S3 server: set AWS_ENDPOINT_URL and LAZYSCRIBE_S3_TEST_BUCKET "
                     "(scripts/s3-server.sh start DIR)\n";
        return std::nullopt;
    }
    return s3_place{bucket, folder + "/" + random_name()};
}

/// Removes every object under the place when the test ends, however it ends.
class s3_cleanup {
public:
    explicit s3_cleanup(s3_place place) : place_(std::move(place)) {}
    ~s3_cleanup() {
        try {
            lazyscribe::s3_storage files(lazyscribe::s3_config::from_environment());
            for (const auto& key : files.list(place_.root())) files.remove(key);
        } catch (const std::exception& e) {
            std::cout << "s3 cleanup of " << place_.root() << " failed: " << e.what() << "\n";
        }
    }
    s3_cleanup(const s3_cleanup&) = delete;
    s3_cleanup& operator=(const s3_cleanup&) = delete;
    s3_cleanup(s3_cleanup&&) = delete;
    s3_cleanup& operator=(s3_cleanup&&) = delete;

private:
    s3_place place_;
};

}  // namespace lazyscribe_test

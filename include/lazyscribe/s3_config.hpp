#pragma once
/// @file s3_config.hpp
/// @brief Where lazyscribe::s3 finds S3 and how it talks to it: the region, the endpoint, the
/// credentials, the transfer settings, resolved from the environment and the AWS CLI's files
/// the way the AWS CLI (botocore) resolves them, so that a machine set up for `aws s3` needs
/// nothing more. Compiled into lazyscribe::s3 (src/s3/config.cpp).
///
/// Credentials never appear in any message lazyscribe produces, errors included.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lazyscribe {

/// @brief The keys requests are signed with; all empty means anonymous (public buckets).
struct s3_credentials {
    std::string access_key_id;
    std::string secret_access_key;
    /// @brief Set for temporary credentials (STS); sent as x-amz-security-token.
    std::string session_token;

    /// @brief True when there is no key pair: requests go unsigned.
    [[nodiscard]] bool empty() const noexcept { return access_key_id.empty() && secret_access_key.empty(); }
};

/// @brief How to reach S3 (or an S3-compatible server) and move objects through it.
struct s3_config {
    /// @brief The region requests are signed for; "us-east-1" when nothing says otherwise.
    std::string region;
    /// @brief A custom endpoint ("http://localhost:9000"); empty for AWS's own,
    /// https://s3.<region>.amazonaws.com.
    std::string endpoint;
    /// @brief Path style (https://host/bucket/key) or virtual-host style
    /// (https://bucket.host/key); unset: path style with a custom endpoint (as botocore does,
    /// and as S3-compatible servers expect), virtual-host style on AWS.
    std::optional<bool> path_style;
    /// @brief Check the server's TLS certificate. Off only for a test server.
    bool verify_tls = true;
    /// @brief A CA bundle file to verify TLS with instead of the system's (AWS_CA_BUNDLE).
    std::string ca_bundle;
    s3_credentials credentials;
    /// @brief The profile the files were read for ("default" unless AWS_PROFILE named one).
    std::string profile;
    std::chrono::milliseconds connect_timeout{10000};
    /// @brief The longest one request may take, the transfer included.
    std::chrono::milliseconds request_timeout{120000};
    /// @brief Attempts per request when the failure is retryable (5xx, throttling, network).
    int max_attempts = 5;
    /// @brief Objects this large or larger are uploaded in parts.
    std::uint64_t multipart_threshold = 64ULL << 20U;
    /// @brief The size of each part but the last; S3 asks at least 5 MiB.
    std::uint64_t part_size = 16ULL << 20U;
    /// @brief Check once per endpoint that the server honours If-None-Match / If-Match on PUT
    /// before relying on it for safe concurrent saves.
    bool probe_conditional_writes = true;

    /// @brief Whether requests put the bucket in the path (see path_style).
    [[nodiscard]] bool uses_path_style() const noexcept { return path_style.value_or(!endpoint.empty()); }

    /// @brief scheme://host[:port] of the endpoint, without a trailing '/': the custom one, or
    /// AWS's for the region (https://s3.us-east-1.amazonaws.com; .amazonaws.com.cn in China).
    /// In virtual-host style the bucket goes in front of the host.
    [[nodiscard]] std::string endpoint_url() const;

    /// @brief The configuration of the running process: from_environment(getenv).
    static s3_config from_environment();

    /// @brief Resolves the configuration as the AWS CLI does, reading variables through `getenv`
    /// (tests pass their own). Each setting comes from the first of these that has it:
    /// - environment: AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
    ///   AWS_REGION, then AWS_DEFAULT_REGION; AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL;
    ///   AWS_CA_BUNDLE; AWS_MAX_ATTEMPTS;
    /// - the profile (AWS_DEFAULT_PROFILE or AWS_PROFILE, else "default") in the credentials file
    ///   (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials), whose keys win, and in the
    ///   config file (AWS_CONFIG_FILE, default ~/.aws/config; sections "[profile name]", and
    ///   "[default]"): aws_access_key_id, aws_secret_access_key, aws_session_token, region,
    ///   endpoint_url, ca_bundle, max_attempts, the nested `s3 =` block (addressing_style,
    ///   multipart_threshold, multipart_chunksize) and `services =` naming a "[services name]"
    ///   section whose nested `s3 =` block may hold endpoint_url;
    /// - the defaults above.
    /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or ignore_configured_endpoint_urls in the
    /// profile) ignores every configured endpoint. No credentials at all is anonymous access,
    /// not an error. Missing files are not errors.
    /// @throws format_error naming the variable, or the file and line: a malformed file, a
    /// profile asked for by name that neither file has, half a key pair, a profile that gets
    /// its credentials some other way (role_arn, sso_*, credential_process), a bad value.
    static s3_config from_environment(const std::function<std::optional<std::string>(const std::string&)>& getenv);
};

}  // namespace lazyscribe

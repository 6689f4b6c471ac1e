#pragma once
/// @file s3.hpp
/// @brief S3-compatible object storage for "s3://bucket/key" paths (target lazyscribe::s3,
/// which links libcurl and OpenSSL's libcrypto; this header includes neither).
///
/// Including this header and linking lazyscribe::s3 registers the "s3" protocol, configured
/// from the environment (s3_config::from_environment()) when the first s3:// path is opened:
///
///     lazyscribe::project p("s3://bucket/prefix/project.json");
///
/// Object keys mirror the local layout exactly (`prefix/project.json`,
/// `prefix/<experiment slug>/<artifact file>`), so Python lazyscribe with s3fs reads the same
/// bucket. Saves use conditional writes (If-None-Match / If-Match) instead of lock files; see
/// docs/storage.md.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <lazyscribe/s3_config.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe {

/// @brief What probe_conditional_writes() found for a bucket.
struct probe_result {
    /// @brief True when the store refused a second create-only PUT and an If-Match with a
    /// stale ETag, and accepted one with the current ETag: write_if() is a real compare-and-swap.
    bool passed = false;
    /// @brief The first check that failed, in words ("the store ignored If-None-Match: *"), or
    /// empty when `passed`.
    std::string failed_check;
    /// @brief True when CompleteMultipartUpload honours If-None-Match too, so write_if() can
    /// stream a body larger than multipart_threshold; otherwise such a body is sent in one PUT.
    bool multipart_conditions = false;
    /// @brief True when If-Match takes the ETag only in double quotes (`"abc"`, as AWS shows
    /// it); false when it takes it bare (Ceph RGW refuses the quoted form). write_if() sends
    /// the form the probe found (bare when the probe is off).
    bool quoted_etags = false;
};

/// @brief A storage on an S3-compatible object store (AWS S3, Ceph RGW, MinIO, ...).
///
/// A path is "bucket/key" (resolve_storage() has removed "s3://"): the first component names
/// the bucket, the rest is the object key. Requests are signed with AWS Signature Version 4
/// (unsigned when the configuration has no credentials), over TLS verified unless the
/// configuration turns verification off. Idempotent requests are retried on connection
/// failures, timeouts, 429 and 5xx answers, up to s3_config::max_attempts, with jittered
/// exponential back-off; a conditional PUT is retried only when nothing reached the server.
///
/// Errors: reads throw path_error, writes save_error; each names the operation, the object
/// (`s3://bucket/key`), the endpoint, the HTTP status and the S3 error code and message (or
/// curl's reason when no answer came). No message carries a credential.
///
/// Thread-safe: one object serves every thread (each thread has its own connection).
class s3_storage final : public storage {
public:
    /// @brief Checks `config` (part sizes, endpoint URL); throws options_error when it cannot work.
    explicit s3_storage(s3_config config);
    ~s3_storage() override;
    s3_storage(const s3_storage&) = delete;
    s3_storage& operator=(const s3_storage&) = delete;
    s3_storage(s3_storage&&) = delete;
    s3_storage& operator=(s3_storage&&) = delete;

    /// @brief GetObject: the whole object, or nullopt on 404.
    std::optional<std::string> read(const std::filesystem::path& file) override;
    /// @brief A stream that fetches the object in ranges of s3_config::part_size, each with
    /// If-Match the first answer's ETag: memory stays at about one range whatever the object's
    /// size, and an object replaced while it is read fails the stream with path_error (the
    /// stream's exceptions() include badbit). nullptr on 404.
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool binary) override;
    /// @brief One PutObject up to s3_config::multipart_threshold bytes; beyond, a multipart
    /// upload whose parts (s3_config::part_size each) go out as `body` writes them, so memory
    /// stays at about one part. If `body` throws or an upload fails, the upload is aborted and
    /// nothing is stored. `durable` changes nothing: a stored object is durable.
    void write(const std::filesystem::path& file, bool binary, const std::function<void(std::ostream&)>& body,
               bool durable) override;
    /// @brief HeadObject: true on 2xx, false on 404.
    bool exists(const std::filesystem::path& file) override;
    /// @brief HeadObject's Content-Length; nullopt on 404.
    std::optional<std::uintmax_t> size(const std::filesystem::path& file) override;
    /// @brief DeleteObject; a missing object is fine.
    void remove(const std::filesystem::path& file) override;
    /// @brief S3 has no append: reads the object with its ETag and writes it back with the
    /// bytes added under If-Match (If-None-Match when new), again on a lost race. Costs the
    /// object's size at each call.
    void append(const std::filesystem::path& file, std::string_view bytes, bool durable) override;
    /// @brief No lock files on object storage: an empty handle (saves use write_if()).
    std::shared_ptr<void> lock(const std::filesystem::path& file) override;
    /// @brief True: saves use write_if(). Whether the store really honours the conditions is
    /// checked per bucket by write_if() (see probe_conditional_writes()).
    [[nodiscard]] bool conditional_writes() const override;
    /// @brief GetObject with the object's ETag (without its double quotes) as the version.
    versioned_bytes read_versioned(const std::filesystem::path& file) override;
    /// @brief PutObject with If-None-Match: * (create only) or If-Match: <ETag>. 412 and 409
    /// are condition_failed; a timeout, a cut connection or a 5xx is outcome_unknown (never
    /// retried: the caller reads back). The first write_if() on a bucket runs
    /// probe_conditional_writes() there (unless s3_config::probe_conditional_writes is false)
    /// and throws save_error, naming the check that failed, when the store ignores conditions.
    /// A body above multipart_threshold streams as a multipart upload only where the probe found
    /// that CompleteMultipartUpload honours the condition (AWS); elsewhere (Ceph RGW 16, or the
    /// probe off) it is held in memory and sent as one conditional PUT (at most 5 GiB).
    write_result write_if(const std::filesystem::path& file, const write_condition& condition, bool binary,
                          const std::function<void(std::ostream&)>& body, bool durable) override;
    /// @brief Throws format_error unless `file`'s normalised key lies under `root`'s (lexically:
    /// object stores have no links).
    void check_inside(const std::filesystem::path& root, const std::filesystem::path& file) override;
    /// @brief "s3://bucket/key".
    [[nodiscard]] std::string display_name(const std::filesystem::path& file) const override;

    /// @brief Checks that the bucket honours conditional writes, with a scratch object
    /// `<prefix>/.lazyscribe-probe-<random>` (removed afterwards): a create-only PUT succeeds,
    /// a second is refused, an If-Match with a wrong ETag is refused, one with the right ETag
    /// succeeds. The result is remembered for the bucket. `bucket_and_prefix` is "bucket" or
    /// "bucket/some/prefix". Throws save_error when the probe itself cannot run (no access, say).
    probe_result probe_conditional_writes(const std::string& bucket_and_prefix);

    /// @brief Every object key under "bucket/prefix" (ListObjectsV2, all pages), as
    /// "bucket/key" paths in the store's order. Throws path_error.
    std::vector<std::string> list(const std::string& bucket_and_prefix);

    /// @brief The keys of the multipart uploads in progress under "bucket/prefix"
    /// (ListMultipartUploads, all pages), as "bucket/key" paths: uploads that a process died
    /// in the middle of stay (and cost storage) until aborted or expired by a lifecycle rule.
    /// Throws path_error.
    std::vector<std::string> list_uploads(const std::string& bucket_and_prefix);

    /// @brief The configuration this storage was made with.
    [[nodiscard]] const s3_config& config() const noexcept;

    /// @brief The largest buffer any of this storage's streams (open(), write()) has held, in
    /// bytes: a test's evidence that memory follows part_size, not the object's size.
    [[nodiscard]] std::size_t peak_stream_buffer() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;  // shared with the streams open() hands out
};

/// @brief Serves "s3://" paths with one s3_storage made from `config` (on the first s3:// path;
/// replaces an earlier registration). The default reads the environment now; the registration
/// this header makes on its own reads it only when the first s3:// path is opened.
void register_s3(s3_config config = s3_config::from_environment());

namespace detail {
/// @brief Registers "s3" with s3_config::from_environment() read lazily, unless something has
/// registered it already.
bool register_s3_from_environment_if_unregistered();
/// @brief Makes including <lazyscribe/s3.hpp> (and linking lazyscribe::s3) enough for
/// "s3://" paths.
inline const bool s3_protocol_registered = register_s3_from_environment_if_unregistered();
}  // namespace detail

}  // namespace lazyscribe

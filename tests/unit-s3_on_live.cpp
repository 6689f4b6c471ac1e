// tests/unit-live.cpp again, on S3: each test that touches storage runs on a fresh prefix of the
// test bucket ("s3://bucket/on-s3/<n>"), through the protocol lazyscribe::s3 registers, as on a
// local folder in the unit binary (tests/support.hpp, test_dir).
#define LAZYSCRIBE_TEST_ON_S3 1
#include "unit-live.cpp"  // NOLINT(bugprone-suspicious-include): the same tests, built for S3

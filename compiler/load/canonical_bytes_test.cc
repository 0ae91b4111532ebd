#include "compiler/load/canonical_bytes.h"

#include <string>

#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace {

TEST(CanonicalBytesTest, WritesSetFieldsInNumberOrder) {
  v1::Rule rule;
  rule.set_reason("r");
  rule.add_verbs("get");
  rule.add_api_groups("");
  rule.add_api_groups("apps");
  v1::LintAllowance& allowance = *rule.add_allow();
  allowance.set_reason("why");
  allowance.set_id("pods-exec");
  EXPECT_EQ(CanonicalBytes(rule),
            "1:[0\"4\"apps]3:[3\"get]6:1\"r8:[{1:9\"pods-exec2:3\"why}]");
  EXPECT_EQ(CanonicalBytes(v1::Rule()), "");
}

TEST(CanonicalBytesTest, SortsMapEntriesByKey) {
  v1::Defaults first;
  first.set_namespace_("default");
  (*first.mutable_labels())["b"] = "2";
  (*first.mutable_labels())["a"] = "1";
  v1::Defaults second;
  (*second.mutable_labels())["a"] = "1";
  (*second.mutable_labels())["b"] = "2";
  second.set_namespace_("default");
  EXPECT_EQ(CanonicalBytes(first),
            "1:7\"default3:[{1:1\"a2:1\"1}{1:1\"b2:1\"2}]");
  EXPECT_EQ(CanonicalBytes(first), CanonicalBytes(second));
}

TEST(CanonicalBytesTest, LengthPrefixesKeepValuesApart) {
  v1::Rule split;
  split.add_verbs("ab");
  split.add_verbs("c");
  v1::Rule joined;
  joined.add_verbs("a");
  joined.add_verbs("bc");
  EXPECT_NE(CanonicalBytes(split), CanonicalBytes(joined));
}

}  // namespace
}  // namespace rbacc
